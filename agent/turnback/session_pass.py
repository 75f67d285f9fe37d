"""LLM mode, step one: a session-wide pass for what the engine missed.

One call reads a digest of every turn (user text, reply, the engine's signals, each
clipped) and returns symptoms and candidate root turns, each citing a quote that must be
found in the turn it names. A session whose digest exceeds the budget is first narrowed
by bisection (Who&When's binary search): the model picks the half that holds the first
mistake until the window fits, so the calls grow with log(turns), not turns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from turnback.llm import ChatModel, LLMError, PromptTooLong, Reasoning, ask_structured
from turnback.model_evidence import category_or, one_line, quote_in_turn
from turnback.prompts import fence, load_prompt
from turnback.state import Candidate, ModelCoverage, Symptom, Turn

DIGEST_BUDGET = 14_000
"""Characters of digest per call (about 3,500 tokens): fits a small model's context."""
MIN_DIGEST_BUDGET = 2_000
"""The smallest digest a refused prompt is cut down to before the pass is given up."""
USER_CHARS, REPLY_CHARS, SIGNAL_CHARS = 200, 300, 200
COMPACT_CHARS = 80
MODEL_SYMPTOM_STRENGTH = 0.6
SESSION_PASS = "llm_session_pass"
"""The detector name of a candidate the model's session pass added."""


class Observation(BaseModel):
    turn: int
    quote: str
    what: str = ""


class CandidateObservation(Observation):
    category: str | None = None
    shows_at: int | None = None


class SessionPassReply(BaseModel):
    reasoning: Reasoning
    # Items are checked one by one: one malformed item does not void the others.
    symptoms: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []


class NarrowReply(BaseModel):
    reasoning: Reasoning
    half: Literal["first", "second"]
    turn: int | None = None
    quote: str = ""


@dataclass
class PassResult:
    coverage: ModelCoverage
    symptoms: list[Symptom] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    read: range = range(0)
    """Turns the model read in a session pass that answered."""
    failed: range = range(0)
    """Turns it was to read in a session pass that failed."""
    failure: str = ""


def session_pass(
    llm: ChatModel, turns: list[Turn], signals: dict[int, list[str]], progress: Callable[[str], None]
) -> PassResult:
    coverage = ModelCoverage(model=llm.model, turns=len(turns))
    if not turns:
        return PassResult(coverage)
    lo, hi = 1, len(turns)
    budget = DIGEST_BUDGET
    while True:
        while hi > lo and len(digest(turns, lo, hi, signals)) > budget:
            lo, hi, budget = narrow(llm, turns, lo, hi, signals, coverage, progress, budget)
        if (lo, hi) != (1, len(turns)):
            coverage.window = [lo, hi]
        progress(f"session pass over turns {lo}-{hi} with {llm.model}")
        messages = load_prompt("session_pass").render(
            first_turn=str(lo), last_turn=str(hi), turn_count=str(len(turns)),
            digest=fence("session_digest", digest(turns, lo, hi, signals)),
        )
        try:
            reply = ask_structured(llm, messages, SessionPassReply)
            break
        except PromptTooLong as exc:
            # The endpoint's context is smaller than the digest: halve it and narrow again,
            # down to a floor, rather than give the pass up.
            coverage.failed_calls += 1
            if budget // 2 < MIN_DIGEST_BUDGET or hi == lo:
                llm.usage.note(f"the session pass over turns {lo}-{hi} failed ({exc}); offline verdicts kept")
                return PassResult(coverage, failed=range(lo, hi + 1), failure=str(exc))
            budget //= 2
            llm.usage.note(f"the endpoint's context is smaller than the digest of turns {lo}-{hi}; "
                           f"digest cut to {budget:,} characters and narrowed again")
        except LLMError as exc:
            coverage.failed_calls += 1
            llm.usage.note(f"the session pass over turns {lo}-{hi} failed ({exc}); offline verdicts kept")
            return PassResult(coverage, failed=range(lo, hi + 1), failure=str(exc))
    coverage.turns_read = hi - lo + 1
    result = PassResult(coverage, read=range(lo, hi + 1))
    for item in reply.symptoms:
        if (seen := _verified(llm, turns, item, Observation, lo, hi, "symptom", coverage)) is not None:
            result.symptoms.append(model_symptom(seen))
    for item in reply.candidates:
        found = _verified(llm, turns, item, CandidateObservation, lo, hi, "candidate", coverage)
        if isinstance(found, CandidateObservation):
            result.candidates.append(model_candidate(found, len(turns)))
    return result


def _verified(
    llm: ChatModel, turns: list[Turn], item: dict[str, Any], schema: type[Observation],
    lo: int, hi: int, kind: str, coverage: ModelCoverage,
) -> Observation | None:
    """The item when its quote is found in the turn it names; else None, and the drop noted."""
    try:
        seen = schema.model_validate(item)
    except ValidationError:
        return None
    if lo <= seen.turn <= hi and quote_in_turn(turns[seen.turn - 1], seen.quote):
        return seen
    coverage.dropped_quotes += 1
    llm.usage.note(f"dropped a {kind} the model put at turn {seen.turn}: its quote is not in that turn "
                   f"(\"{one_line(seen.quote, 80)}\")")
    return None


def model_symptom(seen: Observation) -> Symptom:
    what = one_line(seen.what, 200) or "the session shows a failure here"
    quote = one_line(seen.quote, 200)
    return Symptom(turn=seen.turn, kind="model_observed", strength=MODEL_SYMPTOM_STRENGTH,
                   detail=f"the model reads a failure here: {what} (turn {seen.turn}: \"{quote}\")",
                   about=f"{what} {quote}")


def model_candidate(seen: CandidateObservation, turn_count: int) -> Candidate:
    what = one_line(seen.what, 200) or "the model reads this turn as wrong"
    quote = one_line(seen.quote, 200)
    shows_at = seen.shows_at if seen.shows_at and seen.turn <= seen.shows_at <= turn_count else None
    return Candidate(turn=seen.turn, category=category_or(seen.category, "hallucinated_fact"),
                     severity="weak", detector=SESSION_PASS,
                     detail=f"the model's session pass reads: {what} (\"{quote}\")",
                     values=[quote], shows_at=shows_at)


def narrow(
    llm: ChatModel, turns: list[Turn], lo: int, hi: int, signals: dict[int, list[str]],
    coverage: ModelCoverage, progress: Callable[[str], None], budget: int = DIGEST_BUDGET,
) -> tuple[int, int, int]:
    """One bisection step: (the half of lo..hi that holds the first mistake, the digest
    budget that the endpoint's context took, smaller than `budget` if it refused that)."""
    mid = (lo + hi) // 2
    halves = {"first": (lo, mid), "second": (mid + 1, hi)}
    coverage.narrowing_steps += 1
    progress(f"narrowing turns {lo}-{hi} with {llm.model}")
    messages = load_prompt("narrow").render(
        first_turn=str(lo), middle_turn=str(mid), next_turn=str(mid + 1), last_turn=str(hi),
        first_half=fence("first_half", compact_digest(turns, lo, mid, signals, budget // 2)),
        second_half=fence("second_half", compact_digest(turns, mid + 1, hi, signals, budget // 2)),
    )
    # Without a usable answer: the half where the engine's earliest signal in the window is.
    earliest = min((t for t in signals if lo <= t <= hi), default=lo)
    fallback = "first" if earliest <= mid else "second"
    try:
        reply = ask_structured(llm, messages, NarrowReply)
    except LLMError as exc:
        if isinstance(exc, PromptTooLong) and budget // 2 >= MIN_DIGEST_BUDGET:
            coverage.failed_calls += 1
            coverage.narrowing_steps -= 1  # the same step, asked again smaller
            llm.usage.note(f"narrowing turns {lo}-{hi}: the endpoint's context is smaller than the prompt; "
                           f"halves cut to {budget // 4:,} characters each")
            return narrow(llm, turns, lo, hi, signals, coverage, progress, budget // 2)
        coverage.failed_calls += 1
        llm.usage.note(f"narrowing turns {lo}-{hi}: the model's call failed ({exc}); took the {fallback} "
                       "half, where the engine's first signal is")
        return (*halves[fallback], budget)
    first, last = halves[reply.half]
    cited = reply.turn if reply.turn is not None and first <= reply.turn <= last else None
    if cited is not None and quote_in_turn(turns[cited - 1], reply.quote):
        return first, last, budget
    coverage.dropped_quotes += 1
    llm.usage.note(f"narrowing turns {lo}-{hi}: the model's quote is not in the {reply.half} half; dropped, "
                   f"took the {fallback} half, where the engine's first signal is")
    return (*halves[fallback], budget)


def digest(turns: list[Turn], lo: int, hi: int, signals: dict[int, list[str]]) -> str:
    """Every turn of lo..hi: user text, reply and the engine's signals, each clipped."""
    lines = []
    for turn in turns[lo - 1 : hi]:
        lines.append(f"turn {turn.index} user: {one_line(turn.user, USER_CHARS)}")
        lines.append(f"turn {turn.index} assistant: {one_line(turn.assistant, REPLY_CHARS)}")
        if turn.index in signals:
            said = one_line("; ".join(signals[turn.index]), SIGNAL_CHARS)
            lines.append(f"turn {turn.index} engine: {said}")
    return "\n".join(lines)


def compact_digest(turns: list[Turn], lo: int, hi: int, signals: dict[int, list[str]], budget: int) -> str:
    """One short line per turn of lo..hi; when they do not fit, the turns with signals and
    evenly spaced others, with the gaps said."""
    def line(index: int) -> str:
        turn = turns[index - 1]
        text = (f"turn {index}: user: {one_line(turn.user, COMPACT_CHARS)} | "
                f"reply: {one_line(turn.assistant, COMPACT_CHARS)}")
        if index in signals:
            text += f" | engine: {one_line('; '.join(signals[index]), COMPACT_CHARS)}"
        return text

    span = range(lo, hi + 1)
    per_line = 2 * COMPACT_CHARS + 40
    room = max(2, budget // per_line)
    if len(span) <= room:
        return "\n".join(line(i) for i in span)
    flagged = [i for i in span if i in signals][: room // 2]
    count = room - len(flagged)
    spaced = [lo + round(k * (hi - lo) / max(1, count - 1)) for k in range(count)]
    shown = sorted(set(flagged) | set(spaced))
    out, previous = [], lo - 1
    for index in shown:
        if index > previous + 1:
            out.append(f"(turns {previous + 1}-{index - 1} left out)")
        out.append(line(index))
        previous = index
    return "\n".join(out)[: budget + 2 * per_line]
