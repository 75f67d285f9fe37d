"""Node 4: from where the failure shows back to the earliest turn that caused it.

Orchestrates the causal layers (agent/turnback/causal): symptoms, links from each symptom to the
candidate faults before it (adding the origin of a disputed value), then ranking.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from turnback.causal.links import ContentIndex, link_symptoms
from turnback.causal.ranking import Ranked, rank
from turnback.causal.symptoms import find_symptoms
from turnback.context import AnalysisContext
from turnback.offline_judge import evidence
from turnback.signals import tokens
from turnback.state import Alternative, AnalysisState, Evidence, RootCause, Symptom, Turn

MAX_ALTERNATIVES = 3


def trace_backward(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    turns = state["turns"]
    notes = list(state.get("notes", []))
    symptoms = find_symptoms(turns, state.get("session_assessments", []))
    candidates, links = link_symptoms(turns, state.get("candidates", []), symptoms)
    ranked = rank(candidates, symptoms, links, len(turns))
    if not ranked:
        runtime.context.progress("no faulty turn found: the session looks healthy")
        return {"root_cause": None, "root_candidate": None, "symptom_turn": None, "evidence_chain": [],
                "notes": notes}

    best = ranked[0]
    root = best.candidate.turn
    symptom = symptom_of(best, symptoms)
    cause = RootCause(
        turn=root,
        trace_id=turns[root - 1].trace_id,
        category=best.candidate.category,
        explanation=explain(best, symptom),
        confidence=confidence(best),
        evidence=[evidence(turns[root - 1], best.candidate)],
        score=best.score,
        alternatives=[
            Alternative(turn=r.candidate.turn, category=r.candidate.category,
                        severity=r.candidate.severity, score=r.score, why=r.candidate.detail)
            for r in ranked[1 : 1 + MAX_ALTERNATIVES]
        ],
    )
    chain = evidence_chain(turns, best, symptom)
    runtime.context.progress(
        f"root cause: turn {root} ({cause.category}); symptom: turn {symptom.turn if symptom else root}"
    )
    return {
        "root_cause": cause, "root_candidate": best.candidate,
        "symptom_turn": symptom.turn if symptom else root,
        "evidence_chain": chain, "notes": notes,
    }


def symptom_of(best: Ranked, symptoms: list[Symptom]) -> Symptom | None:
    """The symptom the root is linked to, else the first one observed after it. A turn
    that failed with no reply shows its own failure."""
    if best.candidate.category == "app_error":
        return None
    if best.link is not None:
        return best.link.symptom
    return next((s for s in symptoms if s.turn >= best.candidate.turn), None)


def evidence_chain(turns: list[Turn], best: Ranked, symptom: Symptom | None) -> list[Evidence]:
    """The root's evidence, the turns in between that carried its content forward, then
    what the symptom turn shows."""
    root = best.candidate.turn
    chain = [evidence(turns[root - 1], best.candidate)]
    if symptom is None or symptom.turn == root:
        return chain
    carried = set().union(*(tokens(v) for v in best.candidate.values)) if best.candidate.values else set()
    if carried:
        index = ContentIndex(turns[: symptom.turn - 1])
        between = sorted({t for token in carried for t in index.said.get(token, ()) if root < t})
        for t in between:
            chain.append(Evidence(
                turn=t, trace_id=turns[t - 1].trace_id, kind="builds_on", refers_to=root,
                detail=f"turn {t} carries content from turn {root} forward",
            ))
    chain.append(Evidence(
        turn=symptom.turn, trace_id=turns[symptom.turn - 1].trace_id, kind=symptom.kind,
        refers_to=root, detail=symptom.detail,
    ))
    return chain


def explain(best: Ranked, symptom: Symptom | None) -> str:
    root = best.candidate.turn
    later = f"; the failure shows at turn {symptom.turn}" if symptom and symptom.turn != root else ""
    return f"At turn {root}, {best.candidate.detail}{later}."


def confidence(best: Ranked) -> str:
    strong = best.candidate.severity == "strong"
    linked = best.link is not None and best.link.strength >= 0.8
    if strong and (linked or best.link is None):
        return "high" if linked or best.candidate.detector != "origin_of_dispute" else "medium"
    if strong or linked:
        return "medium"
    return "low"
