"""Find the line of a stack file a finding is about: the config key to blame, else the resource's name.

Stack files are YAML; `yaml.compose` keeps every node's position, so a key such as
`sovcloud:platform.sites.lu.networks[1].ipv4` is followed node by node under `config:`. A finding
about a resource has no key: the best line is where the stack file names that resource (its name,
or the longest dash-separated part of its logical name found as a value), preferring places under
the resource's own site. Anything not found is line 1: a location in the right file still helps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from model.bounded_text import UnreadableFile, read_text
from model.safe_yaml import compose_yaml
from sovcloud.results import key_parts


@dataclass(frozen=True)
class ScalarAt:
    path: tuple[str | int, ...]
    value: str
    line: int  # 1-based


class SourceFile:
    """One YAML file's node tree, for line lookups."""

    def __init__(self, text: str) -> None:
        self.text = text
        try:
            self.root: yaml.Node | None = compose_yaml(text, "source")  # within the readers' limits
        except UnreadableFile:
            self.root = None
        self.scalars: list[ScalarAt] = []
        if self.root is not None:
            self._collect(self.root, ())

    def _collect(self, node: yaml.Node, path: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self._collect(value, (*path, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._collect(item, (*path, index))
        elif isinstance(node, yaml.ScalarNode):
            self.scalars.append(ScalarAt(path, str(node.value), node.start_mark.line + 1))

    def line_of_key(self, key: str) -> int | None:
        """The line of the deepest node of `key` that exists (under `config:` first, then top level)."""
        if self.root is None:
            return None
        parts = key_parts(key)
        for base in (["config"], []):
            line, depth = self._walk([*base, *parts])
            if depth > len(base):
                return line
        return None

    def _walk(self, parts: list[str | int]) -> tuple[int | None, int]:
        node = self.root
        line: int | None = None
        depth = 0
        for part in parts:
            child = _child(node, part)
            if child is None:
                break
            key_line, node = child
            line, depth = key_line, depth + 1
        return line, depth

    def line_of_name(self, names: list[str], site: str | None) -> int | None:
        """The line where the file names a resource: exact value matches, longest name first."""
        for name in names:
            matches = [s for s in self.scalars if s.value == name]
            if not matches:
                continue
            if site:
                on_site = [s for s in matches if site in s.path]
                matches = on_site or matches
            return matches[0].line
        return None


def _child(node: yaml.Node | None, part: str | int) -> tuple[int, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if str(key.value) == part:
                return key.start_mark.line + 1, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item = node.value[part]
        return item.start_mark.line + 1, item
    return None


def name_candidates(resource_name: str, input_name: str | None = None) -> list[str]:
    """Names to look for: the resource's own `name` input, its logical name, then its dash parts."""
    found: list[str] = []
    for candidate in (input_name, resource_name):
        if candidate and candidate not in found:
            found.append(candidate)
    pieces = resource_name.split("-")
    spans = [
        "-".join(pieces[i:j])
        for i in range(len(pieces))
        for j in range(i + 1, len(pieces) + 1)
        if (i, j) != (0, len(pieces))
    ]
    for span in sorted(spans, key=lambda s: (-len(s), s)):
        if len(span) >= 3 and span not in found:
            found.append(span)
    return found


@lru_cache(maxsize=64)
def _load(path: Path, mtime: float) -> SourceFile | None:
    try:
        return SourceFile(read_text(path))  # a pipe or a huge file named by a finding is never opened
    except UnreadableFile:
        return None


def source_file(path: Path) -> SourceFile | None:
    try:
        return _load(path, path.stat().st_mtime)
    except OSError:
        return None


def locate(path: Path, *, key: str | None = None, names: list[str] | None = None, site: str | None = None) -> int:
    """The 1-based line to point at in `path` (1 when nothing better is known)."""
    source = source_file(path)
    if source is None:
        return 1
    if key:
        line = source.line_of_key(key)
        if line is not None:
            return line
    if names:
        line = source.line_of_name(names, site)
        if line is not None:
            return line
    return 1
