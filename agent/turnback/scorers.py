"""turnback as an MLflow session-level scorer, next to MLflow's built-in session judges.

    import mlflow
    from mlflow.genai.scorers import UserFrustration
    from turnback.scorers import RootCause

    traces = mlflow.search_traces(locations=["1"])
    mlflow.genai.evaluate(data=traces, scorers=[RootCause(repo="."), UserFrustration()])

MLflow groups the traces by their `mlflow.trace.session` metadata and calls the scorer
once per session with that session's traces; the analysis reads those traces (the same
reconstruction path as `analyze_session`, no second read of the store) and returns one
`Feedback`: value `healthy` or `turn N: category`, the explanation and the top code
finding as rationale, the report's key fields as metadata.

Importing this module loads mlflow (the scorer is an MLflow `Scorer`); `import turnback`
alone does not.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from mlflow.entities import Feedback
from mlflow.genai.scorers import Scorer, scorer
from pydantic import ConfigDict, PrivateAttr

from turnback.api import _check_repo, run_analysis, verdict_feedback
from turnback.errors import TurnbackError
from turnback.store import SESSION_KEY, GivenTraces, quiet_mlflow_logs

DEFAULT_NAME = "turnback_root_cause"


class RootCause(Scorer):
    """Which turn of the session went wrong first, why, and where in the code.

    Args:
        repo: the application's codebase, for code correlation; None skips it.
        llm: a `turnback.llm.ChatModel` (e.g. `OpenAIChatModel("gpt-4o-mini")`) for LLM mode;
            None (the default) runs offline, from recorded signals only.
        tracking_uri: the MLflow server the traces live on, only for the UI links in the
            metadata; default: none for a SQLite store, the server otherwise.
        self_trace_uri: where turnback's own trace of each analysis goes; None (the
            default here) writes none, so a fleet evaluation leaves no trace pile behind.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    name: str = DEFAULT_NAME
    repo: str | None = None
    llm: Any = None
    tracking_uri: str | None = None
    self_trace_uri: str | None = None
    # One LLM-mode analysis at a time per scorer: the model's usage counts and budget are
    # per analysis, and MLflow calls a scorer from several threads at once.
    _llm_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def is_session_level_scorer(self) -> bool:
        return True

    def __call__(self, *, session: list[Any] | None = None) -> Feedback:
        if not session:
            raise TurnbackError("RootCause is a session-level scorer: it needs the session's traces")
        session_id = session[0].info.trace_metadata.get(SESSION_KEY)
        if not session_id:
            raise TurnbackError(f"trace {session[0].info.trace_id} carries no {SESSION_KEY} metadata")
        repo = _check_repo(Path(self.repo)) if self.repo else None
        with quiet_mlflow_logs():
            source = GivenTraces(session, tracking_uri=self.tracking_uri or _server_uri())
            if self.llm is None:
                report = self._analyze(source, session_id, session, repo)
            else:
                with self._llm_lock:
                    report = self._analyze(source, session_id, session, repo)
        feedback = verdict_feedback(report)
        feedback.name = self.name
        if report.session_url:
            feedback.metadata["session_url"] = report.session_url
        if report.root_cause and report.trace_urls.get(report.root_cause.trace_id):
            feedback.metadata["root_turn_url"] = report.trace_urls[report.root_cause.trace_id]
        return feedback

    def _analyze(self, source: GivenTraces, session_id: str, session: list[Any], repo: Path | None) -> Any:
        return run_analysis(
            source, session_id, session[0].info.experiment_id or "", repo=repo, llm=self.llm,
            self_trace_uri=self.self_trace_uri,
        )


def _server_uri() -> str | None:
    """The process' tracking URI when it is a server (read only, for links)."""
    import mlflow

    uri = mlflow.get_tracking_uri()
    return uri if uri.startswith(("http://", "https://")) else None


@scorer(name=DEFAULT_NAME)
def root_cause(session):  # type: ignore[no-untyped-def]  (MLflow stores this function's source)
    """`RootCause()` (offline, no repo) as a decorator scorer. MLflow serializes only
    built-in and decorator scorers, so this is the one to `register()` and `start()` for
    scheduled scoring; its body is self-contained because MLflow runs it from source."""
    from turnback.scorers import RootCause

    return RootCause()(session=session)
