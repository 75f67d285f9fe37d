"""Node 4: from where the failure shows back to the earliest turn that caused it.

Orchestrates the causal layers (agent/turnback/causal): symptoms, links from each symptom to the
candidate faults before it (adding the origin of a disputed value), then ranking.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from turnback.adjudication import Adjudicated, adjudicate
from turnback.causal.links import ContentIndex, Link, link_symptoms
from turnback.causal.ranking import Ranked, rank
from turnback.causal.symptoms import find_symptoms
from turnback.context import AnalysisContext
from turnback.offline_judge import evidence
from turnback.session_pass import SESSION_PASS
from turnback.signals import tokens
from turnback.state import (
    Alternative,
    AnalysisState,
    Candidate,
    Evidence,
    ModelCoverage,
    RootCause,
    Symptom,
    Turn,
    TurnJudgement,
)

MAX_ALTERNATIVES = 3
MODEL_LINK = 0.6
"""Strength of a link the model's session pass drew (a verified quote at each end)."""


def trace_backward(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    turns = state["turns"]
    notes = list(state.get("notes", []))
    model_symptoms = state.get("model_symptoms", [])
    symptoms = sorted([*find_symptoms(turns, state.get("session_assessments", [])), *model_symptoms],
                      key=lambda s: s.turn)
    candidates, links = link_symptoms(turns, state.get("candidates", []), symptoms)
    ranked = rank(candidates, symptoms, [*links, *model_links(candidates, symptoms)], len(turns))
    out: dict[str, Any] = {"notes": notes}
    adjudicated: Adjudicated | None = None
    coverage = state.get("llm_coverage")
    if ctx.llm is not None and ranked:
        offline_first = engine_root(turns, state, ranked, model_symptoms)
        adjudicated = adjudicate(ctx.llm, turns, ranked, ctx.progress)
        ranked = adjudicated.ranked
        if coverage is not None:
            coverage = record_adjudication(coverage, adjudicated)
        out["judgements"] = merged_judgements(state["judgements"], adjudicated, candidates)
    if coverage is not None:
        out["llm_coverage"] = coverage
    if not ranked:
        ctx.progress("no faulty turn found: the session looks healthy")
        return out | {"root_cause": None, "root_candidate": None, "symptom_turn": None, "evidence_chain": []}

    best = ranked[0]
    root = best.candidate.turn
    symptom = symptom_of(best, symptoms)
    views = adjudicated.views if adjudicated else {}
    cause = RootCause(
        turn=root,
        trace_id=turns[root - 1].trace_id,
        category=best.candidate.category,
        explanation=explain(best, symptom),
        confidence=confidence(best),
        evidence=[evidence(turns[root - 1], best.candidate),
                  *(adjudicated.quotes.get(id(best.candidate), []) if adjudicated else [])],
        score=best.score,
        alternatives=[
            Alternative(turn=r.candidate.turn, category=r.candidate.category,
                        severity=r.candidate.severity, score=r.score, why=r.candidate.detail,
                        adjudication=views.get(id(r.candidate)))
            for r in ranked[1 : 1 + MAX_ALTERNATIVES]
        ],
        adjudication=views.get(id(best.candidate)),
        offline_turn=offline_first if adjudicated else None,
    )
    chain = evidence_chain(turns, best, symptom)
    ctx.progress(
        f"root cause: turn {root} ({cause.category}); symptom: turn {symptom.turn if symptom else root}"
    )
    return out | {
        "root_cause": cause, "root_candidate": best.candidate,
        "symptom_turn": symptom.turn if symptom else root,
        "evidence_chain": chain,
    }


def model_links(candidates: list[Candidate], symptoms: list[Symptom]) -> list[Link]:
    """The links the model's session pass drew: its candidate to a symptom at the turn it named."""
    by_turn = {s.turn: s for s in symptoms}
    return [
        Link(c, by_turn[c.shows_at], MODEL_LINK, "the model's session pass ties them, quoting both")
        for c in candidates
        if c.detector == SESSION_PASS and c.shows_at in by_turn
    ]


def engine_root(turns: list[Turn], state: AnalysisState, ranked: list[Ranked],
                model_symptoms: list[Symptom]) -> int | None:
    """The root the engine alone ranks first, without anything the model added."""
    if not model_symptoms and all(r.candidate.detector != SESSION_PASS for r in ranked):
        return ranked[0].candidate.turn
    symptoms = find_symptoms(turns, state.get("session_assessments", []))
    engine = [c for c in state.get("candidates", []) if c.detector != SESSION_PASS]
    candidates, links = link_symptoms(turns, engine, symptoms)
    alone = rank(candidates, symptoms, links, len(turns))
    return alone[0].candidate.turn if alone else None


def record_adjudication(coverage: ModelCoverage, adjudicated: Adjudicated) -> ModelCoverage:
    return coverage.model_copy(update={
        "candidates": adjudicated.asked, "candidates_judged": adjudicated.answered,
        "failed_calls": coverage.failed_calls + adjudicated.asked - adjudicated.answered,
        "dropped_quotes": coverage.dropped_quotes + adjudicated.dropped_quotes,
    })


def merged_judgements(
    judgements: list[TurnJudgement], adjudicated: Adjudicated, candidates: list[Candidate]
) -> list[TurnJudgement]:
    """Each adjudicated turn's verdict with the model's, by the same merging rules."""
    merged = [j.model_copy(deep=True) for j in judgements]
    for candidate in candidates:
        view = adjudicated.views.get(id(candidate))
        if view is None:
            continue
        judgement = merged[candidate.turn - 1]
        if view.model_verdict is None:
            judgement.judged_by = "offline_fallback"
            judgement.reasons.append(f"LLM adjudication unavailable: {view.why}")
            continue
        judgement.judged_by = "llm"
        if view.won in ("both", "model") and view.model_verdict == "faulty":
            judgement.verdict, judgement.category = "faulty", judgement.category or candidate.category
        elif view.won == "model" and view.model_verdict == "ok" and not judgement.evidence:
            # Withdrawn, and the engine had found nothing at this turn.
            judgement.verdict, judgement.category = "ok", None
        judgement.reasons.insert(0, f"model: {view.model_verdict} ({view.model_reasoning}); {view.why}")
    return merged


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
