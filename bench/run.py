"""Benchmark: what our stack and its policy check cost on top of Pulumi's own floor, up to 100 tenants.

    python bench/run.py            # full run: N = 10 and 100 tenants (a few minutes on 2 cores)
    python bench/run.py --quick    # small N, well under a minute

Prints, each as the median of several runs with min and max:
  program_ratio        our programs under the mock runtime / a floor program registering the same
                       resources bare (same count, types and input sizes, nothing else)
  policy_ratio         our pack over the analyzer protocol / a pack with as many do-nothing policies
  scaling_100_over_10  total offline check time at N=100 over N=10 (linear is 10)
  fleet_ratio          wall time of `sovcloud check` on the fleet / the summed floor of the first two
  peak memory of the check at the largest N
This is a script, not a test: targets live here and in the README, never in a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"program_ratio": 1.3, "policy_ratio": 1.5, "scaling_100_over_10": 11.0, "fleet_ratio": 1.5}


@dataclass
class Figure:
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def line(self, label: str, unit: str = "") -> str:
        target = TARGETS.get(label)
        verdict = "" if target is None else f"  target <= {target}: {'met' if self.median <= target else 'MISSED'}"
        return (
            f"{label}: {self.median:.3f}{unit}  (min {min(self.samples):.3f}, max {max(self.samples):.3f}, "
            f"n={len(self.samples)}){verdict}"
        )


def ratio(ours: list[float], floor: list[float]) -> Figure:
    """Pairwise ratios of runs taken in alternation, so drifts of the machine hit both sides."""
    return Figure([o / f for o, f in zip(ours, floor, strict=True)])


# --- the fleet -------------------------------------------------------------------------------------


def make_fleet(workdir: Path, tenants: int) -> Path:
    """A project directory with the platform stack and `tenants` tenant stacks stamped by `sovcloud tenant new`."""
    project = workdir / f"fleet-{tenants}"
    stacks = project / "stacks"
    stacks.mkdir(parents=True)
    shutil.copy(REPO / "stacks" / "Pulumi.platform.yaml", stacks)
    document = yaml.safe_load((REPO / "Pulumi.yaml").read_text(encoding="utf-8"))
    document["main"] = str(REPO / "infra")
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    from typer.testing import CliRunner

    from sovcloud.cli import app

    runner = CliRunner()
    for index in range(tenants):
        name = f"bench{index:03d}"
        args = ["tenant", "new", name, "--stacks-dir", str(stacks), "--primary-site", ("lu", "be")[index % 2]]
        args += ["--size", ("small", "medium", "large")[index % 3]]
        args.append("--kubernetes" if index % 2 == 0 else "--no-kubernetes")
        outcome = runner.invoke(app, args)
        if outcome.exit_code != 0:
            raise SystemExit(f"tenant new {name} failed: {outcome.output}")
    return project


# --- measurements ----------------------------------------------------------------------------------


def run_programs(
    project_dir: Path, main: Path | None = None, env_registrations: Path | None = None
) -> tuple[float, list]:
    """Run every stack's program in this process under the mock runtime; seconds and registrations."""
    from sovcloud.engine.runner import run_stack
    from sovcloud.engine.stack_files import Project, discover_stacks

    project = Project.load(project_dir)
    if main is not None:
        project = Project(project.root, project.name, main, project.stack_config_dir, project.backend_url)
    if env_registrations is not None:
        os.environ["SOVCLOUD_FLOOR_REGISTRATIONS"] = str(env_registrations)
    files = discover_stacks(project.stack_config_dir, project.name)
    exports: dict = {}
    registrations = []
    started = time.perf_counter()
    for stack_file in files:
        if env_registrations is not None:
            os.environ["SOVCLOUD_FLOOR_REGISTRATIONS"] = str(env_registrations.with_suffix(f".{stack_file.stack}.json"))
        run = run_stack(project, stack_file, stack_outputs=exports)
        if run.error is not None:
            raise SystemExit(f"{stack_file.stack}: {run.error}")
        exports[stack_file.stack] = run.outputs
        exports[f"organization/{project.name}/{stack_file.stack}"] = run.outputs
        registrations.append((stack_file, run.registrations))
    return time.perf_counter() - started, registrations


def write_floor_inputs(workdir: Path, registrations: list) -> Path:
    base = workdir / "floor.json"
    for stack_file, regs in registrations:
        rows = [(r.type, r.name, r.inputs if r.custom else None) for r in regs if not r.read]
        base.with_suffix(f".{stack_file.stack}.json").write_text(json.dumps(rows), encoding="utf-8")
    return base


def all_records(project_dir: Path, registrations: list) -> list[tuple[str, list]]:
    from federation_catalogue import load_catalogue

    from sovcloud.engine.records import to_records

    catalogue = load_catalogue()
    return [
        (
            sf.stack,
            to_records(regs, stack=sf.stack, project="sovcloud", catalogue=catalogue, config=sf.config),
        )
        for sf, regs in registrations
    ]


def null_pack(workdir: Path, resource_policies: int, stack_policies: int) -> Path:
    """A pack with as many policies as ours that do nothing: the analyzer protocol's own floor."""
    pack = workdir / "null-pack"
    pack.mkdir(exist_ok=True)
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n", encoding="utf-8")
    (pack / "__main__.py").write_text(
        "from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy, StackValidationPolicy\n"
        "def nothing(args, report_violation):\n    return None\n"
        f"policies = [ResourceValidationPolicy(name=f'r{{i}}', description='n', validate=nothing) "
        f"for i in range({resource_policies})]\n"
        f"policies += [StackValidationPolicy(name=f's{{i}}', description='n', validate=nothing) "
        f"for i in range({stack_policies})]\n"
        "PolicyPack(name='null-pack', policies=policies, enforcement_level=EnforcementLevel.MANDATORY)\n",
        encoding="utf-8",
    )
    return pack


def analyze_all(pack: Path, records: list[tuple[str, list]]) -> tuple[float, int, int]:
    """Seconds to drive a pack over every stack (pack start-up excluded), and its policy counts."""
    from sovcloud.analyzer import PolicyPackSession

    with PolicyPackSession(pack, project="sovcloud") as session:
        started = time.perf_counter()
        for stack, stack_records in records:
            session.analyze_stack(stack, stack_records)
        seconds = time.perf_counter() - started
        stack_count = sum(1 for p in session.policies if p.policy_type == "stack")
        return seconds, len(session.policies) - stack_count, stack_count


def check_wall(project_dir: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of `sovcloud check` on a fleet, as a user runs it."""
    command = [
        str(Path(sys.executable).with_name("sovcloud")),
        "check",
        "--project-dir",
        str(project_dir),
        "--policy-pack",
        str(REPO / "policies"),
        "--format",
        "json",
        "--output",
        os.devnull,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"sovcloud check failed on {project_dir}: {subprocess.list2cmdline(command)}")
    return seconds, usage.ru_maxrss


def repeat(times: int, measure: Callable[[], float]) -> list[float]:
    return [measure() for _ in range(times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small N, well under a minute")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 5, quick 2)")
    parser.add_argument("--keep", type=Path, default=None, help="also write the N=100 fleet here (for profiling)")
    args = parser.parse_args()
    small, large = (1, 4) if args.quick else (10, 100)
    runs = args.runs or (2 if args.quick else 5)
    print(f"fleet: platform + {small} and + {large} tenants; {runs} runs per figure; {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory(prefix="sovcloud-bench-") as tmp:
        workdir = Path(tmp)
        fleets = {n: make_fleet(workdir, n) for n in (small, large)}
        fleet = fleets[large]
        if args.keep:
            shutil.copytree(fleet, args.keep, dirs_exist_ok=True)

        # program cost: ours vs the floor program, alternating, warm (imports done by a first pass)
        _, registrations = run_programs(fleet)
        floor_inputs = write_floor_inputs(workdir, registrations)
        floor_main = REPO / "bench" / "floor_program"
        resource_count = sum(len(regs) for _, regs in registrations)
        ours, floor = [], []
        for _ in range(runs):
            ours.append(run_programs(fleet)[0])
            floor.append(run_programs(fleet, main=floor_main, env_registrations=floor_inputs)[0])
        program = ratio(ours, floor)

        # policy cost: our pack vs a pack with as many do-nothing policies
        records = all_records(fleet, registrations)
        _, resource_policies, stack_policies = analyze_all(REPO / "policies", records[:1])
        empty = null_pack(workdir, resource_policies, stack_policies)
        ours_policy, floor_policy = [], []
        for _ in range(runs):
            ours_policy.append(analyze_all(REPO / "policies", records)[0])
            floor_policy.append(analyze_all(empty, records)[0])
        policy = ratio(ours_policy, floor_policy)

        # scaling and fleet: the whole offline check as a user runs it
        small_wall = repeat(runs, lambda: check_wall(fleets[small])[0])
        large_runs = [check_wall(fleet) for _ in range(runs)]
        large_wall = [seconds for seconds, _ in large_runs]
        scaling = ratio(large_wall, small_wall)
        summed_floor = [f + p for f, p in zip(floor, floor_policy, strict=True)]
        fleet_ratio = ratio(large_wall, summed_floor)
        peak = max(rss for _, rss in large_runs) / 1024

    print(
        f"resources: {resource_count} registrations in {len(registrations)} stacks; "
        f"pack: {resource_policies} resource + {stack_policies} stack policies"
    )
    print(Figure(ours).line("program_seconds", " s"))
    print(Figure(floor).line("program_floor_seconds", " s"))
    print(Figure(ours_policy).line("policy_seconds", " s"))
    print(Figure(floor_policy).line("policy_floor_seconds", " s"))
    print(Figure(large_wall).line(f"check_wall_seconds_n{large}", " s"))
    print(Figure(small_wall).line(f"check_wall_seconds_n{small}", " s"))
    print(program.line("program_ratio"))
    print(policy.line("policy_ratio"))
    print(scaling.line("scaling_100_over_10") + ("" if not args.quick else f"  (quick: N={large} over N={small})"))
    print(fleet_ratio.line("fleet_ratio"))
    print(f"peak_memory_mib: {peak:.0f}  (sovcloud check at N={large}, largest process)")


if __name__ == "__main__":
    main()
