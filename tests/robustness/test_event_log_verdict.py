"""`sovcloud report --from-events` passes only a complete preview: an empty file, damaged lines, a
log cut before its summary, a log naming no stack or holding only event types this version does not
read exit 2 ("could not read") with the reason, never PASSED."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovcloud.cli import run
from sovcloud.complete_event_log import read_complete_event_log
from sovcloud.failures import CouldNotRun

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "report" / "data"


def clean_lines(name: str) -> list[str]:
    """The real log's engine events (the data file also carries damaged lines, for other tests)."""
    lines = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and any(k.endswith("Event") and isinstance(v, dict) for k, v in event.items()):
            lines.append(line)
    return lines


ACME = clean_lines("preview-tenant-acme.events.jsonl")
BROKEN = clean_lines("preview-config-error.events.jsonl")
SUMMARY_AT = next(i for i, line in enumerate(ACME) if "summaryEvent" in line)


def write(tmp_path: Path, lines: list[str], name: str = "events.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(CouldNotRun) as caught:
        read_complete_event_log(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    return message


def test_the_complete_logs_give_a_verdict(tmp_path: Path) -> None:
    assert not read_complete_event_log(write(tmp_path, ACME)).passed  # it holds a mandatory violation
    assert not read_complete_event_log(write(tmp_path, BROKEN, "b.jsonl")).passed  # a config error


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([], "holds no engine events"),
        (["", "   "], "holds no engine events"),
        (["this is not JSON"], "line 1 is not an engine event"),
        (["[1, 2, 3]", "null", '{"sequence": 1}'], "line 1 is not an engine event"),
        ([*ACME[:3], "{truncated", *ACME[3:]], "line 4 is not an engine event"),
        (['{"sequence": 1, "futureEvent": {}}', '{"sequence": 2, "otherEvent": {"a": 1}}'], "no event type"),
        (['{"sequence": 1, "cancelEvent": {}}'], "no event type"),
        (ACME[:SUMMARY_AT], "has no summaryEvent"),
        ([*ACME, *BROKEN[:2]], "has no summaryEvent"),
        (['{"sequence": 1, "preludeEvent": {"config": {}}}', '{"sequence": 2, "summaryEvent": {}}'], "names no stack"),
    ],
    ids=["empty", "blank", "text", "json-not-events", "damaged-line", "unknown-only", "cancel-only", "truncated",
         "second-run-truncated", "no-stack"],
)  # fmt: skip
def test_an_incomplete_log_is_refused_saying_why(tmp_path: Path, lines: list[str], reason: str) -> None:
    assert reason in refused(write(tmp_path, lines))


def test_non_utf8_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(("\n".join(ACME[:2]) + "\n").encode() + b'{"x": "\xff"}\n' + ("\n".join(ACME[2:])).encode())
    assert "line 3 is not UTF-8" in refused(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len("\n".join(ACME[: SUMMARY_AT + 1])) - 2))
def test_a_log_cut_anywhere_before_its_summary_ends_is_refused(tmp_path: Path, cut: int) -> None:
    text = "\n".join(ACME)[:cut]
    path = tmp_path / "cut.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CouldNotRun):
        read_complete_event_log(path)


EVENT_KINDS = ["preludeEvent", "resourcePreEvent", "policyEvent", "diagnosticEvent", "summaryEvent",
               "cancelEvent", "stdoutEvent", "futureEvent"]  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.one_of(st.sampled_from(range(len(ACME))), st.sampled_from(EVENT_KINDS), st.text(max_size=12))))
def test_whatever_the_log_holds_it_passes_only_when_complete(tmp_path: Path, picks: list[int | str]) -> None:
    lines = []
    for pick in picks:
        if isinstance(pick, int):
            lines.append(ACME[pick])
        elif pick in EVENT_KINDS:
            lines.append(json.dumps({"sequence": 1, pick: {}}))
        else:
            lines.append(pick.replace("\n", " ").replace("\r", " "))
    path = write(tmp_path, lines)
    try:
        result = read_complete_event_log(path)
    except CouldNotRun:
        return
    parsed = [json.loads(line) for line in lines if line.strip()]  # every line was an event
    assert any("summaryEvent" in event for event in parsed)
    assert result.stacks and all(s.stack != "unknown" for s in result.stacks)


def test_the_command_exits_2_for_an_incomplete_log_and_1_for_a_blocked_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truncated = write(tmp_path, ACME[:SUMMARY_AT], "truncated.jsonl")
    assert run(["report", "--from-events", str(truncated), "--project-dir", str(ROOT)]) == 2
    err = capsys.readouterr().err
    assert "has no summaryEvent" in err and "Traceback" not in err
    complete = write(tmp_path, ACME, "complete.jsonl")
    assert run(["report", "--from-events", str(complete), "--project-dir", str(ROOT), "--format", "json"]) == 1
