"""Node 7: assemble the typed report (the JSON contract) from everything found."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from turnback.context import AnalysisContext
from turnback.state import AnalysisState, CodeCorrelation, Report, ReportTurn

SCHEMA_VERSION = "1.0"
OFFLINE_NOTE = (
    "offline: verdicts come from recorded signals only (errors, assessments and their "
    "rationales, tool results, user pushback); no LLM was called"
)
SECRET = re.compile(
    r"\b(sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}"
    r"|xox[abpr]-[A-Za-z0-9\-]{10,})\b"
    r"|(?<=Bearer )[A-Za-z0-9._~+/\-]{12,}=*",
)


def report(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    llm = ctx.llm
    judgements = {j.index: j for j in state["judgements"]}
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
        mode_note=f"llm: turns judged by {llm.model}, with recorded signals as evidence"
        if llm else OFFLINE_NOTE,
        discovered_schema=state["schema"].summary(),
        turns=turns,
        root_cause=state.get("root_cause"),
        symptom_turn=state.get("symptom_turn"),
        evidence_chain=state.get("evidence_chain", []),
        code_correlation=state.get("code_correlation", CodeCorrelation(status="skipped")),
        code_findings=state.get("code_findings", []),
        recommendations=state.get("recommendations", []),
        session_assessments=state.get("session_assessments", []),
        scorer_errors=state.get("scorer_errors", []),
        notes=state.get("notes", []),
        trace_urls=urls,
        session_url=ctx.store.session_url(state["experiment_id"], state["session_id"]),
    )
    return {"report": mask_secrets(built)}


def mask_secrets(built: Report) -> Report:
    """Mask API keys and bearer tokens that traces recorded, in every field at once."""
    return Report.model_validate_json(SECRET.sub("[masked]", built.model_dump_json()))
