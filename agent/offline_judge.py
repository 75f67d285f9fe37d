"""Verdicts from recorded signals alone: what every run without an LLM gets, and the
evidence the LLM judge is given."""

from __future__ import annotations

from agent.dispute import explain_dispute
from agent.signals import (
    acknowledges_failure,
    assessment_category,
    assessment_polarity,
    disputed_turn_scores,
    near_duplicate,
    pushback_phrase,
    stated_constraints,
    strongly_disputed,
    violated_constraint,
)
from agent.state import Category, Evidence, Turn, TurnJudgement

# Categories backed by a hard recorded fact (an error), ranked above softer signals.
HARD_CATEGORIES: tuple[Category, ...] = ("tool_failure_reported_as_success", "app_error", "tool_failure")


def judge_offline(turns: list[Turn]) -> list[TurnJudgement]:
    judgements = [_judge_alone(t) for t in turns]
    _mark_constraint_violations(turns, judgements)
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
        judgement.reasons.append(
            "a step failed and the reply acknowledges it" if turn.assistant
            else "a step failed and the turn recorded no reply"
        )

    for record in turn.assessments:
        polarity, how = assessment_polarity(record)
        if polarity == "positive":
            continue  # good news is not evidence of a fault
        reading = polarity or "inconclusive"
        detail = f"assessment '{record.name}' = {record.value!r} reads {reading} ({how})"
        if record.rationale:
            detail += f": {record.rationale}"
        add("assessment", detail, record.span_id)
        if polarity == "negative":
            category = assessment_category(record.name)
            if category == "outdated_retrieval" and not turn.retrievals:
                category = "failing_assessment"
            _fault(judgement, category, f"assessment '{record.name}' failed {how}")

    phrase = pushback_phrase(turn.user)
    if phrase:
        add("user_pushback", f'the user disputes an earlier answer ("{phrase}"): {turn.user}')
        if judgement.verdict == "ok":
            judgement.verdict = "unclear"
        judgement.reasons.append(f'the user pushes back here ("{phrase}")')
    return judgement


def _mark_disputed_turns(turns: list[Turn], judgements: list[TurnJudgement]) -> None:
    """Blame the earlier turn whose content the user's pushback disputes, and say why."""
    for complaint in turns:
        phrase = pushback_phrase(complaint.user)
        if not phrase or complaint.index == 1:
            continue
        # The turns that introduced what is disputed; failing that, the reply just before.
        sources = strongly_disputed(disputed_turn_scores(turns, complaint)) or [complaint.index - 1]
        faulty = [i for i in sources if judgements[i - 1].verdict == "faulty"]
        if faulty:  # a turn that already carries a fault explains the complaint
            _link(judgements[faulty[0] - 1], turns, complaint, f"turn {complaint.index} disputes "
                  f"what this turn said (\"{phrase}\")")
            continue
        source = turns[sources[0] - 1]
        why = explain_dispute(turns, source, complaint)
        blamed = judgements[why.blame_turn - 1]
        _link(blamed, turns, complaint, why.reason)
        _fault(blamed, why.category, why.reason)
        if why.blame_turn != source.index:
            judgements[source.index - 1].evidence.append(
                Evidence(
                    turn=source.index, trace_id=source.trace_id, kind="builds_on",
                    refers_to=why.blame_turn, detail=f"relied on what turn {why.blame_turn} recorded",
                )
            )


def _link(judgement: TurnJudgement, turns: list[Turn], complaint: Turn, detail: str) -> None:
    judgement.evidence.append(
        Evidence(
            turn=judgement.index, trace_id=turns[judgement.index - 1].trace_id,
            kind="disputed_later", refers_to=complaint.index, detail=detail,
        )
    )


def _mark_constraint_violations(turns: list[Turn], judgements: list[TurnJudgement]) -> None:
    """A reply that offers what the user excluded earlier (an allergy, a diet)."""
    for stated in turns:
        excluded = stated_constraints(stated.user)
        for later in turns[stated.index :]:
            word = violated_constraint(later.assistant, excluded)
            if word is None:
                continue
            seen = [stated.index in call.earlier_turns_present for call in later.llm_calls]
            dropped = bool(seen) and not any(seen)
            category: Category = "context_window_dropped_constraint" if dropped else "constraint_ignored"
            why = (f"the reply offers '{word}' although turn {stated.index} excluded it "
                   f"(\"{stated.user}\")" + ("; that turn was no longer in the messages sent to the model"
                                              if dropped else ""))
            judgement = judgements[later.index - 1]
            judgement.evidence.append(
                Evidence(turn=later.index, trace_id=later.trace_id, kind="constraint_violated",
                         refers_to=stated.index, detail=why)
            )
            _fault(judgement, category, why)


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


# Most specific first: a category is only replaced by one ranked before it.
CATEGORY_ORDER: list[Category | None] = [
    *HARD_CATEGORIES, "input_misparsed", "state_corruption", "outdated_retrieval",
    "context_window_dropped_constraint", "constraint_ignored", "hallucinated_fact",
    "instruction_drift", "failing_assessment", "repetition", "disputed_by_user", None,
]


def _rank(category: Category | None) -> int:
    return CATEGORY_ORDER.index(category)
