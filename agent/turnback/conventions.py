"""How instrumentations record a chat turn, and how to read the user's text and the
reply back out of each shape.

Conventions, tried in this order on each span:
- `openinference`: `input.value` / `output.value`, `llm.input_messages.N.message.*`;
- `otel_genai`: `gen_ai.input.messages` / `gen_ai.output.messages` (parts lists);
- `otel_genai_legacy`: `gen_ai.prompt` / `gen_ai.completion` (also flattened `.N.content`);
- `mlflow`: `mlflow.spanInputs` / `mlflow.spanOutputs` (MLflow's own client, and what
  MLflow fills from the conventions above when it knows them);
- `custom`: app-specific attribute keys such as `app.user_message` / `app.bot_reply`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

USER_ROLES = {"user", "human"}
ASSISTANT_ROLES = {"assistant", "ai", "model", "bot"}
INPUT_FIELDS = (
    "query", "question", "input", "user_input", "user_message", "message", "prompt",
    "text", "content", "utterance", "request",
)
OUTPUT_FIELDS = (
    "output", "answer", "response", "reply", "assistant", "content", "text", "result",
    "generation", "completion", "message",
)
# Fields of an input dict that hold identifiers or state, never the user's words.
NON_TEXT_FIELD = re.compile(r"(^|_)(id|ids|uuid|session|thread|user|token|key|state|metadata)$")
CUSTOM_INPUT_KEY = re.compile(r"(user|human|question|query|input|prompt|request)", re.I)
CUSTOM_OUTPUT_KEY = re.compile(r"(bot|assistant|answer|reply|response|output|completion)", re.I)
RESERVED_PREFIXES = ("mlflow.", "llm.", "gen_ai.", "openinference.", "input.", "output.")

Extractor = Callable[[dict[str, Any]], "str | None"]


def maybe_json(value: Any) -> Any:
    """Decode JSON text; leave anything else as it is."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "[", '"'):
            try:
                return json.loads(stripped)
            except (ValueError, RecursionError):  # hostile nesting ("[[[[..."): it stays text
                return value
    return value


def content_text(content: Any) -> str | None:
    """Message content as text: a string, or a list of parts ({type: text, text|content})."""
    content = maybe_json(content)
    if content is None:
        return None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = [content_text(p) for p in content]
        joined = "\n".join(p for p in pieces if p)
        return joined or None
    if isinstance(content, dict):
        for key in ("text", "content"):
            if isinstance(content.get(key), str):
                return content[key]
    return None


def message_role(message: dict[str, Any]) -> str:
    role = message.get("role") or message.get("type") or ""
    return str(role).lower()


def message_text(message: dict[str, Any]) -> str | None:
    if "parts" in message:
        return content_text(message["parts"])
    if "content" in message:
        return content_text(message["content"])
    return content_text(message.get("text"))


def last_message(messages: list[Any], roles: set[str]) -> str | None:
    for message in reversed(messages):
        if isinstance(message, dict) and message_role(message) in roles:
            text = message_text(message)
            if text:
                return text
    return None


def is_message_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(m, dict) and ("role" in m or "type" in m) for m in value)
    )


def user_text(value: Any) -> str | None:
    """The user's words for this turn from a span input of any common shape.

    With a message history, the turn's input is the last user message, not the history.
    """
    value = maybe_json(value)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if is_message_list(value):
        return last_message(value, USER_ROLES)
    if isinstance(value, dict):
        if is_message_list(value.get("messages")):
            return last_message(value["messages"], USER_ROLES)
        for field in INPUT_FIELDS:
            if field in value:
                found = user_text(value[field])
                if found:
                    return found
        # The user's text as one field among ids and state: the longest free-text value.
        candidates = [
            v for k, v in value.items()
            if isinstance(v, str) and not NON_TEXT_FIELD.search(k.lower()) and " " in v.strip()
        ]
        if candidates:
            return max(candidates, key=len)
        nested = [user_text(v) for v in value.values() if isinstance(v, dict)]
        nested_texts = [n for n in nested if n]
        return nested_texts[0] if len(nested_texts) == 1 else None
    return None


def assistant_text(value: Any) -> str | None:
    """The reply from a span output of any common shape (incl. a chat completion)."""
    value = maybe_json(value)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if is_message_list(value):
        return last_message(value, ASSISTANT_ROLES)
    if isinstance(value, dict):
        choices = value.get("choices")
        if isinstance(choices, list) and choices:
            first = choices[0]
            if isinstance(first, dict):
                if isinstance(first.get("message"), dict):
                    return message_text(first["message"])
                if isinstance(first.get("text"), str):
                    return first["text"]
        if is_message_list(value.get("messages")):
            return last_message(value["messages"], ASSISTANT_ROLES)
        if message_role(value) in ASSISTANT_ROLES:
            return message_text(value)
        for field in OUTPUT_FIELDS:
            if field in value:
                found = assistant_text(value[field])
                if found:
                    return found
    return None


def indexed_messages(attributes: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """Rebuild a message list from flattened keys like `llm.input_messages.0.message.role`."""
    pattern = re.compile(re.escape(prefix) + r"\.(\d+)\.(?:message\.)?(role|content)$")
    by_index: dict[int, dict[str, Any]] = {}
    for key, val in attributes.items():
        match = pattern.match(key)
        if match:
            by_index.setdefault(int(match.group(1)), {})[match.group(2)] = val
    return [by_index[i] for i in sorted(by_index)]


# --- per-convention extractors: attributes -> text ------------------------------------


def _input_reader(value_key: str, indexed_prefix: str | None = None) -> Extractor:
    """The user's text from flattened indexed messages when present, else from one key."""

    def read(attributes: dict[str, Any]) -> str | None:
        messages = indexed_messages(attributes, indexed_prefix) if indexed_prefix else []
        return last_message(messages, USER_ROLES) if messages else user_text(attributes.get(value_key))

    return read


def _output_reader(value_key: str, indexed_prefix: str | None = None) -> Extractor:
    """The reply from flattened indexed messages when present, else from one key."""

    def read(attributes: dict[str, Any]) -> str | None:
        messages = indexed_messages(attributes, indexed_prefix) if indexed_prefix else []
        if messages:
            return last_message(messages, ASSISTANT_ROLES) or message_text(messages[-1])
        return assistant_text(attributes.get(value_key))

    return read


# name -> (input key label, output key label, input extractor, output extractor).
# Native conventions come before `mlflow`: MLflow's span translators copy OpenInference
# and GenAI attributes into mlflow.spanInputs, and the report should name the original.
CONVENTIONS: dict[str, tuple[str, str, Extractor, Extractor]] = {
    "openinference": (
        "input.value", "output.value",
        _input_reader("input.value", "llm.input_messages"),
        _output_reader("output.value", "llm.output_messages"),
    ),
    "otel_genai": (
        "gen_ai.input.messages", "gen_ai.output.messages",
        _input_reader("gen_ai.input.messages"), _output_reader("gen_ai.output.messages"),
    ),
    "otel_genai_legacy": (
        "gen_ai.prompt", "gen_ai.completion",
        _input_reader("gen_ai.prompt", "gen_ai.prompt"),
        _output_reader("gen_ai.completion", "gen_ai.completion"),
    ),
    "mlflow": (
        "mlflow.spanInputs", "mlflow.spanOutputs",
        _input_reader("mlflow.spanInputs"), _output_reader("mlflow.spanOutputs"),
    ),
}


def custom_keys(attributes: dict[str, Any]) -> tuple[str | None, str | None]:
    """App-specific keys that look like the user's message and the bot's reply."""
    app_keys = [k for k in attributes if not k.startswith(RESERVED_PREFIXES)]
    input_key = next(
        (k for k in app_keys if CUSTOM_INPUT_KEY.search(k) and isinstance(attributes[k], str)), None
    )
    output_key = next(
        (k for k in app_keys if CUSTOM_OUTPUT_KEY.search(k) and k != input_key), None
    )
    return input_key, output_key


def read_keys(
    attributes: dict[str, Any], input_key: str, output_key: str
) -> tuple[str | None, str | None]:
    """Read a turn from explicitly named attribute keys (user override or custom)."""
    return user_text(attributes.get(input_key)), assistant_text(attributes.get(output_key))
