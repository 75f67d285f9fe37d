"""Is the user saying the last answer was wrong? A small learned dissatisfaction detector.

Cheap, general features of the user's own words (correction structure, challenge
questions, a value that replaces one the assistant gave, repeated requests,
abandonment, ...) are combined by a logistic regression whose weights live in
`dissatisfaction_model.json` (rebuilt by `python -m evals.train_dissatisfaction`).
Inference is pure Python: a dot product and a sigmoid.

Only the user's text is searched for complaint cues, so words in a reply, a tool result
or pasted logs never make the user complain. The assistant's replies are read as context
only: which of their values or claims the user's words replace, reject or take up (what
is disputed), and whether a bare "no" answers a question the reply asked.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("dissatisfaction_model.json")
QUOTATION = re.compile(r"""(?<!\w)(["“'‘])(?=\S)[^"“”'‘’\n]{3,}?(?<=\S)["”'’](?!\w)""")
# Earlier turns beyond this window are not compared: keeps a call well under 2 ms in long sessions.
MAX_EARLIER = 12

Exchange = tuple[str | None, str | None]


@dataclass(frozen=True)
class Dissatisfaction:
    score: float
    """Probability-like score in [0, 1] that the user is complaining about an answer."""
    complaint: bool
    """score >= the shipped operating threshold."""
    features: dict[str, float] = field(default_factory=dict)
    """The features that fired, each with its contribution to the log-odds (weight x
    value; negative ones argue against a complaint). Features the model gives no weight are
    left out."""
    restated: list[str] = field(default_factory=list)
    """Values the user gave in an earlier message and now gives again, as a statement,
    where a reply asserted another value of that kind ("Tuesday the 14th" after "Monday
    20 May"). Set whether or not the turn reads as a complaint."""
    disputed: list[str] = field(default_factory=list)
    """What of the previous (or an earlier) reply the user contradicts, verbatim from that
    reply: the values replaced or rejected ("12th", "$200", "Terminal 3"), else the reply
    sentence the complaint is about. Empty unless `complaint`."""


# --- cues in the user's text ----------------------------------------------------------------

I = re.IGNORECASE  # noqa: E741 - short alias keeps the pattern table readable
# A bare decline ("no thanks", "no, that's all", "not right now") answers an offer, it disputes nothing.
DECLINE = re.compile(
    r"^\W*(?:no+|nope|nah|not)\b[\s,.!]*(?:thanks?|thank you|that'?s (?:all|it|everything|fine)"
    r"|that (?:is|will be|would be) (?:all|it|everything)|(?:not )?(?:right )?now|not (?:yet|today|now)"
    r"|(?:not )?(?:this|that) time|for now|at the moment"
    r"|i'?m (?:good|fine|ok)|i am (?:good|fine)|nothing|need(?:ed)? nothing|all (?:set|good)|that'?s ok"
    r"|i don'?t (?:need|want)|i do not (?:need|want)|we'?re good|[.!]*$)", I)
# Agreement first: taking up what the reply offered repeats its words without disputing them.
AFFIRMATION = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|alright|great|perfect|sounds good|good|fine|correct|right|"
    r"exactly|absolutely|definitely|please do|go ahead|let'?s do (?:it|that))\b", I)
NEG_OPENING = re.compile(
    r"^\W*(?:(?:uh+|um+|er+|hmm+|oh|well)[\s,.]+)?(?!no (?:problem|worries|need|rush|hurry)\b)"
    r"(?:no+|nope|nah|negative|wrong|incorrect|not (?:quite|really|exactly)|that'?s not|that is not"
    r"|that isn'?t|this is not|it'?s not|it is not)\b", I)
CONTRAST = re.compile(
    r"\bnot (?:the |a |an |on |in |at |for )?[\w:$€£.\-]+(?: [\w:.\-]+)?\s*[,;!]\s*(?:but |it'?s |its )?\w"
    r"|,\s*not (?:the |a |an |on |in |at |for )?[\w:$€£.\-]+\s*[.!?]*$|\binstead of\b|\brather than\b"
    r"|\bnot [\w\-]+ but\b", I)
OWN_WORDS = re.compile(
    r"\b(?:i (?:said|told you|asked (?:for|you)|already|mentioned|specified|requested|wanted|just did|"
    r"clearly)|as i (?:said|mentioned)|like i said|i did say)\b", I)
CITES_ASSISTANT = re.compile(
    r"\b(?:you (?:just )?(?:said|told|promised|claimed|assured|confirmed|booked|sent|gave|charged|wrote"
    r"|mentioned|recommended|suggested|quoted|listed|made|changed|cancel+ed|ordered|scheduled|picked|chose)"
    r"|according to you|your (?:answer|reply|last (?:message|answer|reply)|information|info))\b", I)
CHALLENGE = re.compile(
    r"\b(?:how come|since when|why (?:did|would|do|does|are|is|didn'?t|haven'?t|hasn'?t|isn'?t|can'?t|won'?t)"
    r" (?:you|it|that|this|the)|are you (?:sure|kidding|serious|certain)|did you (?:even|actually|really|not)"
    r"|what do you mean|where did you get|where (?:did|does|do) [^?.!]{1,40} come from"
    r"|who told you|how(?: i|')s that\b|how (?:did|could|can) you|is that (?:right|true|"
    r"correct|so)|really\s*\?|what\?|huh\?)", I)
# A question that holds the assistant to something it said or did ("didn't you say ...?").
QUESTION_TO_YOU = re.compile(
    r"(?:\b(?:didn'?t you|did you not|weren'?t you|wasn'?t it|isn'?t it|aren'?t you)\b|\byou(?:'ve| have"
    r"| just)? (?:said|told|booked|sent|gave|wrote|promised|claimed|quoted|charged|changed|cancel+ed)\b)"
    r"[^?]*\?", I)
DISBELIEF = re.compile(
    r"\b(?:wrong|incorrect|false|untrue|nonsense|ridiculous|absurd|useless|terrible|awful|rubbish|"
    r"garbage|mess(?:ed)?|confus\w*|mistaken?|makes? no sense|doesn'?t (?:add up|make sense)|"
    r"does not (?:add up|make sense)|can'?t be (?:right|true)|impossible|seriously|ugh+|wtf|"
    r"not (?:right|true|correct|accurate|what i)\b(?! now| away| here| there)|unhelpful|frustrat\w*"
    r"|annoy\w*|disappoint\w*|doubt|"
    r"something(?:'s| is) (?:off|wrong|not right)|not quite right|going nowhere|not helpful)\b", I)
# Polite or hedged contradiction: "I could be wrong, but ...", "doesn't that wipe them?".
HEDGED = re.compile(
    r"\b(?:i (?:could|might|may) be wrong|correct me if|i thought|i'?m not (?:sure|convinced) (?:that"
    r"|this|it|"
    r"about)|(?:might|may) not be|(?:doesn'?t|isn'?t|wouldn'?t|won'?t|shouldn'?t|aren'?t) (?:that|this|it|"
    r"they)\b[^?.!]*\?|i (?:may|might) be (?:doing|missing) something|are you sure|double-?check)", I)
FAILURE_REPORT = re.compile(
    r"\b(?:(?:didn'?t|doesn'?t|did not|does not|never|hasn'?t|haven'?t|wasn'?t|isn'?t|won'?t|not) "
    r"(?:work|working|arrive[ds]?|show(?:ed|n|s)? up|happen(?:ed)?|come|came|go through|went through|exist|"
    r"open|load|help|there|booked|sent|received|refunded|changed|cancel+ed|updated|running|run|exist)"
    r"|nothing (?:arrived|"
    r"happened|happens|shows|came|changed|works|resets|changes)|still (?:not|no|nothing|waiting|broken"
    r"|wrong|the same)|there (?:is|was|"
    r"are) no|there'?s no|no such|(?:is|was|are|were) closed|shut|charged|declined|bounced|missing|"
    r"not working|broken|no longer)\b", I)
EVIDENCE = re.compile(
    r"\b(?:the|my|your|their|this|it) (?:[\w\-]+ ){0,2}(?:says|shows|showed|reads|states)\b"
    r"|\bi (?:just )?(?:checked|called|phoned|asked them|tried it)\b|\baccording to (?:the|my|their|its)\b"
    r"|\b(?:receipt|statement|invoice|website|site|sign|bank|email|confirmation|screen|map|app) "
    r"(?:says|shows|has|lists)\b", I)
ABANDON = re.compile(
    r"^\W*(?:hello+|hi+|hey+|anyone|anybody)\s*\?+|\bare you (?:still )?there\b|\b(?:anyone|anybody|you) "
    r"(?:still )?there\b|\?\?+|\bforget (?:it|about it)\b|^\W*(?:never ?mind|whatever)\s*(?:[.!]|$)"
    r"|\bi give up\b|"
    r"\bwaste of (?:my )?time\b|\bspeak to a (?:human|person|real)\b|\b(?:human|real person"
    r"|agent) please\b", I)
# The same exchange again: asking for another try, or saying the assistant goes in circles.
REPETITION = re.compile(
    r"\b(?:again|once more|re-?check|double-?check|retry|still|another (?:try|look)|one more time"
    r"|(?:you )?keep (?:saying|asking|repeating|telling|sending|giving|suggesting)|same (?:thing|answer|"
    r"question|reply|message|response)|over and over|repeating yourself|(?:going|go) (?:round )?in circles"
    r"|i (?:just|already) (?:did|told|gave|sent|said|answered))\b", I)
CLOSING = re.compile(
    r"\b(?:thanks?|thank you|thx|ty|that'?s (?:all|it|everything|great|perfect|fine)|that (?:is|will be|"
    r"would be) (?:all|it|everything)|bye|goodbye|have a (?:good|great|nice)|perfect|great|awesome|"
    r"excellent|sounds (?:good|great)|that works|works for me|got it|appreciate|cheers|cool|lovely)\b", I)
# The user changing their own request, which says nothing about the assistant's answer.
# ("Actually" is not one: "actually, it closes at 6" is as common as "actually, make it 4".)
CHANGE_OF_MIND = re.compile(
    r"\b(?:on second thought|changed? my mind|my (?:mistake|bad)|i meant to say|let'?s (?:make|do"
    r"|change|go)|make (?:it|that) |change (?:it|that|the \w+) to|can we (?:make|change)|switch (?:it"
    r"|that) to"
    r"|i'?d (?:rather|prefer)|sorry,? i (?:meant|need)|scratch that|oops|i forgot to (?:mention|say|tell|add)"
    r"|i (?:typed|wrote|gave|said) (?:that|it|the \w+) wrong|typo|i mixed up|i meant|(?:push|move) (?:it"
    r"|that)"
    r" to|wait,? (?:no|sorry))\b", I)
# Cues of dislike that, in an answer to the assistant's question, describe the topic asked about.
ANSWER_CUES = ("disbelief", "hedged_contradiction", "failure_report", "legacy_phrase")
SECOND_PERSON = re.compile(r"\byou(?:r|'ve|'d)?\b", I)
# A new instruction or question opening the message: the user moving on, not looking back.
REQUEST = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|great|thanks|now|also|next|and|then|cool|perfect|actually|oh|hmm|wait)[\s,.!]+)*"
    r"(?:please |(?:can"
    r"|could|would)"
    r" you (?:also |please )?|i(?:'d| would) like (?:to |you to )?|i (?:need|want) (?:you )?to )?(?:send"
    r"|book|make"
    r"|find|show|give|tell|translate|add|delete|remove|create|write|set|get|play|search|order|transfer|pay"
    r"|schedule|remind|help|plan|do|list|explain|summari[sz]e|draft|reserve|buy|move|open|call|email|compare"
    r"|recommend|suggest)\b", I)
# Today's phrase list, kept as one feature among many (it is precise on written complaints).
LEGACY_PUSHBACK = re.compile(
    r"\b(you (told|said|promised|claimed|assured)|i (said|told you|asked for|already|mentioned)"
    r"|as i said|that'?s (wrong|not (right|true|correct|what))|that is (wrong|not)"
    r"|not what i (asked|wanted|said)|(is|was) wrong|incorrect|doesn'?t exist|does not exist"
    r"|didn'?t work|did not work|still (not|doesn'?t|broken)|why did you|you forgot"
    r"|you (got|get) it wrong|no (booking|reservation|record|order)|never (arrived|happened|got)"
    r"|there is no|there'?s no|you ignored|wasn'?t (booked|sent|done|placed)|isn'?t (booked|there)"
    r"|keep (saying|repeating)|same (thing|answer) (again|over)|repeating yourself|not the \w+)", I)
# The reply ends by asking something, so a bare "no" may just answer it.
ASKS = re.compile(
    r"\?\s*[\"')\]]*\s*$|\b(?:would you like|do you (?:want|like|need)|shall i|should i|can i help"
    r"|anything else"
    r"|is (?:this|that) (?:correct|right)|please confirm|confirm|have you (?:seen|heard|watched|tried))\b", I)
# Negators that reject the value right after them ("not the 12th", "there is no Terminal 3").
NEGATED_BEFORE = re.compile(
    r"(?:\bnot|\bno|\bnever|n't|\bnor|\bnobody|\bnone)\s+(?:(?:the|a|an|on|in|at|for|to|from|until|by"
    r"|it'?s|is|"
    r"was|called|named)\s+){0,2}$", I)
CITED_BEFORE = re.compile(
    r"\byou (?:just )?(?:said|told me|told us|promised|claimed|confirmed|quoted|wrote|booked|gave me|put)\b"
    r"[^.!?;]*$", I)

# --- typed values: money, times, dates, days, labels, identifiers, numbers, names ----------

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS |= {"once": 1, "twice": 2, "single": 1, "double": 2, "couple": 2}
MONTHS = {m: i for i, ms in enumerate(
    ["jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"], 1)
    for m in ms.split()}
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
VALUE = re.compile(
    r"(?P<money>[$€£]\s?\d(?:[\d,]*\d)?(?:\.\d+)?|\b\d(?:[\d,]*\d)?(?:\.\d+)?\s?(?:eur|euros?|usd"
    r"|dollars?|gbp|pounds?|bucks"
    r"|chf|yen)\b)"
    r"|(?P<time>\b\d{1,2}(?::[0-5]\d)?\s?[ap](?:\.m\.|m\b)|\b(?:[01]?\d|2[0-3]):[0-5]\d\b|\bnoon\b"
    r"|\bmidnight\b"
    # "closes at 6": an hour without am/pm after at/until/till/by.
    r"|(?:(?<=\bat )|(?<=\buntil )|(?<=\btill )|(?<=\bby ))(?:1[0-2]|0?[1-9])\b(?![.,:]\d|\s?(?:%|percent"
    r"|people|persons|guests|nights|days|tickets|rooms|stars?|of)\b))"
    rf"|(?P<date>\b{MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s*\d{{4}})?|\b\d{{1,2}}(?:st|nd|rd|th)?\s+"
    rf"(?:of\s+)?{MONTH}\b|\b\d{{1,2}}(?:st|nd|rd|th)\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}"
    r"(?:/\d{2,4})?\b)"
    r"|(?P<day>\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:today|tonight|tomorrow|yesterday)\b)"
    r"|(?P<label>(?<=[A-Za-z,] )(?-i:[A-Z][a-z]+) \d{1,4}[A-Za-z]?\b)"
    r"|(?P<id>\b(?=[a-z\-]*\d)(?=[\d\-]*[a-z])[a-z0-9][a-z0-9\-]+\b|\b\d{3,}(?:-\d{2,})+\b|@\d+)"
    r"|(?P<number>\b\d+(?:[.,]\d+)*\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|twice|single|double)\b"
    r"|(?<=not )one\b|(?<=only )one\b|(?<=just )one\b|\bone\b(?= (?!of\b|more\b|that\b|which\b|you\b|i\b|is\b"
    r"|was\b|would\b|for\b|and\b|or\b|with\b|in\b|on\b|at\b|to\b|the\b|a\b|thing\b|another\b|day\b|"
    r"time\b)[a-z]))", I)
NAME = re.compile(r"(?-i:[A-Z][\w'&\-]*(?:\s+(?:(?:of|the|de|la|le|del|and|&)\s+)?[A-Z][\w'&\-]*)*)")
QUOTED = re.compile(r"\"([^\"]{2,60})\"")
NOT_NAMES = set(
    "i i'm i'd i've i'll no yes the a an you your you're my it it's that this these those what how why where "
    "when who which can could would will should please thanks thank hello hi hey ok okay sorry actually "
    "also and but so well great sure is are do did does not oh um uh let let's just wait hmm we he she they "
    "there here book find play show tell give get make set send change cancel try search look check any "
    "some if then now nope nah perfect awesome good fine cool wow really maybe yeah yep yup right wrong "
    "mr mrs ms dr in on at for to from with by of as after before".split())
# A sentence starts after ". " unless the dot ends a title or an initial ("Mr. Jansen", "J. Olsen").
SENTENCE_START = re.compile(
    r"(?:^|(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\b[A-Z])[.!?]\s+|\n)\s*[\"'(]*$")
WORD = re.compile(r"[a-z0-9][a-z0-9'\-]+")
STOP = set(
    "the a an and or but if then of to in on at for with by from as is are was were be been it its this that "
    "these those i you he she we they me my your our their them us do does did have has had not no yes can "
    "could would should will just so than too very what which who when where why how all any some about into "
    "over also there here please thanks thank okay ok im i'm it's that's dont don't want need like get got "
    "one now still only well yeah oh um uh".split())


@dataclass(frozen=True)
class Value:
    kind: str
    key: str
    """Canonical form: "14:00" for 2pm and 14:00, "d13" for the 13th, "2" for two."""
    surface: str
    start: int
    end: int


def _canon(kind: str, surface: str) -> tuple[str, str]:
    text = surface.lower().strip()
    if kind == "money":
        return kind, re.sub(r"[^\d.]", "", text).rstrip(".").removesuffix(".00")
    if kind == "time":
        if text in ("noon", "midnight"):
            return kind, "12:00" if text == "noon" else "00:00"
        digits = re.match(r"(\d{1,2})(?::(\d{2}))?", text)
        hour, minute = (int(digits.group(1)), int(digits.group(2) or 0)) if digits else (0, 0)
        if text.isdigit():
            return kind, f"~{hour % 12:02d}:00"  # am or pm unknown
        if "p" in text and hour < 12:
            hour += 12
        elif "a" in text and hour == 12:
            hour = 0
        return kind, f"{hour:02d}:{minute:02d}"
    if kind == "date":
        iso = re.match(r"\d{4}-(\d{2})-(\d{2})", text)
        if iso:
            return kind, f"m{int(iso.group(1))}d{int(iso.group(2))}"
        day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", text)
        month = next((MONTHS[m] for m in re.findall(r"[a-z]+", text) if m in MONTHS), None)
        return kind, (f"m{month}" if month else "") + (f"d{int(day.group(1))}" if day else "")
    if kind == "number":
        if text in NUMBER_WORDS:
            return kind, str(NUMBER_WORDS[text])
        number = text.replace(",", "")
        return kind, number[:-2] if number.endswith(".0") else number
    if kind == "day":
        return kind, text[:3]
    return kind, re.sub(r"\s+", " ", text)


def _family(kind: str) -> str:
    # "98.40" disputes "142 EUR": an amount with or without its currency is the same kind of value.
    return "amount" if kind in ("money", "number") else kind


def _same(a: Value, b: Value) -> bool:
    if {a.kind, b.kind} == {"number", "time"}:
        # "not 8" after "open until 8pm".
        number, time = (a, b) if a.kind == "number" else (b, a)
        return (number.key.isdigit() and 1 <= int(number.key) <= 12
                and _hour12(time.key) == f"{int(number.key) % 12:02d}:00")
    if _family(a.kind) != _family(b.kind):
        return False
    if a.kind == "time" and "~" in a.key + b.key:
        return _hour12(a.key) == _hour12(b.key)
    if a.kind == "date" and a.key != b.key:
        # "the 13th" and "March 13" name the same day: compare the parts both give.
        da, db = re.search(r"d\d+", a.key), re.search(r"d\d+", b.key)
        ma, mb = re.search(r"m\d+", a.key), re.search(r"m\d+", b.key)
        if (da and db and da.group() != db.group()) or (ma and mb and ma.group() != mb.group()):
            return False
        return bool((da and db) or (ma and mb))
    if a.kind == "name" and a.key != b.key:
        return a.key in b.key or b.key in a.key
    return a.key == b.key


def _hour12(key: str) -> str:
    hour, minute = key.lstrip("~").split(":")
    return f"{int(hour) % 12:02d}:{minute}"


def values(text: str | None) -> tuple[Value, ...]:
    """Typed values in a text: money, times, dates, days, labels ("Terminal 3"), ids,
    numbers, then names. Numbers inside times, dates and ids are not counted twice."""
    return _values(text) if text else ()


# Cached: a session's replies are read again for every later user turn.
@lru_cache(maxsize=4096)
def _values(text: str) -> tuple[Value, ...]:
    found = []
    for match in VALUE.finditer(text):
        kind = match.lastgroup or "number"
        found.append(Value(*_canon(kind, match.group()), match.group(), match.start(), match.end()))
    # Names: capitalised runs not at a sentence start (there every word is capitalised),
    # unless two capitalised words run together ("Green Papaya"). All-caps text has no names.
    if sum(c.isupper() for c in text) < 0.5 * sum(c.isalpha() for c in text):
        taken = [(v.start, v.end) for v in found]
        for match in NAME.finditer(text):
            words = [(w.start(), w.group()) for w in re.finditer(r"\S+", match.group())]
            while words and words[0][1].lower().strip(".,") in NOT_NAMES:
                words.pop(0)
            if not words:
                continue
            start = match.start() + words[0][0]
            if any(s <= start < e for s, e in taken):
                continue
            if len(words) == 1 and SENTENCE_START.search(text[:start]):
                continue
            name = text[start:match.end()].rstrip("'-")
            found.append(Value("name", name.lower(), name, start, start + len(name)))
        for match in QUOTED.finditer(text):
            found.append(Value("name", match.group(1).lower().strip(), match.group(1), match.start(1),
                               match.end(1)))
    return tuple(found)


def content_words(text: str | None) -> frozenset[str]:
    return _content_words(text) if text else frozenset()


@lru_cache(maxsize=4096)
def _content_words(text: str) -> frozenset[str]:
    words = {w.strip("'-") for w in WORD.findall(text.lower())} - STOP
    # Crudely singular, so "guests" meets "guest".
    return frozenset(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
                     for w in words if w)


# --- features --------------------------------------------------------------------------------

FEATURES = (
    "correction_opening",    # "no, ..." / "that's not ..." after a statement
    "declines_offer",        # "no thanks", "no, that's all", "not right now"
    "no_to_question",        # "no, ..." answering a question the reply asked
    "contrast",              # "not X, Y", "X, not Y", "instead of", "rather than"
    "refers_to_own_words",   # "I said ...", "I told you", "I asked for"
    "cites_assistant",       # "you said/told me/booked ...", "your answer"
    "challenge_question",    # "how come", "since when", "why did you" about what the reply said
    "curious_question",      # the same forms about anything else
    "disbelief",             # small lexicon: wrong, makes no sense, doubt, useless, ...
    "hedged_contradiction",  # "I could be wrong, but", "doesn't that ...?", "are you sure"
    "failure_report",        # "didn't arrive", "there is no", "still not", "closed"
    "outside_evidence",      # "the receipt says", "I checked", "according to the ..."
    "value_replaced",        # a statement giving a value of a kind the reply gave, with another value
    "value_restated",        # ... a value the user had given earlier
    "value_rejected",        # "not the 12th", "you told me 2pm": a reply's value, rejected
    "self_correction",       # the replaced value was the user's own earlier request
    "change_of_mind",        # "my mistake", "on second thought", "make it", "I meant"
    "reply_overlap",         # share of the user's words taken from the reply (3+ words)
    "repeated_request",      # half or more of an earlier request's words again
    "repetition",            # "again", "still", "you keep saying", "I already did"
    "abandonment",           # "hello?", "are you there", "forget it"
    "closing",               # "thanks", "that's all", "bye", "perfect"
    "request_form",          # opens with a new instruction: "send ...", "can you also ..."
    "question",              # the message asks something
    "legacy_phrase",         # the former PUSHBACK phrase list, as one feature
    "affirmation",           # opens by agreeing: "yes", "sure", "ok", "sounds good", "great"
)


def _context(text: str, value: Value) -> set[str]:
    """The word before and the word after a value: its slot ("at X", "X tickets")."""
    before = WORD.findall(text[max(0, value.start - 20):value.start].lower())[-1:]
    after = WORD.findall(text[value.end:value.end + 20].lower())[:1]
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in before + after} - {"the", "a", "an"}


EXAMPLE_BEFORE = re.compile(r"\b(?:like|such as|e\.g\.|for example|for instance|say)[:,]?\s+$", I)


def _replaced(user: str, mine: list[Value], reply: str, theirs: list[Value]) -> list[Value]:
    """Values of the reply that a value of the same kind in the user's text replaces.
    Where several could be meant, those in the same slot ("at X" / "at Y") win."""
    out: list[Value] = []
    for kind in {_family(v.kind) for v in mine}:
        new = [v for v in mine if _family(v.kind) == kind and not any(_same(v, r) for r in theirs)]
        old = [r for r in theirs if _family(r.kind) == kind and not any(_same(r, v) for v in mine)]
        if not new or not old:
            continue
        slots = set().union(*(_context(user, v) for v in new))
        slotted = [r for r in old if _context(reply, r) & slots]
        if kind == "name":
            # Names and bare numbers are everywhere: only a respelling ("Janssen" for "Jansen")
            # or the same slot counts. Rarer kinds (times, dates, ids) replace on kind alone.
            slotted += [r for r in old if r not in slotted and any(_respelt(v.key, r.key) for v in new)]
            out += slotted
        elif kind == "amount" and not all(v.kind == "money" for v in new):
            out += slotted
        else:
            # An identifier of the same make ("R17" for "R16", "HV-418" for "HV-417") is the
            # one replaced, however many others the reply gave.
            shaped = [r for r in old if r.kind == "id" and any(_same_shape(v.key, r.key) for v in new)]
            out += slotted or shaped or (old if len(old) <= 2 else [])
    return out


def _same_shape(a: str, b: str) -> bool:
    """Two identifiers with the same letters and layout that differ only in digits."""
    return a != b and len(a) == len(b) and re.sub(r"\d", "9", a) == re.sub(r"\d", "9", b) and any(
        c.isdigit() for c in a)


def _respelt(a: str, b: str) -> bool:
    return a != b and min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b).ratio() >= 0.8


def extract(
    user_text: str | None, previous_reply: str | None, earlier_turns: Sequence[Exchange] = ()
) -> tuple[dict[str, float], list[str]]:
    """All feature values (0..1) for one user turn, and what of the replies it disputes."""
    text = (user_text or "").strip()
    reply = previous_reply or ""
    earlier = list(earlier_turns)[-MAX_EARLIER:]
    f = dict.fromkeys(FEATURES, 0.0)
    if not text:
        return f, []

    # Words the user quotes (a phrase under review, an error message) are not their own
    # cues; values inside quotes still count as what is disputed.
    cue = QUOTATION.sub(" ... ", text)
    declines = bool(DECLINE.search(cue))
    asked = bool(reply and ASKS.search(reply[-160:]))
    opening = bool(NEG_OPENING.search(cue)) and not declines
    f["declines_offer"] = float(declines)
    f["correction_opening"] = float(opening and not asked)
    f["no_to_question"] = float(opening and asked)
    f["contrast"] = float(bool(CONTRAST.search(cue)))
    f["refers_to_own_words"] = float(bool(OWN_WORDS.search(cue)))
    f["cites_assistant"] = float(bool(CITES_ASSISTANT.search(cue)))
    question = "?" in cue
    echoed = [] if asked else _echo_question(cue, values(reply))
    challenge = (bool(CHALLENGE.search(cue)) or (question and bool(QUESTION_TO_YOU.search(cue)))
                 or bool(echoed))
    words = content_words(text)
    shared = words & content_words(reply)
    mine = values(text)
    # A value given as an example ("a letter and a number, like F28") claims nothing.
    theirs = [v for v in values(reply) if not EXAMPLE_BEFORE.search(reply[max(0, v.start - 16):v.start])]
    # "How come ...?" about what the reply claimed (its value, two of its words, or the
    # assistant itself) challenges it; about anything else, even the same subject, it is
    # curiosity ("since when has the library had a café?").
    earlier_user_values = [v for u, _ in earlier for v in values(u)]
    replies = [reply, *(r or "" for _, r in reversed(earlier) if r != previous_reply)]
    named = _named_from_replies(mine, replies, earlier_user_values)
    # "12?!" after "Booked! 12 tickets": the value echoed in disbelief is named, however small.
    named = [*[r for r in echoed if r not in named], *named]
    anchored = (len(shared) >= 2 or bool(SECOND_PERSON.search(cue))
                or any(_same(v, r) for v in mine for r in theirs) or bool(named))
    f["challenge_question"] = float(challenge and anchored)
    f["curious_question"] = float(challenge and not anchored)
    f["disbelief"] = float(bool(DISBELIEF.search(cue)))
    f["hedged_contradiction"] = float(bool(HEDGED.search(cue)))
    f["failure_report"] = float(bool(FAILURE_REPORT.search(cue)))
    # "The receipt says ..." disputes the assistant only when it is about what a reply said
    # (this one or a recent one); "the night meter says 12.077,5" is the user giving a reading.
    f["outside_evidence"] = float(bool(EVIDENCE.search(cue)) and (
        anchored or any(words & content_words(r) for r in replies)))
    f["abandonment"] = float(abandonment(cue))
    f["repetition"] = float(bool(REPETITION.search(cue)))
    f["closing"] = float(bool(CLOSING.search(cue)))
    f["change_of_mind"] = float(bool(CHANGE_OF_MIND.search(cue)))
    f["question"] = float(question)
    f["request_form"] = float(bool(REQUEST.search(cue)))
    f["legacy_phrase"] = float(bool(LEGACY_PUSHBACK.search(cue)))
    f["affirmation"] = float(bool(AFFIRMATION.search(cue)))

    # What the user rejects outright ("not the 12th", "you told me 2pm") and a reply stated.
    rejected = [v for v in mine if NEGATED_BEFORE.search(text[max(0, v.start - 30):v.start])
                or CITED_BEFORE.search(text[max(0, v.start - 60):v.start])]
    rejected_in_replies: list[Value] = []
    for v in rejected:
        hit = _stated_in(v, replies)
        if hit:
            rejected_in_replies.append(hit)
    kept = [v for v in mine if v not in rejected]
    replaced = _replaced(text, kept, reply, theirs)
    # Asking about another value ("and the price of item 3?") is not asserting it; a value
    # stated in a sentence of its own is, whatever the message asks next.
    stated = [v for v in kept if not _asked(text, v)]
    asserted = replaced if len(stated) == len(kept) else _replaced(text, stated, reply, theirs)
    if not asserted and rejected_in_replies:
        # "It closes at 13:00, not 17:00": the reply whose value is rejected outright is the
        # one the stated value replaces, however many turns back it was.
        rejected_reply = next(r for r in replies if any(_same(v, x) for v in rejected_in_replies
                                                         for x in values(r)))
        asserted = _replaced(text, stated, rejected_reply, values(rejected_reply))
        replaced = replaced or asserted
    if not asserted and not named and (f["cites_assistant"] or f["challenge_question"]):
        # "How come you've booked me 16 inch ones? It says R17": the user holds an earlier
        # reply to account (one whose words they use), and the value they state replaces one
        # of its values. A value they name from a reply ("where did 18:00 come from?") says
        # which reply without this.
        for earlier_reply in (r for r in replies[1:] if words & content_words(r)):
            if asserted := _replaced(text, stated, earlier_reply, values(earlier_reply)):
                replaced = replaced or asserted
                break

    # A replaced value that the user had asked for earlier: the assistant did as told and the
    # user is changing their own request. A new value the user had given earlier: the user is
    # restating what the assistant got wrong.
    own = [r for r in replaced if any(_same(r, e) for e in earlier_user_values)]
    # (A value the reply kept as it was, "ACME-22" in "Logged 8h on ACME-22", was not replaced.)
    kept_by_reply = {r.kind + r.key for r in theirs}
    restated = [v for v in kept if _gave_before(text, v, earlier) and v.kind + v.key not in kept_by_reply
                and any(_family(r.kind) == _family(v.kind) for r in replaced)]
    # Replacing a value the reply only echoed from the user ("next one is BX44...33" after
    # "BX44...27: ready") moves on to a new item; it disputes nothing the assistant said.
    # A plain statement about something the conversation never mentioned ("5 Geranium Rozanne
    # in the 1L pots" after "2 x Salvia (2L pot)") orders a new item: its values replace
    # nothing. (Outside evidence, "my ELSTER form says 1,080, not 600", rejects or asks.)
    plain = not restated and not rejected_in_replies and not question and not opening
    f["value_replaced"] = float(bool(asserted) and not (own and not restated)
                                and not (plain and _new_item(words - _surface_words(mine),
                                                             [reply, *chain(*earlier)])))
    f["value_rejected"] = float(bool(rejected_in_replies))
    f["value_restated"] = float(bool(restated))
    f["self_correction"] = float(bool(own) and not restated and not rejected_in_replies
                                 and not f["refers_to_own_words"] and not f["cites_assistant"])

    if words:
        # Picking an offered option ("7pm please") repeats the reply too: only longer
        # messages that take up the reply's content count.
        f["reply_overlap"] = len(shared) / len(words) if len(words) >= 3 else 0.0
        # Half or more of the words of an earlier request, said again: the answer did not land.
        similar = [len(words & w) / len(words | w) for u, _ in earlier if len(w := content_words(u)) >= 3]
        f["repeated_request"] = float(len(words) >= 3 and max(similar, default=0.0) >= 0.5)

    # Asked something ("what didn't you like about it?"), the user answers: words of dislike
    # about the topic ("the plot was boring") are the answer, not a verdict on the assistant,
    # unless they are aimed at it (at "you", at a value a reply gave, at what the user said).
    aimed = (bool(SECOND_PERSON.search(cue)) or bool(named) or bool(rejected_in_replies) or bool(asserted)
             or bool(f["refers_to_own_words"]) or bool(f["cites_assistant"]))
    if asked and not aimed:
        for cue_feature in ANSWER_CUES:
            f[cue_feature] = 0.0
    disputed = [] if f["self_correction"] else _unique(v.surface for v in rejected_in_replies + replaced)
    if not disputed:
        # "Where did 18:00 come from?": a value a reply stated and the user never gave, named
        # again in the complaint, is what the complaint is about.
        disputed = _unique(r.surface for r in named)
    if not disputed and not f["self_correction"] and not f["change_of_mind"]:
        # "I said I'm vegetarian!": the user's own words, which an earlier reply may have
        # echoed faithfully; what broke them is the previous reply.
        own_words = bool(f["refers_to_own_words"]) and not f["cites_assistant"]
        claim = _disputed_claim(text, [reply] if own_words else replies, fallback=own_words)
        disputed = [claim] if claim else []
    return f, disputed


def restated_values(
    user_text: str | None, previous_reply: str | None, earlier_turns: Sequence[Exchange] = ()
) -> list[str]:
    """Values of the user's text that the user gave in an earlier message, not in the
    previous reply, where a recent reply gave a value of the same kind instead."""
    earlier = list(earlier_turns)[-MAX_EARLIER:]
    replies = [previous_reply or "", *(r or "" for _, r in reversed(earlier[-3:]))]
    stated = [r for rep in replies for r in values(rep)]
    # Only replies that asserted their value: an offer ("would 17:00 work?") is not a mistake.
    asserted = [r for rep in replies if not ASKS.search(rep[-160:]) for r in values(rep)]
    text = user_text or ""
    out = [v.surface for v in values(text)
           if v.kind != "name" and not _asked(text, v) and _gave_before(text, v, earlier)
           and not any(_same(v, r) for r in stated)
           and any(_family(r.kind) == _family(v.kind) for r in asserted)]
    return _unique(out)


NEW_ITEM_WORDS = 2


def _new_item(words: set[str], said: list[str | None]) -> bool:
    """Most of the message's words, two at least, appear nowhere in the conversation so far,
    not even respelt (a name put right reuses the words it corrects)."""
    seen = set().union(*(content_words(t) for t in said if t))
    novel = {w for w in words if not re.search(r"\d", w) and w not in seen
             and not any(_respelt(w, s) for s in seen)}
    return len(novel) >= NEW_ITEM_WORDS and 2 * len(novel) >= len(words)


def _surface_words(found: Sequence[Value]) -> set[str]:
    """The words figures, dates and times are written with ("eight", "March"): they name no
    item (a name does)."""
    return content_words(" ".join(v.surface for v in found if v.kind not in ("name", "label")))


def _gave_before(text: str, value: Value, earlier: Sequence[Exchange]) -> bool:
    """The user gave this value in an earlier message. A bare small number ("2") only in the
    same slot ("2 guests" and "2 guests", not "2 litre" and "2 x Salvia"): it matches by chance."""
    bare = value.kind == "number" and len(value.key) < 3 and not OWN_WORDS.search(text)  # "I said 7"
    return any(_same(value, e) and (not bare or _context(text, value) & _context(u or "", e))
               for u, _ in earlier for e in values(u))


def _named_from_replies(mine: Sequence[Value], replies: list[str], user_values: list[Value]) -> list[Value]:
    """Values of the user's text that a reply stated first (latest reply first): specific
    kinds only, since a bare small number or a common name matches by chance."""
    named = []
    for v in mine:
        # A name built like an identifier ("Corp-EU", "Gate B12") is as specific as an id.
        identifier_like = v.kind == "name" and bool(re.search(r"[\d-]", v.surface)) and " " not in v.surface
        if (v.kind == "name" and not identifier_like) or (v.kind == "number" and len(v.key) < 3):
            continue
        if any(_same(v, e) for e in user_values):
            continue
        hit = _stated_in(v, replies)
        if hit is not None:
            named.append(hit)
    return named


def _stated_in(value: Value, replies: list[str]) -> Value | None:
    """The same value as a reply stated it, latest reply first."""
    return next((r for reply in replies for r in values(reply) if _same(value, r)), None)


ECHO = re.compile(r"(?:^|(?<=[.!?]))\s*([^.!?]{1,40})\?")


def _echo_question(text: str, stated: Sequence[Value]) -> list[Value]:
    """The reply's values a short question only repeats ("Monday the 20th?"): the user cannot
    believe them. An echo of an offer the reply asked about is not one."""
    for match in ECHO.finditer(text):
        words = WORD.findall(match.group(1).lower())
        echoed = [r for r in stated if any(_same(v, r) for v in values(match.group(1)))]
        if echoed and len(words) <= 4:
            return echoed
    return []


def _asked(text: str, value: Value) -> bool:
    """The value sits in a sentence that ends with a question mark."""
    end = re.search(r"[.!?\n]", text[value.end:])
    return bool(end) and end.group() == "?"


SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=\d))+[.!?]*")  # "84.90" does not end a sentence


def _disputed_claim(text: str, replies: list[str], fallback: bool = False) -> str | None:
    """With no value to point at, the reply sentence that shares most words with what the
    user disputes (the clause after "you said ..." when there is one), latest reply first;
    with `fallback`, the first reply's last sentence when none shares a word."""
    cited = CITES_ASSISTANT.search(text)
    clause = SENTENCE.match(text, cited.end()) if cited else None
    words = content_words(clause.group() if clause else text)
    best, best_shared = None, 0
    for reply in replies:
        for sentence in SENTENCE.findall(reply):
            shared = len(words & content_words(sentence))
            if shared > best_shared:
                best, best_shared = sentence.strip(), shared
    sentences = SENTENCE.findall(replies[0]) if fallback and replies else []
    if best is None and sentences:
        best = sentences[-1].strip()
    return best


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item.strip(), None)
    return list(seen)


def abandonment(user_text: str | None) -> bool:
    """The user checking whether anyone is still answering, or giving up."""
    return bool(user_text and ABANDON.search(user_text))


# --- model -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float


@cache
def model() -> Model:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return Model(dict(zip(data["features"], data["weights"], strict=True)), data["bias"], data["threshold"])


def score(features: dict[str, float], weights: dict[str, float], bias: float) -> float:
    z = bias + sum(weights.get(name, 0.0) * value for name, value in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def detect_dissatisfaction(
    user_text: str | None, previous_reply: str | None, earlier_turns: Sequence[Exchange] = ()
) -> Dissatisfaction:
    """Score one user turn for complaint about the assistant's previous (or an earlier) answer.

    `earlier_turns` are the (user, reply) pairs before this turn, oldest first. The pair
    that produced `previous_reply` may be included or left out; including it lets the
    detector see what the user asked for, so "actually, make it 4" after "booked 3" is
    told apart from "I said 4, not 3".
    """
    features, disputed = extract(user_text, previous_reply, earlier_turns)
    m = model()
    s = score(features, m.weights, m.bias)
    complaint = s >= m.threshold
    # Each fired feature with its pull on the verdict, so an explanation can lead with the strongest.
    fired = {k: round(m.weights.get(k, 0.0) * v, 3) for k, v in features.items() if v and m.weights.get(k)}
    restated = restated_values(user_text, previous_reply, earlier_turns)
    return Dissatisfaction(s, complaint, fired, restated, disputed if complaint else [])
