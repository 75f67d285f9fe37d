"""The runopsy-bench converter: the labelled onset step lands on its turn in both exports,
and each export records the step's status only where it says (text, or spans)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from mlflow import MlflowClient
from turnback.demo.builder import SESSION_KEY, write_session

from evals import runopsy

CASES = {c["name"]: c for c in runopsy.load_cases()} if runopsy.CASES.is_file() else {}
pytestmark = pytest.mark.skipif(not CASES, reason=f"runopsy-bench data not at {runopsy.CASES}")
STATUS_WORDS = re.compile(
    r"status|exit code|finish reason|error|timeout|blocked|refused|unsupported|contradicted|missing"
    r"|stored \d|outcome|retry|->", re.IGNORECASE)


def stored(uri: str, case: dict[str, Any], export: runopsy.Export) -> list[Any]:
    """The case written as a session, read back as MLflow traces in turn (timestamp) order."""
    session = f"{case['name']}-{export}"
    experiment_id = write_session(uri, "runopsy", session, runopsy.to_turns(case, export))
    return list(MlflowClient(uri).search_traces(
        locations=[experiment_id], filter_string=f"metadata.`{SESSION_KEY}` = '{session}'",
        order_by=["timestamp_ms ASC"], include_spans=True))


def failed_spans(trace: Any) -> list[Any]:
    return [s for s in trace.data.spans if s.status.status_code == "ERROR" or s.events]


def test_every_labelled_onset_is_one_step_event_and_one_turn():
    for case in CASES.values():
        onset = runopsy.onset_turn(case)
        if case["onset_step"] is None:
            assert onset is None
            continue
        events = runopsy.step_events(case)
        assert events[onset - 1]["sequence"] == case["onset_step"], case["name"]
        for export in runopsy.EXPORTS:
            turns = runopsy.to_turns(case, export)
            assert len(turns) == len(events)
            assert turns[onset - 1]["root"]["metadata"]["runopsy.sequence"] == str(case["onset_step"])


@pytest.mark.parametrize("export", list(runopsy.EXPORTS))
@pytest.mark.parametrize("name", ["tool_exit_code", "trace_gap", "missing_run_start"])
def test_the_stored_session_carries_the_onset_step_on_the_labelled_turn(store_uri, name, export):
    case = CASES[name]

    traces = stored(store_uri, case, export)

    assert len(traces) == len(runopsy.step_events(case))
    onset = runopsy.onset_turn(case)
    assert traces[onset - 1].info.trace_metadata["runopsy.sequence"] == str(case["onset_step"])
    assert [t.info.trace_metadata["runopsy.sequence"] for t in traces] == [
        str(e["sequence"]) for e in runopsy.step_events(case)]


def test_status_in_text_writes_it_in_the_reply_and_tool_output_and_never_on_a_span(store_uri):
    names = ("tool_exit_code", "model_error", "tool_timeout")
    traces = {n: stored(store_uri, CASES[n], "text") for n in names}

    assert not [s.name for ts in traces.values() for t in ts for s in failed_spans(t)]
    onset = traces["tool_exit_code"][runopsy.onset_turn(CASES["tool_exit_code"]) - 1]
    tool = next(s for s in onset.data.spans if s.span_type == "TOOL")
    assert "status error, exit code 2" in tool.outputs
    assert "status error, exit code 2" in onset.data.spans[0].outputs
    assert "status timeout" in traces["tool_timeout"][0].data.spans[0].outputs
    assert "status error" in traces["model_error"][0].data.spans[0].outputs


def test_status_on_spans_keeps_the_text_plain_and_puts_the_status_on_the_step_span(store_uri):
    for case in CASES.values():  # no text of any turn of any case names a status
        for turn in runopsy.to_turns(case, "spans"):
            texts = [turn["root"]["outputs"], *[c.get("outputs") for c in turn["root"]["children"]
                                                if isinstance(c.get("outputs"), str)]]
            assert not [t for t in texts if STATUS_WORDS.search(t)], (case["name"], texts)

    exit_code = stored(store_uri, CASES["tool_exit_code"], "spans")
    truncated = stored(store_uri, CASES["truncated_plan"], "spans")

    assert [len(failed_spans(t)) for t in exit_code] == [0, 1, 1]
    make = failed_spans(exit_code[1])[0]
    assert (make.span_type, make.attributes["process.exit.code"]) == ("TOOL", 2)
    assert make.events[0].name == "exception"
    llm = next(s for s in truncated[0].data.spans if s.span_type == "CHAT_MODEL")
    assert llm.outputs["choices"][0]["finish_reason"] == "length"
    assert not failed_spans(truncated[0])
