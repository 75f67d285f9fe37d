"""Layer 1: candidate faults, each from one kind of recorded fact.

A detector is a pure function over the reconstructed turns that returns `Candidate`s.
Strong candidates rest on something the app recorded about itself (a failed span, a
truncated generation, a repeated identical tool call, an exception it swallowed); weak
ones rest on text alone and never become the root without a symptom that links to them.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from turnback.dispute import outdated_reason
from turnback.signals import (
    GENERIC_EXCEPTIONS,
    acknowledges_failure,
    assessment_category,
    assessment_polarity,
    content_words,
    empty_keys,
    flat_text,
    stated_constraints,
    violated_constraint,
)
from turnback.state import Candidate, Category, RetrievedDocument, Severity, ToolCall, Turn

TRUNCATED = {"length", "max_tokens", "max_output_tokens", "model_length", "token_limit"}
# Calls with the same tool and arguments in a row (within a turn or in consecutive turns)
# that make a loop rather than a retry.
LOOP_CALLS = 3
# Wording of a validation failure: the call itself was malformed, not the service.
MISSING_FIELD = re.compile(r"\b(missing|required|must be provided|is not set|validation)\b", re.I)
# Keys an app sets on a result it made up after a failure.
FALLBACK_KEYS = {"fallback", "is_fallback", "used_fallback", "default_used", "from_cache", "degraded",
                 "stale", "cached_fallback"}
FALLBACK_VALUES = {"fallback", "default", "cache", "cached", "stale"}
# A change of a stored value the user asked for ("actually make it 4") is not corruption.
DELIBERATE_CHANGE = re.compile(
    r"\b(actually|instead|change|changed|update|correct(ion)?|make it|rather|switch|not \w+ but)\b", re.I
)
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
SHINGLE_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
# A figure a reply can only have taken from a source: a time, price, amount or date part.
FIGURE = re.compile(r"(?<![\w.])\d+(?:[.,:]\d+)?(?![\w])")
VERSION = re.compile(r"(?:\bv|\bversion[ _:=-]*)(\d{1,3})\b", re.I)
NEAR_DUPLICATE = 0.85
MINHASH_KEYS = 6
# Earlier replies compared per min-hash key: a constant, so the check stays linear.
RECENT_PER_KEY = 8


LENGTH_SETTINGS = ["max_tokens", "max_output_tokens", "max_completion_tokens", "max_new_tokens",
                   "num_predict", "maxOutputTokens", "max_length"]
QUOTED = re.compile(r"""['"`]([\w.\-/]{3,60})['"`]""")
URL_PATH = re.compile(r"https?://[^/\s]+(/[\w./\-]{3,80})")
FILE_NAME = re.compile(r"\b[\w\-]+\.(?:json|ya?ml|csv|md|txt|pdf|html|xml|toml|ini|sql|py)\b")


def error_hints(message: str, exception_type: str | None = None) -> list[str]:
    """Identifiers an error message names: quoted keys, URL paths, file names, its type."""
    hints = [*QUOTED.findall(message), *URL_PATH.findall(message), *FILE_NAME.findall(message)]
    if exception_type and exception_type not in GENERIC_EXCEPTIONS:
        hints.append(exception_type.rsplit(".", 1)[-1])
    return list(dict.fromkeys(hints))


def result_hints(result: Any) -> list[str]:
    """The openings of text a step returned: code that writes a message contains it."""
    texts = [result] if isinstance(result, str) else [
        v for v in (result.values() if isinstance(result, dict) else []) if isinstance(v, str)]
    return [t.strip()[:40] for t in texts if len(t.strip()) >= 12][:3]


def detect_all(turns: list[Turn]) -> list[Candidate]:
    found: list[Candidate] = []
    for detector in DETECTORS:
        found.extend(detector(turns))
    return found


def recorded_failures(turns: list[Turn]) -> list[Candidate]:
    """Failed spans and tool error payloads, unless a later call of the same step in the
    turn succeeded (a retry that recovered)."""
    found = []
    for turn in turns:
        if turn.state.upper() == "ERROR" and not turn.assistant:
            # The innermost failed span says most: outer spans only re-raise it.
            error = next((e for e in reversed(turn.errors) if not e.handled), None)
            detail = f": '{error.span_name}' failed ({error.message})" if error else ""
            found.append(_candidate(turn, "app_error", "strong", "recorded_failures",
                                    f"the turn failed with no reply to the user{detail}",
                                    error.span_id if error else None,
                                    hints=error_hints(error.message, error.exception_type) if error else []))
            continue
        for step, message in _unrecovered_failures(turn):
            if MISSING_FIELD.search(message) or empty_keys(step.arguments):
                category: Category = "malformed_tool_call"
                detail = f"'{step.name}' was called without what it needs: {message}"
            elif turn.assistant and not acknowledges_failure(turn.assistant):
                category = "tool_failure_reported_as_success"
                detail = f"'{step.name}' failed ({message}), but the reply reads as a success"
            else:
                category = "tool_failure"
                detail = f"'{step.name}' failed ({message})" + (
                    "; the reply says so" if turn.assistant else "; the turn recorded no reply")
            writer = producer(turns, turn.index, step)
            if writer != turn.index:
                detail = f"turn {turn.index} ran what this turn wrote, and {detail}"
            found.append(_candidate(turns[writer - 1], category, "strong", "recorded_failures", detail,
                                    step.span_id, values=[message],
                                    hints=error_hints(message) + empty_keys(step.arguments)))
            if writer != turn.index:
                found[-1].covers = [turn.index]
        for error in turn.errors:
            if error.handled or any(t.span_id == error.span_id for t in turn.tools):
                continue
            if not any(c.turn == turn.index and c.span_id == error.span_id for c in found):
                category = ("tool_failure" if acknowledges_failure(turn.assistant)
                            else "tool_failure_reported_as_success" if turn.assistant else "app_error")
                claim = (", but the reply reads as a success"
                         if category == "tool_failure_reported_as_success" else "")
                found.append(_candidate(turn, category, "strong", "recorded_failures",
                                        f"span '{error.span_name}' failed ({error.message}){claim}",
                                        error.span_id,
                                        values=[error.message],
                                        hints=error_hints(error.message, error.exception_type)))
    return found


# Arguments shorter than this are too common to say who wrote them.
MIN_HANDED_ARGUMENTS = 20


def producer(turns: list[Turn], index: int, step: ToolCall | None = None) -> int:
    """The turn that made turn `index`'s output: that turn, unless its output came from a
    step that ran what the turn before wrote (code, or a call another agent handed on) and
    no person spoke in between. Then the writer is where the fault starts."""
    turn = turns[index - 1]
    if index < 2 or _asked_anew(turns, turn):
        return index  # a person asked something new: this turn answers for itself
    before = turns[index - 2].assistant or ""
    for candidate in [step] if step is not None else turn.tools:
        handed = flat_text(candidate.arguments).strip()
        if len(handed) >= MIN_HANDED_ARGUMENTS and handed in before:
            return index - 1
    return index


def _unrecovered_failures(turn: Turn) -> Iterator[tuple[ToolCall, str]]:
    for position, step in enumerate(turn.tools):
        if not step.error:
            continue
        retried = any(later.name == step.name and not later.error for later in turn.tools[position + 1:])
        if not retried:
            yield step, step.error


def silent_fallbacks(turns: list[Turn]) -> list[Candidate]:
    """An exception caught inside a span that still ended OK, or a result the app marked
    as a fallback, when the reply does not tell the user."""
    found = []
    for turn in turns:
        if acknowledges_failure(turn.assistant):
            continue
        for error in turn.errors:
            if error.handled:
                found.append(_candidate(
                    turn, "silent_fallback", "strong", "silent_fallbacks",
                    f"span '{error.span_name}' caught {error.exception_type or 'an exception'} "
                    f"({error.message}) and carried on as if it had succeeded", error.span_id,
                    hints=error_hints(error.message, error.exception_type)))
        for step in turn.tools:
            marker = _fallback_marker(step.result)
            if marker and not step.error:
                found.append(_candidate(
                    turn, "silent_fallback", "strong", "silent_fallbacks",
                    f"'{step.name}' returned a fallback result ({marker}) that the reply presents as real",
                    step.span_id, values=[flat_text(step.result)], hints=[marker.split("=")[0]]))
    return found


def _fallback_marker(result: Any) -> str | None:
    if not isinstance(result, dict):
        return None
    for key, value in result.items():
        lowered = str(key).lower()
        if lowered in FALLBACK_KEYS and value not in (False, None, "", 0, "false"):
            return f"{key}={value}"
        if lowered in ("source", "origin", "mode") and str(value).lower() in FALLBACK_VALUES:
            return f"{key}={value}"
    return None


def truncated_replies(turns: list[Turn]) -> list[Candidate]:
    found = []
    for turn in turns:
        call = next((c for c in turn.llm_calls if (c.finish_reason or "").lower() in TRUNCATED), None)
        if call:
            found.append(_candidate(
                turn, "reply_truncated", "strong", "truncated_replies",
                f"the model call '{call.name}' stopped at its length limit "
                f"(finish reason {call.finish_reason}); the reply is cut off", call.span_id,
                hints=LENGTH_SETTINGS))
    return found


def tool_loops(turns: list[Turn]) -> list[Candidate]:
    """The same tool with the same arguments, called again and again in a row."""
    runs: dict[str, tuple[int, int, ToolCall, int]] = {}  # key -> (first turn, count, call, last turn)
    found: dict[str, Candidate] = {}
    for turn in turns:
        for step in turn.tools:
            # Same call and same answer: no progress (a state write with new data is not a loop).
            key = f"{step.name}\x00{_canonical(step.arguments)}\x00{_canonical(step.result)}"
            first, count, call, last = runs.get(key, (turn.index, 0, step, turn.index))
            # The run broke: a later identical call starts a new one. So does a person asking
            # something new after a reply that used the call's result: a lookup the app makes
            # each turn to answer each question is no loop (a nudge after "still looking" is).
            answered = turn.index != last and _asked_anew(turns, turn) and _used(turns[last - 1], step)
            if turn.index - last > 1 or answered:
                first, count, call = turn.index, 0, step
            runs[key] = (first, count + 1, call, turn.index)
            if key in found and turn.index not in found[key].covers and turn.index != first:
                found[key].covers.append(turn.index)
            if count + 1 >= LOOP_CALLS and key not in found:
                first_turn = turns[first - 1]
                found[key] = _candidate(
                    first_turn, "tool_loop", "strong", "tool_loops",
                    f"'{step.name}' was called with the same arguments {LOOP_CALLS}+ times in a row "
                    f"from turn {first} on, without progress", call.span_id,
                    hints=result_hints(call.result))
                found[key].covers = list(range(first + 1, turn.index + 1))
    return list(found.values())


def _asked_anew(turns: list[Turn], turn: Turn) -> bool:
    """The turn starts with a new message a person wrote (not a task handed on unchanged)."""
    before = turns[turn.index - 2] if turn.index > 1 else None
    return bool(turn.user and turn.user_authored and (before is None or turn.user != before.user))


SINGLE_NUMBER = re.compile(r"\d+(?::\d+)?(?:\.\d+)?")


def _used(turn: Turn, step: ToolCall) -> bool:
    """The turn's reply says something the call returned."""
    result, reply = flat_text(step.result), turn.assistant or ""
    # Numbers one by one: a result's "06:30-21:00" is used by a reply's "06:30".
    numbers = set(SINGLE_NUMBER.findall(result)) & set(SINGLE_NUMBER.findall(reply))
    return bool(numbers or content_words(result) & content_words(reply))


def _canonical(arguments: Any) -> str:
    try:
        return json.dumps(arguments, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(arguments)


def state_changes(turns: list[Turn]) -> list[Candidate]:
    """A stored value that changes without the user asking for it. Weak by itself: a
    symptom that disputes the new value makes it the root; a flip back is strong."""
    last: dict[str, str] = {}  # key -> the value stored last
    stored: dict[str, set[str]] = {}  # key -> every value stored so far: a flip back is found in O(1)
    writes: dict[str, list[tuple[int, str, str]]] = {}
    found: list[tuple[str, Candidate]] = []
    for turn in turns:
        for step in turn.tools:
            if step.kind != "memory" or not isinstance(step.result, dict):
                continue
            reads = bool(READ_NAME.search(step.name))
            for key, value in _leaves(step.result):
                before = last.get(key)
                if reads:
                    # A read changes nothing; reading back other than what was stored last is a fault.
                    if before is not None and value != before:
                        found.append((key, _candidate(
                            turn, "state_corruption", "strong", "state_changes",
                            f"state step '{step.name}' read {key} as {value!r}, but {before!r} was "
                            "stored last", step.span_id, values=[value], hints=_key_hints(key))))
                    continue
                changed = before is not None and value != before and not _counts(before, value)
                # Stored before, and not the value just before: a return to an earlier value.
                flipped = changed and value in stored[key]
                # The user asked for a change, or gave back a value a reply had replaced ("My
                # size is M"). A value merely named in the message may be someone else's.
                asked = DELIBERATE_CHANGE.search(turn.user or "") or (flipped and _users_value(turn, value))
                if changed and not asked:
                    found.append((key, _candidate(
                        turn, "state_corruption", "strong" if flipped else "weak", "state_changes",
                        f"state step '{step.name}' changed {key} from {before!r} to {value!r}"
                        + (" (back to an earlier value)" if flipped else
                           " though the user asked for no change"), step.span_id, values=[value],
                        hints=_key_hints(key))))
                last[key] = value
                stored.setdefault(key, set()).add(value)
                writes.setdefault(key, []).append((turn.index, value, step.span_id))
    flapping = {key: c for key, w in writes.items() if (c := _flapping(key, w, turns))}
    # A flip inside a flapping run is that fault continuing, not a fault of its own.
    kept = [c for key, c in found if key not in flapping or c.turn not in flapping[key].covers]
    return kept + list(flapping.values())


# A state step that reads (recall, get_state, load_memory) rather than stores.
READ_NAME = re.compile(r"(?:^|[_.\s])(?:get|read|recall|load|fetch|lookup)(?:$|[_.\s])", re.I)


def _counts(before: str, after: str) -> bool:
    """A counter the app keeps (visits, turn number): the value goes up by one."""
    try:
        return float(after) - float(before) == 1
    except ValueError:
        return False


def _users_value(turn: Turn, value: str) -> bool:
    """The user's own message at that turn gave the value ("My size is M") or asked for a change."""
    said = (turn.user or "") if turn.user_authored else ""
    if not said or not value.strip():
        return False
    # A short value must stand as a word in the same case: "M" is in "size M", not in "I'm".
    gave = (value.lower() in said.lower() if len(value) > 2
            else re.search(rf"(?<![\w']){re.escape(value)}(?![\w'])", said) is not None)
    return gave or bool(DELIBERATE_CHANGE.search(said))


# Returns to an earlier value before a key counts as flapping rather than one correction.
FLAPPING_RETURNS = 2


def _flapping(key: str, writes: list[tuple[int, str, str]], turns: list[Turn]) -> Candidate | None:
    """A stored value that keeps going back and forth never settled: the fault starts with
    the first write of a value it later returns to, and covers every flip after it."""
    values = [value for _turn, value, _span in writes]
    first: dict[str, int] = {}
    for position, value in enumerate(values):
        first.setdefault(value, position)
    changes = [i for i in range(1, len(values)) if values[i] != values[i - 1]]
    returns = [i for i in changes if first[values[i]] < i - 1]
    if len(returns) < FLAPPING_RETURNS:
        return None
    start = min(first[values[i]] for i in returns)
    if _users_value(turns[writes[start][0] - 1], values[start]):
        # The user set the first value: the flapping starts where it was first changed.
        start = next(i for i in changes if i > start)
    turn_index, value, span_id = writes[start]
    path = ", ".join(f"{v} at turn {t}" for t, v, _s in writes[start:])
    candidate = _candidate(
        turns[turn_index - 1], "state_corruption", "strong", "state_changes",
        f"{key} flapped and never settled: {path}", span_id, values=[value], hints=_key_hints(key))
    candidate.covers = sorted({t for t, _v, _s in writes[start + 1:] if t != turn_index})
    return candidate


def _leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _leaves(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        return
    elif value is not None:
        yield prefix, str(value)


def stale_sources(turns: list[Turn]) -> list[Candidate]:
    """A retrieved document that its own metadata marks stale, or that is dated or
    versioned older than a sibling retrieved with it. Strong when a reply used what only
    that document said; a document merely old by the calendar is weak.

    What is learned about a document at one turn (a newer sibling shows up at turn 4)
    holds for every turn that retrieved it: the fault is the first turn whose reply used
    it, and later retrievals of it are the same fault continuing."""
    stale: dict[str, tuple[str, bool]] = {}  # document -> (why, aged only)
    for turn in turns:
        for retrieval in turn.retrievals:
            docs = retrieval.documents
            recency = {id(d): _recency(d) for d in docs}
            newest = max((r for r in recency.values() if r), default=None)
            for doc in docs:
                why = outdated_reason(doc, turn.timestamp_ms)
                aged_only = why is not None and why.endswith("days old")
                mine = recency[id(doc)]
                if mine and newest and mine < newest:
                    why = f"{_describe(mine)}, older than a sibling source ({_describe(newest)})"
                    aged_only = False
                name = _doc_name(doc)
                if why is not None and (name not in stale or stale[name][1]):
                    stale[name] = (why, aged_only)
    if not stale:
        return []
    first: dict[str, Candidate] = {}
    for turn in turns:
        for retrieval in turn.retrievals:
            for doc in retrieval.documents:
                name = _doc_name(doc)
                if name not in stale:
                    continue
                why, aged_only = stale[name]
                used = _used_only_from(doc, retrieval.documents, turn)
                earlier = first.get(name)
                if earlier is not None and (earlier.severity == "strong" or not used or aged_only):
                    # A document merely old by the calendar continues as a fault only where a
                    # reply used it: retrieved and unused, it explains nothing at that turn.
                    continues = used or not aged_only
                    if continues and turn.index != earlier.turn and turn.index not in earlier.covers:
                        earlier.covers.append(turn.index)
                    continue
                severity: Severity = "strong" if used and not aged_only else "weak"
                candidate = _candidate(
                    turn, "outdated_retrieval", severity, "stale_sources",
                    f"retrieved document {name} is outdated ({why})"
                    + (f" and the reply used it ({', '.join(sorted(used)[:4])})" if used else ""),
                    retrieval.span_id, values=sorted(used),
                    hints=[PurePosixPath(name).name] if name != "?" else [])
                if earlier is not None:  # a weak first sighting, now used: the fault starts here
                    candidate.covers = [t for t in earlier.covers if t > turn.index]
                first[name] = candidate
    return list(first.values())


def _doc_name(doc: RetrievedDocument) -> str:
    return doc.uri or doc.doc_id or "?"


def _used_only_from(doc: RetrievedDocument, docs: list[RetrievedDocument], turn: Turn) -> set[str]:
    """What the reply took from this document and from none of its siblings: shared word
    trigrams, or figures (times, prices, dates) the user did not bring up."""
    reply = _shingles(turn.assistant)
    others = [d for d in docs if d is not doc]
    other_shingles = set().union(*(_shingles(d.content) for d in others))
    used = {" ".join(s) for s in (_shingles(doc.content) - other_shingles) & reply}
    figures = set(FIGURE.findall(doc.content)).difference(*(FIGURE.findall(d.content) for d in others))
    used |= {f for f in figures & set(FIGURE.findall(turn.assistant or "")) if len(f) > 1}
    return used - set(FIGURE.findall(turn.user or ""))


def _shingles(text: str | None) -> set[tuple[str, ...]]:
    """Word trigrams: what a reply took from one document and not from its sibling, even
    when both use the same words."""
    words = SHINGLE_WORD.findall((text or "").lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _recency(doc: RetrievedDocument) -> tuple[int, int] | None:
    """(year, version) a document's name, id or metadata gives it, if any."""
    text = f"{doc.uri or ''} {doc.doc_id or ''} " + " ".join(
        f"{k} {v}" for k, v in doc.metadata.items() if str(k).lower() not in ("id", "chunk_id"))
    years = [int(y) for y in YEAR.findall(text)]
    versions = [int(v) for v in VERSION.findall(text)]
    if not years and not versions:
        return None
    return (max(years, default=0), max(versions, default=0))


def _describe(recency: tuple[int, int]) -> str:
    year, version = recency
    parts = [f"dated {year}" if year else "", f"version {version}" if version else ""]
    return " ".join(p for p in parts if p)


def malformed_calls(turns: list[Turn]) -> list[Candidate]:
    """A tool call made with empty arguments that then produced nothing usable."""
    found = []
    for turn in turns:
        for step in turn.tools:
            empty = empty_keys(step.arguments)
            if step.kind == "tool" and not step.error and empty and not step.result:
                found.append(_candidate(
                    turn, "malformed_tool_call", "strong", "malformed_calls",
                    f"'{step.name}' was called with empty {', '.join(empty)} and returned nothing",
                    step.span_id, hints=empty))
    return found


def constraint_violations(turns: list[Turn]) -> list[Candidate]:
    """A reply that offers what the user excluded earlier (an allergy, a diet). Strong
    when the model call no longer received the turn that stated it."""
    found = []
    for stated in turns:
        excluded = stated_constraints(stated.user) if stated.user_authored else set()
        for later in turns[stated.index:] if excluded else []:
            word = violated_constraint(later.assistant, excluded)
            if word is None:
                continue
            seen = [stated.index in call.earlier_turns_present for call in later.llm_calls
                    if call.message_count]
            dropped = bool(seen) and not any(seen)
            found.append(_candidate(
                later, "context_window_dropped_constraint" if dropped else "constraint_ignored",
                "strong" if dropped else "weak", "constraint_violations",
                f"the reply offers '{word}' although turn {stated.index} excluded it (\"{stated.user}\")"
                + ("; that turn was no longer in the messages sent to the model" if dropped else ""),
                values=[word]))
    return found


def failing_assessments(turns: list[Turn]) -> list[Candidate]:
    """A scorer's negative verdict on a turn, read through its rationale. Weak: a judge's
    opinion, not a recorded failure."""
    found = []
    for turn in turns:
        for record in turn.assessments:
            polarity, how = assessment_polarity(record)
            if polarity != "negative":
                continue
            category = assessment_category(record.name)
            if category == "outdated_retrieval" and not turn.retrievals:
                category = "failing_assessment"
            detail = f"assessment '{record.name}' = {record.value!r} failed ({how})"
            if record.rationale:
                detail += f": {record.rationale}"
            found.append(_candidate(turn, category, "weak", "failing_assessments", detail, record.span_id))
    return found


def repeated_replies(turns: list[Turn]) -> list[Candidate]:
    """A reply that repeats an earlier one. Min-hash keys find earlier near-duplicates
    without comparing every pair of replies."""
    buckets: dict[tuple[int, str], list[int]] = defaultdict(list)
    words_of: dict[int, set[str]] = {}
    found = []
    for turn in turns:
        words = content_words(turn.assistant)
        if len(words) < 4:
            continue
        # A stable hash: the same session gets the same verdict in every process.
        keys = [(i, min(words, key=lambda w, i=i: zlib.crc32(f"{i}:{w}".encode())))
                for i in range(MINHASH_KEYS)]
        earlier = {j for key in keys for j in buckets[key][-RECENT_PER_KEY:]}
        match = next((j for j in sorted(earlier)
                      if len(words & words_of[j]) / len(words | words_of[j]) >= NEAR_DUPLICATE), None)
        if match is not None:
            found.append(_candidate(turn, "repetition", "weak", "repeated_replies",
                                    f"the reply repeats turn {match}'s reply"))
        words_of[turn.index] = words
        for key in keys:
            buckets[key].append(turn.index)
    return found


def _key_hints(key: str) -> list[str]:
    """How code writes a stored value's key: `state["plan"] =`, `.plan =`, `"plan":`."""
    last = key.rsplit(".", 1)[-1]
    return [f'["{last}"]', f"['{last}']", f".{last} =", f'"{last}":']


def _candidate(
    turn: Turn, category: Category, severity: Severity, detector: str, detail: str,
    span_id: str | None = None, values: list[str] | None = None, hints: list[str] | None = None,
) -> Candidate:
    return Candidate(turn=turn.index, category=category, severity=severity, detector=detector,
                     detail=detail, span_id=span_id, values=values or [], code_hints=hints or [])


DETECTORS: list[Callable[[list[Turn]], list[Candidate]]] = [
    recorded_failures, silent_fallbacks, truncated_replies, tool_loops, malformed_calls,
    state_changes, stale_sources, constraint_violations, failing_assessments, repeated_replies,
]
