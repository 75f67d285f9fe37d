"""turnback traces its own runs with MLflow, apart from the data it analyzes.

By default the traces go to a SQLite store of turnback's own under `$TURNBACK_HOME`
(`~/.turnback`), experiment `turnback`. The analyzed store is only ever read through an
explicit client, so pointing the global tracking URI here for the run is safe; it is
restored afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SELF_EXPERIMENT = "turnback"


def default_self_trace_uri(home: str | None = None) -> str:
    """`sqlite:///<home>/traces.db`, home defaulting to $TURNBACK_HOME, then ~/.turnback."""
    home = home or os.environ.get("TURNBACK_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".turnback"
    return f"sqlite:///{base / 'traces.db'}"


@dataclass
class SelfTrace:
    uri: str | None
    experiment_id: str | None = None
    trace_id: str | None = None
    problem: str | None = None
    root_span: Any = None

    def describe(self) -> str | None:
        if self.trace_id:
            return (
                f"trace {self.trace_id} in experiment '{SELF_EXPERIMENT}' "
                f"({self.experiment_id}) of {self.uri}"
            )
        if self.problem:
            return f"not traced: {self.problem}"
        return None


@contextmanager
def self_tracing(uri: str | None, session_id: str) -> Iterator[SelfTrace]:
    """Trace the analysis run into `uri`; `None` turns turnback's own tracing off."""
    import mlflow

    record = SelfTrace(uri)
    experiment_id = None
    if uri is not None:
        try:
            experiment_id = _prepare_store(uri)
        except Exception as exc:  # tracing must never stop the analysis
            record.problem = f"could not open {uri} ({str(exc).splitlines()[0][:160]})"
    if experiment_id is None:
        mlflow.tracing.disable()
        try:
            yield record
        finally:
            mlflow.tracing.enable()
        return
    previous_uri = mlflow.get_tracking_uri()
    record.experiment_id = experiment_id
    from mlflow.entities.trace_location import MlflowExperimentLocation

    os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"
    mlflow.set_tracking_uri(uri)
    try:
        mlflow.tracing.set_destination(MlflowExperimentLocation(experiment_id), context_local=True)
        with mlflow.start_span(name="turnback.analyze", span_type="AGENT") as root:
            root.set_inputs({"session_id": session_id})
            record.trace_id = root.trace_id
            record.root_span = root
            yield record
    finally:
        mlflow.set_tracking_uri(previous_uri)


def _prepare_store(uri: str) -> str:
    from mlflow import MlflowClient

    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith(("http://", "https://")):
        import requests

        # Seconds, not the minute of MLflow's HTTP retries, when the server is not there.
        try:
            requests.get(uri.rstrip("/") + "/health", timeout=5)
        except requests.RequestException as exc:
            raise ConnectionError(f"cannot reach {uri}") from exc
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name(SELF_EXPERIMENT)
    return experiment.experiment_id if experiment else client.create_experiment(SELF_EXPERIMENT)
