"""Node 3: a verdict for every turn, from recorded signals and, when configured, an LLM."""

from __future__ import annotations

import json
from typing import Any, Literal

from langgraph.runtime import Runtime
from pydantic import BaseModel

from turnback.context import AnalysisContext
from turnback.llm import ChatModel, LLMError, ask_structured
from turnback.offline_judge import HARD_CATEGORIES, judge_offline
from turnback.prompts import fence, load_prompt
from turnback.state import AnalysisState, Candidate, Category, Turn, TurnJudgement

# Each LLM call sees the turn plus a short digest of the few turns before it, so the
# cost of an analysis grows linearly with the session.
DIGEST_TURNS = 3
NEXT_TURNS = 3
DIGEST_CHARS = 300
FIELD_CHARS = 4000


class TurnAssessment(BaseModel):
    """What the LLM judge returns for one turn; the reasoning comes first."""

    reasoning: str
    verdict: Literal["ok", "faulty", "unclear"]
    category: Category | None = None


def judge_turns(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    turns = state["turns"]
    judgements, candidates = judge_offline(turns)
    notes = list(state.get("notes", []))
    if ctx.llm is not None:
        fallbacks = 0
        for turn, offline in zip(turns, judgements, strict=True):
            ctx.progress(f"judging turn {turn.index}/{len(turns)} with {ctx.llm.model}")
            merged = judge_with_llm(ctx.llm, turns, turn, offline)
            fallbacks += merged.judged_by == "offline_fallback"
            judgements[turn.index - 1] = merged
            if merged.judged_by == "llm" and merged.verdict == "faulty" and offline.verdict != "faulty":
                candidates.append(Candidate(
                    turn=turn.index, category=merged.category or "hallucinated_fact", severity="weak",
                    detector="llm_judge", detail=merged.reasons[0] if merged.reasons else "judged faulty"))
        if fallbacks:
            notes.append(
                f"{fallbacks} turn(s) fell back to their offline verdict after LLM failures"
            )
        notes.extend(dict.fromkeys(ctx.llm.usage.events))
    faulty = sum(j.verdict == "faulty" for j in judgements)
    ctx.progress(f"judged {len(turns)} turns: {faulty} faulty")
    return {"judgements": judgements, "candidates": candidates, "notes": notes}


def judge_with_llm(
    llm: ChatModel, turns: list[Turn], turn: Turn, offline: TurnJudgement
) -> TurnJudgement:
    position = turn.index - 1
    messages = load_prompt("judge_turn").render(
        turn_index=str(turn.index),
        earlier_turns=fence("earlier_turns", digest(turns[max(0, position - DIGEST_TURNS) : position])),
        turn_data=fence("trace_data", turn_payload(turn)),
        recorded_signals=fence(
            "recorded_signals", "\n".join(e.detail for e in offline.evidence) or "none"
        ),
        next_user_messages=fence("next_user_messages", next_user_messages(turns, turn)),
    )
    try:
        answer = ask_structured(llm, messages, TurnAssessment)
    except LLMError as exc:
        fallback = offline.model_copy(deep=True)
        fallback.judged_by = "offline_fallback"
        fallback.reasons.append(f"LLM judge unavailable for this turn ({exc}); offline verdict kept")
        return fallback
    return merge(offline, answer)


def merge(offline: TurnJudgement, answer: TurnAssessment) -> TurnJudgement:
    """The LLM's verdict, except that a recorded error is never judged away."""
    merged = offline.model_copy(deep=True)
    merged.judged_by = "llm"
    merged.reasons = [answer.reasoning, *offline.reasons]
    hard = offline.verdict == "faulty" and offline.category in HARD_CATEGORIES
    if hard:
        return merged
    merged.verdict = answer.verdict
    merged.category = (answer.category or offline.category) if answer.verdict == "faulty" else None
    return merged


def digest(turns: list[Turn]) -> str:
    if not turns:
        return "(this is the first turn)"
    lines = []
    for t in turns:
        lines.append(f"turn {t.index} user: {_clip(t.user, DIGEST_CHARS)}")
        lines.append(f"turn {t.index} assistant: {_clip(t.assistant, DIGEST_CHARS)}")
    return "\n".join(lines)


def turn_payload(turn: Turn) -> str:
    data = {
        "user": _clip(turn.user, FIELD_CHARS),
        "assistant": _clip(turn.assistant, FIELD_CHARS),
        "trace_state": turn.state,
        "tools": [
            {"name": t.name, "arguments": t.arguments, "result": t.result, "error": t.error}
            for t in turn.tools
        ],
        "retrieved": [
            {"id": d.doc_id, "uri": d.uri, "metadata": d.metadata, "content": _clip(d.content, 500)}
            for r in turn.retrievals for d in r.documents
        ],
    }
    return _clip(json.dumps(data, default=str, indent=1), FIELD_CHARS * 3)


def next_user_messages(turns: list[Turn], turn: Turn) -> str:
    """The user's next few messages, verbatim: complaints need not use any set phrase."""
    following = turns[turn.index : turn.index + NEXT_TURNS]
    said = [f"turn {t.index}: {_clip(t.user, DIGEST_CHARS)}" for t in following]
    return "\n".join(said) or "(this is the last turn)"


def _clip(text: str | None, limit: int) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"
