"""Benchmark: what our stack and its policy check cost on top of Pulumi's own floor, at fleet scale.

    python bench/run.py                  # N = 10, 100 and 1000 tenants (long: tens of minutes on 2 cores)
    python bench/run.py --huge 0         # N = 10 and 100 only
    python bench/run.py --quick          # small N, a few minutes

Prints, each as the median of several runs with min and max. The floor is measured in the same run,
alternating with our side: one process registering the same resources bare under the mock runtime
(program floor), one pack process with as many do-nothing policies analysing them (policy floor).
  program_ratio          our programs / the program floor (same registrations, in this process)
  policy_ratio           our pack / the policy floor (same records, one pack process each)
  fleet_over_floor       wall time of `sovcloud check` (every core, no cache) on the N=100 fleet / the
                         summed floors: the floor is one core's work, so using every core beats it
  one_tenant_change      wall time of `sovcloud check --changed-since HEAD` on the N=100 fleet after one
                         tenant's stack file changed (results of the unchanged stacks cached, as CI keeps them)
  change_report_chars    size of that run's markdown report (a pull-request comment holds 65,536)
  scaling_1000_over_100  full check wall time at N=1000 over N=100 (linear is 10)
  peak memory            of the whole check (its workers and pack processes summed) at the largest N
  report size            markdown and JSON of the full check at the largest N
A fleet that does not fit the address plan is measured at the size that fits, and the script says so.
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
from dataclasses import dataclass
from pathlib import Path

import yaml
from typer.testing import CliRunner

from sovcloud.cli import app

REPO = Path(__file__).resolve().parents[1]
TARGETS = {
    "program_ratio": 1.3,
    "policy_ratio": 1.5,
    "fleet_over_floor": 1.0,
    "one_tenant_change_seconds": 10.0,
    "change_report_chars": 65_536,
    "scaling_1000_over_100": 10.5,
    "peak_memory_gib_n1000": 1.5,
}


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
    """A project directory with the platform stack and up to `tenants` tenant stacks stamped by
    `sovcloud tenant new` (fewer when the address plan is full: `fleet_size` says how many)."""
    project = workdir / f"fleet-{tenants}"
    stacks = project / "stacks"
    stacks.mkdir(parents=True)
    shutil.copy(REPO / "stacks" / "Pulumi.platform.yaml", stacks)
    document = yaml.safe_load((REPO / "Pulumi.yaml").read_text(encoding="utf-8"))
    document["main"] = str(REPO)  # the program directory (the repository root) of this checkout
    (project / "Pulumi.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    runner = CliRunner()
    for index in range(tenants):
        name = f"bench{index:04d}"
        args = ["tenant", "new", name, "--stacks-dir", str(stacks), "--primary-site", ("lu", "be")[index % 2]]
        args += ["--size", ("small", "medium", "large")[index % 3]]
        args.append("--kubernetes" if index % 2 == 0 else "--no-kubernetes")
        outcome = runner.invoke(app, args)
        if outcome.exit_code != 0:
            if "exhausted" in outcome.output.lower() or "no free" in outcome.output.lower():
                print(f"  the address plan holds {index} tenants, not {tenants}: measuring {index}")
                break
            raise SystemExit(f"tenant new {name} failed: {outcome.output}")
    return project


def fleet_size(project: Path) -> int:
    return len(list((project / "stacks").glob("Pulumi.tenant-*.yaml")))


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(project), "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        check=True,
        capture_output=True,
    )


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


def _tree_rss(root: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, read from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


@dataclass
class Run:
    seconds: float
    peak_bytes: int  # the whole process tree, sampled


def sovcloud(project_dir: Path, *args: str) -> Run:
    """`sovcloud check ARGS` on a fleet, as a user runs it: wall seconds and peak memory of its tree."""
    command = [
        str(Path(sys.executable).with_name("sovcloud")),
        "check",
        "--project-dir",
        str(project_dir),
        "--policy-pack",
        str(REPO / "policies"),
        *args,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        error = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
        raise SystemExit(f"sovcloud check failed on {project_dir}: {subprocess.list2cmdline(command)}\n{error}")
    return Run(seconds, peak)


def full_check(project_dir: Path, *formats: str) -> Run:
    return sovcloud(project_dir, "--no-cache", *(f for spec in formats for f in ("--format", spec)))


def one_tenant_change(project_dir: Path, report: Path) -> Run:
    """Edit one tenant's stack file, check what changed since HEAD (cache warm, as CI restores it), revert."""
    tenant = sorted((project_dir / "stacks").glob("Pulumi.tenant-*.yaml"))[
        len(list((project_dir / "stacks").glob("Pulumi.tenant-*.yaml"))) // 2
    ]
    original = tenant.read_text(encoding="utf-8")
    document = yaml.safe_load(original)
    document["config"]["sovcloud:tenant"]["description"] = "changed by the benchmark"
    tenant.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    try:
        return sovcloud(
            project_dir, "--changed-since", "HEAD", "--format", f"markdown={report}", "--format", f"json={os.devnull}"
        )
    finally:
        tenant.write_text(original, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small N (2, 8, no third fleet), 2 runs")
    parser.add_argument("--runs", type=int, default=None, help="runs per figure (default 3, quick 2)")
    parser.add_argument("--huge", type=int, default=None, help="tenants of the third fleet (default 1000; 0: none)")
    parser.add_argument("--keep", type=Path, default=None, help="also write the N=100 fleet here (for profiling)")
    args = parser.parse_args()
    small, large = (2, 8) if args.quick else (10, 100)
    huge = args.huge if args.huge is not None else (0 if args.quick else 1000)
    runs = args.runs or (2 if args.quick else 3)
    print(
        f"fleets: platform + {small}, {large}{f', {huge}' if huge else ''} tenants; {runs} runs; {os.cpu_count()} cores"
    )

    with tempfile.TemporaryDirectory(prefix="sovcloud-bench-") as tmp:
        workdir = Path(tmp)
        fleet = make_fleet(workdir, large)
        small_fleet = make_fleet(workdir, small)
        if args.keep:
            shutil.copytree(fleet, args.keep, dirs_exist_ok=True)

        # The floor's inputs: our registrations, then our records (first pass warms the imports).
        _, registrations = run_programs(fleet)
        floor_inputs = write_floor_inputs(workdir, registrations)
        floor_main = REPO / "bench" / "floor_program"
        resource_count = sum(len(regs) for _, regs in registrations)
        records = all_records(fleet, registrations)
        _, resource_policies, stack_policies = analyze_all(REPO / "policies", records[:1])
        empty = null_pack(workdir, resource_policies, stack_policies)

        # Each round: the floor and our side of each part, then the whole check, alternating.
        ours, floor, ours_policy, floor_policy, checks, small_checks = [], [], [], [], [], []
        for _ in range(runs):
            floor.append(run_programs(fleet, main=floor_main, env_registrations=floor_inputs)[0])
            ours.append(run_programs(fleet)[0])
            floor_policy.append(analyze_all(empty, records)[0])
            ours_policy.append(analyze_all(REPO / "policies", records)[0])
            checks.append(full_check(fleet, f"json={os.devnull}"))
            small_checks.append(full_check(small_fleet, f"json={os.devnull}").seconds)
        summed_floor = [f + p for f, p in zip(floor, floor_policy, strict=True)]

        # A one-tenant change on the large fleet: a git repository, results of the last full run cached.
        git(fleet, "init", "-q", "-b", "main")
        git(fleet, "add", "-A")
        git(fleet, "commit", "-q", "-m", "fleet")
        sovcloud(fleet, "--format", f"json={os.devnull}")  # fills the cache, as the main branch's CI run does
        change_report = workdir / "change.md"
        changes = [one_tenant_change(fleet, change_report) for _ in range(runs)]
        change_chars = len(change_report.read_text(encoding="utf-8"))

        huge_runs: list[Run] = []
        huge_size = 0
        reports: dict[str, int] = {}
        if huge:
            huge_fleet = make_fleet(workdir, huge)
            huge_size = fleet_size(huge_fleet)
            markdown, report_json = workdir / "huge.md", workdir / "huge.json"
            huge_runs = [full_check(huge_fleet, f"markdown={markdown}", f"json={report_json}")]
            reports = {"markdown": len(markdown.read_text(encoding="utf-8")), "json": report_json.stat().st_size}
        measured_size = fleet_size(fleet)

    large_wall = [r.seconds for r in checks]
    print(
        f"resources: {resource_count} registrations in {len(registrations)} stacks (N={measured_size}); "
        f"pack: {resource_policies} resource + {stack_policies} stack policies"
    )
    print(Figure(ours).line("program_seconds", " s"))
    print(Figure(floor).line("program_floor_seconds", " s"))
    print(Figure(ours_policy).line("policy_seconds", " s"))
    print(Figure(floor_policy).line("policy_floor_seconds", " s"))
    print(Figure(large_wall).line(f"check_wall_seconds_n{large}", " s"))
    print(Figure(small_checks).line(f"check_wall_seconds_n{small}", " s"))
    print(ratio(ours, floor).line("program_ratio"))
    print(ratio(ours_policy, floor_policy).line("policy_ratio"))
    print(ratio(large_wall, summed_floor).line("fleet_over_floor") + f"  (N={large}, {os.cpu_count()} cores)")
    print(ratio(large_wall, small_checks).line(f"scaling_{large}_over_{small}"))
    print(Figure([r.seconds for r in changes]).line("one_tenant_change_seconds", " s") + f"  (N={large})")
    print(Figure([float(change_chars)]).line("change_report_chars") + f"  (N={large}, one tenant changed)")
    print(
        f"peak_memory_mib_n{large}: {max(r.peak_bytes for r in checks) / 2**20:.0f}  (check, workers and packs summed)"
    )
    if huge_runs:
        label = "scaling_1000_over_100" if huge_size == 1000 else f"scaling_{huge_size}_over_{measured_size}"
        note = "" if huge_size == 1000 else f"  (N=1000 does not fit the address plan; {huge_size} tenants do)"
        print(Figure([huge_runs[0].seconds / statistics.median(large_wall)]).line(label) + note)
        gib = huge_runs[0].peak_bytes / 2**30
        memory = (
            Figure([gib]).line("peak_memory_gib_n1000")
            if huge_size == 1000
            else f"peak_memory_gib_n{huge_size}: {gib:.2f}"
        )
        print(memory)
        print(f"report_size_n{huge_size}: markdown {reports['markdown']} chars, JSON {reports['json'] / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
