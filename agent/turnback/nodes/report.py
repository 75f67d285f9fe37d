"""Node 7: assemble the typed report (the JSON contract) from everything found."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from turnback.context import AnalysisContext
from turnback.safety import mask_data
from turnback.state import AnalysisState, CodeCorrelation, ModelCoverage, Report, ReportTurn

SCHEMA_VERSION = "1.0"
OFFLINE_NOTE = (
    "offline: verdicts come from recorded signals only (errors, assessments and their "
    "rationales, tool results, user pushback); no LLM was called"
)
def report(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    llm = ctx.llm
    judgements = {j.index: j for j in state["judgements"]}
    unreadable: dict[str, str] = getattr(ctx.store, "unreadable", {})
    turns = [
        ReportTurn(
            index=t.index,
            trace_id=t.trace_id,
            user=t.user,
            assistant=t.assistant,
            verdict=judgements[t.index].verdict,
            category=judgements[t.index].category,
            reasons=judgements[t.index].reasons,
            judged_by=judgements[t.index].judged_by,
        )
        for t in state["turns"]
    ]
    for turn in turns:
        if turn.trace_id in unreadable and turn.verdict != "faulty":
            # Nothing was read, so nothing can be said about it: shown in place as unclear.
            turn.verdict = "unclear"
            turn.reasons = [f"trace could not be read: {unreadable[turn.trace_id]}"]
    root = state.get("root_cause")
    if root is not None:
        # The backward trace can blame a turn the per-turn judge passed (an origin found
        # through a later complaint): the timeline must not call the root cause "ok".
        blamed = turns[root.turn - 1]
        if blamed.verdict == "ok":  # "unclear" stays: it says what could not be judged
            blamed.verdict, blamed.category = "faulty", root.category
            # The row is the turn itself: "At turn N, " would say it twice.
            why = root.explanation.removeprefix(f"At turn {root.turn}, ")
            blamed.reasons = [*blamed.reasons, f"root cause: {why}"]
    notes = list(state.get("notes", []))
    if root is not None and root.trace_id in unreadable:
        # Blamed through the turns around it (a later complaint), not through what it did.
        root = root.model_copy(update={"confidence": "low"})
        notes.append(f"the root cause falls on turn {root.turn}, whose trace could not be read: "
                     "the verdict rests on the turns around it (confidence lowered to low)")
    coverage = state.get("llm_coverage")
    if llm is not None:
        coverage = (coverage or ModelCoverage(model=llm.model, turns=len(state["turns"]))).model_copy(
            update={"stopped": llm.usage.stopped})
    urls = {
        t.trace_id: url
        for t in state["turns"]
        if (url := ctx.store.trace_url(state["experiment_id"], state["session_id"], t.trace_id))
    }
    built = Report(
        schema_version=SCHEMA_VERSION,
        session_id=state["session_id"],
        experiment_id=state["experiment_id"],
        tracking_uri=ctx.store.tracking_uri,
        mode="llm" if llm else "offline",
        mode_note=llm_note(coverage) if coverage else OFFLINE_NOTE,
        discovered_schema=state["schema"].summary(),
        turns=turns,
        root_cause=root,
        symptom_turn=state.get("symptom_turn"),
        evidence_chain=state.get("evidence_chain", []),
        code_correlation=state.get("code_correlation", CodeCorrelation(status="skipped")),
        code_findings=state.get("code_findings", []),
        recommendations=state.get("recommendations", []),
        session_assessments=state.get("session_assessments", []),
        scorer_errors=state.get("scorer_errors", []),
        notes=notes,
        trace_urls=urls,
        session_url=ctx.store.session_url(state["experiment_id"], state["session_id"]),
        llm_coverage=coverage,
    )
    return {"report": mask_secrets(built)}


def llm_note(coverage: ModelCoverage) -> str:
    """The header in LLM mode: what the model really judged, never more."""
    model = coverage.model
    if coverage.turns_read:
        read = f"{model} read {coverage.turns_read} of {coverage.turns} turns in a session-wide pass"
        if coverage.window:
            read += (f" (turns {coverage.window[0]}-{coverage.window[1]}, narrowed by bisection in "
                     f"{coverage.narrowing_steps} calls)")
    else:
        read = f"{model} read no turn (the session pass did not answer)"
    if coverage.candidates:
        read += f" and adjudicated {coverage.candidates_judged} of {coverage.candidates} top candidates"
    note = f"llm: {read}; recorded signals are evidence, and a recorded fault is never judged away"
    if coverage.failed_calls:
        # Counts steps the deadline or budget skipped too: they got no answer either.
        note += f"; {coverage.failed_calls} model step(s) got no answer, offline verdicts kept there"
    if coverage.dropped_quotes:
        note += f"; {coverage.dropped_quotes} model item(s) dropped, their quote not in the trace"
    if coverage.stopped:
        note += f"; {coverage.stopped}"
    return note


def mask_secrets(built: Report) -> Report:
    """Mask the secrets traces recorded (see turnback.safety), in every field at once."""
    return Report.model_validate(mask_data(built.model_dump(mode="python")))
