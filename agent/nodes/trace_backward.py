"""Node 4: from the turn where the failure shows back to the earliest turn that caused it."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import AnalysisContext
from agent.offline_judge import HARD_CATEGORIES
from agent.signals import (
    assessment_polarity,
    disputed_turn_scores,
    pushback_phrase,
    strongly_disputed,
)
from agent.state import AnalysisState, Evidence, RootCause, Turn, TurnJudgement


def trace_backward(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    turns, judgements = state["turns"], state["judgements"]
    notes = list(state.get("notes", []))
    symptom = find_symptom(turns, judgements)
    if symptom is None:
        if any(
            assessment_polarity(a)[0] == "negative" for a in state.get("session_assessments", [])
        ):
            notes.append(
                "a session-level assessment is negative, but no turn carries a recorded fault"
            )
        runtime.context.progress("no faulty turn found: the session looks healthy")
        return {"root_cause": None, "symptom_turn": None, "evidence_chain": [], "notes": notes}

    symptom_turn = turns[symptom - 1]
    scores = disputed_turn_scores(turns, symptom_turn) if pushback_phrase(symptom_turn.user) else {}
    root = find_root(judgements, symptom, scores)
    chain = evidence_chain(turns, judgements, root, symptom, scores)
    judgement = judgements[root - 1]
    cause = RootCause(
        turn=root,
        trace_id=turns[root - 1].trace_id,
        category=judgement.category or "disputed_by_user",
        explanation=explain(turns, judgement, root, symptom),
        confidence=confidence(judgement, symptom, root, scores),
        evidence=judgement.evidence,
    )
    runtime.context.progress(f"root cause: turn {root} ({cause.category}); symptom: turn {symptom}")
    return {"root_cause": cause, "symptom_turn": symptom, "evidence_chain": chain, "notes": notes}


def find_symptom(turns: list[Turn], judgements: list[TurnJudgement]) -> int | None:
    """Where the failure shows: the user's first pushback, else the first failing
    assessment, else the last faulty turn."""
    faulty = [j.index for j in judgements if j.verdict == "faulty"]
    for turn in turns:
        if pushback_phrase(turn.user) and any(i < turn.index for i in faulty):
            return turn.index
    for judgement in judgements:
        if judgement.verdict == "faulty" and judgement.category == "failing_assessment":
            return judgement.index
    return faulty[-1] if faulty else None


def find_root(judgements: list[TurnJudgement], symptom: int, scores: dict[int, float]) -> int:
    """The earliest faulty turn the symptom is about.

    With pushback, the turns the judge linked to this complaint come first, then turns
    that introduced what the user disputes: an unrelated earlier failure is not this
    symptom's cause.
    """
    candidates = [j for j in judgements if j.verdict == "faulty" and j.index <= symptom]
    linked = [
        j.index for j in candidates
        if any(e.kind == "disputed_later" and e.refers_to == symptom for e in j.evidence)
    ]
    disputed = set(strongly_disputed(scores))
    related = [j.index for j in candidates if j.index in disputed]
    return min(linked or related or [j.index for j in candidates])


def evidence_chain(
    turns: list[Turn], judgements: list[TurnJudgement], root: int, symptom: int,
    scores: dict[int, float],
) -> list[Evidence]:
    chain = list(judgements[root - 1].evidence)
    disputed = set(strongly_disputed(scores))
    for index in range(root + 1, symptom):
        if index in disputed:
            chain.append(
                Evidence(
                    turn=index, trace_id=turns[index - 1].trace_id, kind="builds_on",
                    detail=f"turn {index} carries content from turn {root} forward",
                )
            )
    if symptom != root:
        chain.extend(e for e in judgements[symptom - 1].evidence if e.kind == "user_pushback")
    return chain


def explain(turns: list[Turn], judgement: TurnJudgement, root: int, symptom: int) -> str:
    turn = turns[root - 1]
    first_error = turn.errors[0] if turn.errors else None
    error_text = f"'{first_error.span_name}' failed ({first_error.message})" if first_error else ""
    later = f"; the failure shows at turn {symptom}" if symptom != root else ""
    match judgement.category:
        case "tool_failure_reported_as_success":
            failed_tool = next((t.name for t in turn.tools if t.error), None)
            tool_text = f"tool '{failed_tool}' returned an error" if failed_tool else "a step failed"
            what = error_text or tool_text
            return f"At turn {root}, {what}, but the reply told the user it succeeded{later}."
        case "app_error":
            detail = f": {error_text}" if error_text else ""
            return f"Turn {root} failed with an application error{detail}{later}."
        case "failing_assessment":
            return f"An assessment of turn {root} failed (see its rationale){later}."
        case "repetition":
            return f"Turn {root} repeats an earlier reply instead of progressing{later}."
        case "disputed_by_user":
            return (
                f"Turn {symptom} disputes what turn {root} told the user; no error was recorded, "
                "so the claim itself is the likely fault."
            )
        case category:
            reason = judgement.reasons[0] if judgement.reasons else "judged faulty"
            return f"Turn {root} is faulty ({category}): {reason}{later}."


def confidence(judgement: TurnJudgement, symptom: int, root: int, scores: dict[int, float]) -> str:
    hard = judgement.category in HARD_CATEGORIES
    linked = root in strongly_disputed(scores) or symptom == root
    if hard and linked:
        return "high"
    if hard or linked:
        return "medium"
    return "low"
