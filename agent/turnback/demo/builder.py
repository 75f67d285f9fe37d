"""Write chat sessions into a real MLflow store from plain specs.

Used by `turnback demo`, the tests and the eval set, so every session turnback is
checked against went through MLflow's real tracing and storage path.

A turn spec is a dict: `root` (a span spec), optional `assessments`. A span spec has
`name`, and optionally `type`, `inputs`, `outputs`, `attributes`, `error` (a message:
status ERROR plus an `exception` event), `error_type`, `raise` (raise the error out of
the span, failing the trace), `stacktrace` (the error's recorded Python traceback),
`events` (a list of `{"name", "attributes"}` recorded without
changing the span's status, e.g. an `exception` event inside a span that ended OK) and
`children`.
"""

from __future__ import annotations

import os
import time
from typing import Any

SESSION_KEY = "mlflow.trace.session"


def write_session(
    tracking_uri: str, experiment_name: str, session_id: str, turns: list[dict[str, Any]]
) -> str:
    """Write one trace per turn; returns the experiment id."""
    import mlflow
    from mlflow import MlflowClient

    os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"
    previous_uri = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(tracking_uri)
    try:
        client = MlflowClient(tracking_uri)
        experiment = client.get_experiment_by_name(experiment_name)
        experiment_id = (
            experiment.experiment_id if experiment else client.create_experiment(experiment_name)
        )
        for turn in turns:
            trace_id = _write_turn(session_id, experiment_id, turn)
            for spec in turn.get("assessments", []):
                _log_assessment(trace_id, session_id, spec)
            time.sleep(0.002)  # distinct millisecond timestamps keep turn order unambiguous
        mlflow.flush_trace_async_logging()
    finally:
        mlflow.set_tracking_uri(previous_uri)
    return experiment_id


class _TurnFailed(Exception):
    pass


def _write_turn(session_id: str, experiment_id: str, turn: dict[str, Any]) -> str:
    from mlflow.entities.trace_location import MlflowExperimentLocation

    holder: dict[str, str] = {}
    try:
        # An explicit destination, not mlflow.set_experiment: that one also exports
        # MLFLOW_EXPERIMENT_ID into the process environment.
        destination = MlflowExperimentLocation(experiment_id)
        _write_span(turn["root"], session_id, holder, destination=destination)
    except _TurnFailed:
        pass
    return holder["trace_id"]


def _write_span(
    spec: dict[str, Any], session_id: str, holder: dict[str, str], destination: Any = None
) -> None:
    import mlflow
    from mlflow.entities import SpanEvent, SpanStatusCode

    with mlflow.start_span(
        name=spec["name"], span_type=spec.get("type", "UNKNOWN"), trace_destination=destination
    ) as span:
        if destination is not None:
            holder["trace_id"] = span.trace_id
            metadata = {SESSION_KEY: session_id, **spec.get("metadata", {})}
            mlflow.update_current_trace(metadata=metadata)
        if "inputs" in spec:
            span.set_inputs(spec["inputs"])
        if spec.get("attributes"):
            span.set_attributes(spec["attributes"])
        for child in spec.get("children", []):
            _write_span(child, session_id, holder)
        if "outputs" in spec:
            span.set_outputs(spec["outputs"])
        for event in spec.get("events", []):
            span.add_event(SpanEvent(event["name"], attributes=event.get("attributes", {})))
        if spec.get("error"):
            span.add_event(
                SpanEvent(
                    "exception",
                    attributes={
                        "exception.type": spec.get("error_type", "RuntimeError"),
                        "exception.message": spec["error"],
                        **({"exception.stacktrace": spec["stacktrace"]} if spec.get("stacktrace") else {}),
                    },
                )
            )
            span.set_status(SpanStatusCode.ERROR)
            if spec.get("raise"):
                raise _TurnFailed(spec["error"])


def _log_assessment(trace_id: str, session_id: str, spec: dict[str, Any]) -> None:
    import mlflow
    from mlflow.entities import AssessmentError, AssessmentSource

    metadata = {SESSION_KEY: session_id} if spec.get("session_level") else None
    error = (
        AssessmentError(error_code="SCORER_ERROR", error_message=spec["error"])
        if spec.get("error") else None
    )
    mlflow.log_feedback(
        trace_id=trace_id,
        name=spec["name"],
        value=None if error else spec.get("value"),
        rationale=spec.get("rationale"),
        error=error,
        metadata=metadata,
        source=AssessmentSource(
            source_type=spec.get("source_type", "LLM_JUDGE"), source_id=spec.get("source_id", "judge")
        ),
    )


# --- spec constructors for tests and evals ------------------------------------------


def tool_span(
    name: str, arguments: Any = None, result: Any = None, *, error: str | None = None,
    error_type: str = "RuntimeError", children: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": "TOOL", "inputs": arguments or {}}
    if result is not None:
        spec["outputs"] = result
    if error:
        spec.update(error=error, error_type=error_type)
    if children:
        spec["children"] = children
    return spec


def retriever_span(name: str, query: str, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """documents: {"id", "content", "metadata"} dicts, stored in MLflow's Document shape."""
    docs = [
        {"id": d.get("id"), "page_content": d.get("content", ""), "metadata": d.get("metadata", {})}
        for d in documents
    ]
    return {"name": name, "type": "RETRIEVER", "inputs": {"query": query}, "outputs": docs}


def llm_span(
    messages: list[dict[str, str]], reply: str, *, name: str = "chat_model",
    model: str = "gpt-4o-mini",
) -> dict[str, Any]:
    return {
        "name": name, "type": "CHAT_MODEL",
        "inputs": {"model": model, "messages": messages},
        "outputs": {"choices": [{"message": {"role": "assistant", "content": reply}}]},
    }


def chat_turn(
    user: str, reply: str | None, *, children: list[dict[str, Any]] | None = None,
    root_name: str = "chat", inputs: Any = None, error: str | None = None,
    assessments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An MLflow-native turn: the user's text in, the reply out, on the root span.

    `error` fails the whole turn (root span raises, trace state ERROR, no reply).
    """
    root: dict[str, Any] = {
        "name": root_name, "type": "CHAIN",
        "inputs": inputs if inputs is not None else {"message": user},
        "children": children or [],
    }
    if reply is not None:
        root["outputs"] = reply
    if error:
        root.update(error=error, error_type="AppError", **{"raise": True})
    return {"root": root, "assessments": assessments or []}
