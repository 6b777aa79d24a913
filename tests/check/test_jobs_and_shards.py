"""The result does not depend on how the work is split: one process or several, one run or shards
merged afterwards give the same stacks, resources and findings, in the same order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from federation_catalogue import load_catalogue

from sovcloud.check import CheckOptions, Shard, run_check
from sovcloud.merge import merge_results
from sovcloud.report.json_report import load_json, render_json
from sovcloud.results import CheckResult
from tests.check.scratch import ROOT, Scratch

STACKS = ["platform", "tenant-bank-bcee", "tenant-chu-liege", "tenant-min-finance", "bootstrap"]


def comparable(result: CheckResult) -> dict[str, Any]:
    """The JSON report without what measures the run rather than the stacks (durations, cache notes)."""
    document: dict[str, Any] = json.loads(render_json(result))
    for stack in document["stacks"]:
        stack.pop("duration_seconds")
    document["notes"] = [n for n in document["notes"] if "reused" not in n]
    return document


def check(scratch: Scratch, **options: Any) -> CheckResult:
    return run_check(CheckOptions(project_root=scratch.root, policy_pack=ROOT / "policies", use_cache=False, **options))


def test_workers_and_shards_give_the_result_of_one_process(tmp_path: Path) -> None:
    scratch = Scratch.make(tmp_path, STACKS)
    alone = check(scratch, jobs=1)
    assert alone.pack_name and next(s.stack for s in alone.stacks) == "platform"
    workers = check(scratch, jobs=2)
    assert comparable(workers) == comparable(alone)

    shards = [check(scratch, jobs=1, shard=Shard(k, 3)) for k in (1, 2, 3)]
    held = [sorted(s.stack for s in shard.stacks) for shard in shards]
    assert sorted(stack for part in held for stack in part) == sorted(STACKS)  # each stack in one shard
    files = []
    for index, shard in enumerate(shards):
        path = tmp_path / f"shard-{index}.json"
        path.write_text(render_json(shard), encoding="utf-8")
        files.append(path)
    merged = merge_results([load_json(p.read_text(encoding="utf-8")) for p in files], load_catalogue())
    assert comparable(merged) == comparable(alone)


def test_a_shard_is_chosen_by_name_alone() -> None:
    names = [f"tenant-{i:04d}" for i in range(1000)]
    parts = [[n for n in names if Shard(k, 4).holds(n)] for k in (1, 2, 3, 4)]
    assert sum(len(p) for p in parts) == 1000 and all(180 < len(p) < 320 for p in parts)
    fewer = [n for n in names[:500] if Shard(2, 4).holds(n)]
    assert fewer == [n for n in parts[1] if n in names[:500]]  # adding stacks moves none
