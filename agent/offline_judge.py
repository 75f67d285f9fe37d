"""Verdicts from recorded signals alone: what every run without an LLM gets, and the
evidence the LLM judge is given."""

from __future__ import annotations

from agent.signals import (
    acknowledges_failure,
    assessment_polarity,
    disputed_turn_scores,
    near_duplicate,
    pushback_phrase,
    strongly_disputed,
)
from agent.state import Category, Evidence, Turn, TurnJudgement

# Categories backed by a hard recorded fact (an error), ranked above softer signals.
HARD_CATEGORIES: tuple[Category, ...] = ("tool_failure_reported_as_success", "app_error", "tool_failure")


def judge_offline(turns: list[Turn]) -> list[TurnJudgement]:
    judgements = [_judge_alone(t) for t in turns]
    _mark_disputed_turns(turns, judgements)
    _mark_repetition(turns, judgements)
    return judgements


def _judge_alone(turn: Turn) -> TurnJudgement:
    """Signals a single turn carries by itself."""
    judgement = TurnJudgement(index=turn.index, verdict="ok")

    def add(kind: str, detail: str, span_id: str | None = None) -> None:
        judgement.evidence.append(
            Evidence(turn=turn.index, trace_id=turn.trace_id, kind=kind, detail=detail, span_id=span_id)
        )

    for error in turn.errors:
        label = f"{error.exception_type}: " if error.exception_type else ""
        add("span_error", f"span '{error.span_name}' failed: {label}{error.message}", error.span_id)
    for tool in turn.tools:
        if tool.error and not any(e.span_id == tool.span_id for e in turn.errors):
            add("tool_error", f"tool '{tool.name}' returned an error: {tool.error}", tool.span_id)

    failed = bool(turn.errors) or any(t.error for t in turn.tools)
    if turn.state.upper() == "ERROR" and not turn.assistant:
        _fault(judgement, "app_error", "the turn failed with no reply to the user")
    elif failed and turn.assistant and not acknowledges_failure(turn.assistant):
        _fault(
            judgement, "tool_failure_reported_as_success",
            "a step failed but the reply does not tell the user; it reads as a success",
        )
    elif failed:
        judgement.verdict = "unclear"
        judgement.category = "tool_failure"
        judgement.reasons.append("a step failed and the reply acknowledges it")

    for record in turn.assessments:
        polarity, how = assessment_polarity(record)
        reading = polarity or "inconclusive"
        detail = f"assessment '{record.name}' = {record.value!r} reads {reading} ({how})"
        if record.rationale:
            detail += f": {record.rationale}"
        add("assessment", detail, record.span_id)
        if polarity == "negative":
            _fault(judgement, "failing_assessment", f"assessment '{record.name}' failed {how}")

    phrase = pushback_phrase(turn.user)
    if phrase:
        add("user_pushback", f'the user disputes an earlier answer ("{phrase}"): {turn.user}')
        if judgement.verdict == "ok":
            judgement.verdict = "unclear"
        judgement.reasons.append(f'the user pushes back here ("{phrase}")')
    return judgement


def _mark_disputed_turns(turns: list[Turn], judgements: list[TurnJudgement]) -> None:
    """Blame the earlier turn whose content the user's pushback disputes."""
    for turn in turns:
        phrase = pushback_phrase(turn.user)
        if not phrase:
            continue
        sources = strongly_disputed(disputed_turn_scores(turns, turn))
        if not sources:
            continue
        # Blame a turn that already carries a fault before blaming the first to mention it.
        faulty = [i for i in sources if judgements[i - 1].verdict == "faulty"]
        source = judgements[(faulty or sources)[0] - 1]
        source.evidence.append(
            Evidence(
                turn=source.index, trace_id=turns[source.index - 1].trace_id, kind="disputed_later",
                detail=f"turn {turn.index} disputes what this turn said (\"{phrase}\")",
            )
        )
        _fault(source, "disputed_by_user", f"turn {turn.index} disputes this turn's answer")


def _mark_repetition(turns: list[Turn], judgements: list[TurnJudgement]) -> None:
    for later in turns:
        for earlier in turns[: later.index - 1]:
            if near_duplicate(earlier.assistant, later.assistant):
                judgement = judgements[later.index - 1]
                judgement.evidence.append(
                    Evidence(
                        turn=later.index, trace_id=later.trace_id, kind="repetition",
                        detail=f"the reply repeats turn {earlier.index}'s reply",
                    )
                )
                _fault(judgement, "repetition", f"repeats turn {earlier.index}'s reply")
                break


def _fault(judgement: TurnJudgement, category: Category, reason: str) -> None:
    """Mark faulty; a hard category is never replaced by a softer one."""
    judgement.verdict = "faulty"
    judgement.reasons.append(reason)
    if _rank(category) < _rank(judgement.category):
        judgement.category = category


def _rank(category: Category | None) -> int:
    order: list[Category | None] = [
        *HARD_CATEGORIES, "failing_assessment", "repetition", "disputed_by_user", None,
    ]
    return order.index(category) if category in order else len(order) - 1
