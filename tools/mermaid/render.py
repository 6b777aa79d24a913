"""Render the report's Mermaid diagrams in a real browser, and check what a reader would see.

Debian's Chromium, headless, runs the `mermaid` pinned in package-lock.json (installed by `npm ci`
in this directory) with its default configuration on a UTF-8 page, as a forge does. Every diagram
is checked for a render error, an error diagram, and labels whose rendered text differs from the
text the report meant.

    venv/bin/python tools/mermaid/render.py --png docs/topology.png

checks the bundled stacks' picture and writes its screenshot (the one shown in the README).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DRIVER = HERE / "render.mjs"
CHROMIUM = Path(os.environ.get("SOVCLOUD_CHROMIUM", "/usr/bin/chromium"))
TIMEOUT_SECONDS = 600

if str(ROOT) not in sys.path:  # run as a script: the project's packages sit at the root
    sys.path.insert(0, str(ROOT))

from sovcloud.report.mermaid import Diagram  # noqa: E402


@dataclass(frozen=True)
class Rendered:
    """What the browser made of one diagram."""

    name: str
    error: str | None = None
    error_svg: bool = False
    svg_chars: int = 0
    nodes: dict[str, str] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)
    edge_labels: tuple[str, ...] = ()


def unavailable() -> str | None:
    """Why diagrams cannot be rendered here (None when they can)."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    for package in ("mermaid", "playwright-core"):
        if not (HERE / "node_modules" / package / "package.json").is_file():
            return f"{package} is not installed (npm ci in {HERE.relative_to(ROOT)})"
    return None


def render(
    diagrams: Sequence[Diagram], png: Path | None = None, png_titles: Sequence[str] | None = None
) -> tuple[dict[str, Any], list[Rendered]]:
    """Render every diagram in one browser session; the browser's details and one result per diagram.
    With `png`, a screenshot of the diagrams titled `png_titles` (default: all) is written there."""
    reason = unavailable()
    if reason:
        raise RuntimeError(f"cannot render diagrams: {reason}")
    with tempfile.TemporaryDirectory(prefix="sovcloud-mermaid-") as work:
        job, result = Path(work) / "job.json", Path(work) / "result.json"
        payload = {
            "diagrams": [{"name": d.title, "source": d.source} for d in diagrams],
            "png": str(png.resolve()) if png else None,
            "png_names": list(png_titles) if png_titles is not None else None,
            "chromium": str(CHROMIUM),
        }
        job.write_text(json.dumps(payload), encoding="utf-8")
        done = subprocess.run(
            ["node", str(DRIVER), str(job), str(result)],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the browser driver failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        output = json.loads(result.read_text(encoding="utf-8"))
    rendered = [
        Rendered(
            name=item["name"],
            error=item["error"],
            error_svg=item["error_svg"],
            svg_chars=item["svg_chars"],
            nodes=item["nodes"],
            clusters=item["clusters"],
            edge_labels=tuple(item["edge_labels"]),
        )
        for item in output.pop("diagrams")
    ]
    return output, rendered


def problems(diagram: Diagram, rendered: Rendered) -> list[str]:
    """Everything a reader would see differently from what the diagram meant."""
    where = diagram.title
    if rendered.error:
        return [f"{where}: render error: {rendered.error}"]
    found = [f"{where}: Mermaid drew an error diagram"] if rendered.error_svg else []
    for kind, meant, seen in (
        ("node", diagram.nodes, rendered.nodes),
        ("subgraph", diagram.clusters, rendered.clusters),
    ):
        for ident, text in meant.items():
            if ident not in seen:
                found.append(f"{where}: {kind} {ident} was not drawn")
            elif seen[ident] != text:
                found.append(f"{where}: {kind} {ident} reads {seen[ident]!r}, meant {text!r}")
        found += [f"{where}: unexpected {kind} {ident}" for ident in seen.keys() - meant.keys()]
    missing = Counter(diagram.edge_labels) - Counter(rendered.edge_labels)
    extra = Counter(rendered.edge_labels) - Counter(diagram.edge_labels)
    found += [f"{where}: edge label {text!r} not drawn as written" for text in missing.elements()]
    found += [f"{where}: unexpected edge label {text!r}" for text in extra.elements()]
    return found


def check(diagrams: Sequence[Diagram], png: Path | None = None, png_titles: Sequence[str] | None = None) -> list[str]:
    """Render and compare every diagram; the problems found (empty when all render as meant)."""
    _, rendered = render(diagrams, png, png_titles)
    found: list[str] = []
    for diagram, seen in zip(diagrams, rendered, strict=True):
        found += problems(diagram, seen)
    return found


def bundled_diagrams() -> list[Diagram]:
    """The diagrams the markdown report draws for the bundled stacks (the offline check, run here)."""
    from sovcloud.check import CheckOptions, run_check
    from sovcloud.report import address_plan
    from sovcloud.report.diagrams import topology_diagrams
    from sovcloud.report.topology import build_topology

    result = run_check(CheckOptions(project_root=ROOT))
    return topology_diagrams(result, build_topology(result, address_plan(ROOT)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--png", type=Path, help="write a screenshot of the bundled stacks' picture here")
    args = parser.parse_args(argv)
    diagrams = bundled_diagrams()
    # The README shows the federation and one tenant's own diagram; every diagram is checked.
    tenant = next((d.title for d in diagrams if d.title.startswith("Stack tenant-")), None)
    shown = [diagrams[0].title, *([tenant] if tenant else [])]
    found = check(diagrams, args.png, shown)
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"{len(diagrams)} diagrams render as meant" + (f"; wrote {args.png}" if args.png else ""))
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
