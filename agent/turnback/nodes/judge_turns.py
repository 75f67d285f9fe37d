"""Node 3: a verdict for every turn from recorded signals and, in LLM mode, the model's
session-wide pass (agent/turnback/session_pass.py) for what the engine missed.

The model's candidates and symptoms join the engine's; they are ranked and the top ones
adjudicated in trace_backward.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from turnback.causal.symptoms import find_symptoms
from turnback.context import AnalysisContext
from turnback.offline_judge import judge_offline
from turnback.session_pass import session_pass
from turnback.state import AnalysisState, Symptom, TurnJudgement


def judge_turns(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    turns = state["turns"]
    judgements, candidates = judge_offline(turns)
    out: dict[str, Any] = {"judgements": judgements, "candidates": candidates}
    if ctx.llm is not None and turns:
        symptoms = find_symptoms(turns, state.get("session_assessments", []))
        result = session_pass(ctx.llm, turns, engine_signals(judgements, symptoms), ctx.progress)
        for index in result.read:
            judgements[index - 1].judged_by = "llm"
        for index in result.failed:
            judgements[index - 1].judged_by = "offline_fallback"
            judgements[index - 1].reasons.append(
                f"LLM session pass unavailable ({result.failure}); offline verdict kept")
        for candidate in result.candidates:
            judgement = judgements[candidate.turn - 1]
            if judgement.verdict == "ok":  # a weak reading: the adjudication may confirm it
                judgement.verdict = "unclear"
            judgement.reasons.insert(0, candidate.detail)
        candidates.extend(result.candidates)
        out |= {"model_symptoms": result.symptoms, "llm_coverage": result.coverage}
    # Turn verdicts are settled by the backward trace; here only the candidates are known.
    ctx.progress(f"judged {len(turns)} turns: {len(candidates)} candidate fault(s) to trace back")
    return out


def engine_signals(judgements: list[TurnJudgement], symptoms: list[Symptom]) -> dict[int, list[str]]:
    """What the engine saw at each turn, for the model's digest."""
    signals: dict[int, list[str]] = {}
    for judgement in judgements:
        if judgement.reasons:
            signals.setdefault(judgement.index, []).extend(judgement.reasons[:2])
    for symptom in symptoms:
        signals.setdefault(symptom.turn, []).append(f"symptom ({symptom.kind})")
    return signals
