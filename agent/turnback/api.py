"""The Python entry point: one function that analyzes one session and returns the report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from turnback.context import AnalysisContext
from turnback.errors import TurnbackError
from turnback.graph import build_graph
from turnback.llm import ChatModel
from turnback.self_tracing import default_self_trace_uri, self_tracing
from turnback.state import Report
from turnback.store import (
    SESSION_KEY,
    SessionStore,
    TraceSource,
    default_tracking_uri,
    quiet_mlflow_logs,
)

DEFAULT = "default"


def analyze_session(
    session_id: str,
    *,
    tracking_uri: str | None = None,
    experiment_id: str | None = None,
    experiment_name: str | None = None,
    repo: str | Path | None = None,
    llm: ChatModel | None = None,
    input_key: str | None = None,
    output_key: str | None = None,
    self_trace_uri: str | None = DEFAULT,
    progress: Callable[[str], None] | None = None,
    write_back: bool = False,
) -> Report:
    """Find where session `session_id` went wrong.

    Args:
        session_id: the `mlflow.trace.session` metadata value shared by the turns.
        tracking_uri: the store to read (`sqlite:///...` or `http://...`); default: MLflow's.
        experiment_id / experiment_name: where the session lives; default: searched for.
        repo: the application's codebase to correlate with; None skips that step.
        llm: a ChatModel (e.g. `OpenAIChatModel("gpt-4o-mini")`); None runs offline.
        input_key / output_key: attribute keys that hold the turn's I/O, when discovery
            should not guess.
        self_trace_uri: where turnback's own trace goes; the default is
            `sqlite:///~/.turnback/traces.db`; None disables it.
        progress: called with one line per step of long work.
        write_back: record the verdict as a session-level assessment (source `turnback`)
            on the session's first trace. The only time turnback writes to the store.

    Returns the typed Report (`report.model_dump(mode="json")` is the JSON contract).
    Raises TurnbackError with a one-line message on bad input or an unreachable store.
    """
    with quiet_mlflow_logs():
        store = SessionStore(tracking_uri or default_tracking_uri())
        repo_path = _check_repo(repo)
        if experiment_id:
            resolved = store.check_experiment(experiment_id)
        elif experiment_name:
            resolved = store.experiment_by_name(experiment_name)
        else:
            resolved = store.find_session_experiment(session_id)
            if progress:
                progress(f"session {session_id} found in experiment {resolved}")
        return analyze_in_store(
            store, session_id, resolved, repo=repo_path, llm=llm, input_key=input_key,
            output_key=output_key, self_trace_uri=self_trace_uri, progress=progress, write_back=write_back,
        )


def analyze_in_store(
    store: SessionStore, session_id: str, experiment_id: str, *, repo: str | Path | None = None,
    llm: ChatModel | None = None, input_key: str | None = None, output_key: str | None = None,
    self_trace_uri: str | None = DEFAULT, progress: Callable[[str], None] | None = None,
    write_back: bool = False,
) -> Report:
    """`analyze_session` in an open store, for a session whose experiment is known (a listed
    one): a batch opens the store, probes the server and looks the experiment up once."""
    with quiet_mlflow_logs():
        report = run_analysis(
            store, session_id, experiment_id, repo=_check_repo(repo), llm=llm, input_key=input_key,
            output_key=output_key, self_trace_uri=self_trace_uri, progress=progress,
        )
        if write_back:
            record_verdict(store, report)
            if progress:
                progress(f"verdict recorded on trace {report.turns[0].trace_id} as '{VERDICT_NAME}'")
    return report


def run_analysis(
    store: TraceSource, session_id: str, experiment_id: str, *, repo: Path | None = None,
    llm: ChatModel | None = None, input_key: str | None = None, output_key: str | None = None,
    self_trace_uri: str | None = DEFAULT, progress: Callable[[str], None] | None = None,
) -> Report:
    """The graph over one session, from a store or from traces given by the caller."""
    if llm is not None:
        llm.usage.reset()
        # Fallbacks, budget and deadline stops are told as they happen, not only at the end.
        llm.usage.on_event = progress
    context = AnalysisContext(
        store=store, llm=llm, repo=repo, input_key=input_key, output_key=output_key,
        progress=progress or (lambda _line: None),
    )
    uri = default_self_trace_uri() if self_trace_uri == DEFAULT else self_trace_uri
    if uri is not None and same_store(uri, store.tracking_uri):
        # turnback never writes its own traces into the data it analyzes.
        raise TurnbackError(f"--trace-to {uri} is the analyzed store; send turnback's own traces elsewhere")
    with self_tracing(uri, session_id) as trace:
        final = build_graph().invoke(
            {"session_id": session_id, "experiment_id": experiment_id, "notes": []}, context=context
        )
        report: Report = final["report"]
        if trace.root_span is not None:
            trace.root_span.set_outputs(
                {"root_turn": report.root_cause.turn if report.root_cause else None,
                 "symptom_turn": report.symptom_turn}
            )
    # Described after the trace is written, so a failed write is reported as such.
    report.self_trace = trace.describe()
    if llm is not None:
        report.notes.extend(dict.fromkeys(llm.usage.events))
        report.notes.append(llm.usage.summary())
        llm.usage.on_event = None
    return report


VERDICT_NAME = "turnback_verdict"


def verdict_feedback(report: Report) -> Any:
    """The verdict as an MLflow Feedback: what --write-back records and what the scorer returns."""
    from mlflow.entities import AssessmentSource, Feedback

    root = report.root_cause
    metadata = {
        SESSION_KEY: report.session_id,
        "mode": report.mode,
        "root_turn": str(root.turn) if root else "",
        "symptom_turn": str(report.symptom_turn or ""),
        "category": root.category if root else "",
        "confidence": root.confidence if root else "",
        "root_trace_id": root.trace_id if root else "",
        "top_finding": _finding_line(report) or "",
    }
    return Feedback(
        name=VERDICT_NAME,
        value=verdict_value(report),
        rationale=verdict_rationale(report),
        metadata=metadata,
        source=AssessmentSource(source_type="CODE", source_id="turnback"),
    )


def verdict_value(report: Report) -> str:
    root = report.root_cause
    return f"turn {root.turn}: {root.category}" if root else "healthy"


def verdict_rationale(report: Report) -> str:
    """The explanation, then the code finding that best explains it (when a repo was searched)."""
    root = report.root_cause
    text = root.explanation if root else "No turn carries a recorded fault."
    finding = _finding_line(report)
    return f"{text}\n\nIn the code: {finding}" if finding and root else text


def _finding_line(report: Report) -> str | None:
    if not report.code_findings:
        return None
    top = report.code_findings[0]
    return f"{top.path}:{top.line} ({top.kind}): {top.answers}"


def record_verdict(store: SessionStore, report: Report) -> None:
    """One verdict per session, on its first trace, so it shows in the MLflow UI. A later
    run overrides the valid one (MLflow's assessment override), so verdicts never pile up."""
    trace_id = report.turns[0].trace_id
    previous = [
        a for a in store.assessments_of(trace_id)
        if a.name == VERDICT_NAME and a.valid is not False and a.source.source_id == "turnback"
    ]
    feedback = verdict_feedback(report)
    if previous:
        latest = max(previous, key=lambda a: a.create_time_ms or 0)
        store.override_feedback(trace_id, latest.assessment_id, feedback)
    else:
        store.write_feedback(trace_id, feedback)


def same_store(a: str, b: str) -> bool:
    """Two tracking URIs naming one store: the same SQLite file, or the same server."""
    def key(uri: str) -> str:
        if uri.startswith("sqlite:///"):
            path = uri.removeprefix("sqlite:///").split("?", 1)[0]
            return "sqlite:" + str(Path(path).expanduser().resolve())
        return uri.rstrip("/").lower()

    return key(a) == key(b)


def _check_repo(repo: str | Path | None) -> Path | None:
    if repo is None:
        return None
    path = Path(repo).expanduser()
    if path.is_file():
        raise TurnbackError(f"--repo {repo}: is a file; give the folder of the application's code")
    if not path.is_dir():
        raise TurnbackError(f"--repo {repo}: no such directory")
    return path.resolve()
