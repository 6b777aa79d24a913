"""Sovereignty evidence: policy -> requirement, and per stack met / violated / not checkable."""

from __future__ import annotations

from sovcloud.report.evidence import Status, build_evidence, concern_tags, load_requirements
from sovcloud.results import CheckResult


def statuses(result: CheckResult, requirement: str) -> dict[str, Status]:
    entry = next(e for e in build_evidence(result).requirements if e.requirement.id == requirement)
    return {s.stack: s.status for s in entry.stacks}


def test_every_concern_tag_maps_to_a_requirement_or_is_declared_a_technology() -> None:
    catalogue = load_requirements()
    mapped = catalogue.mapped_tags()
    for tag in concern_tags():
        assert tag in mapped or tag in catalogue.technology_tags, tag
    for tag in ("egress", "placement", "isolation", "data-protection", "access", "secrets", "supply-chain"):
        assert tag in mapped, tag


def test_requirements_cover_the_frameworks_and_state_what_cannot_be_checked() -> None:
    catalogue = load_requirements()
    frameworks = {r.framework for r in catalogue.requirements}
    assert {"SecNumCloud", "BSI C5", "EUCS", "SCS"} <= frameworks <= set(catalogue.frameworks)
    uncheckable = {r.id for r in catalogue.requirements if not r.checkable}
    assert {"SecNumCloud 9.7.d", "SecNumCloud 19.6-ownership", "SecNumCloud staffing", "BSI C5 IDM-07"} <= uncheckable
    assert all(r.note for r in catalogue.requirements if not r.checkable)
    assert all(not (r.tags or r.policies) for r in catalogue.requirements if not r.checkable)
    assert len({r.id for r in catalogue.requirements}) == len(catalogue.requirements)


def test_policies_evidence_requirements_by_reference_tag_or_name(result: CheckResult) -> None:
    evidence = build_evidence(result)
    assert "SecNumCloud 19.6" in evidence.policy_requirements["route-stays-in-plan"]  # its own reference
    assert "SecNumCloud 19.2.b" in evidence.policy_requirements["resource-placed-in-eu-site"]
    assert "EUCS PSS-05" in evidence.policy_requirements["resource-placed-in-eu-site"]  # by tag
    assert "SecNumCloud 19.2.e" in evidence.policy_requirements["no-vendor-identity"]
    assert evidence.unmapped_tags == ("brand-new-tag",)


def test_met_violated_not_evidenced_and_not_checkable_per_stack(result: CheckResult) -> None:
    egress = statuses(result, "SecNumCloud 19.6")
    assert egress == {
        "platform": Status.MET,
        "tenant-acme": Status.VIOLATED,
        "tenant-broken": Status.NOT_EVIDENCED,  # its program never ran: nothing was analyzed
    }
    technical = statuses(result, "SecNumCloud 19.2.d")
    assert technical["(project)"] is Status.VIOLATED  # the state backend check, about Pulumi.yaml
    backups = statuses(result, "SecNumCloud 12.5.d")
    assert backups["tenant-acme"] is Status.MET  # an advisory finding does not block
    assert set(statuses(result, "SecNumCloud 9.7.d").values()) == {Status.NOT_CHECKABLE}
    assert set(statuses(result, "SCS scs-0100").values()) == {Status.NOT_EVIDENCED}  # no flavor policy here


def test_a_requirement_is_not_met_when_an_evidencing_policy_did_not_run(result: CheckResult) -> None:
    result.stacks[0].policies_run = ("resource-placed-in-eu-site",)  # as an event log may show
    assert statuses(result, "SecNumCloud 19.2.b")["platform"] is Status.MET
    assert statuses(result, "SecNumCloud 19.6")["platform"] is Status.NOT_EVIDENCED
