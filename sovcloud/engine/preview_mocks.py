"""Mocks that answer the way a preview does: new resources have unknown IDs and echo their inputs.

Reads of other stacks (`StackReference`) are answered from the exports of stacks already run in the
same check. A tenant stack is previewed against a *deployed* platform, whose IDs are known: so the
unknowns of the platform's own preview are replaced by stable stand-in IDs before a tenant reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

STACK_REFERENCE = "pulumi:pulumi:StackReference"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # the SDK's unknown-string sentinel on the wire


def as_deployed(value: Any, path: str = "output") -> Any:
    """Exports as a deployed stack would hold them: every unknown becomes a known, path-derived ID."""
    if isinstance(value, Mapping):
        return {k: as_deployed(v, f"{path}-{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [as_deployed(v, f"{path}-{i}") for i, v in enumerate(value)]
    if value == UNKNOWN:
        return f"{path}-id"
    return value


class PreviewMocks(pulumi.runtime.Mocks):
    """`new_resource` and `call` for an offline preview."""

    def __init__(self, stack_outputs: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        # "org/project/stack" or "stack" -> that stack's exports
        self.stack_outputs = dict(stack_outputs or {})

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.typ == STACK_REFERENCE:
            name = str(args.inputs.get("name") or args.resource_id or args.name)
            outputs = self.stack_outputs.get(name) or self.stack_outputs.get(name.rsplit("/", 1)[-1]) or {}
            return name, {"name": name, "outputs": as_deployed(dict(outputs)), "secretOutputNames": []}
        if args.resource_id:  # a read or import: the resource exists, its ID is known
            return args.resource_id, dict(args.inputs)
        return "", dict(args.inputs)  # preview: the ID of a resource about to be created is unknown

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Data-source reads (roles, images by name...) exist in the cloud: answer with a stable ID."""
        result = dict(args.args)
        name = str(result.get("name") or args.token.rsplit(":", 1)[-1])
        result.setdefault("id", f"{name}-id")
        return result, []
