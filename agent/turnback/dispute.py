"""Why a turn the user disputes was wrong, from recorded signals alone.

A turn that recorded no error but whose content a later turn disputes is explained,
in this order, by: a parser that misread the input, a state/memory write that stored
the disputed value, retrieved documents that are outdated by their own metadata, a
constraint the user stated earlier that the LLM call no longer saw (or saw and
ignored), or a claim no tool result or document supports. Each answer names the turn
to blame: a wrong state write is the fault of the turn that wrote it.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from turnback.signals import NUMBER, REFERS_BACK, content_words, empty_keys, flat_text, tokens
from turnback.state import Category, RetrievedDocument, Turn

STALE_STATUS = {"deprecated", "superseded", "archived", "outdated", "obsolete", "retired", "expired"}
DATE_KEYS = ("last_updated", "updated_at", "updated", "modified", "date", "published", "effective_date")
EXPIRY_KEYS = ("valid_until", "expires", "expires_at", "expiry")
MAX_DOC_AGE_DAYS = 365


@dataclass
class Explanation:
    category: Category
    reason: str
    blame_turn: int
    lost: str | None = None
    """A value the user gave that the blamed step did not carry (what it misread)."""


def explain_dispute(
    turns: list[Turn], source: Turn, complaint: Turn, about: str | None = None,
    values: list[str] | tuple[str, ...] = (), restated: list[str] | tuple[str, ...] = (),
    retold: bool = False,
) -> Explanation:
    """Why `source` said what `complaint` disputes. `about`: what is disputed when no user
    wrote it (a session judged failed: the values it ended on); the complaint's user text
    otherwise. `values`: the reply's values the user contradicts, which the user's words
    need not repeat ("It's the 18:15 we want" disputes 08:15). `restated`: values the user
    gives again because a reply replaced them. `retold`: the complaint tells again a fact
    the user stated before."""
    disputed = content_words(complaint.user) if about is None else tokens(about)
    disputed |= set().union(*(tokens(v) for v in values))

    for turn in reversed(turns[: source.index]):  # the source turn, then earlier ones
        for step in turn.tools:
            if step.kind == "tool":
                continue
            if step.kind == "parser" and (lost := _lost_in_parsing(step.arguments, step.result, restated)):
                return Explanation(
                    "input_misparsed",
                    f"parser step '{step.name}' at turn {turn.index} was given {lost} and did not "
                    f"produce it ({flat_text(step.result, keys=True)[:120]})",
                    turn.index, lost=lost,
                )
            recorded = flat_text(step.result, keys=True)
            # A date counts by its month or weekday: a bare day number matches by chance.
            said_dates = disputed & date_words(recorded)
            # Numbers count two at a time: one small number matches by chance, a pair ("4 m by
            # 8 m" against length 4, width 8) is the step's output being named.
            said_numbers = (disputed & tokens(recorded)) - content_words(recorded)
            if (not disputed & content_words(recorded) and not any(w.isalpha() for w in said_dates)
                    and len(said_numbers) < 2):
                continue
            if step.kind == "parser":
                return Explanation(
                    "input_misparsed",
                    f"parser step '{step.name}' at turn {turn.index} produced the disputed value "
                    f"({recorded[:120]})",
                    turn.index,
                )
            written = _first_write(turns, turn.index, step.name, recorded)
            return Explanation(
                "state_corruption",
                f"state step '{step.name}' at turn {written} stored the disputed value "
                f"({recorded[:120]}) that later turns relied on",
                written,
            )

    # A call the complaint says lacked something ("they asked me for my account number"),
    # whose arguments or result left that very field empty: the call was made incomplete.
    for step in source.tools:
        missing = [key for key in empty_keys(step.arguments) + empty_keys(step.result)
                   if tokens(key.replace("_", " ")) & disputed]
        gave = [key for key in missing if key not in empty_keys(step.arguments)]
        stated = [v for v in values if len(v.split()) <= MAX_VALUE_WORDS and re.search(r"\d", v)
                  and v.lower() in (source.assistant or "").lower()]
        if gave and stated:
            # The call went out whole and came back without the field, and the reply stated
            # a value for it anyway: the reply made it up.
            return Explanation(
                "hallucinated_fact",
                f"'{step.name}' at turn {source.index} returned no {', '.join(gave[:3])}, and the reply "
                "stated a value for it anyway",
                source.index,
            )
        if missing:
            return Explanation(
                "malformed_tool_call",
                f"'{step.name}' at turn {source.index} went out without {', '.join(missing[:3])}, "
                "which the complaint says was missing",
                source.index,
            )

    # Keys count ("monthly_debit_eur" grounds "EUR"), and ISO dates their month's name.
    looked_up = (" ".join(flat_text(t.result, keys=True) for t in source.tools)
                 + " ".join(d.content for r in source.retrievals for d in r.documents))
    grounding = content_words(looked_up) | date_words(looked_up)
    claim = disputed & content_words(source.assistant)
    # A document merely old by the calendar explains the dispute only if what the reply
    # claimed came from what was looked up; one its own metadata retires (status, expiry)
    # explains it regardless.
    stale = [
        (doc, why) for r in source.retrievals for doc in r.documents
        if (why := outdated_reason(doc, source.timestamp_ms))
        and (not why.endswith("days old") or (claim and claim <= grounding))
    ]
    if stale:
        doc, why = stale[0]
        return Explanation(
            "outdated_retrieval",
            f"retrieved document {doc.doc_id or doc.uri or '?'} is outdated ({why})",
            source.index,
        )

    # "I said ...", or a fact told again: was what the user said earlier still sent?
    refers_back = bool(REFERS_BACK.search(complaint.user or ""))
    stated = _constraint_turn(turns, source, complaint) if refers_back or restated or retold else None
    if stated is not None and source.llm_calls:
        if not any(stated.index in call.earlier_turns_present for call in source.llm_calls):
            return Explanation(
                "context_window_dropped_constraint",
                f"turn {stated.index}'s constraint (\"{_clip(stated.user)}\") was no longer in "
                f"the messages sent to the model at turn {source.index}",
                source.index,
            )
        if refers_back:  # a fact merely told again that the model saw: read on
            return Explanation(
                "constraint_ignored",
                f"the model saw turn {stated.index}'s constraint (\"{_clip(stated.user)}\") "
                f"at turn {source.index} and did not follow it",
                source.index,
            )

    # A disputed figure the reply gave that nothing looked up gives ("25 seats" when the
    # account lookup lists none): made up, even if the words around it are grounded.
    named = disputed | (set(NUMBER.findall(complaint.user or "")) if about is None else set())
    figures = {t for t in named & tokens(source.assistant) if NUMBER.fullmatch(t)}
    # By value: the lookup's 102.0 is the reply's 102.00.
    found_numbers = {_number(n) for n in NUMBER.findall(looked_up.replace("-", " "))}
    invented = {f for f in figures if _number(f) not in found_numbers}
    # Likewise a disputed name the reply gave whole ("Corp-EU") that nothing looked up names
    # (values with digits are figures, weighed above with their units and keys).
    said, found = (source.assistant or "").lower(), looked_up.lower()
    invented |= {v for v in values if len(v.split()) <= MAX_VALUE_WORDS and not re.search(r"\d", v)
                 and v.lower() in said and v.lower() not in found}
    if (claim and not claim & grounding) or invented:
        return Explanation(
            "hallucinated_fact",
            f"turn {source.index} stated {', '.join(sorted(invented or claim)[:4])} with no tool "
            "result or document to support it",
            source.index,
        )
    if about is not None:
        return Explanation(
            "failing_assessment",
            f"turn {source.index} first produced what the session ended on ({_clip(about)}), "
            "and the session was judged failed", source.index)
    return Explanation(
        "disputed_by_user", f"turn {complaint.index} disputes this turn's answer", source.index
    )


def _number(token: str) -> float | str:
    """A figure's value ("1,200.00" is 1200), or the token itself when it is no plain number."""
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return token


# A disputed value, not a disputed sentence: sentences are never found word for word in a lookup.
MAX_VALUE_WORDS = 3
# Digits around it end it, underscores do not ("2024-03-01_week").
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?!\d)")


def date_words(text: str) -> set[str]:
    """How people say the ISO dates of `text`: "2024-07-05" is also "friday", "5", "july"."""
    # turnback never calls setlocale, so the calendar's names are the C locale's English ones.
    words: set[str] = set()
    for year, month, day in ISO_DATE.findall(text):
        words.add(calendar.month_name[int(month)].lower())
        words.add(str(int(day)))
        with contextlib.suppress(ValueError):  # "2023-02-30" names no weekday
            words.add(calendar.day_name[calendar.weekday(int(year), int(month), int(day))].lower())
    return words


def _lost_in_parsing(given: Any, produced: Any, values: list[str] | tuple[str, ...]) -> str | None:
    """A value the user restated that was in the parser's input and is not in its output."""
    read, made = tokens(flat_text(given)), tokens(flat_text(produced, keys=True))
    for value in values:
        wanted = tokens(value)
        if wanted and wanted <= read and not wanted <= made:
            return value
    return None


def outdated_reason(doc: RetrievedDocument, at_ms: int) -> str | None:
    """Why a retrieved document is stale by its own metadata, or None."""
    meta = {str(k).lower(): v for k, v in doc.metadata.items()}
    status = str(meta.get("status", "")).lower()
    if status in STALE_STATUS or meta.get("deprecated") is True or meta.get("superseded_by"):
        return f"status {status or 'superseded'}"
    now = datetime.fromtimestamp(at_ms / 1000, tz=UTC)
    for key in EXPIRY_KEYS:
        when = _date(meta.get(key))
        if when and when < now:
            return f"{key} {when.date()} is before the turn"
    for key in DATE_KEYS:
        when = _date(meta.get(key))
        if when and (now - when).days > MAX_DOC_AGE_DAYS:
            return f"{key} {when.date()} is over {MAX_DOC_AGE_DAYS} days old"
    # With no date in its metadata, a date in its own name ("listings/2024-03-01_week.json").
    named = ISO_DATE.search(f"{doc.uri or ''} {doc.doc_id or ''}")
    when = _date(named.group()) if named and not any(meta.get(k) for k in DATE_KEYS) else None
    if when and (now - when).days > MAX_DOC_AGE_DAYS:
        return f"its name dates it {when.date()}, over {MAX_DOC_AGE_DAYS} days old"
    return None


def _constraint_turn(turns: list[Turn], source: Turn, complaint: Turn) -> Turn | None:
    """The earlier user message the complaint refers back to (most shared words)."""
    wanted = content_words(complaint.user)
    best, best_shared = None, 0
    for turn in turns[: source.index - 1]:
        shared = len(wanted & content_words(turn.user))
        if shared > best_shared:
            best, best_shared = turn, shared
    return best


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first_write(turns: list[Turn], index: int, name: str, recorded: str) -> int:
    """The earliest turn in the unbroken run before `index` whose step `name` stored the
    same record: a state carried forward unchanged was written where the run began."""
    first = index
    for turn in reversed(turns[: index - 1]):
        same = [s for s in turn.tools if s.name == name and flat_text(s.result, keys=True) == recorded]
        if not same:
            break
        first = turn.index
    return first


def _clip(text: str | None, limit: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
