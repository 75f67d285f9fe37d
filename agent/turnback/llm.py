"""The one interface every LLM call goes through, and its OpenAI-compatible client.

`ChatModel.complete(messages) -> str` is all a node needs; tests replace it or point
the real `openai` client at a local server. A client may also accept `reply_schema` and
`max_tokens` keywords (OpenAIChatModel does); `ask_structured` passes them only to a
client that takes them, validates the reply into a pydantic model leniently, and
corrects it once.

Every analysis has a call budget, a wall-clock deadline and a circuit breaker (see
`Usage`): past any of them no call is made and the work falls back to offline verdicts.
"""

from __future__ import annotations

import inspect
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol, TypeVar

from pydantic import AfterValidator, BaseModel, ValidationError
from tenacity import retry, retry_if_exception, wait_exponential

from turnback.safety import mask, mask_data

T = TypeVar("T", bound=BaseModel)
ReplyFormat = Literal["json_schema", "json_object", "text"]
FORMATS: tuple[ReplyFormat, ...] = ("json_schema", "json_object", "text")

DEFAULT_MAX_TOKENS = 800
"""Sent with every call: without it a small model generates to its context limit."""
DEFAULT_DEADLINE_SECONDS = 600.0
DEFAULT_BREAKER = 3


class LLMError(Exception):
    """A call that failed for good: retries, budget or output validation exhausted."""


class BudgetExceeded(LLMError):
    pass


class DeadlineExceeded(LLMError):
    pass


class CircuitOpen(LLMError):
    pass


class PromptTooLong(LLMError):
    """The endpoint refused the prompt as longer than its context: a smaller one may pass."""


# How servers word a prompt longer than the context (OpenAI, vLLM, llama.cpp, Ollama).
CONTEXT_OVERFLOW = re.compile(
    r"context length|context size|context window|too many tokens|prompt is too long"
    r"|exceeds? (?:the )?(?:available |maximum )?(?:context|token)|n_ctx", re.IGNORECASE)


class ChatModel(Protocol):
    """Send chat messages, get the reply text. Raise LLMError when it cannot."""

    model: str
    usage: Usage

    def complete(self, messages: list[dict[str, str]]) -> str: ...


@dataclass
class Usage:
    """Counts, limits and events of one analysis's LLM calls."""

    calls: int = 0
    """Logical calls: one request with its retries."""
    attempts: int = 0
    """HTTP requests sent, retries and format fallbacks included."""
    failed_attempts: int = 0
    unreachable_attempts: int = 0
    """Attempts that never reached the endpoint (no connection), timeouts aside."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    rejected_tokens: int = 0
    """Tokens (already in the totals) of replies then rejected as invalid or placeholders."""
    max_calls: int = 200
    """Budget per analysis; past it, remaining work falls back to offline."""
    deadline_seconds: float | None = DEFAULT_DEADLINE_SECONDS
    """Wall-clock limit per analysis; past it, no call is started and one in flight is cut short."""
    max_consecutive_failures: int = DEFAULT_BREAKER
    """The circuit breaker: this many failed calls in a row and no more calls are made."""
    events: list[str] = field(default_factory=list)
    """Retries, fallbacks and stops worth telling the user about."""
    on_event: Callable[[str], None] | None = None
    """Called with each event as it happens (the CLI prints it on stderr)."""
    stopped: str | None = None
    """Why calls stopped early (budget, deadline, breaker), for the report."""
    consecutive_failures: int = 0
    _deadline_at: float | None = None
    _stop_kind: type[LLMError] = LLMError

    def reset(self) -> None:
        """Start a new analysis: the budget, the deadline and the counts are per analysis."""
        self.calls = self.attempts = self.failed_attempts = self.unreachable_attempts = 0
        self.prompt_tokens = self.completion_tokens = self.rejected_tokens = 0
        self.consecutive_failures = 0
        self.stopped, self._stop_kind = None, LLMError
        self.events.clear()
        self._deadline_at = (
            time.monotonic() + self.deadline_seconds if self.deadline_seconds is not None else None
        )

    def note(self, line: str) -> None:
        self.events.append(line)
        if self.on_event is not None:
            self.on_event(line)

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        return None if self._deadline_at is None else self._deadline_at - time.monotonic()

    def admit(self) -> None:
        """Raise when no further call may be made; the first stop is told as it happens."""
        if self.stopped is None:
            left = self.remaining()
            if left is not None and left <= 0:
                self._stop(DeadlineExceeded, f"LLM deadline of {self.deadline_seconds:g}s per analysis "
                           "reached: no more calls, offline verdicts for the rest")
            if self.calls >= self.max_calls:
                self._stop(BudgetExceeded, f"LLM call budget of {self.max_calls} calls per analysis "
                           "used up: no more calls, offline verdicts for the rest")
        if self.stopped is not None:
            raise self._stop_kind(self.stopped)

    def charge(self) -> None:
        self.admit()
        self.calls += 1

    def succeeded(self) -> None:
        self.consecutive_failures = 0

    def failed(self) -> None:
        self.consecutive_failures += 1
        if self.stopped is None and self.attempts > 1 and self.unreachable_attempts == self.attempts:
            # Not one HTTP attempt ever reached the endpoint, retries included: it is down or
            # refuses connections, and more calls would only wait out the same backoff again.
            # (A server that answers with an error is up: a smaller prompt may still work.)
            self._stop(CircuitOpen, f"LLM endpoint could not be reached in any of {self.attempts} "
                       "HTTP attempts: no more calls, offline verdicts for the rest")
        if self.stopped is None and self.consecutive_failures >= self.max_consecutive_failures:
            calls = "call" if self.consecutive_failures == 1 else "calls"
            self._stop(CircuitOpen, f"LLM circuit breaker open after {self.consecutive_failures} "
                       f"consecutive failed {calls}: no more calls, offline verdicts for the rest")

    def _stop(self, kind: type[LLMError], line: str) -> None:
        self.stopped, self._stop_kind = line, kind
        self.note(line)

    def summary(self) -> str:
        rejected = f" ({self.rejected_tokens} in rejected replies)" if self.rejected_tokens else ""
        calls = f"{self.calls} call" + ("" if self.calls == 1 else "s")
        return (f"LLM usage: {calls} ({self.attempts} HTTP attempts, {self.failed_attempts} "
                f"failed), {self.prompt_tokens} prompt + {self.completion_tokens} completion tokens"
                f"{rejected}")


def _is_transient(exc: BaseException) -> bool:
    """Worth another try: a dropped connection, 429, 5xx. Not a timeout: a generation
    that outlived it once will again, and each try costs the whole timeout."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return False
    if isinstance(exc, openai.APIConnectionError | openai.RateLimitError):
        return True
    return isinstance(exc, openai.APIStatusError) and exc.status_code >= 500


class OpenAIChatModel:
    """Any OpenAI-compatible chat completions endpoint.

    The reply format is found on the first structured call: `response_format` with a JSON
    schema, else `json_object`, else plain text (the JSON is then extracted from it).
    What the endpoint accepts is remembered for this client's life, one run.
    """

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
        max_tokens: int = DEFAULT_MAX_TOKENS,
        deadline_seconds: float | None = DEFAULT_DEADLINE_SECONDS,
        max_consecutive_failures: int = DEFAULT_BREAKER,
    ) -> None:
        import openai

        # tenacity owns retries, so the client's own are off.
        self._client = openai.OpenAI(
            api_key=api_key or "not-needed", base_url=base_url, timeout=timeout, max_retries=0
        )
        self.model = model
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.last_reply_tokens = 0
        """Tokens of the latest reply, charged as rejected when it fails validation."""
        self.reply_format: ReplyFormat | None = None
        """What the endpoint accepted for structured replies; None until the first one."""
        self.usage = Usage(max_calls=max_calls, deadline_seconds=deadline_seconds,
                           max_consecutive_failures=max_consecutive_failures)
        self._finding_format = False
        self._create_with_retries = retry(
            retry=retry_if_exception(self._worth_retrying),
            stop=lambda state: state.attempt_number >= attempts or self._out_of_time(),
            wait=wait_exponential(multiplier=backoff_seconds, max=20),
            before_sleep=self._note_retry,
            reraise=True,
        )(self._create)

    def complete(
        self, messages: list[dict[str, str]], *, reply_schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
    ) -> str:
        """One chat completion, traced as a span of turnback's own run (if tracing is on)."""
        from turnback import self_tracing

        self.usage.charge()
        # Masked before anything leaves the process: the endpoint and the span see the same.
        messages = mask_data(messages)
        with self_tracing.span("llm_call", "CHAT_MODEL") as span:
            if span is not None:
                span.set_inputs({"model": self.model, "messages": messages})
            reply = self._complete_in_a_format(messages, reply_schema, max_tokens or self.max_tokens)
            if span is not None:
                span.set_outputs(mask(reply))
        return reply

    def _complete_in_a_format(
        self, messages: list[dict[str, str]], schema: dict[str, Any] | None, max_tokens: int
    ) -> str:
        import openai

        if schema is None:
            formats: tuple[ReplyFormat | None, ...] = (None,)
        else:
            formats = (self.reply_format,) if self.reply_format else FORMATS
        for position, fmt in enumerate(formats):
            # While the format is being found, a refusal (4xx, or the 500 one server answers
            # json_schema with every time) moves on to the next format instead of retrying.
            self._finding_format = position < len(formats) - 1
            try:
                reply = self._create_with_retries(messages, response_format(fmt, schema), max_tokens)
            except openai.APIStatusError as exc:
                if not self._finding_format or exc.status_code == 429 or _too_long(exc):
                    raise _failed(exc) from exc
                following = formats[position + 1]
                self.usage.note(f"the endpoint refused response_format {fmt} (HTTP {exc.status_code}); "
                                f"trying {following}")
                continue
            except Exception as exc:
                raise _failed(exc) from exc
            finally:
                self._finding_format = False
            if schema is not None and self.reply_format is None:
                self.reply_format = fmt
                if fmt != "json_schema":
                    self.usage.note(f"replies from {self.model} are asked for as {fmt} for the rest "
                                    "of the run")
            return reply
        raise LLMError("no reply format left to try")  # not reached: the last format raises

    def _worth_retrying(self, exc: BaseException) -> bool:
        import openai

        if self._finding_format and isinstance(exc, openai.APIStatusError) and exc.status_code != 429:
            return False
        return _is_transient(exc)

    def _out_of_time(self) -> bool:
        left = self.usage.remaining()
        return left is not None and left <= 0

    def _note_retry(self, state: object) -> None:
        exc = state.outcome.exception()  # type: ignore[attr-defined]
        self.usage.note(f"retried an LLM call after {type(exc).__name__}")

    def _create(self, messages: list[dict[str, str]], fmt: dict[str, Any] | None, max_tokens: int) -> str:
        import openai

        # The timeout closes the connection: a server that checks sees the client leave.
        left = self.usage.remaining()
        timeout = self.timeout if left is None else max(0.05, min(self.timeout, left))
        self.usage.attempts += 1
        extra = {"response_format": fmt} if fmt else {}
        try:
            response = self._client.chat.completions.create(
                model=self.model, messages=messages, temperature=0,  # type: ignore[arg-type]
                max_tokens=max_tokens, timeout=timeout, **extra,
            )
        except Exception as exc:
            self.usage.failed_attempts += 1
            if isinstance(exc, openai.APIConnectionError) and not isinstance(exc, openai.APITimeoutError):
                self.usage.unreachable_attempts += 1
            raise
        prompt = response.usage.prompt_tokens or 0 if response.usage else 0
        completion = response.usage.completion_tokens or 0 if response.usage else 0
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion
        self.last_reply_tokens = prompt + completion
        return response.choices[0].message.content or ""


def response_format(fmt: ReplyFormat | None, schema: dict[str, Any] | None) -> dict[str, Any] | None:
    if fmt == "json_schema" and schema is not None:
        return {"type": "json_schema",
                "json_schema": {"name": schema.get("title", "reply"), "schema": schema, "strict": False}}
    if fmt == "json_object":
        return {"type": "json_object"}
    return None


def _too_long(exc: BaseException) -> bool:
    import openai

    return (isinstance(exc, openai.APIStatusError) and exc.status_code in (400, 413)
            and bool(CONTEXT_OVERFLOW.search(str(exc))))


def _failed(exc: BaseException) -> LLMError:
    import openai

    if _too_long(exc):
        return PromptTooLong(f"LLM call failed: the prompt is longer than the endpoint's context "
                             f"(HTTP {exc.status_code}: {str(exc)[:160]})")
    if isinstance(exc, openai.APITimeoutError):
        return LLMError("LLM call failed: APITimeoutError: the reply did not come within the timeout "
                        "(the request was closed)")
    return LLMError(f"LLM call failed: {type(exc).__name__}: {str(exc)[:200]}")


def accepts_reply_options(llm: ChatModel) -> bool:
    """Whether this client's `complete` takes `reply_schema`/`max_tokens` (an injected test
    client may take the messages alone)."""
    try:
        parameters = inspect.signature(llm.complete).parameters
    except (TypeError, ValueError):
        return False
    return "reply_schema" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def ask_structured(
    llm: ChatModel, messages: list[dict[str, str]], schema: type[T], *, max_tokens: int | None = None
) -> T:
    """Call the model and validate its JSON reply; on bad output, correct it once.

    Raises LLMError when no valid reply came (the failure counts toward the breaker) or
    when the budget, the deadline or the breaker allows no call.
    """
    messages = mask_data(messages)  # whatever the ChatModel, no secret reaches it
    options: dict[str, Any] = {}
    if accepts_reply_options(llm):
        options = {"reply_schema": schema.model_json_schema(), "max_tokens": max_tokens}
    try:
        llm.usage.admit()
        reply = llm.complete(messages, **options)
        try:
            answer = parse_json_reply(reply, schema)
        except (ValueError, ValidationError) as first_error:
            _reject(llm)
            llm.usage.note(f"the model returned an invalid reply once ({_short(first_error)})")
            correction = [
                *messages,
                {"role": "assistant", "content": reply},
                {
                    "role": "user",
                    "content": "Your reply was not valid JSON for the required schema "
                    f"({_short(first_error)}). Reply again with only the JSON object.",
                },
            ]
            llm.usage.admit()
            second = llm.complete(correction, **options)
            try:
                answer = parse_json_reply(second, schema)
            except (ValueError, ValidationError) as exc:
                _reject(llm)
                raise LLMError(f"model output invalid after a corrective retry: {_short(exc)}") from exc
    except (BudgetExceeded, DeadlineExceeded, CircuitOpen):
        raise
    except LLMError:
        llm.usage.failed()
        raise
    llm.usage.succeeded()
    return answer


def _reject(llm: ChatModel) -> None:
    llm.usage.rejected_tokens += getattr(llm, "last_reply_tokens", 0)


FENCED_BLOCK = re.compile(r"```[a-zA-Z]*\s*(.*?)```", re.DOTALL)
MAX_OBJECT_STARTS = 50
"""How many '{' positions are tried as the start of the reply's JSON object."""


def parse_json_reply(reply: str, schema: type[T]) -> T:
    """The first JSON object in the reply that validates into `schema`.

    Lenient as real endpoints need: a ``` fenced block, prose before or after the object,
    raw newlines inside strings (`strict=False`).
    """
    first_error: ValidationError | None = None
    for data in json_objects(reply):
        try:
            return schema.model_validate(clip_strings(data))
        except ValidationError as exc:
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    raise ValueError("no JSON object in the reply")


def json_objects(reply: str) -> Iterator[dict[str, Any]]:
    decoder = json.JSONDecoder(strict=False)
    texts = [m.group(1) for m in FENCED_BLOCK.finditer(reply)] + [reply]
    for text in texts:
        starts = [m.start() for m in re.finditer(r"\{", text)][:MAX_OBJECT_STARTS]
        for start in starts:
            try:
                data, _end = decoder.raw_decode(text, start)
            except json.JSONDecodeError:
                continue
            except RecursionError as exc:  # hostile nesting: invalid output, not a crash
                raise ValueError("the reply's JSON is nested too deeply") from exc
            if isinstance(data, dict):
                yield data


PLACEHOLDER_TEXT = re.compile(
    r"^\s*(?:<[^<>]*>|\[[^\[\]]*\]|\.{3}|…|n/?a|none|null|todo|tbd|string|text|reasoning|"
    r"your reasoning( here)?|one sentence[^.]*|explanation)\s*\.?\s*$",
    re.IGNORECASE,
)
MIN_REASONING_CHARS = 12


def real_reasoning(value: str) -> str:
    """Reject a reasoning that says nothing: empty, or the prompt's placeholder copied back."""
    text = value.strip()
    if len(text) < MIN_REASONING_CHARS or PLACEHOLDER_TEXT.match(text):
        raise ValueError("the reasoning is empty or a placeholder, not an argument from the evidence")
    return text


Reasoning = Annotated[str, AfterValidator(real_reasoning)]
"""A model's reasoning field: a placeholder such as "<one sentence citing the evidence>" fails."""


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
    if isinstance(exc, ValidationError):  # what is wrong, which the model can mend
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:2])[:200]
    return str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
