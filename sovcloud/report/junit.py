"""JUnit XML: one test suite per stack, one test case per policy, as GitLab, Jenkins and Forgejo show
natively. A blocking finding fails the case, a policy that did not analyze the stack skips it,
advisory findings pass it with their text as output. The project's own checks are one more suite.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from sovcloud.report.view import ResultView, resource_label, sorted_findings
from sovcloud.results import CheckResult, Finding, PolicyInfo

PROJECT_SUITE = "(project)"


def _message(findings: Sequence[Finding]) -> str:
    return "\n".join(f"{f.level.value}: {resource_label(f)}: {f.message}" for f in sorted_findings(findings))


def _case(suite: ET.Element, stack: str, policy: PolicyInfo, findings: list[Finding], ran: bool) -> None:
    case = ET.SubElement(suite, "testcase", name=policy.name, classname=stack, time="0")
    blocking = [f for f in findings if f.blocking]
    if blocking:
        failure = ET.SubElement(
            case,
            "failure",
            message=f"{len(blocking)} blocking finding(s): {blocking[0].message}"[:500],
            type="mandatory",
        )
        failure.text = _message(findings) + (
            f"\n\nRemediation: {policy.remediation_steps}" if policy.remediation_steps else ""
        )
    elif not ran:
        ET.SubElement(case, "skipped", message="the policy did not analyze this stack")
    elif findings:
        ET.SubElement(case, "system-out").text = _message(findings)


def _suite(root: ET.Element, name: str, cases: list[tuple[PolicyInfo, list[Finding], bool]], seconds: float) -> None:
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(len(cases)),
        failures=str(sum(1 for _, found, _ in cases if any(f.blocking for f in found))),
        errors="0",
        skipped=str(sum(1 for _, found, ran in cases if not ran and not any(f.blocking for f in found))),
        time=f"{seconds:.3f}",
    )
    for policy, found, ran in cases:
        _case(suite, name, policy, found, ran)


def render_junit(result: CheckResult) -> str:
    view = ResultView(result)
    root = ET.Element("testsuites", name="sovcloud check")
    for stack in result.stacks:
        findings = view.findings_of(stack)
        cases = [
            (tally.policy, [f for f in findings if f.policy == tally.policy.name], tally.ran)
            for tally in view.tallies(stack)
        ]
        _suite(root, stack.stack, cases, stack.duration_seconds)
    project_only = view.project_only()
    if project_only:
        names = sorted({f.policy for f in project_only})
        cases = [(view.policy(n), [f for f in project_only if f.policy == n], True) for n in names]
        _suite(root, PROJECT_SUITE, cases, 0.0)
    suites = root.findall("testsuite")
    for attribute in ("tests", "failures", "errors", "skipped"):
        root.set(attribute, str(sum(int(s.get(attribute, "0")) for s in suites)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
