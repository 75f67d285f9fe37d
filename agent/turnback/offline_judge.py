"""Per-turn verdicts from recorded signals alone: what every run without an LLM gets,
and the evidence the LLM judge is given.

A turn is `faulty` when a detector found a strong candidate on it or a scorer failed it,
`unclear` when only other weak (text-only) signals, `ok` otherwise. Whether a fault is
the root is the backward trace's call, not this one.
"""

from __future__ import annotations

from collections import defaultdict

from turnback.causal.detectors import detect_all
from turnback.state import Candidate, Category, Evidence, Turn, TurnJudgement

# Categories backed by a recorded fact, never judged away by an LLM's "ok".
HARD_CATEGORIES: tuple[Category, ...] = (
    "tool_failure_reported_as_success", "app_error", "tool_failure", "reply_truncated", "tool_loop",
    "silent_fallback", "malformed_tool_call",
)


def judge_offline(turns: list[Turn]) -> tuple[list[TurnJudgement], list[Candidate]]:
    candidates = detect_all(turns)
    return judgements_from(turns, candidates), candidates


def judgements_from(turns: list[Turn], candidates: list[Candidate]) -> list[TurnJudgement]:
    by_turn: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_turn[candidate.turn].append(candidate)
    judgements = []
    for turn in turns:
        found = sorted(by_turn.get(turn.index, []), key=lambda c: c.severity != "strong")
        judgement = TurnJudgement(index=turn.index, verdict="ok")
        if found:
            # A scorer that failed the turn is a verdict on it, though a weak root signal.
            # An admitted failure was handled with the user: not a fault of the turn by itself.
            recorded = (found[0].severity == "strong" and found[0].category != "tool_failure") or any(
                c.detector == "failing_assessments" for c in found)
            judgement.verdict = "faulty" if recorded else "unclear"
            judgement.category = found[0].category
            judgement.reasons = [c.detail for c in found]
            judgement.evidence = [evidence(turn, c) for c in found]
        judgements.append(judgement)
    return judgements


def evidence(turn: Turn, candidate: Candidate) -> Evidence:
    return Evidence(turn=turn.index, trace_id=turn.trace_id, kind=candidate.detector,
                    detail=candidate.detail, span_id=candidate.span_id)
