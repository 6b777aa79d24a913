"""YAML with limits: nesting depth, size after alias expansion, duplicate keys; errors in one line.

PyYAML composes nodes recursively (20,000 nested brackets end in a RecursionError) and shares an
aliased node without copying it, so an alias bomb ("billion laughs") parses quickly into a
structure that explodes only when something walks it (JSON encoding, validation, a report).
Here the node graph is measured before anything is built: its depth, and its size as if every
alias were expanded. A file over either limit, or naming a key twice (which Pulumi's own YAML
reader refuses), is refused with the reason, never half-read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from model.bounded_text import MAX_FILE_BYTES, UnreadableFile, read_text

MAX_DEPTH = 64
"""Stack config is a handful of levels deep; 64 leaves room and stays far from Python's recursion limit."""
MAX_NODES = 100_000
"""Scalars, lists and mappings after alias expansion: a large stack file has a few thousand."""


class _LimitExceeded(Exception):
    def __init__(self, reason: str, mark: yaml.Mark | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that stops composing past MAX_DEPTH, before Python's recursion limit is near."""

    max_depth = MAX_DEPTH

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def fetch_flow_sequence_start(self) -> None:
        self._check_flow_level()
        super().fetch_flow_sequence_start()  # type: ignore[no-untyped-call]

    def fetch_flow_mapping_start(self) -> None:
        self._check_flow_level()
        super().fetch_flow_mapping_start()  # type: ignore[no-untyped-call]

    def _check_flow_level(self) -> None:
        # The scanner's cost grows with the square of the bracket depth: stop it before composing.
        if self.flow_level >= self.max_depth:  # type: ignore[attr-defined]
            raise _LimitExceeded(f"nests deeper than {self.max_depth} levels", self.get_mark())  # type: ignore[no-untyped-call]

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise _LimitExceeded(f"nests deeper than {self.max_depth} levels", self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


def _measure(root: yaml.Node, max_depth: int, max_nodes: int) -> None:
    """Depth and expanded size of the node graph (each shared node measured once); duplicate keys."""
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (height, expanded size)
    in_progress: set[int] = set()

    def visit(node: yaml.Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in in_progress:
            raise _LimitExceeded("has an alias that refers to itself", node.start_mark)
        if key not in measured:
            in_progress.add(key)
            children: list[yaml.Node] = []
            if isinstance(node, yaml.MappingNode):
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                        if key_node.value in seen:
                            raise _LimitExceeded(f"names the key {key_node.value!r} twice", key_node.start_mark)
                        seen.add(key_node.value)
                    children += (key_node, value_node)
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            height, size = 1, 1
            for child in children:
                child_height, child_size = visit(child, depth + 1)
                height, size = max(height, child_height + 1), size + child_size
                if size > max_nodes:
                    raise _LimitExceeded(f"expands to more than {max_nodes} values (aliases)", node.start_mark)
            in_progress.discard(key)
            measured[key] = (height, size)
        height, size = measured[key]
        if depth + height > max_depth + 1:
            raise _LimitExceeded(f"nests deeper than {max_depth} levels (through aliases)", node.start_mark)
        return height, size

    visit(root, 1)


def _where(mark: yaml.Mark | None) -> str:
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


def compose_yaml(text: str, name: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> yaml.Node | None:
    """The node graph of one YAML document (None when empty), measured against the limits."""
    loader = _BoundedLoader(text)
    loader.max_depth = max_depth
    try:
        node = loader.get_single_node()
        if node is not None:
            _measure(node, max_depth, max_nodes)
        return node
    except _LimitExceeded as error:
        raise UnreadableFile(name, error.reason + _where(error.mark)) from None
    except yaml.MarkedYAMLError as error:
        problem = error.problem or error.context or "invalid YAML"
        raise UnreadableFile(name, f"is not valid YAML: {problem}{_where(error.problem_mark)}") from None
    except yaml.YAMLError as error:
        raise UnreadableFile(name, f"is not valid YAML: {type(error).__name__}") from None
    except RecursionError:
        raise UnreadableFile(name, "nests too deeply to be read") from None
    finally:
        loader.dispose()


class _PlainConstructor(yaml.SafeLoader):
    """SafeLoader's values, except that dates stay the text they were: config values are strings to
    the engine, and a date object would not survive encoding the config as JSON."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:  # type: ignore[override]
        return self.construct_scalar(node)  # type: ignore[arg-type]


_PlainConstructor.add_constructor("tag:yaml.org,2002:timestamp", _PlainConstructor.construct_yaml_timestamp)


def construct_yaml(node: yaml.Node | None, name: str) -> Any:
    """Python values of a measured node graph (tags beyond plain YAML are refused by SafeLoader)."""
    if node is None:
        return None
    loader = _PlainConstructor("")
    try:
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        problem = error.problem or "invalid YAML"
        raise UnreadableFile(name, f"is not valid YAML: {problem}{_where(error.problem_mark)}") from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        raise UnreadableFile(name, f"is not valid YAML: {type(error).__name__}") from None
    finally:
        loader.dispose()


def load_yaml_text(text: str, name: str) -> Any:
    return construct_yaml(compose_yaml(text, name), name)


def load_yaml_file(path: Path, *, shown: str | None = None, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """A YAML file read within every limit, or UnreadableFile naming it and saying why."""
    name = shown or str(path)
    return load_yaml_text(read_text(path, shown=name, max_bytes=max_bytes), name)
