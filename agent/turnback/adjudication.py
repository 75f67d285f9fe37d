"""LLM mode, step two: the model adjudicates the top ranked candidates, under rules that
let it add judgement and never erase evidence.

One call per candidate, with that turn's full evidence and the symptom it links to. The
merge (`merge_verdict`), rule by rule:
- "faulty", backed by a quote found in the trace: the candidate's score rises, so the
  model may reorder candidates;
- "ok" never clears a strong recorded fault, nor a candidate the engine linked to a
  symptom: the engine's reading stands, and the disagreement is kept;
- "ok" on a candidate the model's own session pass added withdraws it;
- "unclear", a failed call, or "faulty" with no quote found: the engine's reading stands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from turnback.causal.ranking import Ranked
from turnback.llm import ChatModel, LLMError, Reasoning, ask_structured
from turnback.model_evidence import one_line, quote_in_turn, turn_payload
from turnback.prompts import fence, load_prompt
from turnback.session_pass import SESSION_PASS
from turnback.state import Adjudication, Evidence, Symptom, Turn

TOP_CANDIDATES = 3
MODEL_BONUS = {"high": 2.0, "medium": 1.2, "low": 0.5}
AROUND_TURNS = 3
AROUND_CHARS = 300


class QuotedEvidence(BaseModel):
    turn: int
    quote: str


class AdjudicationReply(BaseModel):
    reasoning: Reasoning
    verdict: Literal["faulty", "ok", "unclear"]
    category: str | None = None
    confidence: Literal["high", "medium", "low"] = "low"
    evidence: list[dict[str, Any]] = []


@dataclass
class Adjudicated:
    ranked: list[Ranked]
    """Reordered by the merged scores; withdrawn candidates left out."""
    views: dict[int, Adjudication] = field(default_factory=dict)
    """By id() of the candidate."""
    quotes: dict[int, list[Evidence]] = field(default_factory=dict)
    """By id() of the candidate: the model's evidence, each quote found in its turn."""
    asked: int = 0
    answered: int = 0
    dropped_quotes: int = 0


def adjudicate(
    llm: ChatModel, turns: list[Turn], ranked: list[Ranked], progress: Callable[[str], None]
) -> Adjudicated:
    result = Adjudicated(ranked=[])
    top = ranked[:TOP_CANDIDATES]
    kept: list[Ranked] = []
    for position, r in enumerate(top, 1):
        progress(f"adjudicating candidate turn {r.candidate.turn} ({position}/{len(top)}) with {llm.model}")
        result.asked += 1
        answer, failure, quotes = ask_verdict(llm, turns, r, result)
        result.answered += answer is not None
        view, bonus, keep = merge_verdict(r, answer, bool(quotes), failure)
        result.views[id(r.candidate)] = view
        result.quotes[id(r.candidate)] = quotes
        if keep:
            parts = {**r.parts, "model": bonus} if bonus else r.parts
            kept.append(Ranked(r.candidate, round(r.score + bonus, 3), r.link, parts))
    kept += ranked[TOP_CANDIDATES:]
    kept.sort(key=lambda r: (-r.score, r.candidate.turn))
    result.ranked = kept
    return result


def ask_verdict(
    llm: ChatModel, turns: list[Turn], r: Ranked, result: Adjudicated
) -> tuple[AdjudicationReply | None, str, list[Evidence]]:
    candidate = r.candidate
    symptom = r.link.symptom if r.link else None
    messages = load_prompt("adjudicate").render(
        turn_index=str(candidate.turn), category=candidate.category,
        engine_reading=fence("engine_reading", engine_reading(r) + f"\n{candidate.detail}"),
        symptom=fence("symptom", symptom_text(turns, symptom)),
        turn_data=fence("trace_data", turn_payload(turns[candidate.turn - 1])),
        around=fence("around", around(turns, candidate.turn, symptom)),
    )
    try:
        answer = ask_structured(llm, messages, AdjudicationReply)
    except LLMError as exc:
        llm.usage.note(f"adjudicating turn {candidate.turn} failed ({exc}); the engine's reading kept")
        return None, str(exc), []
    quotes = []
    for item in answer.evidence:
        try:
            cited = QuotedEvidence.model_validate(item)
        except ValidationError:
            continue
        if 1 <= cited.turn <= len(turns) and quote_in_turn(turns[cited.turn - 1], cited.quote):
            quotes.append(Evidence(
                turn=cited.turn, trace_id=turns[cited.turn - 1].trace_id, kind="model_quote",
                detail=f"\"{one_line(cited.quote, 200)}\"", refers_to=candidate.turn))
        else:
            result.dropped_quotes += 1
            llm.usage.note(f"dropped a quote the model cited from turn {cited.turn}: not in that turn "
                           f"(\"{one_line(cited.quote, 80)}\")")
    return answer, "", quotes


def merge_verdict(
    r: Ranked, answer: AdjudicationReply | None, quoted: bool, failure: str = ""
) -> tuple[Adjudication, float, bool]:
    """The model's verdict on one ranked candidate merged with the engine's reading:
    (what the report keeps, the score the model adds, whether the candidate stays)."""
    offline = engine_reading(r)
    if answer is None:
        return Adjudication(offline=offline, model_verdict=None, won="offline",
                            why=f"the model gave no verdict ({one_line(failure, 160)}); the engine's "
                            "reading stands"), 0.0, True
    said = {"offline": offline, "model_verdict": answer.verdict, "model_confidence": answer.confidence,
            "model_reasoning": answer.reasoning}
    from_model = r.candidate.detector == SESSION_PASS
    if answer.verdict == "faulty" and quoted:
        why = ("the model's own finding, confirmed on adjudication with quotes found in the trace"
               if from_model else "the model agrees, with quotes found in the trace")
        return Adjudication(**said, won="model" if from_model else "both", why=why), \
            MODEL_BONUS[answer.confidence], True
    if answer.verdict == "faulty":
        return Adjudication(**said, won="offline", why="the model called it faulty but no quote it cited "
                            "is in the trace; not counted"), 0.0, True
    if answer.verdict == "unclear":
        return Adjudication(**said, won="offline", why="the model could not decide; the engine's reading "
                            "stands"), 0.0, True
    if r.candidate.severity == "strong":
        return Adjudication(**said, won="offline", why="a recorded fault is not cleared by the model's "
                            "\"ok\""), 0.0, True
    if from_model:
        return Adjudication(**said, won="model", why="the model's own session-pass finding, withdrawn "
                            "on adjudication"), 0.0, False
    if r.link is not None:
        return Adjudication(**said, won="offline", why=f"linked to the symptom at turn "
                            f"{r.link.symptom.turn}; the model's \"ok\" does not clear it"), 0.0, True
    return Adjudication(**said, won="offline", why="the engine's reading stands"), 0.0, True


def engine_reading(r: Ranked) -> str:
    candidate = r.candidate
    if candidate.detector == SESSION_PASS:
        reading = "found by the model's session pass, not by the engine"
    elif candidate.severity == "strong":
        reading = f"a recorded fault ({candidate.detector})"
    else:
        reading = f"a text signal ({candidate.detector})"
    if r.link is not None:
        reading += f", linked to the symptom at turn {r.link.symptom.turn} ({r.link.symptom.kind})"
    return reading


def symptom_text(turns: list[Turn], symptom: Symptom | None) -> str:
    if symptom is None:
        return "(no symptom is linked: the fault is recorded in this turn itself)"
    user = turns[symptom.turn - 1].user
    return (f"turn {symptom.turn} ({symptom.kind}): {one_line(symptom.detail, 400)}\n"
            f"the user wrote at turn {symptom.turn}: {one_line(user, 600)}")


def around(turns: list[Turn], turn: int, symptom: Symptom | None) -> str:
    """The turn before the candidate, the few after it, and the symptom's turn."""
    shown = set(range(max(1, turn - 1), min(len(turns), turn + AROUND_TURNS) + 1))
    if symptom is not None:
        shown.add(symptom.turn)
    lines = []
    for index in sorted(shown):
        t = turns[index - 1]
        lines.append(f"turn {index} user: {one_line(t.user, AROUND_CHARS)}")
        lines.append(f"turn {index} assistant: {one_line(t.assistant, AROUND_CHARS)}")
    return "\n".join(lines)
