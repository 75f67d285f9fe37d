"""Offline signals: what recorded data alone says about a turn.

Every detector is a pure function over reconstructed turns so the offline judge, the
backward trace and the LLM judge's evidence all read the same facts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any, Literal

from turnback.state import AssessmentRecord, Category, Turn

Polarity = Literal["positive", "negative"]

ACKNOWLEDGES_FAILURE = re.compile(
    r"\b(sorry|apolog|unable|couldn'?t|could not|can'?t|cannot|failed|failure|error|problem"
    r"|issue|try again|unfortunately|not able|went wrong|unavailable)\b",
    re.IGNORECASE,
)
# Assessment names where a "yes" or a high score is bad news.
NEGATIVE_SENSE_NAME = re.compile(
    r"frustrat|toxic|harm|hallucinat|unsafe|violation|drift|jailbreak|pii|leak|error|complain",
    re.IGNORECASE,
)
NEGATIVE_VALUES = {"no", "false", "fail", "failed", "bad", "incorrect", "unresolved", "wrong", "poor",
                   "unsupported", "contradicted", "ungrounded"}
POSITIVE_VALUES = {"yes", "true", "pass", "passed", "good", "correct", "resolved", "none", "ok",
                   "supported", "grounded"}
RATIONALE_POSITIVE = re.compile(
    r"\b(no (sign of )?frustrat\w*|not frustrated|no issues?|no problems?|correct(ly)?|accurate"
    r"|satisf\w*|helpful|appropriate(ly)?|resolved|fully answered|consistent|grounded|pass(es|ed)?)\b",
    re.IGNORECASE,
)
RATIONALE_NEGATIVE = re.compile(
    r"\b(fail(s|ed|ure)?|did not|didn'?t|incorrect(ly)?|wrong|not resolved|unresolved"
    r"|frustrat\w*|contradict\w*|hallucinat\w*|ignor(ed|es)|missing|false|outdated|inaccurate"
    r"|never|unhelpful|not (answer|address|complete))\b",
    re.IGNORECASE,
)
NEGATED_NEGATIVE = re.compile(
    r"\b(no|not|without|never)\s+(\w+\s+){0,2}(frustrat\w*|fail\w*|wrong|incorrect|contradict\w*"
    r"|hallucinat\w*|issues?|problems?)",
    re.IGNORECASE,
)
STOPWORDS = set(
    "the a an and or but if then of to in on at for with by from as is are was were be been "
    "it its this that these those i you he she we they me my your our their them us do does did "
    "have has had not no yes can could would should will just so than too very what which who "
    "when where why how all any some about into over also there here please thanks thank okay "
    "told said say tell asked get got make made want need know like one now still only".split()
)
WORD = re.compile(r"[a-z0-9][a-z0-9'\-]{2,}")


def acknowledges_failure(reply: str | None) -> bool:
    return bool(reply and ACKNOWLEDGES_FAILURE.search(reply))


def content_words(text: str | None) -> set[str]:
    """Lower-cased words that carry meaning, crudely singularised ("guests" -> "guest")."""
    if not text:
        return set()
    words = {w.strip("'-") for w in WORD.findall(text.lower())} - STOPWORDS
    return {w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words}


NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,:/-]\d+)*")


def tokens(text: str | None) -> set[str]:
    """Content words plus numbers (amounts, dates, identifiers): what a value is made of."""
    if not text:
        return set()
    return content_words(text) | set(NUMBER.findall(text))


REFERS_BACK = re.compile(
    r"\b(i (told|said|mentioned|already)|as i said|at the (start|beginning)|remember|earlier"
    r"|you forgot|i asked for)\b",
    re.IGNORECASE,
)


def app_words(turn: Turn, *, echo: bool) -> set[str]:
    """What the app side of a turn put into the conversation: the reply and tool results,
    plus what state and parser steps recorded. With `echo=False`, words the turn's own
    user said are left out of the reply (an echo of the user is not a claim of its own)."""
    replied = " ".join([turn.assistant or "", *(flat_text(t.result) for t in turn.tools if t.kind == "tool")])
    recorded = " ".join(flat_text(t.result, keys=True) for t in turn.tools if t.kind != "tool")
    words = content_words(replied)
    if not echo:
        words -= content_words(turn.user)
    return words | content_words(recorded)


def disputed_turn_scores(turns: list[Turn], symptom: Turn) -> dict[int, float]:
    """How strongly what each earlier turn said matches what the user disputes.

    "You told me X": X is the app's claim, and any turn that stated it counts. "I told
    you X": X is the user's own words, so a turn that merely echoed them does not.
    Shared words are weighted by rarity across the session, so a hotel name outweighs
    words every reply uses.
    """
    earlier = [t for t in turns if t.index < symptom.index]
    if not earlier:
        return {}
    echo = not REFERS_BACK.search(symptom.user or "")
    vocab = {t.index: app_words(t, echo=echo) for t in earlier}
    frequency = Counter(w for words in vocab.values() for w in words)
    disputed = content_words(symptom.user)
    n = len(earlier)
    scores = {}
    for index, words in vocab.items():
        shared = disputed & words
        scores[index] = sum(math.log(1 + n / frequency[w]) for w in shared)
    return scores


def strongly_disputed(scores: dict[int, float], share: float = 0.6) -> list[int]:
    """Turns whose match is within `share` of the best one, earliest first."""
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return []
    return sorted(i for i, s in scores.items() if s >= share * best)


def assessment_polarity(record: AssessmentRecord) -> tuple[Polarity | None, str]:
    """Good or bad news, read through the rationale: a value alone misleads.

    Returns the polarity and a short explanation of how it was read.
    """
    from_value = _value_polarity(record.name, record.value)
    from_rationale = _rationale_polarity(record.rationale)
    if from_rationale and from_value and from_rationale != from_value:
        return from_rationale, (
            f"value {record.value!r} read through its rationale, which says {from_rationale}"
        )
    if from_rationale:
        return from_rationale, "from its rationale"
    if from_value:
        return from_value, f"from its value {record.value!r} (no clear rationale)"
    return None, "neither value nor rationale is conclusive"


def _value_polarity(name: str, value: Any) -> Polarity | None:
    inverted = bool(NEGATIVE_SENSE_NAME.search(name))
    polarity: Polarity | None = None
    if isinstance(value, bool):
        polarity = "positive" if value else "negative"
    elif isinstance(value, int | float):
        scale_max = 1.0 if 0 <= value <= 1 else 5.0
        polarity = "positive" if value / scale_max >= 0.5 else "negative"
    elif isinstance(value, str):
        lowered = value.strip().lower()
        if "frustrat" in name.lower() and lowered in ("none", "resolved", "unresolved"):
            return "negative" if lowered == "unresolved" else "positive"
        if lowered in NEGATIVE_VALUES:
            polarity = "negative"
        elif lowered in POSITIVE_VALUES:
            polarity = "positive"
    if polarity and inverted:
        polarity = "negative" if polarity == "positive" else "positive"
    return polarity


def _rationale_polarity(rationale: str | None) -> Polarity | None:
    if not rationale:
        return None
    text = NEGATED_NEGATIVE.sub(" no_problem ", rationale)
    positive = len(RATIONALE_POSITIVE.findall(text)) + text.count("no_problem")
    negative = len(RATIONALE_NEGATIVE.findall(text))
    if negative > positive:
        return "negative"
    if positive > negative:
        return "positive"
    return None


ASSESSMENT_CATEGORIES: list[tuple[re.Pattern[str], Category]] = [
    (re.compile(r"guideline|adherence|persona|role|instruction|policy|tone|scope", re.I),
     "instruction_drift"),
    (re.compile(r"retention|remember|context", re.I), "context_window_dropped_constraint"),
    (re.compile(r"grounded|hallucinat|factual|correct", re.I), "hallucinated_fact"),
    (re.compile(r"retriev|document|source", re.I), "outdated_retrieval"),
]


def assessment_category(name: str) -> Category:
    """The failure a failing assessment's name points at (its scorer's subject)."""
    return next((c for pattern, c in ASSESSMENT_CATEGORIES if pattern.search(name)), "failing_assessment")


# Constraints users state about themselves that a reply must respect. Narrow on purpose:
# precise offline; open-ended constraints are the LLM judge's job.
STATED_CONSTRAINT = re.compile(
    r"\b(?:i'?m|i am) allergic to (?P<allergy>[a-z][\w\- ]*?)(?=[,.!;]|$| and | so | please)"
    r"|\b(?:i'?m|i am) (?:a )?(?P<diet>vegetarian|vegan)\b"
    r"|\bi (?:don'?t|do not|can'?t|cannot) eat (?P<noeat>[a-z][\w\- ]*?)(?=[,.!;]|$| and | so )",
    re.IGNORECASE,
)
MEAT = {"meat", "beef", "chicken", "pork", "bacon", "ham", "lamb", "fish", "salmon", "tuna", "shrimp",
        "prawn", "steak", "sausage", "turkey", "duck", "anchovy", "veal", "chorizo"}
DIET_EXCLUDES = {"vegetarian": MEAT, "vegan": MEAT | {"cheese", "milk", "butter", "egg", "yogurt",
                                                      "honey", "cream", "parmesan"}}


def stated_constraints(text: str | None) -> set[str]:
    """Words a user said must not appear in what they are offered."""
    excluded: set[str] = set()
    for match in STATED_CONSTRAINT.finditer(text or ""):
        if match.group("diet"):
            excluded |= DIET_EXCLUDES[match.group("diet").lower()]
        else:
            excluded |= content_words(match.group("allergy") or match.group("noeat"))
    return excluded


def violated_constraint(reply: str | None, excluded: set[str]) -> str | None:
    """The excluded word a reply offers anyway (not "no X", "X-free", "without X")."""
    if not reply or not excluded:
        return None
    for word in sorted(excluded & content_words(reply)):
        negated = re.search(
            rf"\b(no|without|avoid\w*|free of|not|skip\w*)\s+(\w+\s+){{0,2}}{word}|{word}\w*-free",
            reply, re.IGNORECASE,
        )
        if not negated:
            return word
    return None


def near_duplicate(a: str | None, b: str | None, threshold: float = 0.85) -> bool:
    """Two replies that say the same thing (a loop or a stuck agent)."""
    wa, wb = content_words(a), content_words(b)
    if len(wa) < 4 or len(wb) < 4:
        return False
    return len(wa & wb) / len(wa | wb) >= threshold


def empty_keys(value: Any) -> list[str]:
    """The keys of a dict whose value is empty (None, "" or []): a field left unfilled."""
    return [k for k, v in value.items() if v is None or v == "" or v == []] if isinstance(value, dict) else []


# Exception types that name no kind of failure: they add nothing to a message.
GENERIC_EXCEPTIONS = {"Exception", "RuntimeError", "Error"}


def flat_text(value: Any, keys: bool = False) -> str:
    """Text of a structured value. Values only by default: keys like "name" or
    "status" are schema, not what was said; state records keep them (`keys=True`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " ".join(f"{k} {flat_text(v, keys)}" if keys else flat_text(v) for k, v in value.items())
    if isinstance(value, list):
        return " ".join(flat_text(v, keys) for v in value)
    return str(value)
