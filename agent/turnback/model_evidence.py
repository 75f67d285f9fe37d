"""Trace text as the model is shown it, and the check that a model's quote is really there.

Every item a model adds (a symptom, a candidate, a narrowing choice, an adjudication's
evidence) cites a quote; the quote must appear word for word (case and spacing aside)
in the turn it names, or the item is dropped.
"""

from __future__ import annotations

import json
import re

from turnback.safety import mask
from turnback.state import Category, Turn

FIELD_CHARS = 4000
MIN_QUOTE_CHARS = 12
"""A shorter quote ("ok", "sorry") would be found almost anywhere and prove nothing."""
CATEGORIES: frozenset[str] = frozenset(Category.__args__)  # type: ignore[attr-defined]
QUOTE_MARKS = "\"'“”‘’`«»…. "


def clip(text: str | None, limit: int) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str | None, limit: int) -> str:
    """Clipped to `limit` on one line, for digests."""
    return clip(" ".join((text or "").split()), limit)


def category_or(value: str | None, default: Category) -> Category:
    """A model's category when it is one of ours; small models invent others."""
    return value if value in CATEGORIES else default  # type: ignore[return-value]


def turn_text(turn: Turn) -> str:
    """Everything of a turn a quote may come from, masked as the model saw it."""
    parts = [turn.user or "", turn.assistant or ""]
    parts += [json.dumps(t.result, default=str) if t.result is not None else "" for t in turn.tools]
    parts += [t.error or "" for t in turn.tools] + [e.message for e in turn.errors]
    parts += [d.content for r in turn.retrievals for d in r.documents]
    return mask("\n".join(p for p in parts if p))


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def quote_in_turn(turn: Turn, quote: str | None) -> bool:
    """Whether `quote` appears in this turn's text (spacing and case aside)."""
    needle = _normal((quote or "").strip(QUOTE_MARKS))
    if len(needle) < MIN_QUOTE_CHARS:
        return False
    return needle in _normal(turn_text(turn))


def turn_payload(turn: Turn) -> str:
    """One turn's full evidence for a prompt: user, reply, state, tools, retrieved documents."""
    data = {
        "user": clip(turn.user, FIELD_CHARS),
        "assistant": clip(turn.assistant, FIELD_CHARS),
        "trace_state": turn.state,
        "errors": [e.message[:500] for e in turn.errors],
        "tools": [
            {"name": t.name, "arguments": t.arguments, "result": t.result, "error": t.error}
            for t in turn.tools
        ],
        "retrieved": [
            {"id": d.doc_id, "uri": d.uri, "metadata": d.metadata, "content": clip(d.content, 500)}
            for r in turn.retrievals for d in r.documents
        ],
    }
    return clip(json.dumps(data, default=str, indent=1), FIELD_CHARS * 3)
