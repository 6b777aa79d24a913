"""Writing Mermaid flowcharts that render as meant on a forge, at Mermaid's default settings.

Forges render with Mermaid's defaults and do not let a report raise them: a source longer than
`maxTextSize` becomes an error box, more edges than `maxEdges` a render error. A `Flowchart`
therefore counts both as it is written, and a caller checks `fits()` before emitting it (and draws
something smaller when it does not). Every label is escaped with Mermaid's `#<code>;` entities, so a
name with quotes, brackets, `#` or `<` renders as written; the flowchart remembers each label's
text as a reader should see it, so a browser test can compare the two.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum

# Mermaid's defaults (mermaid.initialize: maxTextSize, maxEdges), and what a diagram may use of them.
MAX_TEXT_SIZE = 50_000
MAX_EDGES = 500
TEXT_BUDGET = 40_000
EDGE_BUDGET = 400

# Characters that mean something in flowchart syntax, in HTML, to Mermaid's entity and math handling
# (`#...;`, `$$`), or to its pre-parse clean-up of `style` lines (`:`, `;`, `%`): inside a quoted
# label each is written as an entity code.
_ESCAPED = frozenset('#"<>&[](){}|`$;:%')
_SPACES = re.compile(r"\s+")


def shown(text: str) -> str:
    """The text as a browser shows it: runs of whitespace collapse to one space."""
    return _SPACES.sub(" ", text).strip()


def _escaped(ch: str) -> str:
    if ch == "$":
        # Mermaid looks for `$$...$$` math after decoding entities: each dollar in its own span
        # keeps two of them from ever standing side by side.
        return "<span>#36;</span>"
    return f"#{ord(ch)};" if ch in _ESCAPED else ch


def escape_label(text: str) -> str:
    """One line of label text, safe inside a quoted Mermaid label."""
    return "".join(_escaped(ch) for ch in shown(text))


def node_id(prefix: str, key: str) -> str:
    """A stable, valid node id: a readable slug plus a short hash of the full key."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", key.rsplit("::", 1)[-1]).strip("_")[:32]
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]
    return f"{prefix}_{slug}_{digest}" if slug else f"{prefix}_{digest}"


def text_size(source: str) -> int:
    """The length Mermaid compares with maxTextSize (JavaScript counts UTF-16 code units)."""
    return len(source.encode("utf-16-le")) // 2


class Shape(StrEnum):
    BOX = "box"
    ROUNDED = "rounded"
    HEXAGON = "hexagon"
    CIRCLE = "circle"
    STADIUM = "stadium"
    FLAG = "flag"


_SHAPES: dict[Shape, tuple[str, str]] = {
    Shape.BOX: ("[", "]"),
    Shape.ROUNDED: ("(", ")"),
    Shape.HEXAGON: ("{{", "}}"),
    Shape.CIRCLE: ("((", "))"),
    Shape.STADIUM: ("([", "])"),
    Shape.FLAG: (">", "]"),
}


class Line(StrEnum):
    """Edge strokes: plain link, arrow, dotted arrow, thick link, thick arrow."""

    LINK = "---"
    ARROW = "-->"
    DOTTED = "-.->"
    THICK = "==="
    THICK_ARROW = "==>"


@dataclass(frozen=True)
class Diagram:
    """A finished flowchart: its source and every label as a reader should see it."""

    title: str
    source: str
    nodes: dict[str, str] = field(default_factory=dict)  # node id -> label text (lines joined by "\n")
    clusters: dict[str, str] = field(default_factory=dict)  # subgraph id -> title text
    edge_labels: tuple[str, ...] = ()
    edges: int = 0

    @property
    def size(self) -> int:
        return text_size(self.source)

    def fits(self) -> bool:
        """Under Mermaid's default limits with the margin this project keeps."""
        return self.size <= TEXT_BUDGET and self.edges <= EDGE_BUDGET


class Flowchart:
    """A flowchart written line by line; labels are given as plain text lines and escaped here."""

    def __init__(self, title: str, direction: str = "LR") -> None:
        self.title = title
        self._lines = [f"flowchart {direction}"]
        self._depth = 1
        self._nodes: dict[str, str] = {}
        self._clusters: dict[str, str] = {}
        self._edge_labels: list[str] = []
        self._edges = 0
        self._link_styles: list[str] = []

    def _write(self, text: str) -> None:
        self._lines.append("    " * self._depth + text)

    @staticmethod
    def _label(lines: tuple[str, ...]) -> tuple[str, str]:
        kept = [shown(line) for line in lines if shown(line)]
        return '"' + "<br/>".join(escape_label(line) for line in kept) + '"', "\n".join(kept)

    def class_def(self, name: str, style: str) -> None:
        self._write(f"classDef {name} {style}")

    def node(self, ident: str, *lines: str, shape: Shape = Shape.BOX, css: str = "") -> str:
        if ident in self._nodes:
            return ident
        label, meant = self._label(lines)
        opening, closing = _SHAPES[shape]
        self._write(f"{ident}{opening}{label}{closing}" + (f":::{css}" if css else ""))
        self._nodes[ident] = meant
        return ident

    def has(self, ident: str) -> bool:
        return ident in self._nodes

    def subgraph(self, ident: str, *lines: str, style: str = "") -> _Subgraph:
        return _Subgraph(self, ident, lines, style)

    def _open(self, ident: str, lines: tuple[str, ...]) -> None:
        label, meant = self._label(lines)
        self._write(f"subgraph {ident}[{label}]")
        self._depth += 1
        self._clusters[ident] = meant

    def _close(self, ident: str, style: str) -> None:
        self._depth -= 1
        self._write("end")
        if style:
            self._write(f"style {ident} {style}")

    def edge(self, a: str, b: str, *label: str, line: Line = Line.LINK, style: str = "") -> None:
        text, meant = self._label(label)
        self._write(f"{a} {line}|{text}| {b}" if meant else f"{a} {line} {b}")
        if style:
            self._link_styles.append(f"linkStyle {self._edges} {style}")
        self._edges += 1
        if meant:
            self._edge_labels.append(meant)

    def diagram(self) -> Diagram:
        return Diagram(
            title=self.title,
            source="\n".join([*self._lines, *("    " + s for s in self._link_styles)]) + "\n",
            nodes=dict(self._nodes),
            clusters=dict(self._clusters),
            edge_labels=tuple(self._edge_labels),
            edges=self._edges,
        )


class _Subgraph:
    """`with chart.subgraph(...)`: the subgraph's lines are indented and closed on exit."""

    def __init__(self, chart: Flowchart, ident: str, lines: tuple[str, ...], style: str) -> None:
        self._chart, self._ident, self._lines, self._style = chart, ident, lines, style

    def __enter__(self) -> str:
        self._chart._open(self._ident, self._lines)
        return self._ident

    def __exit__(self, *_: object) -> None:
        self._chart._close(self._ident, self._style)
