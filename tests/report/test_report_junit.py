"""JUnit XML: a test suite per stack, a test case per policy; blocking findings fail, policies that
did not analyze a stack are skipped, counts add up."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sovcloud.report.junit import render_junit
from sovcloud.report.view import ResultView
from sovcloud.results import CheckResult


def test_one_case_per_stack_and_policy_failing_where_a_finding_blocks(result: CheckResult) -> None:
    root = ET.fromstring(render_junit(result))
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert [s.stack for s in result.stacks] == [name for name in suites if name != "(project)"]
    view = ResultView(result)
    for stack in result.stacks:
        suite = suites[stack.stack]
        cases = {case.get("name"): case for case in suite.findall("testcase")}
        assert set(cases) == {t.policy.name for t in view.tallies(stack)}
        assert all(case.get("classname") == stack.stack for case in cases.values())
        blocking = {f.policy for f in view.findings_of(stack) if f.blocking}
        assert {n for n, c in cases.items() if c.find("failure") is not None} == blocking
        assert int(suite.get("failures", "-1")) == len(blocking)
        skipped = {n for n, c in cases.items() if c.find("skipped") is not None}
        assert skipped == {t.policy.name for t in view.tallies(stack) if not t.ran and t.policy.name not in blocking}
    assert int(root.get("tests", "0")) == sum(int(s.get("tests", "0")) for s in suites.values())
    assert int(root.get("failures", "0")) > 0


def test_a_failure_names_the_resource_and_the_remediation(result: CheckResult) -> None:
    text = render_junit(result)
    failing = [f for f in result.all_findings() if f.blocking and f.resource_name]
    assert failing
    assert failing[0].resource_name in text and failing[0].message.split("\n")[0][:40] in text
