"""Layer 2: where a failure is observed.

A symptom is something the session shows about its own outcome: the user saying, in
their own words, that an answer was wrong (only text a person wrote counts, never tool
output or another agent's message), the user giving up or asking again, or a scorer's
negative verdict read through its rationale. Recorded failures (strong candidates) are
observed where they happen and need no symptom of their own.
"""

from __future__ import annotations

import re

from turnback.dissatisfaction import content_words, detect_dissatisfaction, values
from turnback.signals import assessment_polarity
from turnback.state import AssessmentRecord, Symptom, Turn

RESTATED_STRENGTH = 0.7
# Earlier exchanges the detector sees, to spot a repeated request and what is disputed.
EARLIER_EXCHANGES = 6


def find_symptoms(turns: list[Turn], session_assessments: list[AssessmentRecord]) -> list[Symptom]:
    symptoms = [*dissatisfied_users(turns), *failing_assessments(turns)]
    if turns:
        for record in session_assessments:
            polarity, how = assessment_polarity(record)
            if polarity == "negative":  # about the whole session: it shows by the end
                symptoms.append(Symptom(
                    turn=turns[-1].index, kind="failing_assessment", strength=0.6,
                    detail=_assessment_detail(record, how) + " (session-level)",
                    disputed=final_values(turns)))
    return sorted(symptoms, key=lambda s: s.turn)


def dissatisfied_users(turns: list[Turn]) -> list[Symptom]:
    found = []
    # An input that every turn so far carried word for word is the task handed from step to
    # step (a multi-agent run), not something the person said again.
    handed_on = bool(turns and turns[0].user)
    for turn in turns[1:]:
        handed_on = handed_on and turn.user == turns[0].user
        if not turn.user or not turn.user_authored or handed_on:
            continue
        previous = turns[turn.index - 2]
        start = max(0, turn.index - 2 - EARLIER_EXCHANGES)
        earlier = [(t.user, t.assistant) for t in turns[start : turn.index - 1]]
        heard = detect_dissatisfaction(turn.user, previous.assistant, earlier)
        if not heard.complaint:
            # Giving again, as a statement, a value the user gave before and a reply replaced
            # ("It's the 18:15 we want") says the app got it wrong, however politely; so does
            # telling again a fact the reply left out ("She's in a wheelchair.").
            restated = heard.restated
            retold = [] if restated else restated_statement(turn, turns)
            if (restated or retold) and not _settled(turns, turn):
                said = ", ".join((restated or retold)[:3])
                lost = "replaced" if restated else "left out"
                found.append(Symptom(
                    turn=turn.index, kind="user_restated", strength=RESTATED_STRENGTH,
                    detail=f"the user gives again what they said before ({said}), which a reply had "
                           f"{lost}. The user wrote: {turn.user}",
                    restated=restated, retold=retold))
            elif (conceded := concession(turn.assistant)) is not None:
                found.append(Symptom(
                    turn=turn.index, kind="reply_concedes", strength=CONCEDED_STRENGTH,
                    detail=f"the reply concedes an earlier mistake (\"{conceded}\") after the user "
                           f"wrote: {turn.user}",
                    disputed=_values_said_before(conceded, turns[: turn.index - 1]),
                    about=APOLOGY_OPENING.sub("", conceded),
                    lost=_values_gone_without(conceded, turns[: turn.index - 1])))
            continue
        if not _settled(turns, turn):
            fired = ", ".join(sorted(heard.features, key=lambda f: -abs(heard.features[f]))[:3])
            answer = concession(turn.assistant) or ""
            named = list(heard.disputed)
            if not any(len(d.split()) <= MAX_VALUE_WORDS for d in named):
                # The complaint named no value, only a claim it guessed at; the reply that puts
                # its own earlier value right ("is £35.75, not £32.50") names the one disputed.
                named = _values_said_before(answer, turns[: turn.index - 1]) or named
            quoted = ", ".join(f'"{d}"' for d in named[:3])
            disputed = f"; disputes {quoted}" if quoted else ""
            found.append(Symptom(
                turn=turn.index, kind="user_dissatisfied", strength=heard.score,
                detail=f"the user is dissatisfied (score {heard.score:.2f}: {fired}){disputed}. "
                       f"The user wrote: {turn.user}",
                disputed=named, restated=list(heard.restated),
                answered=APOLOGY_OPENING.sub("", answer),
                lost=_values_gone_without(answer, turns[: turn.index - 1])))
    return found


SENTENCE_END = re.compile(r"(?<=[.!])\s+|(?<=\?)\s+")
MAX_FACT_WORDS = 6


def restated_statement(turn: Turn, turns: list[Turn]) -> list[str]:
    """A statement of the user's message that only tells again what the user told at least
    two turns earlier, in words the reply before it never used: the app lost that fact."""
    previous = content_words(turns[turn.index - 2].assistant)
    window = turns[max(0, turn.index - 2 - EARLIER_EXCHANGES): turn.index - 2]
    earlier = [content_words(t.user) for t in window if t.user and t.user_authored]
    found = []
    for sentence in SENTENCE_END.split((turn.user or "").strip()):
        words = {w for w in content_words(sentence) if "'" not in w}  # "she's" names nothing
        if (sentence.rstrip().endswith("?") or not 0 < len(words) <= MAX_FACT_WORDS
                or words & previous or not any(words <= said for said in earlier)):
            continue
        found.append(sentence.strip())
    return found


# Kinds of value specific enough to follow back through a session (not one-word names or
# small counts, which match by chance).
TRACEABLE = {"money", "time", "date", "id", "label", "number"}
FINAL_REPLIES = 3
MAX_FINAL_VALUES = 5


def final_values(turns: list[Turn]) -> list[str]:
    """What the session ended on: the specific values of its last reply that has any (of
    the last few). A session judged failed as a whole failed in its outcome, so these are
    what the links layer follows back to where they first appeared."""
    for turn in reversed(turns[-FINAL_REPLIES:]):
        found = [v.surface for v in values(turn.assistant)
                 if (v.kind in TRACEABLE and (v.kind != "number" or len(v.key) >= 2))
                 or (v.kind == "name" and " " in v.surface.strip())]
        if found:
            return list(dict.fromkeys(found))[-MAX_FINAL_VALUES:]
    return []


CONCEDED_STRENGTH = 0.6
MAX_VALUE_WORDS = 3
# A reply that opens by apologising or agreeing, and says something of its own earlier doing
# went wrong ("I shouldn't have said", "was recorded as", "was never sent"): the app itself
# observes the failure, even when the user only reported what happened ("His sheet says
# ground floor"). An apology alone ("Sorry, that's sold out") is no concession.
APOLOGY_OPENING = re.compile(
    r"^\W*(?:thanks?(?: you)?(?: for [^.!?,:]{1,30})?,? (?:and )?)?"  # "Thanks for checking, and sorry:"
    r"(?:(?:i'?m|i am|we'?re|we are)\s+(?:\w+\s+)?sorry|sorry|(?:my\s+)?apolog\w*"
    r"|you'?re (?:right|correct)|you are (?:right|correct))\b", re.IGNORECASE)
OWN_FAULT = re.compile(
    r"\b(?:should(?:n'?t| not) have|(?:was|were) (?:recorded|made|booked|entered|set up|sent|placed|saved"
    r"|submitted|filed|logged|registered|noted|read|taken|understood|\w+(?:preted|parsed|converted|calculated"
    r"|stored)) (?:as|under|for|with|to)\b|(?:was|were) never"
    r"|never (?:submitted|sent|received|resent|placed|went)|i (?:said|told you|gave you|quoted|misread"
    r"|missed|got (?:that|it|this) wrong)|you'?re right|you are right|for the (?:confusion|mix-?up|error"
    r"|mistake|oversight)|my (?:mistake|error)|i was wrong|(?:that|this) was (?:wrong|incorrect|a mistake)"
    # "The order reached the kitchen without your 12:30 time": something of the user's lost.
    r"|(?:went|was|were|reached|arrived|got|came|left)\b[^.!?]{0,40}\bwithout (?:your|the)\b"
    # "your unit rate is 27.84p, not 24.50p": the reply puts its earlier value right.
    r"|\b(?:is|was|are|were) [^!?,\n]{1,30}, not (?:the )?[£$€]?\d)",
    re.IGNORECASE)
CONCESSION_CHARS = 240


def concession(reply: str | None) -> str | None:
    """The opening of a reply that concedes an earlier mistake, else None."""
    opening = (reply or "")[:CONCESSION_CHARS]
    if not APOLOGY_OPENING.search(opening):
        return None
    fault = OWN_FAULT.search(opening)
    if fault is None:
        return None
    # Quote through the end of the sentence that concedes.
    end = re.search(r"[.!?](?:\s|$)", opening[fault.end():])
    return opening[: fault.end() + (end.start() + 1 if end else len(opening) - fault.end())].strip()


def _values_said_before(text: str, earlier: list[Turn]) -> list[str]:
    """Values the conceding sentence names that an earlier reply already said: what the
    concession is about, followed back by the links layer. Values the user gave are only
    its setting ("20 litres is far too small": the user's own tank): when it names nothing
    else, its words say what was wrong, not those values."""
    given = " ".join((t.user or "").lower() for t in earlier if t.user_authored)
    said = [v for v in values(text)
            if any(v.surface.lower() in (t.assistant or "").lower() for t in reversed(earlier))]
    claimed = [v for v in said if not re.search(rf"(?<![\w.]){re.escape(v.key)}(?![\d.])", given)]
    return [v.surface for v in said] if claimed else []


WITHOUT = re.compile(r"\bwithout (?:your|the)\b([^.!?,;]{1,40})", re.IGNORECASE)


def _values_gone_without(text: str, earlier: list[Turn]) -> list[str]:
    """Values the user gave that the concession says the app went on without ("without your
    12:30 time")."""
    given = " ".join((t.user or "") for t in earlier if t.user_authored).lower()
    named = [v for m in WITHOUT.finditer(text) for v in values(m.group(1))]
    return [v.surface for v in named if v.surface.lower() in given]


# The assistant conceding an error in its answer to a complaint: the complaint was real.
CONCEDES = re.compile(
    r"\b(?:sorry|apolog\w*|you'?re (?:right|correct)|you are (?:right|correct)|my (?:mistake|bad|error)"
    r"|i (?:was wrong|made (?:a|an) (?:mistake|error)|misread|got (?:that|it) wrong)|correct(?:ed|ion)"
    r"|that was (?:wrong|incorrect)|i should have|(?:may|might|could) be right)\b", re.IGNORECASE)


def _settled(turns: list[Turn], complaint: Turn) -> bool:
    """A question that only sounded like a complaint: the reply explained without conceding
    anything, and the user's next message takes it well (thanks, agreement) without
    disputing again. Reading the next exchange is what a person does too."""
    if complaint.index >= len(turns) or CONCEDES.search(complaint.assistant or ""):
        return False
    following = turns[complaint.index]
    if not following.user or not following.user_authored:
        return False
    heard = detect_dissatisfaction(following.user, complaint.assistant,
                                   [(complaint.user, complaint.assistant)])
    moved_on = {"closing", "affirmation", "question", "request_form"}
    return not heard.complaint and bool(moved_on & set(heard.features))


def failing_assessments(turns: list[Turn]) -> list[Symptom]:
    found = []
    for turn in turns:
        for record in turn.assessments:
            polarity, how = assessment_polarity(record)
            if polarity == "negative":
                found.append(Symptom(turn=turn.index, kind="failing_assessment", strength=0.6,
                                     detail=_assessment_detail(record, how)))
    return found


def _assessment_detail(record: AssessmentRecord, how: str) -> str:
    detail = f"assessment '{record.name}' = {record.value!r} failed ({how})"
    return f"{detail}: {record.rationale}" if record.rationale else detail
