"""The floor program of the benchmark: the same registrations as ours, bare, and nothing else.

It reads the list written by bench/run.py (type, name, inputs of every resource our program
registered) and registers each as a plain CustomResource / ProviderResource / ComponentResource
with the same inputs: same count, same types, same input sizes, none of our logic.
"""

import json
import os

import pulumi

with open(os.environ["SOVCLOUD_FLOOR_REGISTRATIONS"], encoding="utf-8") as stream:
    registrations = json.load(stream)

for index, (type_token, name, inputs) in enumerate(registrations):
    unique = f"{name}-{index}"
    if type_token.startswith("pulumi:providers:"):
        pulumi.ProviderResource(type_token.removeprefix("pulumi:providers:"), unique, inputs)
    elif inputs is None:
        pulumi.ComponentResource(type_token, unique)
    else:
        pulumi.CustomResource(type_token, unique, inputs)
