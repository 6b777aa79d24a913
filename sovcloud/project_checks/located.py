"""YAML documents read with their line numbers, and config trees walked leaf by leaf.

The checks report the exact key (`sovcloud:tenant.database.password`) and keep the line it sits on,
so a report can point at it. `secure:` values are leaves of their own: they are never looked into.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from model.bounded_text import UnreadableFile, read_text
from model.safe_yaml import compose_yaml, construct_yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Leaf:
    """One scalar of a document, where it is, and whether it is a `secure:` ciphertext."""

    path: Path_
    value: Any
    line: int  # 1-based
    secure: bool = False


@dataclass(frozen=True)
class Document:
    """A YAML mapping with the line of each key, for stack files and Pulumi.yaml."""

    root: yaml.Node | None
    data: dict[str, Any]

    def node(self, key: str) -> yaml.Node | None:
        return _child(self.root, key)


class DocumentError(ValueError):
    """The file is not YAML (or not a mapping): one line naming the file and the position."""


def load_document(path: Path) -> Document:
    """Read within the limits every stack file is read with (size, depth, aliases, regular file)."""
    try:
        root = compose_yaml(read_text(path), path.name)
        data = construct_yaml(root, path.name)
    except UnreadableFile as error:
        raise DocumentError(error.reason) from None
    if data is None:
        return Document(None, {})
    if not isinstance(data, dict):
        raise DocumentError("the document is not a mapping")
    return Document(root, data)


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node  # type: ignore[no-any-return]
    return None


def leaves(node: yaml.Node | None, prefix: Path_ = ()) -> Iterator[Leaf]:
    """Every scalar under `node`, depth first; `{secure: ...}` mappings are one secure leaf."""
    if node is None:
        return
    if isinstance(node, yaml.MappingNode):
        pairs = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]
        if len(pairs) == 1 and pairs[0][0].value == "secure":
            yield Leaf(prefix, pairs[0][1].value, node.start_mark.line + 1, secure=True)
            return
        for key_node, value_node in pairs:
            yield from leaves(value_node, (*prefix, str(key_node.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from leaves(item, (*prefix, index))
    elif isinstance(node, yaml.ScalarNode):
        yield Leaf(prefix, _scalar(node), node.start_mark.line + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    """The scalar as PyYAML's safe loader would type it (str, int, float, bool, None, date...)."""
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node)  # type: ignore[no-untyped-call]
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]
