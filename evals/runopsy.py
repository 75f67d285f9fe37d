"""Score turnback on runopsy-bench: 20 labelled synthetic agent runs (runopsy trace schema 0.2).

    python -m evals.runopsy [--cases PATH/bench_cases.json] [--offline]

What a step is. A case is a stream of events: `run_start`, then step events (`tool_call`,
`llm_call`, `memory_op`, `handoff`, `claim`), then `run_end`. The label `onset_step` is the
`sequence` number of the event where the run went wrong: on all 19 labelled cases exactly
one event has that sequence, and it is always a step event (e.g. tool_exit_code: onset 5 is
`evt_05`, the second `make`, which is the third event and the second step). Sequence numbers
are sparse: the generator leaves numbers unused, and trace_gap drops 3-8 on purpose. So a
step is one recorded step event, not one sequence number, and unused numbers make no turns:

- turn k is the k-th step event in sequence order; the labelled turn is the one whose
  event has `sequence == onset_step` (`onset_turn` checks that it exists);
- `run_start` is not a step: its task is the user's message, recorded as the input of
  every turn (an agent step is handed the task; runopsy records no per-step prompt).
  missing_run_start has none, so its turns have no user text (`{"messages": []}`);
- `run_end` is not a step: its outcome ends the last turn's reply;
- each trace keeps the event's id, sequence and timestamp as trace metadata
  (`runopsy.event_id`, ...), never as text.

Two exports of the same events, one trace per step (an AGENT root span with the reply,
and one child span for the step, as MLflow autolog / OpenInference would record it):

- `text` ("status in text"): status, exit code, finish reason, retry link, state delta,
  memory age, missing hand-off fields and claim support are written into the turn's text
  (the reply and the tool / model / memory span's output); no span has an ERROR status or
  an exception event, and no MLflow-style structured field carries them.
- `spans` ("status on spans"): the texts are plain ("Ran `make`."); a failed, timed-out
  or blocked tool and a rejected model call are spans with status ERROR and an
  `exception` event (exit code as `process.exit.code`); a model call's finish reason is in
  its OpenAI-style chat completion output (`choices[0].finish_reason`, "stop" when runopsy
  records none); a state delta is a MEMORY span (`update_state`, inputs before, outputs
  after); a memory read is a MEMORY span whose outputs carry `age_seconds`; a hand-off is
  a child AGENT span with `handoff.missing_fields`; a claim's support status is the
  output of an EVALUATOR span (`claim_check`); a retry is the tool span's attribute
  `runopsy.retry_of`; the run outcome is the attribute `runopsy.run.outcome` of the last
  turn's root span.

In both, a tool's arguments (runopsy exports only their hash) are the TOOL span's inputs,
and a model call's input is the task as an OpenAI-style user message. runopsy exports no
model or claim text, so the texts are neutral placeholders ("Here is the plan.").

Scoring (as the README says): the 18 cases with an onset and `detectable` are scored top-1
(turnback's root turn is the onset turn); the healthy run is right when turnback names no
root; the case marked undetectable is reported apart, unscored. Baselines: a uniformly
random turn (expected accuracy), the first turn whose text holds an error word
(`evals.scoring.ERROR_WORD`, read from each export's own text), and runopsy's own rules
(17/18, from the README; they read runopsy's events, not either export).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from turnback.store import quiet_mlflow_http

from evals.run import llm_from_env
from evals.scoring import (
    Attempt,
    attribute,
    first_error_word,
    progress,
    ratio,
    share,
    turn_text,
    uniform_random,
)

# The exported cases live in shared/ beside the project root (or $TURNBACK_RUNOPSY_CASES).
CASES = Path(os.environ.get(
    "TURNBACK_RUNOPSY_CASES",
    Path(__file__).resolve().parents[2] / "shared" / "data" / "runopsy-bench" / "bench_cases.json"))
RUNOPSY_OWN = (17, 18)  # runopsy's own rules, top-1 on the 18 scored cases (README)
LIFECYCLE = {"run_start", "run_end"}
STEP_KINDS = {"tool_call", "llm_call", "memory_op", "handoff", "claim"}
Export = Literal["text", "spans"]
EXPORTS: dict[Export, str] = {"text": "status in text", "spans": "status on spans"}


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text())


def step_events(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The step events in sequence order; an event kind outside the schema is an error."""
    unknown = {e["kind"] for e in case["events"]} - LIFECYCLE - STEP_KINDS
    if unknown:
        raise ValueError(f"{case['name']}: unknown event kinds {sorted(unknown)}")
    return sorted((e for e in case["events"] if e["kind"] in STEP_KINDS), key=lambda e: e["sequence"])


def onset_turn(case: dict[str, Any]) -> int | None:
    """The 1-based turn carrying the labelled onset step (None for the healthy run)."""
    onset = case["onset_step"]
    if onset is None:
        return None
    turns = [i for i, e in enumerate(step_events(case), 1) if e["sequence"] == onset]
    if len(turns) != 1:
        raise ValueError(f"{case['name']}: onset step {onset} is not exactly one step event")
    return turns[0]


def kind_of(case: dict[str, Any]) -> Literal["scored", "healthy", "undetectable"]:
    if case["onset_step"] is None:
        return "healthy"
    return "scored" if case["detectable"] else "undetectable"


# --- conversion ------------------------------------------------------------------------


def to_turns(case: dict[str, Any], export: Export) -> list[dict[str, Any]]:
    """One turn spec (for `write_session`) per step event; see the module docstring."""
    if export not in EXPORTS:
        raise ValueError(f"unknown export {export!r}")
    events = {e["kind"]: e for e in case["events"] if e["kind"] in LIFECYCLE}
    task = events["run_start"]["run"]["task"] if "run_start" in events else None
    turns = []
    for event in step_events(case):
        children, reply = _step(event, export, task)
        root: dict[str, Any] = {
            "name": event.get("agent_id") or "agent", "type": "AGENT",
            "inputs": {"messages": [{"role": "user", "content": task}] if task else []},
            "outputs": reply, "children": children,
            "metadata": {"runopsy.case": case["name"], "runopsy.event_id": event["event_id"],
                         "runopsy.sequence": str(event["sequence"]),
                         "runopsy.timestamp": str(event.get("timestamp"))},
        }
        turns.append({"root": root})
    if "run_end" in events and turns:
        outcome = events["run_end"]["run"]["outcome"]
        last = turns[-1]["root"]
        if export == "text":
            last["outputs"] += f" Run finished: outcome {outcome}."
        else:
            last["outputs"] += " Run finished."
            last["attributes"] = {"runopsy.run.outcome": outcome}
    return turns


def _step(event: dict[str, Any], export: Export, task: str | None) -> tuple[list[dict[str, Any]], str]:
    """The child spans and the reply text of one step event."""
    kind = event["kind"]
    if kind == "tool_call":
        children, reply = _tool(event["tool"], export)
    elif kind == "llm_call":
        children, reply = _llm(event["llm"], export, task)
    elif kind == "memory_op":
        children, reply = _memory(event["memory"], export)
    elif kind == "handoff":
        children, reply = _handoff(event["handoff"], export)
    else:
        children, reply = _claim(event["claim"], export)
    delta = event.get("state_delta") or {}
    if delta and export == "text":
        reply += " State: " + "; ".join(
            f"`{key}` {_value(change.get('before'))} -> {_value(change.get('after'))}"
            for key, change in delta.items()) + "."
    elif delta:
        children.append({
            "name": "update_state", "type": "MEMORY",
            "inputs": {key: change.get("before") for key, change in delta.items()},
            "outputs": {key: change.get("after") for key, change in delta.items()},
        })
    return children, reply


def _value(value: Any) -> str:
    return "unset" if value is None else json.dumps(value)


def _tool(tool: dict[str, Any], export: Export) -> tuple[list[dict[str, Any]], str]:
    name, status = tool["name"], tool["status"]
    ran = status in ("ok", "error")  # a timed-out or blocked call has no meaningful exit code
    span: dict[str, Any] = {"name": name, "type": "TOOL", "inputs": {}}
    if tool.get("arguments_hash"):
        span["inputs"] = {"arguments_sha256": tool["arguments_hash"]}
    if export == "text":
        said = f"status {status}"
        if ran:
            said += f", exit code {tool['exit_code']}"
        if tool.get("blocked_reason"):
            said += f", blocked by policy: {tool['blocked_reason']}"
        if tool.get("error_type"):
            said += f", error type {tool['error_type']}"
        if tool.get("retry_of"):
            said += f", retry of {tool['retry_of']}"
        span["outputs"] = said
        return [span], f"Ran `{name}`: {said}."
    attributes: dict[str, Any] = {}
    if ran:
        attributes["process.exit.code"] = tool["exit_code"]
    if tool.get("retry_of"):
        attributes["runopsy.retry_of"] = tool["retry_of"]
    if tool.get("output_hash"):
        span["outputs"] = {"output_sha256": tool["output_hash"]}
    if status == "timeout":
        span.update(error=f"'{name}' did not finish in time",
                    error_type=tool.get("error_type") or "TimeoutError")
    elif status == "blocked":
        span.update(error=f"'{name}' refused by policy: {tool.get('blocked_reason') or 'unspecified'}",
                    error_type=tool.get("error_type") or "PermissionError")
    elif status != "ok":
        span.update(error=f"'{name}' exited with code {tool['exit_code']}",
                    error_type=tool.get("error_type") or "CalledProcessError")
    if attributes:
        span["attributes"] = attributes
    return [span], f"Ran `{name}`."


def _llm(llm: dict[str, Any], export: Export, task: str | None) -> tuple[list[dict[str, Any]], str]:
    model, status = llm.get("model") or "model", llm["status"]
    tokens = llm.get("tokens") or {}
    messages = [{"role": "user", "content": task}] if task else []
    span: dict[str, Any] = {"name": "ChatCompletion", "type": "CHAT_MODEL",
                            "inputs": {"model": model, "messages": messages}}
    plan = "Here is the plan."
    if export == "text":
        said = f"status {status}"
        if llm.get("finish_reason"):
            said += f", finish reason {llm['finish_reason']}"
        span["outputs"] = f"{plan} ({said})" if status == "ok" else f"({said}: the provider refused the call)"
        return [span], f"Called {model}: {said}."
    if status == "ok":
        span["outputs"] = {
            "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": plan},
                         "finish_reason": llm.get("finish_reason") or "stop"}],
            "usage": {"prompt_tokens": tokens.get("input_tokens", 0),
                      "completion_tokens": tokens.get("output_tokens", 0),
                      "total_tokens": tokens.get("input_tokens", 0) + tokens.get("output_tokens", 0)},
        }
    else:
        span.update(error=f"the provider rejected the call to {model} (status {status})",
                    error_type="APIError")
    return [span], f"Called {model}."


def _memory(memory: dict[str, Any], export: Export) -> tuple[list[dict[str, Any]], str]:
    operation, key, age = memory["operation"], memory["key"], memory.get("age_seconds")
    span: dict[str, Any] = {"name": f"memory.{operation}", "type": "MEMORY", "inputs": {"key": key}}
    if export == "text":
        said = f"stored {age:.0f} s ({age / 86400:.1f} days) ago" if age is not None else "age unknown"
        span["outputs"] = f"`{key}`, {said}"
        return [span], f"Memory {operation} of `{key}`: {said}."
    span["outputs"] = {"key": key, "age_seconds": age}
    return [span], f"Memory {operation} of `{key}`."


def _handoff(handoff: dict[str, Any], export: Export) -> tuple[list[dict[str, Any]], str]:
    target, missing = handoff["to_agent_id"], handoff.get("missing_fields") or []
    span: dict[str, Any] = {"name": target, "type": "AGENT",
                            "inputs": {"from_agent": handoff["from_agent_id"]}}
    if export == "text":
        said = f"missing fields: {', '.join(missing)}" if missing else "no fields missing"
        return [span], f"Handed the task to {target} ({said})."
    if missing:
        span["attributes"] = {"handoff.missing_fields": missing}
    return [span], f"Handed the task to {target}."


def _claim(claim: dict[str, Any], export: Export) -> tuple[list[dict[str, Any]], str]:
    said = f"Claim {claim['claim_id']} ({claim.get('text_hash') or 'text not exported'})"
    if export == "text":
        return [], f"{said}; support status: {claim['support_status']}."
    check = {"name": "claim_check", "type": "EVALUATOR", "inputs": {"claim_id": claim["claim_id"]},
             "outputs": {"support_status": claim["support_status"]}}
    return [check], f"{said}."


# --- scoring ---------------------------------------------------------------------------


@dataclass
class CaseResult:
    name: str
    kind: str
    expected: int | None
    turns: int
    baseline: int | None  # first turn with an error word in this export's text
    attempt: Attempt = field(default_factory=Attempt)

    @property
    def ok(self) -> bool:
        return self.attempt.names(self.expected)


def score(cases: list[dict[str, Any]], export: Export, uri: str, offline: bool) -> list[CaseResult]:
    results = []
    for case in cases:
        try:
            turns = to_turns(case, export)
            result = CaseResult(case["name"], kind_of(case), onset_turn(case), len(turns),
                                first_error_word([turn_text(t) for t in turns]))
        except Exception as exc:  # a case the converter cannot read: wrong, reported, run goes on
            result = CaseResult(str(case.get("name")), "scored", -1, 0, None,
                                Attempt(error=f"conversion failed: {type(exc).__name__}: {exc}"[:240]))
            progress(f"runopsy [{EXPORTS[export]}] {result.name}: {result.attempt.error}")
            results.append(result)
            continue
        result.attempt = attribute(uri, f"runopsy-{export}", f"runopsy-{export}-{case['name']}", turns,
                                   llm_from_env(offline))
        got = result.attempt.error or result.attempt.shown()
        progress(f"runopsy [{EXPORTS[export]}] {case['name']}: onset turn {result.expected} of "
                 f"{result.turns}, turnback {got} ({'ok' if result.ok else 'wrong'})")
        results.append(result)
    return results


def print_table(by_export: dict[Export, list[CaseResult]]) -> None:
    exports = list(by_export)
    first = by_export[exports[0]]
    scored_n = sum(r.kind == "scored" for r in first)
    mode = next((r.attempt.mode for rs in by_export.values() for r in rs if r.attempt.mode), "offline")
    print(f"\nrunopsy-bench 0.1.9: {len(first)} cases ({scored_n} scored, 1 healthy, 1 undetectable), "
          f"one step one turn, turnback mode {mode}\n")
    print("| method (top-1 onset turn, scored cases) | " + " | ".join(EXPORTS[e] for e in exports) + " |")
    print("|---|" + "---|" * len(exports))

    def row(label: str, cells: list[str]) -> None:
        print(f"| {label} | " + " | ".join(cells) + " |")

    def scored(export: Export) -> list[CaseResult]:
        return [r for r in by_export[export] if r.kind == "scored"]

    accuracy = {e: sum(r.ok for r in scored(e)) / max(1, len(scored(e))) for e in exports}
    random = {e: uniform_random([r.turns for r in scored(e)]) for e in exports}
    row(f"turnback ({mode})", [share(sum(r.ok for r in scored(e)), len(scored(e))) for e in exports])
    row("uniform random (expected)", [f"{100 * random[e]:.1f}%" for e in exports])
    row("turnback / random", [ratio(accuracy[e], random[e]) for e in exports])
    row("first step with an error word",
        [share(sum(r.baseline == r.expected for r in scored(e)), len(scored(e))) for e in exports])
    own = share(*RUNOPSY_OWN)
    row("runopsy's own rules (README; reads its events)", [own for _ in exports])

    def named(r: CaseResult) -> str:
        if r.attempt.error:
            return f"nothing: analysis failed ({r.attempt.error})"
        return "no root" if r.attempt.root is None else f"turn {r.attempt.root}"

    print()
    for kind, what in (("healthy", "healthy run"), ("undetectable", "undetectable, unscored")):
        for e in exports:
            for r in by_export[e]:
                if r.kind == kind:
                    expected = ("(right when nothing is named)" if r.expected is None
                                else f"onset turn {r.expected} of {r.turns}")
                    print(f"{what} `{r.name}` [{EXPORTS[e]}], {expected}: turnback named {named(r)}; "
                          f"error-word baseline named {'nothing' if r.baseline is None else r.baseline}")
    failed = [(e, r) for e in exports for r in by_export[e] if r.attempt.error]
    print(f"sessions that failed to analyze (counted wrong): {len(failed)}")
    for e, r in failed:
        print(f"  [{EXPORTS[e]}] {r.name}: {r.attempt.error}")


def run(path: Path, offline: bool) -> dict[Export, list[CaseResult]]:
    cases = load_cases(path)
    quiet_mlflow_http()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-runopsy-"))
    try:
        uri = f"sqlite:///{workdir / 'mlflow.db'}"
        return {export: score(cases, export, uri, offline) for export in EXPORTS}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES, help="runopsy-bench's bench_cases.json")
    parser.add_argument("--offline", action="store_true", help="never call an LLM")
    args = parser.parse_args()
    print_table(run(args.cases, args.offline))


if __name__ == "__main__":
    main()
