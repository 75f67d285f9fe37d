"""The one interface every LLM call goes through, and its OpenAI-compatible client.

`ChatModel.complete(messages) -> str` is all a node needs; tests replace it or point
the real `openai` client at a local server. `ask_structured` adds validation into a
pydantic model with one corrective retry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from turnback.safety import mask, mask_data

T = TypeVar("T", bound=BaseModel)


class LLMError(Exception):
    """A call that failed for good: retries, budget or output validation exhausted."""


class BudgetExceeded(LLMError):
    pass


class ChatModel(Protocol):
    """Send chat messages, get the reply text. Raise LLMError when it cannot."""

    model: str
    usage: Usage

    def complete(self, messages: list[dict[str, str]]) -> str: ...


@dataclass
class Usage:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    max_calls: int = 200
    """Budget per analysis; past it, remaining work falls back to offline."""
    events: list[str] = field(default_factory=list)
    """Retries and fallbacks worth telling the user about."""

    def reset(self) -> None:
        """Start a new analysis: the budget and the counts are per analysis."""
        self.calls = self.prompt_tokens = self.completion_tokens = 0
        self.events.clear()

    def charge(self) -> None:
        if self.calls >= self.max_calls:
            raise BudgetExceeded(f"LLM call budget of {self.max_calls} calls per analysis used up")
        self.calls += 1


def _is_transient(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError | openai.RateLimitError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


class OpenAIChatModel:
    """Any OpenAI-compatible chat completions endpoint."""

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        attempts: int = 4,
        backoff_seconds: float = 1.0,
        max_calls: int = 200,
    ) -> None:
        import openai

        # tenacity owns retries, so the client's own are off.
        self._client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=0
        )
        self.model = model
        self.usage = Usage(max_calls=max_calls)
        self._create_with_retries = retry(
            retry=retry_if_exception(_is_transient),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff_seconds, max=20),
            before_sleep=self._note_retry,
            reraise=True,
        )(self._create)

    def complete(self, messages: list[dict[str, str]]) -> str:
        """One chat completion, traced as a span of turnback's own run (if tracing is on)."""
        from turnback import self_tracing

        self.usage.charge()
        # Masked before anything leaves the process: the endpoint and the span see the same.
        messages = mask_data(messages)
        with self_tracing.span("llm_call", "CHAT_MODEL") as span:
            if span is not None:
                span.set_inputs({"model": self.model, "messages": messages})
            reply = self._complete_with_retries(messages)
            if span is not None:
                span.set_outputs(mask(reply))
        return reply

    def _note_retry(self, state: object) -> None:
        exc = state.outcome.exception()  # type: ignore[attr-defined]
        self.usage.events.append(f"retried an LLM call after {type(exc).__name__}")

    def _complete_with_retries(self, messages: list[dict[str, str]]) -> str:
        try:
            return self._create_with_retries(messages)
        except Exception as exc:
            raise LLMError(f"LLM call failed: {type(exc).__name__}: {str(exc)[:200]}") from exc

    def _create(self, messages: list[dict[str, str]]) -> str:
        response = self._client.chat.completions.create(
            model=self.model, messages=messages, temperature=0  # type: ignore[arg-type]
        )
        if response.usage:
            self.usage.prompt_tokens += response.usage.prompt_tokens or 0
            self.usage.completion_tokens += response.usage.completion_tokens or 0
        return response.choices[0].message.content or ""


def ask_structured(llm: ChatModel, messages: list[dict[str, str]], schema: type[T]) -> T:
    """Call the model and validate its JSON reply; on bad output, correct it once."""
    messages = mask_data(messages)  # whatever the ChatModel, no secret reaches it
    reply = llm.complete(messages)
    try:
        return parse_json_reply(reply, schema)
    except (ValueError, ValidationError) as first_error:
        llm.usage.events.append(f"the model returned invalid JSON once ({_short(first_error)})")
        correction = [
            *messages,
            {"role": "assistant", "content": reply},
            {
                "role": "user",
                "content": "Your reply was not valid JSON for the required schema "
                f"({_short(first_error)}). Reply again with only the JSON object.",
            },
        ]
        second = llm.complete(correction)
        try:
            return parse_json_reply(second, schema)
        except (ValueError, ValidationError) as exc:
            raise LLMError(f"model output invalid after a corrective retry: {_short(exc)}") from exc


FENCED_JSON = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def parse_json_reply(reply: str, schema: type[T]) -> T:
    """JSON object in the reply (bare or in a ``` fence) validated into `schema`."""
    fenced = FENCED_JSON.search(reply)
    text = fenced.group(1) if fenced else reply
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    try:
        data = clip_strings(json.loads(text[start : end + 1]))
    except RecursionError as exc:  # hostile nesting: invalid output, not a crash
        raise ValueError("the reply's JSON is nested too deeply") from exc
    return schema.model_validate(data)


MODEL_TEXT_CHARS = 2000
"""The most kept of any one string a model writes (a reasoning, a recommendation)."""


def clip_strings(value: object, limit: int = MODEL_TEXT_CHARS) -> object:
    """Every string in a model's JSON reply cut to `limit`: a 5 MB reasoning is not copied
    into the report. (json.loads has already bounded the nesting.)"""
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "…"
    if isinstance(value, dict):
        return {k: clip_strings(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [clip_strings(v, limit) for v in value]
    return value


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
