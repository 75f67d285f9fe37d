"""Small helpers over mlflow Span objects shared by the first two nodes."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from turnback.conventions import maybe_json

# Spans that act for the turn but never carry the user's message themselves.
HELPER_SPAN_TYPES = {"TOOL", "RETRIEVER", "EMBEDDING", "RERANKER", "PARSER", "MEMORY"}
TOOL_KINDS = {"TOOL"}
RETRIEVER_KINDS = {"RETRIEVER"}
LLM_KINDS = {"LLM", "CHAT_MODEL"}
MEMORY_NAME = re.compile(
    r"memory|profile|remember|(?:save|update|set|write|store)_(?:[a-z]+_)?state|store_fact", re.I)
PARSER_NAME = re.compile(r"pars|extract|classif|normali[sz]e", re.I)


def step_kind(span: Any) -> str | None:
    """'memory' or 'parser' for spans that carry state or interpret the user's input."""
    kind = span_kind(span)
    if kind == "MEMORY" or (kind not in LLM_KINDS and MEMORY_NAME.search(span.name or "")):
        return "memory"
    if kind == "PARSER" or (kind not in LLM_KINDS and PARSER_NAME.search(span.name or "")):
        return "parser"
    return None


# An attribute in which the app recorded which required fields a call or hand-off lacked
# (`handoff.missing_fields`, `tool.missing_params`, `missing_required_args`, ...).
MISSING_FIELDS_KEY = re.compile(
    r"(?:^|[._])missing(?:[._]required)?[._]?(?:fields|params|parameters|arguments|args)$", re.IGNORECASE)


def missing_fields(span: Any) -> list[str]:
    """Required fields the span's own attributes say its call or hand-off lacked."""
    for key, value in (span.attributes or {}).items():
        if not MISSING_FIELDS_KEY.search(str(key)) or not value:
            continue
        fields = value if isinstance(value, list | tuple) else re.split(r"[,\s]+", str(value))
        named = [str(f) for f in fields if str(f).strip()]
        if named:
            return named
    return []


FINISH_REASON_KEYS = ("gen_ai.response.finish_reasons", "gen_ai.response.finish_reason",
                      "llm.finish_reason", "finish_reason", "stop_reason")


FINISH_IN_TEXT = re.compile(r"\bfinish[ _]reason\s*[:=]?\s*['\"]?(\w+)", re.IGNORECASE)


def finish_reason(span: Any) -> str | None:
    """Why the model stopped, from OTel GenAI / OpenInference attributes or a chat
    completion-shaped output (OpenAI `finish_reason`, Anthropic `stop_reason`)."""
    attrs = span.attributes or {}
    for key in FINISH_REASON_KEYS:
        if attrs.get(key):
            return _first_reason(attrs[key])
    outputs = maybe_json(span.outputs)
    if isinstance(outputs, dict):
        choices = outputs.get("choices")
        first = choices[0] if isinstance(choices, list) and choices else None
        if isinstance(first, dict) and first.get("finish_reason"):
            return str(first["finish_reason"])
        for key in ("finish_reason", "stop_reason"):
            if outputs.get(key):
                return _first_reason(outputs[key])
    if isinstance(outputs, str) and (match := FINISH_IN_TEXT.search(outputs)):
        return match.group(1)
    return None


def _first_reason(value: Any) -> str:
    value = maybe_json(value)
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value)


def span_kind(span: Any) -> str:
    """MLflow span type, falling back on OpenInference / OTel GenAI attributes."""
    kind = (span.span_type or "").upper()
    if kind and kind != "UNKNOWN":
        return kind
    attrs = span.attributes or {}
    oi_kind = str(attrs.get("openinference.span.kind") or "").upper()
    if oi_kind:
        return oi_kind
    op = str(attrs.get("gen_ai.operation.name") or "").lower()
    if op == "execute_tool":
        return "TOOL"
    if op in ("chat", "text_completion", "generate_content"):
        return "LLM"
    return "UNKNOWN"


def walk_breadth_first(spans: list[Any]) -> Iterator[tuple[Any, int]]:
    """Spans from the root outwards, siblings in start order: (span, depth)."""
    children: dict[str | None, list[Any]] = defaultdict(list)
    ids = {s.span_id for s in spans}
    for span in spans:
        parent = span.parent_id if span.parent_id in ids else None
        children[parent].append(span)
    for group in children.values():
        group.sort(key=lambda s: s.start_time_ns or 0)
    level = [(s, 0) for s in children[None]]
    while level:
        yield from level
        level = [(child, depth + 1) for span, depth in level for child in children[span.span_id]]


def root_span(spans: list[Any]) -> Any | None:
    return next(iter(walk_breadth_first(spans)), (None, 0))[0]
