"""turnback traces its own runs with MLflow, apart from the data it analyzes.

By default the traces go to a SQLite store of turnback's own under `$TURNBACK_HOME`
(`~/.turnback`), experiment `turnback`.

No process-wide state is touched: MLflow's fluent tracing (`mlflow.start_span`) exports
through one global tracer provider bound to the global tracking URI, so using it would
mean swapping that URI for the whole process, which corrupts a caller's own tracing or
a `mlflow.genai.evaluate` run that calls turnback from its thread pool. Instead turnback
records its spans itself (the current span lives in a context variable, so concurrent
analyses in threads never mix) and writes the finished trace through an explicit
client for `uri`.
"""

from __future__ import annotations

import contextvars
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SELF_EXPERIMENT = "turnback"
_PREVIEW_CHARS = 1000


def default_self_trace_uri(home: str | None = None) -> str:
    """`sqlite:///<home>/traces.db`, home defaulting to $TURNBACK_HOME, then ~/.turnback."""
    home = home or os.environ.get("TURNBACK_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".turnback"
    return f"sqlite:///{base / 'traces.db'}"


@dataclass
class RecordedSpan:
    """One span of turnback's own run, kept in memory until the trace is written."""

    name: str
    span_type: str
    span_id: int
    parent_id: int | None
    start_ns: int
    end_ns: int | None = None
    inputs: Any = None
    outputs: Any = None
    error: str | None = None

    def set_inputs(self, inputs: Any) -> None:
        self.inputs = inputs

    def set_outputs(self, outputs: Any) -> None:
        self.outputs = outputs


@dataclass
class SelfTrace:
    uri: str | None
    experiment_id: str | None = None
    trace_id: str | None = None
    problem: str | None = None
    root_span: RecordedSpan | None = None
    spans: list[RecordedSpan] = field(default_factory=list)

    def describe(self) -> str | None:
        if self.trace_id and not self.problem:
            return (
                f"trace {self.trace_id} in experiment '{SELF_EXPERIMENT}' "
                f"({self.experiment_id}) of {self.uri}"
            )
        if self.problem:
            return f"not traced: {self.problem}"
        return None

    def add(self, span: RecordedSpan) -> None:
        self.spans.append(span)


# (trace, current span) of the analysis running in this thread or task; None: not tracing.
_CURRENT: contextvars.ContextVar[tuple[SelfTrace, RecordedSpan] | None] = contextvars.ContextVar(
    "turnback_self_trace", default=None
)


@contextmanager
def span(name: str, span_type: str = "CHAIN") -> Iterator[RecordedSpan | None]:
    """A child span of the current analysis' own trace; yields None when it is not traced."""
    current = _CURRENT.get()
    if current is None:
        yield None
        return
    trace, parent = current
    child = RecordedSpan(name, span_type, _new_span_id(), parent.span_id, time.time_ns())
    trace.add(child)
    token = _CURRENT.set((trace, child))
    try:
        yield child
    except BaseException as exc:
        child.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        raise
    finally:
        child.end_ns = time.time_ns()
        _CURRENT.reset(token)


@contextmanager
def self_tracing(uri: str | None, session_id: str) -> Iterator[SelfTrace]:
    """Trace the analysis run into `uri`; `None` turns turnback's own tracing off.

    The self-trace store is opened in a background thread while the analysis runs (spans
    are kept in memory meanwhile), so opening it (a first run creates its schema, a server
    is probed) is off the analysis' critical path; the trace is written at the end.
    """
    record = SelfTrace(uri)
    if uri is None:
        yield record
        return
    opening = _Opening(uri)
    record.trace_id = "tr-" + secrets.token_hex(16)
    root = RecordedSpan("turnback.analyze", "AGENT", _new_span_id(), None, time.time_ns())
    root.set_inputs({"session_id": session_id})
    record.root_span = root
    record.add(root)
    token = _CURRENT.set((record, root))
    try:
        yield record
    except BaseException as exc:
        root.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        raise
    finally:
        _CURRENT.reset(token)
        root.end_ns = time.time_ns()
        try:
            record.experiment_id = opening.result()
        except Exception as exc:  # tracing must never stop the analysis
            record.problem = f"could not open {uri} ({_first_line(exc)})"
        else:
            try:
                _write_trace(record, session_id)
            except Exception as exc:  # a failed write loses the trace, never the report
                record.problem = f"could not write to {uri} ({_first_line(exc)})"


class _Opening:
    """`_prepare_store(uri)` running in a daemon thread; `result()` waits for it."""

    def __init__(self, uri: str) -> None:
        self._experiment_id: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(uri,), name="turnback-self-trace",
                                        daemon=True)
        self._thread.start()

    def _run(self, uri: str) -> None:
        try:
            self._experiment_id = _prepare_store(uri)
        except BaseException as exc:  # handed to result(), which records it as the problem
            self._error = exc

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._experiment_id is not None
        return self._experiment_id


def _prepare_store(uri: str) -> str:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from turnback.store import absolute_sqlite

    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith(("http://", "https://")):
        from turnback.store import ServerHangs, probe_server

        # Seconds, not the minute of MLflow's HTTP retries, when the server is not there
        # or answers /health and then hangs.
        try:
            probe_server(uri)
        except ServerHangs as exc:
            raise ConnectionError(f"{uri}: {exc}") from exc
        except ConnectionError as exc:
            raise ConnectionError(f"cannot reach {uri}") from exc
    client = MlflowClient(absolute_sqlite(uri))
    experiment = client.get_experiment_by_name(SELF_EXPERIMENT)
    if experiment:
        return experiment.experiment_id
    try:
        return client.create_experiment(SELF_EXPERIMENT)
    except MlflowException:
        # Another analysis in this process (or another process) created it first.
        experiment = client.get_experiment_by_name(SELF_EXPERIMENT)
        if experiment is None:
            raise
        return experiment.experiment_id


def _write_trace(record: SelfTrace, session_id: str) -> None:
    """The recorded spans as one MLflow trace, written through an explicit client."""
    from mlflow.entities import TraceInfo, TraceLocation, TraceState
    from mlflow.tracing.client import TracingClient

    from turnback.store import absolute_sqlite

    assert record.trace_id and record.experiment_id and record.root_span
    root = record.root_span
    spans = [_to_mlflow_span(s, record.trace_id) for s in record.spans if s.end_ns is not None]
    info = TraceInfo(
        trace_id=record.trace_id,
        trace_location=TraceLocation.from_experiment_id(record.experiment_id),
        request_time=root.start_ns // 1_000_000,
        state=TraceState.ERROR if root.error else TraceState.OK,
        request_preview=_preview(root.inputs),
        response_preview=_preview(root.outputs),
        execution_duration=((root.end_ns or root.start_ns) - root.start_ns) // 1_000_000,
        trace_metadata={"turnback.session": session_id, "mlflow.trace_schema.version": "3"},
    )
    client = TracingClient(absolute_sqlite(record.uri))
    client.log_spans(record.experiment_id, spans)
    client.start_trace(info)


def _to_mlflow_span(recorded: RecordedSpan, trace_id: str) -> Any:
    from mlflow.entities import Span, SpanStatus, SpanStatusCode
    from mlflow.tracing.utils import build_otel_context, dump_span_attribute_value
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import ReadableSpan

    otel_trace_id = int(trace_id.removeprefix("tr-"), 16)
    attributes = {
        "mlflow.traceRequestId": dump_span_attribute_value(trace_id),
        "mlflow.spanType": dump_span_attribute_value(recorded.span_type),
        "mlflow.spanInputs": dump_span_attribute_value(recorded.inputs),
        "mlflow.spanOutputs": dump_span_attribute_value(recorded.outputs),
    }
    status = SpanStatus(
        SpanStatusCode.ERROR if recorded.error else SpanStatusCode.OK, recorded.error or ""
    )
    otel = ReadableSpan(
        name=recorded.name,
        context=build_otel_context(otel_trace_id, recorded.span_id),
        parent=build_otel_context(otel_trace_id, recorded.parent_id) if recorded.parent_id else None,
        start_time=recorded.start_ns,
        end_time=recorded.end_ns,
        attributes=attributes,
        status=status.to_otel_status(),
        resource=Resource.get_empty(),
    )
    return Span(otel)


def _preview(value: Any) -> str | None:
    if value is None:
        return None
    import json

    text = json.dumps(value, default=str, ensure_ascii=False)
    return text[:_PREVIEW_CHARS]


def _new_span_id() -> int:
    return int.from_bytes(secrets.token_bytes(8), "big") or 1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:160]
