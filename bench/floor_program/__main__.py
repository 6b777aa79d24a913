"""The floor program of the benchmark: the same registrations as ours, bare, and nothing else.

It reads the list written by bench/run.py (type, name, inputs of every resource our program
registered) and registers each with the same inputs: same count, same types, same input sizes,
none of our logic. Each goes through a one-line subclass, as every provider SDK class and every
component is one: the SDK records a stack trace only for subclasses (it looks for the concrete
class's `__init__`), so registering `pulumi.CustomResource` directly would skip work that no real
program can skip.
"""

import json
import os

import pulumi


class BareResource(pulumi.CustomResource):
    def __init__(self, type_token, name, props):
        super().__init__(type_token, name, props)


class BareProvider(pulumi.ProviderResource):
    def __init__(self, package, name, props):
        super().__init__(package, name, props)


class BareComponent(pulumi.ComponentResource):
    def __init__(self, type_token, name):
        super().__init__(type_token, name)


with open(os.environ["SOVCLOUD_FLOOR_REGISTRATIONS"], encoding="utf-8") as stream:
    registrations = json.load(stream)

for index, (type_token, name, inputs) in enumerate(registrations):
    unique = f"{name}-{index}"
    if type_token.startswith("pulumi:providers:"):
        BareProvider(type_token.removeprefix("pulumi:providers:"), unique, inputs)
    elif inputs is None:
        BareComponent(type_token, unique)
    else:
        BareResource(type_token, unique, inputs)
