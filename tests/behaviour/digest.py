"""What a check declared and found, in a form that survives refactoring: resources by type and name
(never by URN, whose shape the engine decides), their parent, provider, site and a hash of their
inputs; findings by policy, level, resource and message.

`python -m tests.behaviour.digest REPORT.json OUT.json` records a digest from `sovcloud check
--format json`; the behaviour test compares a fresh run against the recorded one.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any


def _type_and_name(urn: str | None) -> list[str] | None:
    if not urn:
        return None
    parts = urn.split("::")
    return [parts[2].split("$")[-1], parts[-1]] if len(parts) >= 4 else [urn]


def _inputs_hash(inputs: Any) -> str:
    return hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()[:16]


def digest(report: dict[str, Any]) -> dict[str, Any]:
    """Per stack: sorted resources and findings; plus the project findings."""
    stacks: dict[str, Any] = {}
    for stack in report["stacks"]:
        resources = sorted(
            [
                r["type"],
                r["name"],
                _type_and_name(r.get("parent")),
                _type_and_name(r.get("provider")),
                r.get("site"),
                _inputs_hash(r.get("inputs")),
            ]
            for r in stack["resources"]
            if r["type"] != "pulumi:pulumi:Stack"
        )
        findings = sorted(
            [f["policy"], f["level"], f.get("resource_type"), f.get("resource_name"), f["message"]]
            for f in stack["findings"]
        )
        stacks[stack["stack"]] = {"resources": resources, "findings": findings}
    project = sorted(
        [f["policy"], f["level"], f.get("file"), f.get("key"), f["message"]] for f in report["project_findings"]
    )
    return {"stacks": stacks, "project_findings": project}


def main(argv: list[str]) -> None:
    source, target = Path(argv[0]), Path(argv[1])
    recorded = digest(json.loads(source.read_text(encoding="utf-8")))
    target.write_text(json.dumps(recorded, indent=0, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
