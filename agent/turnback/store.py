"""Everything that talks to the analyzed MLflow store. It only reads.

Reads go through an explicit `MlflowClient(tracking_uri=...)`, never the global
tracking URI, which turnback's own tracing may point elsewhere.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlparse

from turnback.errors import TurnbackError

SESSION_KEY = "mlflow.trace.session"
# A SQL store accepts pages of up to 50,000; an HTTP server caps them at 500.
SQL_PAGE_SIZE = 1000
HTTP_PAGE_SIZE = 500
# Experiments searched per query when the session's experiment is unknown.
LOCATIONS_PER_QUERY = 50
PROBE_TIMEOUT_SECONDS = 5

log = logging.getLogger(__name__)


class TraceSource(Protocol):
    """What the graph reads a session from: a store (SessionStore) or given traces (GivenTraces)."""

    tracking_uri: str
    calls: int

    def load_session(self, experiment_id: str, session_id: str) -> list[Any]: ...
    def session_url(self, experiment_id: str, session_id: str) -> str | None: ...
    def trace_url(self, experiment_id: str, session_id: str, trace_id: str) -> str | None: ...


def default_tracking_uri() -> str:
    """MLflow's own default when neither --tracking-uri nor MLFLOW_TRACKING_URI is set."""
    from mlflow.tracking._tracking_service.utils import get_tracking_uri

    return get_tracking_uri()


class SessionStore:
    """Read-only access to the sessions of one tracking store."""

    def __init__(self, tracking_uri: str) -> None:
        self.tracking_uri = tracking_uri
        self._check_uri()
        from mlflow import MlflowClient

        try:
            self._client = MlflowClient(tracking_uri=absolute_sqlite(tracking_uri))
        except Exception as exc:  # MLflow raises several types for a bad URI
            raise TurnbackError(f"cannot open tracking URI {tracking_uri!r}: {_first_line(exc)}") from exc
        self.calls = 0
        self.unreadable: dict[str, str] = {}

    @property
    def is_server(self) -> bool:
        return urlparse(self.tracking_uri).scheme in ("http", "https")

    @property
    def page_size(self) -> int:
        return HTTP_PAGE_SIZE if self.is_server else SQL_PAGE_SIZE

    def _check_uri(self) -> None:
        parsed = urlparse(self.tracking_uri)
        if parsed.scheme == "sqlite":
            path = self.tracking_uri.removeprefix("sqlite:///")
            # Opening a missing SQLite file would create an empty store: refuse instead.
            if path and path != ":memory:":
                if not Path(path).is_file():
                    raise TurnbackError(
                        f"no MLflow store at {path} (from tracking URI {self.tracking_uri!r})")
                if not _is_mlflow_sqlite(Path(path)):
                    # MLflow would write its schema into the file: refuse before it is opened.
                    raise TurnbackError(f"{path} is not an MLflow store (no MLflow tables in it)")
        elif parsed.scheme in ("http", "https"):
            self._probe_server()
        elif self.tracking_uri == "databricks" or parsed.scheme == "databricks":
            pass  # a Databricks workspace (credentials from the environment), not a file store
        elif parsed.scheme in ("", "file"):
            given = Path(parsed.path if parsed.scheme == "file" else self.tracking_uri).expanduser()
            if given.is_file() and _is_mlflow_sqlite(given):
                # A path to a SQLite store given without its scheme: say the URI that works.
                raise TurnbackError(
                    f"tracking URI {self.tracking_uri!r} is a path; use sqlite:///{given.resolve()}")
            raise TurnbackError(
                f"tracking URI {self.tracking_uri!r} is a file store, which holds no traces; "
                "use sqlite:///path/to/mlflow.db or an http(s):// server"
            )
        elif parsed.scheme not in ("postgresql", "mysql", "mssql"):
            raise TurnbackError(f"unsupported tracking URI {self.tracking_uri!r}")

    def _probe_server(self) -> None:
        """Fail in seconds, not after minutes of MLflow's HTTP retries."""
        try:
            probe_server(self.tracking_uri)
        except ConnectionError as exc:
            raise TurnbackError(f"cannot reach MLflow tracking server at {self.tracking_uri}: {exc}") from exc

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        self.calls += 1
        try:
            return fn()
        except TurnbackError:
            raise
        except Exception as exc:
            raise TurnbackError(f"{what} failed on {self.tracking_uri}: {_first_line(exc)}") from exc

    # --- experiments ---------------------------------------------------------------

    def experiment_by_name(self, name: str) -> str:
        exp = self._call("experiment lookup", lambda: self._client.get_experiment_by_name(name))
        if exp is None:
            raise TurnbackError(f"no experiment named {name!r} in {self.tracking_uri}")
        return exp.experiment_id

    def check_experiment(self, experiment_id: str) -> str:
        from mlflow.exceptions import MlflowException

        try:
            self.calls += 1
            self._client.get_experiment(experiment_id)
        except MlflowException as exc:
            raise TurnbackError(f"no experiment with id {experiment_id!r} in {self.tracking_uri}") from exc
        return experiment_id

    def all_experiment_ids(self) -> list[str]:
        ids: list[str] = []
        token = None
        while True:
            page = self._call(
                "experiment search",
                lambda t=token: self._client.search_experiments(max_results=1000, page_token=t),
            )
            ids.extend(e.experiment_id for e in page)
            token = page.token
            if not token:
                return ids

    def session_holders(self, session_id: str) -> list[str]:
        """The experiments that hold the session, sorted."""
        ids = self.all_experiment_ids()
        holders: list[str] = []
        for start in range(0, len(ids), LOCATIONS_PER_QUERY):
            chunk = ids[start : start + LOCATIONS_PER_QUERY]
            for trace in self._search(chunk, session_id, max_results=self.page_size, include_spans=False):
                if trace.info.trace_metadata.get(SESSION_KEY) == session_id:
                    holders.append(trace.info.experiment_id)
                    break
        return sorted(set(holders))

    def find_session_experiment(self, session_id: str) -> str:
        """The experiment holding the session; an error when none or several do."""
        holders = self.session_holders(session_id)
        if not holders:
            raise TurnbackError(f"session {session_id!r} not found in any experiment of {self.tracking_uri}")
        if len(holders) > 1:
            raise TurnbackError(
                f"session {session_id!r} appears in experiments {', '.join(holders)}; "
                "choose one with --experiment-id"
            )
        return holders[0]

    def _elsewhere(self, session_id: str) -> str:
        """Where else the session is, for the error line ("" when nowhere or unreadable)."""
        try:
            holders = self.session_holders(session_id)
        except TurnbackError:  # the line being composed is the error to report
            return ""
        if len(holders) == 1:
            return f"; it is in experiment {holders[0]} (--experiment-id {holders[0]})"
        return f"; it appears in experiments {', '.join(holders)}" if holders else ""

    # --- sessions ------------------------------------------------------------------

    def _search(
        self, locations: list[str], session_id: str, *, max_results: int, include_spans: bool
    ) -> Iterator[Any]:
        """Page through the traces of one session, oldest first."""
        yield from self.search_traces(
            locations, session_filter(session_id), max_results=max_results, include_spans=include_spans,
        )

    def search_traces(
        self, locations: list[str], filter_string: str | None, *, max_results: int | None = None,
        include_spans: bool = False,
    ) -> Iterator[Any]:
        """Page through matching traces, oldest first (trace infos only unless include_spans)."""
        token = None
        while True:
            page = self._call(
                "trace search",
                lambda t=token: self._client.search_traces(
                    locations=locations,
                    filter_string=filter_string,
                    order_by=["timestamp_ms ASC"],
                    max_results=max_results or self.page_size,
                    page_token=t,
                    include_spans=include_spans,
                ),
            )
            yield from page
            token = page.token
            if not token:
                return

    def search_page(self, locations: list[str], filter_string: str | None, *, max_results: int) -> Any:
        """One page of matching trace infos, oldest first (ties by trace id): MLflow's PagedList."""
        return self._call("trace search", lambda: self._client.search_traces(
            locations=locations, filter_string=filter_string, order_by=["timestamp_ms ASC"],
            max_results=max_results, include_spans=False,
        ))

    def load_session(self, experiment_id: str, session_id: str) -> list[Any]:
        """Every trace of the session with its spans, oldest first, none dropped.

        MLflow's span search silently leaves out traces whose spans it cannot load (none
        exported, JSON too deep to decode). So the session's traces are counted from an
        info-only search first; one missing from the span search is fetched on its own,
        and when that fails too it stays in its place with no spans, its id in
        `self.unreadable` with the reason. Turns are never renumbered.
        """
        infos = [
            t
            for t in self._search([experiment_id], session_id, max_results=self.page_size,
                                  include_spans=False)
            # The filter is an exact match already; keep the check so a store that
            # matched loosely can never pull another session in.
            if t.info.trace_metadata.get(SESSION_KEY) == session_id
        ]
        if not infos:
            raise TurnbackError(f"session {session_id!r} not found in experiment {experiment_id}"
                                + self._elsewhere(session_id))
        loaded = {
            t.info.trace_id: t
            for t in self._search([experiment_id], session_id, max_results=self.page_size,
                                  include_spans=True)
        }
        self.unreadable = {}
        traces = [loaded.get(t.info.trace_id) or self._fetch_alone(t) for t in infos]
        traces.sort(key=lambda t: (t.info.request_time, t.info.trace_id))
        return traces

    def _fetch_alone(self, info_only: Any) -> Any:
        """A trace the span search left out: fetched by id, else kept without spans."""
        trace_id = info_only.info.trace_id
        self.calls += 1
        try:
            trace = self._client.get_trace(trace_id)
        except Exception as exc:  # MLflow raises several types for an unloadable trace
            self.unreadable[trace_id] = _first_line(exc)[:200]
            return info_only
        if trace is None or not trace.data.spans:
            self.unreadable[trace_id] = "the store holds no spans for it"
            return info_only
        return trace

    def write_feedback(self, trace_id: str, feedback: Any) -> None:
        """Log an assessment on a trace of the analyzed store (only for --write-back)."""
        from mlflow.tracing.client import TracingClient

        self._call("writing the assessment", lambda: TracingClient(
            absolute_sqlite(self.tracking_uri)).log_assessment(trace_id, feedback))

    def assessments_of(self, trace_id: str) -> list[Any]:
        """The assessments on one trace (for --write-back, to find the previous verdict)."""
        trace = self._call("reading assessments", lambda: self._client.get_trace(trace_id))
        return list(trace.info.assessments)

    def override_feedback(self, trace_id: str, previous_id: str, feedback: Any) -> None:
        """Log `feedback` as the override of assessment `previous_id` (what
        `mlflow.override_feedback` does, through an explicit client): the store marks the old
        one invalid, so the UI shows the latest verdict and keeps the history."""
        from mlflow.tracing.client import TracingClient

        feedback.overrides = previous_id
        self._call("overriding the assessment", lambda: TracingClient(
            absolute_sqlite(self.tracking_uri)).log_assessment(trace_id, feedback))

    def session_url(self, experiment_id: str, session_id: str) -> str | None:
        return session_url(self.tracking_uri, experiment_id, session_id)

    def trace_url(self, experiment_id: str, session_id: str, trace_id: str) -> str | None:
        return turn_url(self.tracking_uri, experiment_id, session_id, trace_id)


class ServerHangs(ConnectionError):
    """The server answers /health, then leaves API calls hanging."""


def probe_server(uri: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> None:
    """Raise ConnectionError (one line) unless the server at `uri` answers both `/health` and
    a cheap API call within `timeout` seconds each.

    A server that answers /health and then hangs would otherwise hold every MLflow request
    for its full timeout, times its retries: over a minute before the first error line.
    """
    import requests

    base = uri.rstrip("/")
    try:
        requests.get(f"{base}/health", timeout=timeout)
    except requests.RequestException as exc:
        raise ConnectionError(_first_line(exc)) from exc
    try:
        # Any HTTP answer will do (even an error status): the point is that the API replies.
        requests.get(f"{base}/api/2.0/mlflow/experiments/search", params={"max_results": 1},
                     timeout=timeout)
    except requests.Timeout as exc:
        raise ServerHangs(f"it answers /health but its API did not reply within {timeout:g}s") from exc
    except requests.RequestException as exc:
        raise ConnectionError(_first_line(exc)) from exc


def session_url(tracking_uri: str | None, experiment_id: str, session_id: str) -> str | None:
    """The session in MLflow's chat-session view, when the store is a server.

    Format (MLflow 3.17 UI): `{server}/#/experiments/{experiment_id}/chat-sessions/{session_id}`.
    A SQLite store has no UI address of its own, so no link."""
    if not tracking_uri or urlparse(tracking_uri).scheme not in ("http", "https"):
        return None
    base = tracking_uri.rstrip("/")
    return f"{base}/#/experiments/{quote(experiment_id, safe='')}/chat-sessions/{quote(session_id, safe='')}"


def turn_url(tracking_uri: str | None, experiment_id: str, session_id: str, trace_id: str) -> str | None:
    """One turn opened in the session view: the session link plus `?selectedTraceId={trace_id}`."""
    base = session_url(tracking_uri, experiment_id, session_id)
    return f"{base}?selectedTraceId={quote(trace_id, safe='')}" if base else None


class GivenTraces:
    """A session's traces handed over by the caller (MLflow's evaluation harness gives a
    session-level scorer its traces): the same reconstruction path, no store read."""

    def __init__(self, traces: list[Any], tracking_uri: str | None = None) -> None:
        self._traces = sorted(traces, key=lambda t: (t.info.request_time, t.info.trace_id))
        self.tracking_uri = tracking_uri or "(traces given by the caller)"
        self._link_uri = tracking_uri
        self.calls = 0

    def load_session(self, experiment_id: str, session_id: str) -> list[Any]:
        traces = [t for t in self._traces if t.info.trace_metadata.get(SESSION_KEY, session_id) == session_id]
        if not traces:
            raise TurnbackError(f"no traces of session {session_id!r} were given")
        return traces

    def session_url(self, experiment_id: str, session_id: str) -> str | None:
        return session_url(self._link_uri, experiment_id, session_id)

    def trace_url(self, experiment_id: str, session_id: str, trace_id: str) -> str | None:
        return turn_url(self._link_uri, experiment_id, session_id, trace_id)


def absolute_sqlite(uri: str) -> str:
    """`sqlite:///relative.db` made absolute: MLflow caches SQLite engines by URI string,
    so a relative one opened again from another working directory would reach the old file."""
    path = uri.removeprefix("sqlite:///") if uri.startswith("sqlite:///") else None
    if not path or path == ":memory:" or Path(path).is_absolute():
        return uri
    return f"sqlite:///{Path(path).resolve()}"


def session_filter(session_id: str) -> str:
    """An MLflow filter matching the session id, for any id.

    MLflow's filter strings have no escape inside quotes: an id with a single quote is
    written in double quotes, and one with both kinds is matched with LIKE on its
    longest quote-free piece (callers keep only exact matches).
    """
    if "'" not in session_id:
        return f"metadata.`{SESSION_KEY}` = '{session_id}'"
    if '"' not in session_id:
        return f'metadata.`{SESSION_KEY}` = "{session_id}"'
    piece = max(re.split(r"['\"]", session_id), key=len)
    return f"metadata.`{SESSION_KEY}` LIKE '%{piece}%'"


def _is_mlflow_sqlite(path: Path) -> bool:
    """A SQLite file holding MLflow's tables, checked read-only so nothing is written."""
    import sqlite3

    try:
        with path.open("rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return False
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            names = {row[0] for row in rows}
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        return False
    return {"experiments", "alembic_version"} <= names


def quiet_mlflow_http() -> None:
    """For the CLI, which owns its process: keep an unreachable or failing server from
    hiding behind minutes of retries, and MLflow's INFO lines off stderr. The Python API
    never calls this (it changes process-wide settings); it uses `quiet_mlflow_logs`."""
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
    import mlflow  # noqa: F401  (MLflow sets its loggers up on import; override after)

    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


QUIET_LOGGERS = ("mlflow", "alembic")
_quiet_lock = threading.Lock()
_quiet_depth = 0
_saved_levels: dict[str, int] = {}


@contextmanager
def quiet_mlflow_logs() -> Iterator[None]:
    """MLflow's and alembic's INFO lines (store migrations) silenced for the duration of
    a call, and the caller's levels restored afterwards. Counted, so concurrent analyses
    in threads restore the caller's levels only when the last one ends."""
    global _quiet_depth
    import mlflow  # noqa: F401  (MLflow sets its loggers up on import; save the levels after)

    with _quiet_lock:
        if _quiet_depth == 0:
            for name in QUIET_LOGGERS:
                logger = logging.getLogger(name)
                _saved_levels[name] = logger.level
                logger.setLevel(max(logger.level, logging.WARNING))
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                for name, level in _saved_levels.items():
                    logging.getLogger(name).setLevel(level)
                _saved_levels.clear()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
