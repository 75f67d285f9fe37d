"""What the external benchmarks share: running turnback on one written session without
letting a failure stop the run, and the two naive baselines every table prints.

- uniform random: the expected top-1 accuracy of naming one turn uniformly at random,
  mean(1 / turns) over the scored sessions (an expectation, not a sampled run);
- first step with an error word: the first turn whose text matches `ERROR_WORD`; a
  session where no turn does gets no answer (wrong, unless the session is healthy).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from turnback import analyze_session
from turnback.demo.builder import write_session
from turnback.llm import ChatModel

ERROR_WORD = re.compile(
    r"\b(errors?|errored|fail(s|ed|ure|ing)?|exceptions?|traceback|timed? ?out|crash(ed|es)?"
    r"|refused|rejected|denied|blocked|invalid|incorrect|wrong|exit ?code:? *[1-9]\d*)\b",
    re.IGNORECASE,
)


@dataclass
class Attempt:
    """turnback's answer on one session: the root turn (None: healthy), or why it failed."""

    root: int | None = None
    error: str | None = None
    mode: str | None = None
    tokens: int = 0

    def names(self, expected: int | None) -> bool:
        """Right only when the analysis ran and named the expected turn (None: healthy)."""
        return self.error is None and self.root == expected

    def shown(self) -> str:
        if self.error:
            return "FAILED"
        return "-" if self.root is None else str(self.root)


def attribute(
    uri: str, experiment: str, session_id: str, turns: list[dict[str, Any]], llm: ChatModel | None
) -> Attempt:
    """Write the session and analyze it. Any exception is caught and returned: the caller
    counts the session wrong and reports it, and the run goes on."""
    try:
        experiment_id = write_session(uri, experiment, session_id, turns)
        report = analyze_session(
            session_id, tracking_uri=uri, experiment_id=experiment_id, llm=llm, self_trace_uri=None
        )
    except Exception as exc:
        return Attempt(error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:240])
    tokens = llm.usage.prompt_tokens + llm.usage.completion_tokens if llm else 0
    return Attempt(report.root_cause.turn if report.root_cause else None, None, report.mode, tokens)


def first_error_word(texts: list[str]) -> int | None:
    """1-based index of the first text holding an error word, else None."""
    return next((i for i, text in enumerate(texts, 1) if ERROR_WORD.search(text or "")), None)


def uniform_random(turn_counts: list[int]) -> float:
    """Expected accuracy (0..1) of a uniformly random turn, over sessions of these lengths
    (a session with no turns, one that could not be converted, counts 0)."""
    return sum(1 / n for n in turn_counts if n > 0) / len(turn_counts) if turn_counts else 0.0


def share(hits: int, n: int) -> str:
    return f"{hits}/{n} ({100 * hits / n:.1f}%)" if n else "n/a"


def ratio(accuracy: float, random: float) -> str:
    return f"{accuracy / random:.2f}x" if random else "n/a"


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


SCHEMA_FIELDS = {"role", "name", "model", "object", "type", "id"}


def flat_strings(value: Any) -> list[str]:
    """The string values inside a span's inputs or outputs (keys, message roles and
    model names are schema, not text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in SCHEMA_FIELDS for s in flat_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in flat_strings(v)]
    return []


def turn_text(turn: dict[str, Any]) -> str:
    """All text a turn spec records: every span's inputs and outputs, not its status,
    attributes or events."""

    def walk(span: dict[str, Any]) -> list[str]:
        own = flat_strings(span.get("inputs")) + flat_strings(span.get("outputs"))
        return own + [s for child in span.get("children", []) for s in walk(child)]

    return "\n".join(walk(turn["root"]))
