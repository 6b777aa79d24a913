"""Edits of a stack document for the broken-config tables: each changes exactly one thing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]


class Mutations:
    """Mutations of the structured config under one key (`sovcloud:platform`, `sovcloud:tenant`)."""

    def __init__(self, body_key: str) -> None:
        self.body_key = body_key

    def body(self, doc: Doc) -> Doc:
        body: Doc = doc["config"][self.body_key]
        return body

    def _at(self, doc: Doc, path: list[str | int]) -> Any:
        target: Any = self.body(doc)
        for part in path:
            target = target[part]
        return target

    def set_in(self, path: list[str | int], value: Any) -> Mutation:
        def mutate(doc: Doc) -> None:
            self._at(doc, path[:-1])[path[-1]] = value

        return mutate

    def rename_key(self, path: list[str | int], old: str, new: str) -> Mutation:
        def mutate(doc: Doc) -> None:
            target = self._at(doc, path)
            target[new] = target.pop(old)

        return mutate
