"""Every diagram the markdown report produces, rendered in a real browser (Debian's Chromium, headless,
the pinned mermaid, default configuration, a UTF-8 page): no render error, no error diagram, and
every label reads exactly as the report meant it. For the bundled stacks, for names full of
characters Mermaid treats specially, and for a 100-tenant fleet made by `sovcloud tenant new`.

Skipped, with the reason, only where the browser or the node modules are not installed (`.ci/run`
installs both, and stops if it cannot)."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovcloud.check import CheckOptions, run_check
from sovcloud.cli import app
from sovcloud.report import address_plan, render
from sovcloud.report.diagrams import MAX_STACK_DIAGRAMS, stack_diagram, topology_diagrams
from sovcloud.report.markdown import render_markdown
from sovcloud.report.mermaid import Diagram
from sovcloud.report.topology import build_topology
from sovcloud.results import CheckResult, Finding, Level
from tests.check.test_check_command import project_copy
from tools.mermaid import render as browser_harness

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```mermaid\n(.*?)^```$", re.MULTILINE | re.DOTALL)
TENANTS = 100
ESCAPING_TENANTS = 25
FLEET = pytest.mark.skipif(
    not os.environ.get("SOVCLOUD_FLEET_TESTS"), reason="a 100-tenant fleet: set SOVCLOUD_FLEET_TESTS=1"
)


@pytest.fixture(scope="module", autouse=True)
def browser() -> None:
    reason = browser_harness.unavailable()
    if reason is not None:
        pytest.skip(f"no browser to render diagrams in: {reason}")


def report_diagrams(result: CheckResult, project: Path) -> list[Diagram]:
    """The diagrams of the markdown report, checked to be exactly the blocks the report carries."""
    diagrams = topology_diagrams(result, build_topology(result, address_plan(project)))
    blocks = FENCE.findall(render(result, "markdown", project_root=project))
    assert blocks == [d.source for d in diagrams]
    return diagrams


def assert_renders_as_meant(diagrams: Sequence[Diagram]) -> None:
    problems = browser_harness.check(diagrams)
    assert problems == [], "\n".join(problems[:20])


def test_the_bundled_stacks_picture_renders_as_meant() -> None:
    result = run_check(CheckOptions(project_root=ROOT))
    diagrams = report_diagrams(result, ROOT)
    assert diagrams[0].title == "The federation" and len(diagrams) > 1
    assert_renders_as_meant(diagrams)


def test_names_mermaid_treats_specially_render_as_written(result: CheckResult, project: Path) -> None:
    awkward = 'a "b" [c] (d) {e} |f| <g> #h &amp; `i` $$j$$ 50% ;k: ü·€ 🚀 <br/> %%l *m* _n_ ~o~ \\p =q'
    stacks = []
    for stack in result.stacks:
        resources = [
            dataclasses.replace(r, inputs={**r.inputs, "name": f"{r.inputs['name']} {awkward}"})
            if "name" in r.inputs
            else r
            for r in stack.resources
        ]
        findings = [dataclasses.replace(f, message=f"{f.message} {awkward}") for f in stack.findings]
        stacks.append(dataclasses.replace(stack, resources=resources, findings=findings))
    odd = dataclasses.replace(result, stacks=stacks)
    diagrams = report_diagrams(odd, project)
    meant = [text for d in diagrams for text in (*d.nodes.values(), *d.edge_labels)]
    assert any(awkward in text for text in meant)
    assert_renders_as_meant(diagrams)


def test_a_broken_diagram_is_caught() -> None:
    """The harness itself: a syntax error, an oversized text, and a label that reads otherwise all fail."""
    good = Diagram(title="good", source='flowchart LR\n    a["x"]\n', nodes={"a": "x"})
    wrong = dataclasses.replace(good, title="wrong", nodes={"a": "y"})
    broken = Diagram(title="broken", source='flowchart LR\n    a["x" --> \n', nodes={"a": "x"})
    huge = Diagram(title="huge", source="flowchart LR\n" + "".join(f"    n{i}[x]\n" for i in range(6000)))
    _, rendered = browser_harness.render([good, wrong, broken, huge])
    assert [r.error is None for r in rendered] == [True, True, False, True]
    assert rendered[3].error_svg  # Mermaid's "Maximum text size in diagram exceeded"
    assert browser_harness.check([good]) == []
    assert browser_harness.check([wrong]) == ["wrong: node a reads 'x', meant 'y'"]


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckResult, Path]:
    """The platform and 100 tenants made by `sovcloud tenant new`, checked offline; a quarter of the
    tenants then carry an egress finding on their router, as a fleet under review might."""
    project = project_copy(tmp_path_factory.mktemp("fleet"), ["platform"])
    runner = CliRunner()
    for index in range(TENANTS):
        args = ["tenant", "new", f"t{index:03d}", "--stacks-dir", str(project / "stacks")]
        args += ["--primary-site", ("lu", "be")[index % 2], "--size", ("small", "medium", "large")[index % 3]]
        outcome = runner.invoke(app, args, env={"PULUMI_CONFIG_PASSPHRASE": "picture"})
        assert outcome.exit_code == 0, outcome.output
    result = run_check(CheckOptions(project_root=project, policy_pack=ROOT / "policies"))
    assert len(result.stacks) == TENANTS + 1 and result.passed
    policy = next(p for p in result.policies if "egress" in p.tags and p.policy_type == "resource")
    for stack in result.stacks[1 : 1 + ESCAPING_TENANTS]:
        router = next(r for r in stack.resources if r.type == "openstack:networking/router:Router")
        stack.findings.append(
            Finding(policy=policy.name, level=Level.MANDATORY, message="route to 0.0.0.0/0 leaves the plan",
                    urn=router.urn, resource_type=router.type, resource_name=router.name)
        )  # fmt: skip
    return result, project


@pytest.mark.slow
@FLEET
def test_a_100_tenant_fleet_renders_within_mermaids_default_limits(fleet: tuple[CheckResult, Path]) -> None:
    result, project = fleet
    diagrams = report_diagrams(result, project)
    assert len(diagrams) == 1 + MAX_STACK_DIAGRAMS
    assert all(d.fits() for d in diagrams)
    assert_renders_as_meant(diagrams)


@pytest.mark.slow
@FLEET
def test_every_stack_of_the_fleet_draws_a_diagram_that_renders(fleet: tuple[CheckResult, Path]) -> None:
    """Any stack may be requested (changed in a pull request): each one's diagram renders."""
    result, project = fleet
    topology = build_topology(result, address_plan(project))
    diagrams = [stack_diagram(topology, s.stack) for s in result.stacks]
    assert all(d.fits() for d in diagrams)
    markdown = render_markdown(result, topology=topology, detail={s.stack for s in result.stacks})
    assert f"Not drawn, to keep the report readable: `{result.stacks[-1].stack}`" not in markdown
    assert_renders_as_meant(diagrams)
