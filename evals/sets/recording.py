"""How the dialogue sets' apps record their model calls: one builder per instrumentation
(OpenAI autolog, OTel GenAI, OpenInference, legacy GenAI) and a small chat recorder.
Shared by the dev and locked dialogue splits; it holds no labels."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from turnback.demo.builder import chat_turn

Msg = dict[str, Any]
Span = dict[str, Any]


def _usage(messages: list[Msg], reply: str) -> tuple[int, int]:
    return sum(len(str(m["content"])) for m in messages) // 4 + 8, len(reply) // 4 + 1


def _openai_call(messages: list[Msg], reply: str, *, name: str, model: str) -> Span:
    """OpenAI chat completion as the OpenAI autologger stores it."""
    prompt, completion = _usage(messages, reply)
    return {
        "name": name, "type": "CHAT_MODEL",
        "inputs": {"model": model, "messages": messages, "temperature": 0.3},
        "outputs": {"object": "chat.completion", "model": model,
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": reply}}],
                    "usage": {"prompt_tokens": prompt, "completion_tokens": completion}},
    }


def _genai_call(messages: list[Msg], reply: str, *, name: str, model: str) -> Span:
    """An LLM span from an OTel GenAI instrumentation (current semantic conventions)."""
    prompt, completion = _usage(messages, reply)
    return {
        "name": name, "type": "LLM",
        "inputs": {"messages": messages},
        "outputs": {"content": reply},
        "attributes": {
            "gen_ai.operation.name": "chat", "gen_ai.system": "openai",
            "gen_ai.request.model": model, "gen_ai.response.model": model,
            "gen_ai.response.finish_reasons": ["stop"],
            "gen_ai.usage.input_tokens": prompt, "gen_ai.usage.output_tokens": completion,
        },
    }


def _oi_call(messages: list[Msg], reply: str, *, name: str, model: str) -> Span:
    """An LLM span from OpenInference: flattened llm.* message attributes."""
    prompt, completion = _usage(messages, reply)
    attrs: dict[str, Any] = {"openinference.span.kind": "LLM", "llm.model_name": model,
                             "llm.provider": "openai", "llm.token_count.prompt": prompt,
                             "llm.token_count.completion": completion}
    for i, m in enumerate(messages):
        attrs[f"llm.input_messages.{i}.message.role"] = m["role"]
        attrs[f"llm.input_messages.{i}.message.content"] = str(m["content"])
    attrs["llm.output_messages.0.message.role"] = "assistant"
    attrs["llm.output_messages.0.message.content"] = reply
    return {"name": name, "type": "LLM", "inputs": {"messages": messages}, "outputs": reply,
            "attributes": attrs}


def _legacy_call(messages: list[Msg], reply: str, *, name: str, model: str) -> Span:
    """An LLM span in the older indexed gen_ai.prompt.N / gen_ai.completion.N style."""
    prompt, completion = _usage(messages, reply)
    attrs: dict[str, Any] = {"llm.request.type": "chat", "gen_ai.system": "OpenAI",
                             "gen_ai.request.model": model, "gen_ai.response.model": model,
                             "gen_ai.usage.prompt_tokens": prompt,
                             "gen_ai.usage.completion_tokens": completion}
    for i, m in enumerate(messages):
        attrs[f"gen_ai.prompt.{i}.role"] = m["role"]
        attrs[f"gen_ai.prompt.{i}.content"] = str(m["content"])
    attrs.update({"gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.content": reply,
                  "gen_ai.completion.0.finish_reason": "stop"})
    return {"name": name, "type": "LLM", "inputs": {"messages": messages}, "outputs": reply,
            "attributes": attrs}


class _Chat:
    """One session's turns; each model call sees exactly what the app's history code kept."""

    def __init__(self, system: str, call: Callable[..., Span], *, call_name: str = "call_llm",
                 root_name: str = "chat", model: str = "gpt-4o-mini",
                 keep: Callable[[list[Msg], str], list[Msg]] | None = None) -> None:
        self.system, self.call, self.call_name = system, call, call_name
        self.root_name, self.model, self.keep = root_name, model, keep
        self.turns: list[dict[str, Any]] = []
        self.history: list[Msg] = []

    def say(self, user: str, reply: str, *, before: list[Span] | None = None,
            context: list[Msg] | None = None, after: list[Span] | None = None,
            assessments: list[dict[str, Any]] | None = None) -> None:
        kept = self.keep(self.history, user) if self.keep else list(self.history)
        messages = [{"role": "system", "content": self.system}, *kept,
                    {"role": "user", "content": user}, *(context or [])]
        spans = [*(before or []), self.call(messages, reply, name=self.call_name, model=self.model),
                 *(after or [])]
        self.turns.append(chat_turn(user, reply, children=spans, root_name=self.root_name,
                                    assessments=assessments))
        self.history += [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]

    def fail(self, user: str, error: str, error_type: str, *, before: list[Span] | None = None) -> None:
        """The turn's trace fails: the handler raised, no reply was sent."""
        turn = chat_turn(user, None, children=before or [], root_name=self.root_name, error=error)
        turn["root"]["error_type"] = error_type
        self.turns.append(turn)
        self.history.append({"role": "user", "content": user})


def _tool_msg(name: str, result: Any) -> Msg:
    return {"role": "tool", "name": name, "content": json.dumps(result)}


def _docs_msg(docs: list[dict[str, Any]]) -> Msg:
    return {"role": "system", "content": "Documents:\n\n" + "\n\n".join(d["content"] for d in docs)}
