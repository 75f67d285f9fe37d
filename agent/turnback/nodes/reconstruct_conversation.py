"""Node 2: rebuild every turn in order from the traces read by discover_schema."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from turnback.context import AnalysisContext
from turnback.conventions import (
    CONVENTIONS,
    is_message_list,
    maybe_json,
    message_role,
    message_text,
    read_keys,
)
from turnback.signals import GENERIC_EXCEPTIONS, flat_text
from turnback.spans import (
    LLM_KINDS,
    RETRIEVER_KINDS,
    TOOL_KINDS,
    finish_reason,
    missing_fields,
    span_kind,
    step_kind,
)
from turnback.state import (
    AnalysisState,
    AssessmentRecord,
    IOLocation,
    LLMCall,
    Retrieval,
    RetrievedDocument,
    SpanError,
    StackFrame,
    ToolCall,
    Turn,
)
from turnback.store import SESSION_KEY

if TYPE_CHECKING:  # only annotations: `turnback sessions` shares this module and needs no langgraph
    from langgraph.runtime import Runtime

# How much of an earlier user message, from its start, must match a message sent to an
# LLM for that turn to count as still in the context window.
CONTEXT_PROBE_CHARS = 60
TURNBACK_SOURCE = "turnback"


def reconstruct_conversation(
    state: AnalysisState, runtime: Runtime[AnalysisContext]
) -> dict[str, Any]:
    traces = state["raw_traces"]
    turns: list[Turn] = []
    session_level: list[AssessmentRecord] = []
    scorer_errors: list[AssessmentRecord] = []
    said_before: dict[str, int] = {}
    for index, (trace, location) in enumerate(zip(traces, state["io_locations"], strict=True), 1):
        turn = build_turn(index, trace, location, said_before)
        if turns and handed_on(turns[-1].assistant, turn.user):
            turn.user_authored = False
        for record in read_assessments(trace, index):
            if record.error:
                scorer_errors.append(record)
            elif record.session_level:
                session_level.append(record)
            else:
                turn.assessments.append(record)
        turns.append(turn)
    runtime.context.progress(f"reconstructed {len(turns)} turns")
    return {"turns": turns, "session_assessments": session_level, "scorer_errors": scorer_errors}


def build_turn(
    index: int, trace: Any, location: IOLocation | None, said_before: dict[str, int]
) -> Turn:
    """One turn from its trace. `said_before` maps the opening of each earlier user
    message to its turn; this turn's message is added to it."""
    spans = trace.data.spans
    user, assistant = read_turn_io(spans, location)
    turn = Turn(
        index=index,
        trace_id=trace.info.trace_id,
        timestamp_ms=trace.info.request_time,
        state=state_name(trace.info.state),
        user=user,
        assistant=assistant,
        io_location=location,
        span_names=[s.name for s in spans],
    )
    for span in spans:
        error = span_error(span)
        if error:
            turn.errors.append(error)
        kind = span_kind(span)
        step = step_kind(span)
        if step and span.parent_id is not None:
            turn.tools.append(tool_call(span, error, step))
        elif kind in TOOL_KINDS or (span.parent_id is not None and missing_fields(span)):
            # A hand-off to a sub-agent is a call too, when its span records missing fields.
            turn.tools.append(tool_call(span, error))
        elif kind in RETRIEVER_KINDS:
            turn.retrievals.append(retrieval(span))
        elif kind in LLM_KINDS:
            turn.llm_calls.append(llm_call(span, said_before))
            if error is None and (refused := model_failure(span, assistant)):
                turn.errors.append(refused)
        elif kind == "EVALUATOR" and (check := evaluator_check(span, trace.info.trace_id, index)):
            turn.assessments.append(check)
        elif finish_reason(span):  # an agent span that reports its model's stop reason
            turn.llm_calls.append(LLMCall(span_id=span.span_id, name=span.name,
                                          finish_reason=finish_reason(span)))
    if user:
        said_before.setdefault(user.strip()[:CONTEXT_PROBE_CHARS], index)
    return turn


def handed_on(previous_reply: str | None, user: str | None) -> bool:
    """The input is the previous turn's output passed on (an agent hand-off in a
    multi-agent log), so it is not text a person wrote."""
    if not previous_reply or not user:
        return False
    return " ".join(previous_reply.split()) == " ".join(user.split())


def read_turn_io(spans: list[Any], location: IOLocation | None) -> tuple[str | None, str | None]:
    if location is None:
        return None, None
    span = next((s for s in spans if s.span_id == location.span_id), None)
    if span is None:
        return None, None
    attrs = span.attributes or {}
    if location.convention == "custom":
        return read_keys(attrs, location.input_key, location.output_key)
    _in_label, _out_label, read_in, read_out = CONVENTIONS[location.convention]
    return read_in(attrs), read_out(attrs)


def span_error(span: Any) -> SpanError | None:
    """Status ERROR or an `exception` event, whichever says more."""
    exception = next((e for e in span.events or [] if e.name == "exception"), None)
    status = span.status.status_code
    is_error = str(getattr(status, "value", status)).upper().endswith("ERROR")
    if not is_error and exception is None:
        return None
    attrs = exception.attributes if exception else {}
    message = str(attrs.get("exception.message") or span.status.description or "span status ERROR")
    kind = str(attrs.get("exception.type") or "").rsplit(".", 1)[-1]
    if kind and kind not in GENERIC_EXCEPTIONS and len(message) < BARE_MESSAGE and kind not in message:
        message = f"{kind}: {message}"  # a KeyError's message is only the key: "'B200'"
    return SpanError(
        span_id=span.span_id,
        span_name=span.name,
        message=message,
        exception_type=attrs.get("exception.type"),
        handled=not is_error,
        frames=stack_frames(attrs.get("exception.stacktrace")),
    )


# Shorter messages say little without their exception's type.
BARE_MESSAGE = 30
# A Python traceback's frame line: File "/srv/app/shop/cart.py", line 42, in apply_coupon
FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+)(?:, in (\S+))?', re.MULTILINE)
MAX_FRAMES = 50


def stack_frames(stacktrace: Any) -> list[StackFrame]:
    """The frames of a recorded Python stack trace, outermost first (as Python prints them)."""
    if not isinstance(stacktrace, str):
        return []
    frames = [StackFrame(path=path, line=int(line), function=function or "")
              for path, line, function in FRAME.findall(stacktrace)]
    return frames[-MAX_FRAMES:]


def tool_call(span: Any, error: SpanError | None, kind: str = "tool") -> ToolCall:
    result = maybe_json(span.outputs)
    message = error.message if error and not error.handled else _error_in_result(result)
    if message is None and (lacking := missing_fields(span)):
        message = f"missing {', '.join(lacking)}"
    return ToolCall(
        span_id=span.span_id, name=span.name, kind=kind, arguments=maybe_json(span.inputs),
        result=result, error=message,
    )


FAILED_STATUS = ("error", "failed", "failure", "timeout", "timed_out", "blocked", "denied", "rejected")
# A step's text output that states its own failure in a structured way (a status field, a
# non-zero exit code, a traceback), as command runners and log-style tools print it.
FAILURE_IN_TEXT = re.compile(
    r"\bstatus\s*[:=]?\s*(?:error|failed|failure|time[d ]?\s?out|blocked|denied|rejected)\b"
    r"|\bexit\s*(?:code|status)\s*[:=]?\s*[1-9]\d*\b"
    r"|^Traceback \(most recent call last\)",
    re.IGNORECASE | re.MULTILINE,
)


def _error_in_result(result: Any) -> str | None:
    """A tool that returned an error payload or a failure report instead of raising."""
    if isinstance(result, dict):
        if result.get("error"):
            return str(result["error"])
        status = str(result.get("status", "")).lower()
        if status in FAILED_STATUS:
            return json.dumps(result)[:300]
    if isinstance(result, str) and FAILURE_IN_TEXT.search(result):
        return result.strip()[:300]
    return None


def model_failure(span: Any, reply: str | None) -> SpanError | None:
    """A model call that returned a failure report (a provider's refusal, "status error")
    instead of a completion. A completion the reply carries is the answer itself, so text
    like "payment status: failed" in it is content, not a failed call."""
    result = maybe_json(span.outputs)
    message = _error_in_result(result) if isinstance(result, str | dict) else None
    if message is None:
        return None
    text = result if isinstance(result, str) else flat_text(result)
    if reply and text.strip()[:CONTEXT_PROBE_CHARS] in reply:
        return None
    return SpanError(span_id=span.span_id, span_name=span.name, message=message)


def retrieval(span: Any) -> Retrieval:
    inputs = maybe_json(span.inputs)
    query = inputs.get("query") if isinstance(inputs, dict) else inputs
    outputs = maybe_json(span.outputs)
    documents = []
    for doc in outputs if isinstance(outputs, list) else []:
        if not isinstance(doc, dict):
            continue
        metadata = doc.get("metadata") or {}
        documents.append(
            RetrievedDocument(
                doc_id=_str_or_none(doc.get("id") or metadata.get("chunk_id") or metadata.get("id")),
                uri=_str_or_none(metadata.get("doc_uri") or metadata.get("source") or doc.get("uri")),
                content=str(doc.get("page_content") or doc.get("content") or "")[:2000],
                metadata=metadata if isinstance(metadata, dict) else {},
            )
        )
    return Retrieval(
        span_id=span.span_id, name=span.name,
        query=query if isinstance(query, str) else None, documents=documents,
    )


def llm_call(span: Any, said_before: dict[str, int]) -> LLMCall:
    inputs = maybe_json(span.inputs)
    messages = inputs.get("messages") if isinstance(inputs, dict) else inputs
    messages = messages if is_message_list(messages) else []
    system = next((message_text(m) for m in messages if message_role(m) == "system"), None)
    attrs = span.attributes or {}
    model = (inputs.get("model") if isinstance(inputs, dict) else None) or attrs.get(
        "gen_ai.request.model"
    ) or attrs.get("llm.model_name")
    # A lookup per message sent, not a scan of every earlier turn: linear in the session.
    sent = {(message_text(m) or "").strip()[:CONTEXT_PROBE_CHARS] for m in messages}
    present = sorted(said_before[text] for text in sent if text in said_before)
    return LLMCall(
        span_id=span.span_id, name=span.name, model=_str_or_none(model), system_prompt=system,
        message_count=len(messages), earlier_turns_present=present, finish_reason=finish_reason(span),
    )


# Where an inline check puts its verdict and its reason, most specific first.
VERDICT_KEYS = ("passed", "pass", "verdict", "result", "label", "status", "support_status", "value", "score")
REASON_KEYS = ("rationale", "reason", "explanation", "justification")


def evaluator_check(span: Any, trace_id: str, turn: int) -> AssessmentRecord | None:
    """A check the app ran inside the turn (an EVALUATOR span: a guardrail, a claim check),
    read like an assessment: its verdict and its reason from the span's outputs."""
    outputs = maybe_json(span.outputs)
    if not isinstance(outputs, dict):
        return None
    key = next((k for k in VERDICT_KEYS if k in outputs and outputs[k] is not None), None)
    if key is None:
        return None
    reason = next((str(outputs[k]) for k in REASON_KEYS if outputs.get(k)), None)
    return AssessmentRecord(name=span.name, trace_id=trace_id, turn=turn, value=outputs[key],
                            rationale=reason, source_type="SPAN", span_id=span.span_id)


def read_assessments(trace: Any, turn: int) -> list[AssessmentRecord]:
    records = []
    for assessment in trace.info.assessments or []:
        feedback = getattr(assessment, "feedback", None)
        if feedback is None or getattr(assessment, "valid", True) is False:
            continue  # expectations and overridden feedback are not verdicts
        source = assessment.source
        if getattr(source, "source_id", None) == TURNBACK_SOURCE:
            continue  # turnback's own written-back verdict is not evidence
        error = feedback.error
        records.append(
            AssessmentRecord(
                name=assessment.name,
                trace_id=trace.info.trace_id,
                turn=turn,
                value=feedback.value,
                rationale=assessment.rationale,
                source_type=str(getattr(source, "source_type", "") or "") or None,
                source_id=getattr(source, "source_id", None),
                span_id=assessment.span_id,
                session_level=SESSION_KEY in (assessment.metadata or {}),
                error=(error.error_message or error.error_code or "scorer error") if error else None,
            )
        )
    return records


def state_name(state: Any) -> str:
    """A trace state (enum or string) as its name: OK, ERROR, IN_PROGRESS."""
    return str(getattr(state, "value", state))


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
