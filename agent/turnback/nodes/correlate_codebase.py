"""Node 5: find the code behind the root cause by searching the application's repository."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime

from turnback.code_blocks import (
    DECORATOR,
    DEF,
    EXCEPT,
    STRING_LITERAL,
    body_from,
    decorated_def,
    enclosing_body,
    fallback_returns,
    feeding_lines,
    function_body,
    reraises,
    returns_of,
    swallowed_errors,
    try_block,
    writes_key,
)
from turnback.context import AnalysisContext
from turnback.dispute import date_words
from turnback.repo_files import CODE_SUFFIXES, candidate_files, read_text, suffix
from turnback.repo_search import LineHits, LineSearch, grep_lines
from turnback.signals import tokens
from turnback.state import (
    AnalysisState,
    Candidate,
    CodeCorrelation,
    CodeFinding,
    RootCause,
    StackFrame,
    Turn,
)

MAX_FINDINGS = 20
MAX_PER_KIND = 4
PROMPT_PROBE_CHARS = 40
FAILING_SPAN_BONUS = 10
CULPRIT_BONUS = 15
SWALLOWING_CATEGORIES = {"silent_fallback", "tool_failure_reported_as_success"}
GENERIC_SPAN_NAMES = {"chat", "llm", "root", "span", "request", "handler", "invoke", "run", "call"}

SESSION_ID = re.compile(
    r"mlflow\.trace\.session|update_current_trace\(.*session|session\.id|gen_ai\.conversation\.id"
    r"|\bsession_id\s*=|\b(cookies|headers)\b.*(sess|sid|conversation)",
    re.IGNORECASE,
)
# No leading `\w*` before a keyword: searched anywhere in a line it adds no match, and
# made every long word cost its length squared.
HISTORY_WINDOW = re.compile(
    r"(history|messages|turns|context)\w*\s*\[\s*-\s*\w+\s*:\s*\]|\breturn\s+\w+\s*\[\s*-\s*\w+\s*:\s*\]"
    r"|\b[A-Z_]*(WINDOW|HISTORY|MAX_TURNS|MAX_MESSAGES|CONTEXT_TURNS)[A-Z_]*\s*=\s*\d+"
    r"|\b(truncate|summari[sz]e)\w*\("
    # Dropping the oldest messages in place, or a bounded queue of them.
    r"|(history|messages|turns|context)\w*\.pop\(\s*0\s*\)"
    r"|\bdel\s+\w*(history|messages|turns|context)\w*\s*\["
    r"|\bdeque\(.*\bmaxlen\s*="
    r"|\bMAX_\w*(PROMPT|CONTEXT|HISTORY)\w*(CHARS|TOKENS)\s*=\s*\d+",
)
MEMORY_STATE = re.compile(r"\b(memory|user_profile|profile_store|session_state|entities)\b\s*(\[|\.\w+\(|=)")
# The patterns a line answers by itself: git grep picks the lines they may match.
LINE_PATTERNS = [SESSION_ID, HISTORY_WINDOW, MEMORY_STATE]

# A prompt sentence that licenses answering without the facts: the usual code-side cause
# of an invented answer. It is matched against prompt text in the code, never trace text.
ANSWER_ANYWAY = re.compile(
    r"\b(guess\w*|assume|improvise|invent|make (it|something|one) up|fill (in )?(the )?gaps?|plausible"
    r"|best estimate|most likely|definite answer|never (say|admit)"
    r"|(answer|reply|respond)\s+with\s+(the\s+)?(usual|typical|standard|common|general)"
    r"|(do not|don't|never)\s+(say|admit|tell|mention|reveal)\b[^.;]{0,40}\b(know|missing|unknown"
    r"|unavailable|unsure|not sure|no (data|information))"
    r"|even (if|when)\b[^.;]{0,30}\b(unsure|not sure|uncertain|unknown|missing)"
    r"|(usual|typical|common|standard) (values?|settings?|defaults?|answers?)"
    r"|(from|with|use|using|on|rely on) (your )?own (knowledge|memory)|from (your )?memory)\b",
    re.IGNORECASE,
)
# Categories where the reply's content is wrong, so the prompt that shaped it is a suspect.
CONTENT_CATEGORIES = {
    "hallucinated_fact", "disputed_by_user", "outdated_retrieval", "instruction_drift",
    "constraint_ignored", "failing_assessment",
}
PROMPT_LICENSE_BONUS = 30
# Where a prompt is defined when the trace recorded none: a constant or variable named
# like a prompt that is assigned a string, or a system message literal.
PROMPT_DEFINITION = re.compile(
    r"\b[A-Za-z_]*(PROMPT|prompt|INSTRUCTIONS|instructions)[A-Za-z_]*\s*=\s*(\(|[rfb]?[\"'])"
    r"|[\"']role[\"']\s*:\s*[\"']system[\"']\s*,\s*[\"']content[\"']\s*:\s*[rf]?[\"']",
)
TRIPLE_QUOTES = ('"""', "'''")
# Code that orders or picks among retrieved documents: which version wins is decided here.
DOCUMENT_ORDER = re.compile(r"\b(sorted|max|min)\(.*\bkey\s*=|\.sort\(|\border_by\(|\bORDER BY\b")
MODULE_CONSTANT = re.compile(r"\b([A-Z][A-Z0-9_]{2,})\b")
MODULE_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]{2,})\s*(?::[^=]+)?=")
PATTERN_APPLIED = re.compile(r"\b[A-Z][A-Z0-9_]{2,}\.(search|match|fullmatch|findall|finditer|sub)\(")
# A call handed a dict literal: `billing.start({"issue": summary}, session)`.
CALL_WITH_DICT = re.compile(r"\b(\w+)\(\s*\{([^{}]*)\}")
QUOTED_KEY = re.compile(r"[\"'](\w+)[\"']\s*:")
# Faults where a call or hand-off lacked a field: the code that built the payload is the fix.
MISSING_FIELD_CATEGORIES = {"malformed_tool_call", "tool_failure"}

REQUIRED_KEY = re.compile(r"[\"']required[\"']\s*:")
SCHEMA_SPAN = 40  # lines from a tool's name to its schema's `required` list

# How much each kind of finding explains a given root-cause category.
RELEVANCE = {
    "swallowed_error": 100, "fallback_return": 100, "handoff_builder": 100, "tool_schema": 100,
    "value_origin": 95,
    "evidence_match": 90,
    "failing_operation": 100, "error_origin": 85, "stack_frame": 80,
    "span_function": 70, "retrieval_order": 60, "prompt_text": 55, "data_source": 50,
    "history_window": 45, "memory_state": 35, "session_id": 30,
}
# Kinds where neighbouring lines are one block (a decorator and its def, two lines of the
# same session-id code): one finding per block. Prompt lines stay apart: each is a sentence.
BLOCK_KINDS = {"span_function", "session_id", "history_window", "memory_state", "swallowed_error"}
CATEGORY_BOOST = {
    # Where the error is swallowed is the fix, ahead of where it is raised or named.
    "tool_failure_reported_as_success": {"swallowed_error": 30},
    "silent_fallback": {"swallowed_error": 30, "fallback_return": 40},
    "context_window_dropped_constraint": {"history_window": 60},
    "constraint_ignored": {"history_window": 30, "prompt_text": 30},
    "outdated_retrieval": {"data_source": 60, "retrieval_order": 40},
    "state_corruption": {"memory_state": 60},
    "instruction_drift": {"prompt_text": 50},
    "hallucinated_fact": {"prompt_text": 30},
    "input_misparsed": {"span_function": 20},
}


@dataclass
class Targets:
    """What the root turn's trace names, to look for in the code."""

    failing_spans: set[str]
    span_names: set[str]
    error_messages: dict[str, str]
    """search probe (the message's start) -> the full recorded message"""
    prompt_probes: list[str]
    data_sources: set[str]
    hints: list[str] = field(default_factory=list)
    """strings the root candidate says its code contains (a setting, a key, an identifier)"""
    culprit: str | None = None
    """the name of the span the root candidate was found on"""
    prompt_text: str = ""
    """every system prompt the turn sent, whitespace-collapsed"""
    document_keys: set[str] = field(default_factory=set)
    """metadata keys of the retrieved documents"""
    value_origins: dict[str, list[str]] = field(default_factory=dict)
    """step name -> the keys of its result that hold the wrong value"""
    field_readers: dict[str, set[str]] = field(default_factory=dict)
    """function name -> the missing fields it reads from what it was handed"""
    frames: list[StackFrame] = field(default_factory=list)
    """the stack trace recorded with the root's error, outermost first"""
    tool_names: set[str] = field(default_factory=set)
    """the tools the turn called, as the code names them"""


def correlate_codebase(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    root: RootCause | None = state.get("root_cause")
    if ctx.repo is None:
        note = "no code repository was given (--repo; repo= in Python), and none was found here"
        return {"code_correlation": CodeCorrelation(status="skipped", note=note), "code_findings": []}
    if root is None:
        note = "the session looks healthy; there is no root cause to correlate"
        return {
            "code_correlation": CodeCorrelation(status="skipped", repo=str(ctx.repo), note=note),
            "code_findings": [],
        }
    ctx.progress(f"searching {ctx.repo} for the code behind turn {root.turn}")
    targets = targets_for(state["turns"][root.turn - 1], state.get("root_candidate"))
    files, ranked = search_repo(ctx.repo, targets, root)
    note = f"{len(ranked)} finding(s) for turn {root.turn}'s spans, prompt and errors"
    return {
        "code_correlation": CodeCorrelation(
            status="done", repo=str(ctx.repo), note=note, files_searched=len(files)
        ),
        "code_findings": ranked,
    }


def targets_for(turn: Turn, candidate: Candidate | None = None) -> Targets:
    failing = {e.span_name for e in turn.errors} | {t.name for t in turn.tools if t.error}
    names = {n for n in map(_code_name, turn.span_names)
             if n.lower() not in GENERIC_SPAN_NAMES and _identifier(n)}
    tools = {n for t in turn.tools if t.kind == "tool" and _identifier(n := _code_name(t.name))}
    probes = []
    for call in turn.llm_calls:
        if call.system_prompt:
            probes.extend(_probes(call.system_prompt))
    sources = {
        probe for r in turn.retrievals for doc in r.documents for d in (doc.doc_id, doc.uri) if d
        for probe in _source_probes(d)
    }
    prompts = " ".join(_flat(call.system_prompt) for call in turn.llm_calls if call.system_prompt)
    origins = _value_origins(turn, candidate)
    messages = [*(e.message for e in turn.errors), *(t.error for t in turn.tools if t.error)]
    # The root's own span's trace when it recorded one, else any the turn's failures recorded.
    traced = [e for e in turn.errors if e.frames and not e.handled]
    own = [e for e in traced if candidate is not None and e.span_id == candidate.span_id]
    culprit = _span_name(turn, candidate.span_id) if candidate and candidate.span_id else None
    return Targets(
        prompt_text=prompts,
        document_keys={k for r in turn.retrievals for doc in r.documents for k in doc.metadata
                       if _identifier(k)},
        value_origins=origins,
        failing_spans={n for n in map(_code_name, failing) if _identifier(n)},
        tool_names=tools,
        span_names=names,
        error_messages={probe: message for message in messages for probe in _error_probes(message)},
        prompt_probes=list(dict.fromkeys(probes)),
        data_sources=sources,
        hints=[h for h in (candidate.code_hints if candidate else []) if len(h) >= 3],
        # A misparse found by its disputed value names no span: the parser that produced it is.
        culprit=culprit or next(iter(origins), None),
        frames=(own or traced)[0].frames if (own or traced) else [],
    )


# Suffixes instrumentations add to a function's name ("place_order.tool" in Traceloop).
SPAN_KIND_SUFFIX = re.compile(r"\.(tool|task|workflow|agent)$")


def _code_name(span_name: str) -> str:
    """The name the code gives what a span records."""
    return SPAN_KIND_SUFFIX.sub("", span_name)


# The first word of a message that a format string most likely filled in: a number, an
# email or path, a quoted or bracketed value.
FILLED_IN = re.compile(r"""\S*[\d@/\\'"`{\[(<]""")
MIN_ERROR_PROBE = 12


def _error_probes(message: str) -> list[str]:
    """What to grep for the line that wrote an error message: its opening, and the literal
    text before the first filled-in value ("recipient has no account: " of "recipient has
    no account: ana@x.org"), which an f-string holds word for word."""
    probes = [message[:PROMPT_PROBE_CHARS]] if len(message) >= MIN_ERROR_PROBE else []
    filled = FILLED_IN.search(message)
    literal = message[: filled.start()].rstrip() if filled else ""
    if len(literal) >= MIN_ERROR_PROBE and literal not in probes:
        probes.append(literal[:PROMPT_PROBE_CHARS])
    return probes


# The operation the interpreter or a common library names in its own error message, so a
# failure recorded without a stack trace still points at the line inside the failing
# function: (the message, what the line does, the code that does it; {0} is the message's
# first group).
RUNTIME_OPERATIONS = [
    (r"could not convert string to float", "a float conversion", r"\bfloat\("),
    (r"invalid literal for int\(\)", "an int conversion", r"\bint\("),
    (r"(?:Decimal|InvalidOperation|ConversionSyntax)", "a Decimal conversion", r"\bDecimal\("),
    (r"has no attribute '(\w+)'", "a missing attribute", r"\.{0}\b"),
    (r"^(?:KeyError:\s*)?'(\w+)'$", "a missing key", r"\[\s*[\"']{0}[\"']\s*\]"),
    (r"does not match format|unconverted data remains", "a date parse", r"\bstrptime\("),
    (r"Invalid isoformat string", "a date parse", r"\bfromisoformat\("),
    (r"Expecting (?:value|property name)|JSONDecodeError", "a JSON decode", r"\bjson\.loads?\(|\.json\(\)"),
    (r"codec can't (?:en|de)code", "a text encoding", r"\.(?:en|de)code\("),
    (r"(?:Client|Server) error '\d{3}|HTTPStatusError|HTTPError", "an HTTP status check",
     r"\braise_for_status\("),
]


def failing_operations(lines: list[str], body: range, messages: Iterable[str]) -> list[tuple[int, str]]:
    """(line, operation) for each line of `body` doing what a recorded error message says failed."""
    found: list[tuple[int, str]] = []
    for message in messages:
        for said, operation, code in RUNTIME_OPERATIONS:
            named = re.search(said, message.strip())
            if not named:
                continue
            pattern = re.compile(code.format(*(re.escape(g) for g in named.groups())))
            found.extend((j, operation) for j in body if pattern.search(lines[j - 1].split("#")[0]))
    return found


def _span_name(turn: Turn, span_id: str) -> str | None:
    steps = [*turn.tools, *turn.retrievals, *turn.llm_calls, *turn.errors]
    return next((getattr(s, "name", None) or getattr(s, "span_name", None)
                 for s in steps if s.span_id == span_id), None)


def search_repo(repo: Path, targets: Targets, root: RootCause) -> tuple[list[str], list[CodeFinding]]:
    """(the files searched, the ranked findings). git grep (Python without git) picks the
    lines that name one of the turn's targets or that a line pattern may match, scanning
    while the files are listed; a file is read whole only when it names a target (or,
    with no prompt recorded, defines a prompt)."""
    if root.category in MISSING_FIELD_CATEGORIES and targets.hints:
        # The hand-off search needs the functions that read the missing field first.
        files = candidate_files(repo)
        targets.field_readers = field_readers(repo, files, targets.hints)
        hits = grep_lines(repo, files, *search_terms(targets, root))
    else:
        with LineSearch(repo, *search_terms(targets, root)) as search:
            files = candidate_files(repo)
            hits = search.lines(files)
    return files, findings_in(repo, files, hits, targets, root)


def findings_in(repo: Path, files: list[str], hits: LineHits, targets: Targets, root: RootCause
                ) -> list[CodeFinding]:
    """The ranked findings among the lines grep picked in `files`."""
    names = target_strings(targets, root)
    findings: list[CodeFinding] = []
    affinity: dict[str, int] = {}
    for path in files:  # in path order, so equal findings on one line resolve as before
        lines = hits.get(path)
        if not lines:
            continue
        named = any(name in line for _, line in lines for name in names)
        defines_prompt = not targets.prompt_text and any(PROMPT_DEFINITION.search(line) for _, line in lines)
        text = read_text(repo / path) if named or defines_prompt else None
        if text:
            findings.extend(scan_file(path, text, targets, root, picked={i for i, _ in lines}))
            affinity[path] = sum(name in text for name in names)
        findings.extend(scan_lines(path, lines, targets, root))
    findings.extend(stack_findings(repo, files, targets.frames, root))
    return rank(findings, affinity)


INNERMOST_FRAME_BONUS = 20


def stack_findings(repo: Path, files: list[str], frames: list[StackFrame], root: RootCause
                   ) -> list[CodeFinding]:
    """The lines the recorded stack trace names in this repository; the innermost (where
    the error was raised in the app's own code) first. Frames of libraries and of other
    code map to no file here and are skipped."""
    if not frames:
        return []
    known = set(files)
    found: list[CodeFinding] = []
    mapped = [(frame, path) for frame in frames if (path := _repo_path(frame.path, known))]
    for depth, (frame, path) in enumerate(reversed(mapped)):
        lines = _lines(read_text(repo / path) or "")
        if not 0 < frame.line <= len(lines):
            continue
        add = _adder(found, path, lines, root)
        where = f" in '{frame.function}'" if frame.function else ""
        add(frame.line, "stack_frame",
            f"the stack trace recorded at turn {root.turn} passes here{where}"
            + (", where the error was raised" if depth == 0 else ""),
            bonus=INNERMOST_FRAME_BONUS if depth == 0 else -depth)
    return found


def _repo_path(frame_path: str, known: set[str]) -> str | None:
    """The repository file a frame's absolute path ends with, the longest match first; else
    the one file of the repository with that file name (deployed under another layout)."""
    parts = frame_path.replace("\\", "/").split("/")
    found = next(("/".join(parts[i:]) for i in range(len(parts)) if "/".join(parts[i:]) in known), None)
    if found is None and parts[-1].endswith(".py"):
        namesakes = [path for path in known if path.rsplit("/", 1)[-1] == parts[-1]]
        found = namesakes[0] if len(namesakes) == 1 else None
    return found


def search_terms(targets: Targets, root: RootCause) -> tuple[list[re.Pattern[str]], list[str]]:
    """What grep looks for: (the patterns a line answers by itself, the target strings)."""
    prompt_definitions = [] if targets.prompt_text else [PROMPT_DEFINITION]
    return LINE_PATTERNS + prompt_definitions, target_strings(targets, root)


def target_strings(targets: Targets, root: RootCause) -> list[str]:
    """Every string whose presence makes `scan_file` look at a file: a file naming none
    of them can only hold `scan_lines` findings."""
    swallowing = root.category in SWALLOWING_CATEGORIES
    strings = [
        *targets.span_names, *targets.hints, *targets.value_origins, *targets.error_messages,
        *targets.data_sources, *(targets.prompt_probes if targets.prompt_text else []),
        *([targets.culprit] if targets.culprit else []),
        *(f"{name}(" for name in targets.failing_spans if swallowing),
        *(f"{name}(" for name in targets.field_readers),
        *(key for key in targets.document_keys if root.category == "outdated_retrieval"),
        *(targets.tool_names if root.category in MISSING_FIELD_CATEGORIES else ()),
    ]
    return sorted(set(strings))


def scan_file(path: str, text: str, targets: Targets, root: RootCause, picked: set[int] | None = None
              ) -> list[CodeFinding]:
    """Findings that need the whole file: functions named by the turn's spans and what
    they swallow, the root fault's evidence, prompt text, value origins, document order
    and hand-offs. `picked`: the lines grep picked, the only ones a prompt definition
    can be on (None: any line)."""
    lines = _lines(text)
    found: list[CodeFinding] = []
    code = suffix(path) in CODE_SUFFIXES
    add = _adder(found, path, lines, root)

    # Whole-file membership tests first: most files name none of the targets, and a
    # substring test is far cheaper than a regex per line.
    # Sets walked in sorted order: which name a shared line is credited to never depends
    # on the process's string hashing.
    for name in (n for n in sorted(targets.span_names) if code and n in text):
        definition = re.compile(
            rf"^\s*(async\s+def|def|function|func|fn)\s+{re.escape(name)}\b"
            rf"|^\s*(const|let|var)\s+{re.escape(name)}\s*=|name\s*=\s*[\"']{re.escape(name)}[\"']"
        )
        for i, line in enumerate(lines, 1):
            if not definition.search(line):
                continue
            failing = name in targets.failing_spans
            why = f"span '{name}' of turn {root.turn}" + (" failed" if failing else "")
            if name == targets.culprit:
                why += ", where the fault was found"
            # A decorator names the span; the function it decorates is the finding.
            found_at = decorated_def(lines, i) if DECORATOR.match(line) else i
            bonus = (FAILING_SPAN_BONUS if failing else 0) + (CULPRIT_BONUS if name == targets.culprit else 0)
            add(found_at, "span_function", why, bonus=bonus)
            if failing and code and not targets.frames:  # a recorded stack trace says it exactly
                for j, operation in failing_operations(lines, body_from(lines, found_at),
                                                       targets.error_messages.values()):
                    add(j, "failing_operation",
                        f"span '{name}' of turn {root.turn} failed with {operation}: this line does that")
            # An `except` that returns success explains a hidden failure, not a misread input.
            if not failing and root.category not in SWALLOWING_CATEGORIES:
                continue
            for j, except_line, returned in swallowed_errors(lines, i):
                add(
                    j, "swallowed_error",
                    f"span '{name}' of turn {root.turn}: an error here is turned into a success",
                    f"{except_line.strip()} … {returned.strip()}",
                )
            if root.category == "silent_fallback":
                # The value handed back when the call fails is what the user was told.
                for _, k in fallback_returns(lines, body_from(lines, found_at)):
                    add(k, "fallback_return",
                        f"span '{name}' of turn {root.turn}: returns this fallback when the call fails")
    culprit_body = function_body(lines, targets.culprit) if (targets.culprit or "\0") in text else range(0)
    for hint in (h for h in targets.hints if h in text):
        for i, line in enumerate(lines, 1):
            if hint in line:
                inside = i in culprit_body
                where = f", inside '{targets.culprit}'" if inside else ""
                add(i, "evidence_match", f"names '{hint}' from the fault at turn {root.turn}{where}",
                    bonus=CULPRIT_BONUS if inside else 0)
    if root.category in SWALLOWING_CATEGORIES and code:
        # The handler that turns the failure into a success may sit in an untraced caller:
        # an `except` returning success in a function that calls the failing step.
        calls = [n for n in sorted(targets.failing_spans) if f"{n}(" in text]
        for j, except_line, returned in swallowed_errors(lines, 0) if calls else []:
            body = enclosing_body(lines, j)
            callee = next((n for n in calls if any(re.search(rf"\b{re.escape(n)}\(", lines[k - 1])
                                                   for k in body)), None)
            if callee:
                add(j, "swallowed_error",
                    f"calls '{callee}', which failed at turn {root.turn}: the error is caught here "
                    "and turned into a success", f"{except_line.strip()} … {returned.strip()}")
        # An `except` around the failing call that neither raises nor returns: the function
        # goes on as if the call had worked.
        for j in (k for k in range(1, len(lines) + 1) if calls and EXCEPT.match(lines[k - 1])):
            tried = try_block(lines, j)
            callee = next((n for n in calls if any(re.search(rf"\b{re.escape(n)}\(", lines[k - 1])
                                                   for k in tried)), None)
            if callee and not reraises(lines, j) and not fallback_returns(lines, range(j, j + 1)):
                add(j, "swallowed_error",
                    f"calls '{callee}', which failed at turn {root.turn}: the error is caught here and "
                    "the code carries on as if it had worked")
        for j in culprit_body:
            already = any(f.line == j and f.kind == "swallowed_error" for f in found)
            if EXCEPT.match(lines[j - 1]) and not reraises(lines, j) and not already:
                add(j, "swallowed_error",
                    f"span '{targets.culprit}' of turn {root.turn}: the error is caught here and not raised")
    for step, keys in targets.value_origins.items():
        body = function_body(lines, step) if code and step in text else range(0)
        rules: set[str] = set()
        for i in body:
            key = next((k for k in keys if writes_key(lines[i - 1], k)), None)
            if key:
                add(i, "value_origin",
                    f"computes '{key}', the value step '{step}' got wrong at turn {root.turn}")
                rules.update(MODULE_CONSTANT.findall(lines[i - 1]))
                # A helper of the same file that computed it: the value it returns.
                for helper in (h for h in CALLED.findall(lines[i - 1]) if h != step):
                    for j in returns_of(lines, helper):
                        add(j, "value_origin", f"'{helper}' returns this, which '{step}' took as "
                            f"'{key}' at turn {root.turn}", bonus=HELPER_RETURN_BONUS)
                # Back along the data flow: the lines that fed it, the one that read the
                # input through a pattern first (where the misreading happens).
                for j in feeding_lines(lines, body, i):
                    reads = bool(PATTERN_APPLIED.search(lines[j - 1]) or INLINE_PATTERN.search(lines[j - 1]))
                    add(j, "value_origin", f"feeds '{key}', the value step '{step}' got wrong at turn "
                        f"{root.turn}" + (", reading the input through a pattern" if reads else ""),
                        bonus=SLICE_READ_BONUS if reads else -5)
            elif PATTERN_APPLIED.search(lines[i - 1]):
                # Where the parser applies its patterns: how the input is read.
                add(i, "value_origin", f"applies a pattern inside '{step}', which misread turn {root.turn}",
                    bonus=-10)
        # The rule a computing line applies (a pattern or table defined at module level).
        for i, line in enumerate(lines, 1):
            defined = MODULE_ASSIGNMENT.match(line)
            if defined and defined.group(1) in rules:
                add(i, "value_origin", f"defines {defined.group(1)}, the rule '{step}' read turn "
                    f"{root.turn}'s input with")
    for i, line in _prompt_lines(text, lines, targets, picked):
        licenses = root.category in CONTENT_CATEGORIES and ANSWER_ANYWAY.search(line)
        recorded = "system prompt text sent" if targets.prompt_text else "a system prompt (none was recorded)"
        why = f"{recorded} at turn {root.turn}" + (
            ": it tells the model to answer without the facts" if licenses else "")
        add(i, "prompt_text", why, bonus=PROMPT_LICENSE_BONUS if licenses else 0)
    if code and root.category == "outdated_retrieval":
        names_documents = [k for k in sorted(targets.document_keys) if f'"{k}"' in text or f"'{k}'" in text]
        if names_documents or any(n in text for n in targets.span_names):
            for i, line in enumerate(lines, 1):
                if DOCUMENT_ORDER.search(line):
                    keys = [k for k in names_documents if k in line]
                    add(i, "retrieval_order", "decides which retrieved document wins"
                        + (f", by '{keys[0]}'" if keys else ""), bonus=20 if keys else 0)
    if code and root.category in MISSING_FIELD_CATEGORIES:
        # A call that went out without a field its schema never required: the schema's
        # `required` list is what lets it through.
        for name in (n for n in sorted(targets.tool_names) if n in text):
            declared = re.compile(rf"[\"']name[\"']\s*:\s*[\"']{re.escape(name)}[\"']")
            for i, line in enumerate(lines, 1):
                if not declared.search(line):
                    continue
                required = next((k for k in range(i, min(i + SCHEMA_SPAN, len(lines)) + 1)
                                 if REQUIRED_KEY.search(lines[k - 1])), None)
                if required:
                    add(required, "tool_schema", f"the schema of '{name}', called at turn {root.turn}: "
                        "the fields a call must carry")
    if code and targets.field_readers and "{" in text:
        for i, line in enumerate(lines, 1):
            for callee, keys in _handoffs(line):
                missing = sorted(targets.field_readers.get(callee, set()) - keys)
                if missing:
                    add(i, "handoff_builder", f"hands '{callee}' a payload without '{missing[0]}', "
                        f"which '{callee}' reads (the field missing at turn {root.turn})")
    return found


def scan_lines(path: str, picked: list[tuple[int, str]], targets: Targets, root: RootCause
               ) -> list[CodeFinding]:
    """Findings one line shows by itself, among the (line number, line) pairs grep picked:
    where the recorded error is raised, a data source named, the session id assigned,
    history windowed, state carried."""
    found: list[CodeFinding] = []
    code = suffix(path) in CODE_SUFFIXES
    add = _adder(found, path, dict(picked), root)
    for i, line in picked:
        for probe, message in targets.error_messages.items() if code else ():
            if probe in line:
                add(i, "error_origin", f"raises the error recorded at turn {root.turn}: {message}")
        # The most specific source first: "kb/returns-2021.md" before "returns-2021.md".
        for source in sorted(targets.data_sources, key=lambda s: (-len(s), s)):
            if source in line:
                add(i, "data_source", f"data source retrieved at turn {root.turn}: {source}")
        if not code:
            continue
        if SESSION_ID.search(line):
            add(i, "session_id", "where the session id is assigned to traces")
        if HISTORY_WINDOW.search(line):
            add(i, "history_window", "how the message history / context window is built")
        if MEMORY_STATE.search(line):
            add(i, "memory_state", "state carried between turns")
    return found


def _adder(found: list[CodeFinding], path: str, lines: list[str] | dict[int, str], root: RootCause
           ) -> Callable[..., None]:
    """add(line_no, kind, answers, snippet=None, bonus=0): a finding scored for `root`."""
    def add(line_no: int, kind: str, answers: str, snippet: str | None = None, bonus: int = 0) -> None:
        score = RELEVANCE[kind] + CATEGORY_BOOST.get(root.category, {}).get(kind, 0) + bonus
        text = snippet or (lines[line_no] if isinstance(lines, dict) else lines[line_no - 1])
        found.append(CodeFinding(path=path, line=line_no, kind=kind, answers=answers, relevance=score,
                                 snippet=text.strip()[:200]))
    return add


def _lines(text: str) -> list[str]:
    """The file's lines as git and editors number them: split at newlines only (a form
    feed or a lone carriage return inside a line does not start a new one)."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def field_readers(repo: Path, files: list[str], fields: list[str]) -> dict[str, set[str]]:
    """Functions that read one of `fields` out of something they were handed
    (`handoff.get("account_id")`, `payload["account_id"]`), by name."""
    wanted = [f for f in fields if _identifier(f)]
    code_files = [f for f in files if suffix(f) in CODE_SUFFIXES]
    quoted = [f"{q}{f}{q}" for f in wanted for q in "\"'"]
    readers: dict[str, set[str]] = {}
    for rel in grep_lines(repo, code_files, [], quoted) if wanted else ():
        text = read_text(repo / rel) or ""
        present = [f for f in wanted if f'"{f}"' in text or f"'{f}'" in text]
        if not present:
            continue
        reads = {name: re.compile(rf"\.get\(\s*[\"']{name}[\"']|\[\s*[\"']{name}[\"']\s*\](?!\s*=[^=])")
                 for name in present}
        lines = _lines(text)
        for i, line in enumerate(lines, 1):
            match = DEF.match(line)
            if not match:
                continue
            for j in body_from(lines, i)[1:]:
                for name, read in reads.items():
                    if read.search(lines[j - 1]):
                        readers.setdefault(match.group(2), set()).add(name)
    return readers


def _handoffs(line: str) -> list[tuple[str, set[str]]]:
    """(callee, the keys of the dict literal it is handed) for each such call on the line."""
    return [(m.group(1), set(QUOTED_KEY.findall(m.group(2)))) for m in CALL_WITH_DICT.finditer(line)
            if QUOTED_KEY.search(m.group(2))]


def _prompt_lines(text: str, lines: list[str], targets: Targets, picked: set[int] | None = None
                  ) -> list[tuple[int, str]]:
    """The lines that spell out the prompt: with a recorded prompt, each line whose string
    text is part of it (a file holds it only if a probe matches); without one, the lines of
    every prompt-like definition."""
    if targets.prompt_text:
        if not any(p in text for p in targets.prompt_probes):
            return []
        return [(i, line) for i, line in enumerate(lines, 1)
                if any(piece in targets.prompt_text for piece in _literal_pieces(line))]
    found = []
    for i, line in enumerate(lines, 1):
        if (picked is None or i in picked) and PROMPT_DEFINITION.search(line):
            found.extend(_literal_block(lines, i))
    return found


def _literal_pieces(line: str) -> list[str]:
    """The string text on a line (f-string fields cut out), whitespace-collapsed; a line
    with no quotes (inside a triple-quoted string) counts as text itself."""
    literals = [a or b for a, b in STRING_LITERAL.findall(line)]
    chunks = literals or ([line] if not any(q in line for q in TRIPLE_QUOTES) else [])
    pieces = []
    for chunk in chunks:
        for piece in re.split(r"\{[^{}]*\}|\\[ntr]", chunk):
            flat = _flat(piece)
            if len(flat) >= 12:
                pieces.append(flat)
    return pieces


def _literal_block(lines: list[str], start: int) -> list[tuple[int, str]]:
    """The lines of the string a prompt definition at `start` assigns: the definition line
    and its continuation lines (inside parentheses or a triple-quoted string)."""
    opener = lines[start - 1]
    triple = sum(opener.count(q) for q in TRIPLE_QUOTES) == 1
    open_paren = opener.count("(") > opener.count(")")
    block = [(start, opener)]
    for j in range(start, min(start + 60, len(lines)) if triple or open_paren else start):
        line = lines[j]
        if triple:
            block.append((j + 1, line))
            if any(q in line for q in TRIPLE_QUOTES):
                break
        elif STRING_LITERAL.search(line):
            block.append((j + 1, line))
        else:
            break
    return [(i, line) for i, line in block if _literal_pieces(line)]


def _value_origins(turn: Turn, candidate: Candidate | None) -> dict[str, list[str]]:
    """For a misparsed input or a corrupted state: the parser or state step and the keys of
    its result whose value the input contradicts (the input names the key next to another
    number), else the keys the disputed reply talks about."""
    if candidate is None or candidate.category not in ORIGIN_KINDS:
        return {}
    kind = ORIGIN_KINDS[candidate.category]
    steps = [s for s in turn.tools if s.span_id == candidate.span_id] or [
        s for s in turn.tools if s.kind == kind and (kind == "parser" or f"'{s.name}'" in candidate.detail)]
    disputed = " ".join(candidate.values).lower()
    values = {v.lower() for v in candidate.values}
    said = set(tokens(disputed))
    origins: dict[str, list[str]] = {}
    for step in steps:
        if not isinstance(step.result, dict) or not _identifier(step.name):
            continue
        source = _with_digits(_flat(str(step.arguments or "")).lower())
        leaves = dict(_leaves(step.result))
        keys = [k for k, v in leaves.items() if _contradicted(source, k, v)]
        keys = keys or [k for k in leaves if len(k) >= 3 and _stem(k) in disputed]
        # The key whose value is the one disputed ("time": "14:30" when the user says 14:30
        # is wrong), when no key is named in the input or the dispute.
        keys = keys or [k for k, v in leaves.items() if not isinstance(v, bool)
                        and isinstance(v, str | int | float) and str(v).lower() in values]
        # The key whose value is a near miss of a disputed or lost value ("HV-417" for the
        # "HV-00417" the user gave, "07:30" for "7:30"): what the parser turned it into.
        keys = keys or [k for k, v in leaves.items() if not isinstance(v, bool)
                        and isinstance(v, str | int | float)
                        and any(_near(str(v).lower(), w) for w in values)]
        # A number the disputed value starts with ("hour": 2 behind "2:00"), or a value that
        # starts with the disputed number ("time": "07:30" for the "seven" the user gave).
        leading = {float(m.group()) for w in values if (m := DECIMAL.match(_with_digits(w)))}
        keys = keys or [k for k, v in leaves.items() if not isinstance(v, bool)
                        and isinstance(v, int | float) and float(v) in leading]
        keys = keys or [k for k, v in leaves.items() if isinstance(v, str)
                        and (m := DECIMAL.match(v)) and float(m.group()) in leading]
        # An ISO date the user names by its weekday or month ("Friday 5 July" for "2024-07-05").
        keys = keys or [k for k, v in leaves.items() if isinstance(v, str)
                        and any(w.isalpha() for w in date_words(v) & said)]
        # Else every value the step produced is a suspect, when it produced only a few.
        scalars = [k for k, v in leaves.items()
                   if not isinstance(v, bool) and isinstance(v, str | int | float)]
        keys = keys or (scalars if len(scalars) <= MAX_SUSPECT_KEYS else [])
        if keys:
            origins[step.name] = keys
    return origins


MAX_SUSPECT_KEYS = 2


# The faults whose wrong value a step computed, and the kind of step that did.
ORIGIN_KINDS = {"input_misparsed": "parser", "state_corruption": "memory"}
NEAR_MISS = 0.6
DECIMAL = re.compile(r"\d+(?:\.\d+)?")


def _near(value: str, other: str) -> bool:
    """Two short values that differ by a few characters, not two unrelated words."""
    if value == other or len(other.split()) > 3 or not re.search(r"\d", value + other):
        return False
    return SequenceMatcher(None, value, other).ratio() >= NEAR_MISS


NUMBER_WORDS = {
    word: str(n) for n, words in enumerate([
        ("zero", "no", "ground"), ("one", "a single", "first"), ("two", "second", "couple of"),
        ("three", "third"), ("four", "fourth"), ("five", "fifth"), ("six", "sixth"),
        ("seven", "seventh"), ("eight", "eighth"), ("nine", "ninth"), ("ten", "tenth"),
    ]) for word in words
}
NUMBER_WORD = re.compile(r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b")


def _with_digits(text: str) -> str:
    """Number words as digits ("the fourth floor" -> "the 4 floor"), so a parser's number
    can be checked against what the person wrote."""
    return NUMBER_WORD.sub(lambda m: NUMBER_WORDS[m.group(1)], text)


def _leaves(value: Any, depth: int = 0) -> list[tuple[str, Any]]:
    """The (key, value) leaves of a parser's nested result."""
    if not isinstance(value, dict) or depth > 3:
        return []
    found: list[tuple[str, Any]] = []
    for key, inner in value.items():
        found.extend(_leaves(inner, depth + 1) if isinstance(inner, dict) else [(str(key), inner)])
    return found


def _contradicted(source: str, key: str, value: Any) -> bool:
    """Whether the number the input puts next to `key` ("the 4th floor") differs from `value`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or len(key) < 3:
        return False
    numbers = [(m.start(), m.end(), float(m.group())) for m in DECIMAL.finditer(source)]
    for match in re.finditer(re.escape(_stem(key)), source):
        distance, nearest = min(
            ((max(match.start() - end, start - match.end()), number) for start, end, number in numbers),
            default=(None, None),
        )
        if distance is not None and distance <= 12 and nearest != float(value):
            return True
    return False


INLINE_PATTERN = re.compile(r"\bre\.(search|match|fullmatch|findall|finditer|split|sub)\(")
# The line that read the input through a pattern ranks just below the line that computed the
# field (either may hold the bug), and ahead of the other lines that fed it.
SLICE_READ_BONUS = -1
# What a same-file helper returns into that line ranks with it: the bug may be in either.
HELPER_RETURN_BONUS = 0
CALLED = re.compile(r"(?<![.\w])([a-z_]\w*)\(")


def _stem(word: str) -> str:
    word = word.lower().replace("_", " ")
    return word[:-1] if word.endswith("s") and len(word) > 4 else word


def _flat(text: str) -> str:
    return " ".join(text.split())


def rank(findings: list[CodeFinding], affinity: dict[str, int] | None = None) -> list[CodeFinding]:
    """The most relevant findings, at most MAX_PER_KIND of a kind. Among equally relevant
    ones, code outside tests first, then files naming more of the turn's targets
    (`affinity`: path -> how many), so a test double or a namesake never crowds out the
    traced `def`; the path decides only what is tied on all of these."""
    affinity = affinity or {}
    # One finding per line: the most relevant reading of it.
    best: dict[tuple[str, int], CodeFinding] = {}
    for f in findings:
        if (f.path, f.line) not in best or f.relevance > best[(f.path, f.line)].relevance:
            best[(f.path, f.line)] = f
    ordered = sorted(best.values(), key=lambda f: (
        -f.relevance, _is_test(f.path), -affinity.get(f.path, 0), f.path, f.line))
    per_kind: dict[str, int] = {}
    kept: list[CodeFinding] = []
    for finding in ordered:
        if finding.kind in BLOCK_KINDS and any(
            k.kind == finding.kind and k.path == finding.path and abs(k.line - finding.line) <= 1
            for k in kept
        ):
            continue
        per_kind[finding.kind] = per_kind.get(finding.kind, 0) + 1
        if per_kind[finding.kind] <= MAX_PER_KIND:
            kept.append(finding)
    return kept[:MAX_FINDINGS]


TEST_DIRS = {"test", "tests", "testing", "__tests__", "spec", "specs"}


def _is_test(path: str) -> bool:
    *folders, name = path.split("/")
    stem = name.rpartition(".")[0] or name
    return (not TEST_DIRS.isdisjoint(folders) or stem.startswith("test_") or stem == "conftest"
            or stem.endswith(("_test", ".test", ".spec")))


def _probes(prompt: str) -> list[str]:
    """Distinctive substrings of a prompt: whole-word chunks from its start and middle."""
    flat = " ".join(prompt.split())
    starts = [0, len(flat) // 2]
    probes = []
    for start in starts:
        chunk = flat[start : start + PROMPT_PROBE_CHARS]
        if start and " " in chunk:
            chunk = chunk[chunk.index(" ") + 1 :]
        if len(chunk) >= 20:
            probes.append(chunk)
    return probes


def _source_probes(source: str) -> list[str]:
    """A document's id or URI, and its file name: a loader names `pricing_2022.md`, not
    `s3://bucket/docs/pricing_2022.md`."""
    name = re.split(r"[/\\]", source.split("?")[0].split("#")[0])[-1]
    looks_like_file = bool(re.fullmatch(r"[\w.-]+\.\w{1,5}", name)) and len(name) >= 6
    return [source, name] if looks_like_file and name != source else [source]


def _identifier(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{2,}", name))


