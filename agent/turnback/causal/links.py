"""Layer 3: connect each symptom to the earlier candidates it is about.

Content is indexed once (token -> the turns whose app side said it), so a symptom is
matched against the index, not against every earlier turn. A symptom links to:
- candidates whose turn stated what the user disputes (rarity-weighted shared tokens);
- the first appearance of a disputed value in a reply, tool result, parser output or
  recorded state: the origin, which becomes a candidate of its own when no detector
  flagged that turn (a wrong fact that later turns build on is the first turn's fault);
- the reply just before it, more weakly, when nothing else matches.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from turnback.causal.detectors import producer
from turnback.dispute import explain_dispute
from turnback.dissatisfaction import values
from turnback.signals import REFERS_BACK, flat_text, tokens
from turnback.state import Candidate, Category, Symptom, ToolCall, Turn

# A token said by more than this share of turns identifies nothing.
COMMON_SHARE = 0.3
MIN_CONTENT_LINK = 0.35
PREVIOUS_REPLY_LINK = 0.5
UNANCHORED_LINK = 0.7
MIN_ABOUT_WORDS = 3
SAME_TURN_LINK = 0.8
VALUE_LINK = 1.0
# Turns that said this share of the best match to a complaint's answer are the ones it names.
ANSWER_SHARE = 0.8
# Share of the smaller of (what is disputed, what a fault produced) they must have in common:
# one shared word ("refund") does not make a failed refund the source of a claimed one.
VALUE_SHARE = 0.5
PRODUCED = "a value this fault produced"
# Origins that rest on a recorded step (a parser's output, a state write, a lost message).
RECORDED_ORIGINS: set[Category] = {"input_misparsed", "state_corruption", "context_window_dropped_constraint"}


@dataclass
class Link:
    candidate: Candidate
    symptom: Symptom
    strength: float
    """0..1: how surely the symptom is about this candidate."""
    why: str


class ContentIndex:
    """What the app side of each turn put into the conversation, indexed by token.

    `said` is everything (reply, tool results, recorded state); `claimed` leaves out the
    words the turn's own user said, so an echo of the user is not a claim of its own.
    """

    def __init__(self, turns: list[Turn]) -> None:
        self.turns = turns
        self.said: dict[str, list[int]] = defaultdict(list)
        self.claimed: dict[str, list[int]] = defaultdict(list)
        self.asked: dict[str, list[int]] = defaultdict(list)
        self._sets: dict[int, set[int]] = {}
        self._reply_stems: dict[str, list[int]] | None = None
        for turn in turns:
            said = app_tokens(turn)
            for token in said:
                self.said[token].append(turn.index)
            user = tokens(turn.user) if turn.user_authored else set()
            for token in said - user:
                self.claimed[token].append(turn.index)
            for token in user:
                self.asked[token].append(turn.index)

    def scores(self, query: set[str], before: int, *, echo: bool = True) -> dict[int, float]:
        """Turns before `before` scored by the rarity of the query tokens they said."""
        index = self.said if echo else self.claimed
        limit = max(3, COMMON_SHARE * max(before - 1, 1))
        scores: dict[int, float] = defaultdict(float)
        for token in query:
            # Postings are in turn order: a binary search finds how many precede `before`,
            # so a token every turn says costs nothing to skip.
            all_turns = index.get(token, [])
            count = bisect_left(all_turns, before)
            if not count or count > limit:
                continue
            postings = all_turns[:count]
            weight = math.log(1 + (before - 1) / len(postings))
            for turn in postings:
                scores[turn] += weight
        return dict(scores)

    def first_given(self, value: str, before: int) -> int | None:
        """The earliest turn before `before` whose user said every token of `value`."""
        return self.first_appearance(value, before, self.asked)

    def carried(self, value: str, turn: int) -> bool:
        """The app side of `turn` said every token of `value`."""
        return all(any(t in self.said and turn in self._as_set(self.said[t]) for t in _spellings(token))
                   for token in tokens(value))

    def first_appearance(
        self, value: str, before: int, index: dict[str, list[int]] | None = None
    ) -> int | None:
        """The earliest turn before `before` whose app side said every token of `value`."""
        lists = [(self.said if index is None else index).get(token, []) for token in tokens(value)]
        if not lists or not all(lists):
            return None
        # Walk the rarest token's turns in order; check the others by set membership.
        rarest = min(lists, key=len)
        others = [self._as_set(p) for p in lists if p is not rarest]
        for turn in rarest:
            if turn >= before:
                return None
            if all(turn in other for other in others):
                return turn
        return None

    def first_reply_saying_all(self, values: list[str], before: int) -> int | None:
        """The earliest reply before `before` that says every one of `values`, plural or not."""
        if self._reply_stems is None:  # built on first use: most sessions never need it
            self._reply_stems = defaultdict(list)
            for turn in self.turns:
                for stem in _stems(turn.assistant):
                    self._reply_stems[stem].append(turn.index)
        lists = [self._reply_stems.get(stem, []) for v in values for stem in _stems(v)]
        if not lists or not all(lists):
            return None
        rarest = min(lists, key=len)
        others = [self._as_set(p) for p in lists if p is not rarest]
        return next((t for t in rarest if t < before and all(t in o for o in others)), None)

    def _as_set(self, postings: list[int]) -> set[int]:
        key = id(postings)
        if key not in self._sets:
            self._sets[key] = set(postings)
        return self._sets[key]


ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def _spellings(token: str) -> tuple[str, ...]:
    """A token and how a reply may say it: "17th" is carried by "17 May" too."""
    ordinal = ORDINAL.match(token)
    return (token, ordinal.group(1)) if ordinal else (token,)


def _stems(text: str | None) -> set[str]:
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in tokens(text)}


def app_tokens(turn: Turn) -> set[str]:
    parts = [turn.assistant or ""]
    for step in turn.tools:
        parts.append(flat_text(step.result, keys=step.kind != "tool"))
    return tokens(" ".join(parts))


class CandidateIndex:
    """Candidates by the turns they sit on (or continue on) and by the tokens of the
    values they produced, so a symptom looks up the few that can link to it."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.by_turn: dict[int, list[Candidate]] = defaultdict(list)
        self.by_token: dict[str, list[Candidate]] = defaultdict(list)
        self.value_tokens: dict[int, set[str]] = {}
        for candidate in candidates:
            self.add(candidate)

    def add(self, candidate: Candidate) -> None:
        for turn in {candidate.turn, *candidate.covers}:
            self.by_turn[turn].append(candidate)
        self.value_tokens[id(candidate)] = set().union(*(tokens(v) for v in candidate.values or [""]))
        for token in self.value_tokens[id(candidate)]:
            self.by_token[token].append(candidate)

    def near(self, turns: set[int], disputed: set[str], last: int) -> list[Candidate]:
        """Candidates at or before `last` on those turns or sharing a disputed token."""
        found = {id(c): c for t in turns for c in self.by_turn.get(t, ())}
        found.update((id(c), c) for token in disputed for c in self.by_token.get(token, ()))
        return [c for c in found.values() if c.turn <= last]


def link_symptoms(
    turns: list[Turn], candidates: list[Candidate], symptoms: list[Symptom]
) -> tuple[list[Candidate], list[Link]]:
    """Links from each symptom to the candidates before it, and the origin candidates
    found on the way (returned with the detectors' candidates)."""
    index = ContentIndex(turns)
    everything = list(candidates)
    known = CandidateIndex(everything)
    # Recorded faults that misled (not admitted failures), earliest first: found once, not per symptom.
    misled = [c for c in candidates if c.severity == "strong" and c.category != "tool_failure"]
    recorded_faults = sorted(misled, key=lambda c: c.turn)
    links: list[Link] = []
    for symptom in symptoms:
        complaint = turns[symptom.turn - 1]
        by_user = symptom.kind != "failing_assessment"
        # A complaint is about what came before it; an assessment also covers its own turn.
        last = symptom.turn - 1 if by_user else symptom.turn
        # A reply's concession that names what went wrong ("I shouldn't have said parking is
        # included") is more exact than the user's report of it; one that names nothing ("sorry
        # for the confusion") leaves the user's words to say it.
        about = tokens(symptom.about)
        query = about if len(about) >= MIN_ABOUT_WORDS else (
            tokens(complaint.user if by_user else symptom.detail) | about)
        echo = not REFERS_BACK.search(complaint.user or "") if by_user else True
        scores = index.scores(query, last + 1, echo=echo)
        best = max(scores.values(), default=0.0)
        # A session judged failed as a whole is followed back from the values it ended on.
        followed = by_user or bool(symptom.disputed)
        origin = _origin(turns, index, symptom, scores, best, last) if followed else None
        # Nothing the symptom says points at any earlier turn: the origin is only a guess (the
        # reply before it), and an earlier recorded fault is the better explanation.
        guessed = origin is not None and best == 0 and not symptom.disputed and not symptom.restated
        disputed = set().union(*(tokens(v) for v in symptom.disputed)) if symptom.disputed else set()
        linked_turns = {t for t, score in scores.items() if score >= MIN_CONTENT_LINK * best}
        linked_turns |= {symptom.turn, symptom.turn - 1} | ({origin.turn} if origin else set())
        found = [(c, *_strength(c, symptom, scores, best, disputed, known))
                 for c in known.near(linked_turns, disputed, last)]
        # The earliest source wins: a detector's fault that produced the disputed value at or
        # before the origin turn, or one recorded on that turn (more specific than a dispute).
        produced = [c for c, _, why in found if why.endswith(PRODUCED)]
        # A weak signal on the origin turn (an old document) explains the dispute only when
        # it gave what is disputed; otherwise the origin's own reading is the more exact one.
        on_origin = [c for c in known.by_turn.get(origin.turn, ()) if c.severity == "strong"
                     or not disputed or disputed & known.value_tokens[id(c)]] if origin is not None else []
        if origin is not None and (any(c.turn <= origin.turn for c in produced)
                                   or any(_explains(c, origin.turn) for c in on_origin)):
            origin_turn = None if produced else origin.turn
            origin = None
        else:
            origin_turn = origin.turn if origin else None
        if origin is not None and origin.severity == "weak":
            # Nothing recorded explains the dispute at its origin: a recorded fault that said
            # some of what the user disputes comes first (a weak signal never outranks it).
            recorded = _recorded_fault_touched(known, scores, last)
            if recorded is not None:
                found.append((recorded, 1.0, "recorded fault behind what the user disputes"))
                origin = None
            elif guessed and recorded_faults and (recorded := recorded_faults[0]).turn <= last:
                found.append((recorded, UNANCHORED_LINK, f"the first recorded fault before turn "
                              f"{symptom.turn}, whose complaint names nothing else"))
        if origin is not None:
            if guessed:
                found.append((origin, PREVIOUS_REPLY_LINK,
                              f"turn {symptom.turn} reacts to this turn's reply"))
                origin_turn = None
            else:
                found.append((origin, 1.0, "first said what the user disputes"))
            everything.append(origin)
            known.add(origin)
        found += _named_by_the_answer(known, index, symptom, last)
        for candidate, strength, why in found:
            if origin_turn is not None and _explains(candidate, origin_turn):
                strength, why = 1.0, "first said what the user disputes"
            if strength > 0:
                links.append(Link(candidate, symptom, strength, why))
    return everything, links


def _named_by_the_answer(
    known: CandidateIndex, index: ContentIndex, symptom: Symptom, last: int
) -> list[tuple[Candidate, float, str]]:
    """Recorded failures the reply to a complaint names as the cause ("sorry, the transfer
    never went through because ..."): the app's own account, read against what each earlier
    turn said. An admitted failure counts too: later turns paid for it."""
    about = tokens(symptom.answered)
    if len(about) < MIN_ABOUT_WORDS:
        return []
    scores = index.scores(about, last + 1)
    best = max(scores.values(), default=0.0)
    named = {t for t, score in scores.items() if best and score >= ANSWER_SHARE * best}
    return [(c, 1.0, f"the reply to turn {symptom.turn}'s complaint names what this turn's failure did")
            for t in sorted(named) for c in known.by_turn.get(t, ())
            if c.turn == t and c.severity == "strong" and c.detector == "recorded_failures"]


def _recorded_fault_touched(known: CandidateIndex, scores: dict[int, float], last: int) -> Candidate | None:
    """The earliest strong candidate at or before `last` on a turn that said some of
    what the complaint is about."""
    touched = sorted(t for t, score in scores.items() if score > 0 and t <= last)
    for turn in touched:
        # An admitted failure misled nobody: it is behind a dispute only through a value link.
        strong = [c for c in known.by_turn.get(turn, ())
                  if c.severity == "strong" and c.turn <= last and c.category != "tool_failure"]
        if strong:
            return min(strong, key=lambda c: c.turn)
    return None


def _explains(candidate: Candidate, turn: int) -> bool:
    """The candidate is recorded on that turn, or its recorded fault continues there (a
    loop). A weak signal that merely recurs there (an old document retrieved again) does
    not explain what that turn said."""
    return candidate.turn == turn or (turn in candidate.covers and candidate.severity == "strong")


def _strength(
    candidate: Candidate, symptom: Symptom, scores: dict[int, float], best: float,
    disputed: set[str], known: CandidateIndex,
) -> tuple[float, str]:
    produced = known.value_tokens[id(candidate)]
    if disputed and produced and len(disputed & produced) >= VALUE_SHARE * min(len(disputed), len(produced)):
        return VALUE_LINK, f"turn {symptom.turn} disputes {PRODUCED}"
    said = max(scores.get(t, 0.0) for t in (candidate.turn, *candidate.covers))
    content = said / best if best else 0.0
    if content >= MIN_CONTENT_LINK:
        return content, f"turn {symptom.turn} is about what this turn said"
    if candidate.turn == symptom.turn:
        return SAME_TURN_LINK, "the failure shows on this turn"
    if candidate.turn == symptom.turn - 1:
        return PREVIOUS_REPLY_LINK, f"turn {symptom.turn} reacts to this turn's reply"
    return 0.0, ""


MIN_CARRIED_VALUES = 2


def _call_without(turns: list[Turn], index: ContentIndex, value: str, last: int
                  ) -> tuple[Turn, ToolCall, int] | None:
    """The first tool call after the user gave `value` that carried other values the user
    gave (so it acted on their request) but not this one: where it was left out."""
    given = index.first_given(value, last + 1)
    if given is None:
        return None
    wanted = tokens(value)
    for turn in turns[given - 1 : last]:
        user_values = [v.surface for t in turns[: turn.index] if t.user_authored
                       for v in values(t.user or "")]
        for step in turn.tools:
            if step.kind != "tool":
                continue
            sent = tokens(flat_text(step.arguments))
            if wanted <= sent:
                return None  # the value reached the calls: it was lost elsewhere
            if sum(1 for v in user_values if tokens(v) <= sent) >= MIN_CARRIED_VALUES:
                return turn, step, given
    return None


def _origin(
    turns: list[Turn], index: ContentIndex, symptom: Symptom, scores: dict[int, float],
    best: float, last: int,
) -> Candidate | None:
    """Where what the user disputes first came from, explained from recorded steps."""
    if last < 1:
        return None
    for value in symptom.lost:
        if (missed := _call_without(turns, index, value, last)) is not None:
            turn, step, given = missed
            return Candidate(
                turn=turn.index, category="malformed_tool_call", severity="strong",
                detector="origin_of_dispute", span_id=step.span_id, values=[value],
                detail=f"'{step.name}' at turn {turn.index} went out without {value}, which the user "
                       f"gave at turn {given} and the reply at turn {symptom.turn} says was missing")
    # What a session judged failed ended on is followed back to the first turn that claimed
    # it: a value the task itself gave (and every turn repeats) is nobody's claim.
    claims = index.claimed if symptom.kind == "failing_assessment" else None
    firsts = [t for value in symptom.disputed if (t := index.first_appearance(value, last + 1, claims))]
    if claims is None and len(symptom.disputed) > 1:
        # Disputed together ("Sunday", "06:30"): the claim is where they were first said
        # together; a value said alone before (06:30 on weekdays) was another, true claim.
        together = index.first_reply_saying_all(symptom.disputed, last + 1)
        firsts = [together] if together is not None else firsts
    # A value the user gives again ("Tuesday the 14th"): the turn where they first gave it
    # and the app did not carry it is where it was lost (a misparse, a dropped detail).
    for value in symptom.restated:
        given = index.first_given(value, last + 1)
        if given is not None and not index.carried(value, given):
            firsts.append(given)
    if firsts:
        source = min(firsts)
    elif best > 0:
        # The earliest turn that said nearly as much of the complaint as the best match.
        source = min(t for t, s in scores.items() if s >= 0.6 * best)
    else:
        source = last
    source = producer(turns, source)
    by_user = symptom.kind != "failing_assessment"
    why = explain_dispute(turns, turns[source - 1], turns[symptom.turn - 1],
                          about=None if by_user else " ".join(symptom.disputed),
                          values=symptom.disputed if by_user else (), restated=symptom.restated,
                          retold=bool(symptom.retold))
    return Candidate(
        turn=why.blame_turn, category=why.category,
        severity="strong" if why.category in RECORDED_ORIGINS else "weak",
        detector="origin_of_dispute", detail=why.reason,
        values=[*([why.lost] if why.lost else []), *symptom.disputed],
    )
