"""turnback inside MLflow: the session-level scorer in `mlflow.genai.evaluate`, concurrent
analyses in one process, no side effects on the caller's process, one verdict per session."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
from pathlib import Path

import mlflow
import pytest
from mlflow import MlflowClient
from turnback import analyze_session
from turnback.demo.builder import chat_turn, write_session
from turnback.llm import OpenAIChatModel

from tests.openai_stub import OpenAIStub, ScriptedJudge
from tests.test_analyze import EXCEPT_LINE, plain_session, shop_repo

README = Path(__file__).resolve().parent.parent / "README.md"


def healthy_session() -> list[dict]:
    return [
        chat_turn("What time do you open on Saturday?", "We open at 9am on Saturdays."),
        chat_turn("Great, thanks!", "You're welcome, see you Saturday."),
    ]


def new_store(template: Path, folder: Path) -> str:
    folder.mkdir(parents=True)
    shutil.copy(template, folder / "mlflow.db")
    return f"sqlite:///{folder / 'mlflow.db'}"


def own_traces(uri: str) -> list:
    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name("turnback")
    return client.search_traces(locations=[experiment.experiment_id]) if experiment else []


@pytest.fixture
def restore_mlflow_globals(monkeypatch):  # type: ignore[no-untyped-def]
    """Undo what application code does to MLflow's process-wide state (tracking URI,
    active experiment, their environment variables, the trace destination)."""
    from mlflow.tracking import fluent
    from mlflow.tracking._tracking_service import utils

    for var in ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID"):
        monkeypatch.setenv(var, "")  # records the variable's absence, so it is undone
        monkeypatch.delenv(var)
    monkeypatch.setattr(utils, "_tracking_uri", utils._tracking_uri)
    monkeypatch.setattr(fluent, "_active_experiment_id", None)
    yield
    mlflow.tracing.reset()


@pytest.fixture
def user_tracking_uri(tmp_path: Path, empty_store_template: Path, restore_mlflow_globals):  # type: ignore[no-untyped-def]
    """The caller's own global tracking URI, set the way an application sets it."""
    uri = new_store(empty_store_template, tmp_path / "user")
    mlflow.set_tracking_uri(uri)
    return uri


# --- concurrency and side effects -------------------------------------------------------


def test_two_analyses_in_threads_keep_their_stores_traces_and_the_callers_uri_apart(
    tmp_path, empty_store_template, user_tracking_uri
):
    faulty_uri = new_store(empty_store_template, tmp_path / "a")
    healthy_uri = new_store(empty_store_template, tmp_path / "b")
    write_session(faulty_uri, "app", "sess-a", plain_session())
    write_session(healthy_uri, "app", "sess-b", healthy_session())
    own = {"sess-a": f"sqlite:///{tmp_path / 'own-a.db'}", "sess-b": f"sqlite:///{tmp_path / 'own-b.db'}"}
    # Both analyses wait for each other once they have read their session, so they are
    # certainly running at the same time, each inside its own self-trace.
    both_reading = threading.Barrier(2, timeout=120)
    reports, errors = {}, []

    def run(session_id: str, store: str) -> None:
        def progress(line: str) -> None:
            if line.startswith("read "):
                both_reading.wait()

        try:
            reports[session_id] = analyze_session(
                session_id, tracking_uri=store, self_trace_uri=own[session_id], progress=progress)
        except Exception as exc:  # reported below, with the thread's own message
            errors.append(exc)

    threads = [threading.Thread(target=run, args=("sess-a", faulty_uri)),
               threading.Thread(target=run, args=("sess-b", healthy_uri))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert reports["sess-a"].root_cause is not None and reports["sess-a"].root_cause.turn == 2
    assert reports["sess-b"].root_cause is None
    for session_id in ("sess-a", "sess-b"):
        [trace] = own_traces(own[session_id])
        spans = {s.name: s for s in trace.data.spans}
        assert spans["turnback.analyze"].inputs == {"session_id": session_id}
        assert {"discover_schema", "judge_turns", "report"} <= set(spans)
        assert reports[session_id].self_trace.startswith(f"trace {trace.info.trace_id} ")
    # nothing of turnback's landed in the analyzed stores, and the caller's URI is untouched
    for store in (faulty_uri, healthy_uri):
        assert MlflowClient(store).get_experiment_by_name("turnback") is None
    assert mlflow.get_tracking_uri() == user_tracking_uri
    # the caller's own tracing still goes to the caller's store
    with mlflow.start_span(name="user-work"):
        pass
    user_traces = MlflowClient(user_tracking_uri).search_traces(locations=["0"])
    assert [t.data.spans[0].name for t in user_traces] == ["user-work"]


def test_the_python_api_leaves_the_process_as_it_found_it(write, store_uri, user_tracking_uri, monkeypatch):
    write("sess-1", plain_session())
    for var in ("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
                "MLFLOW_HTTP_REQUEST_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)
    loggers = {name: logging.getLogger(name) for name in ("mlflow", "alembic")}
    saved = {name: logger.level for name, logger in loggers.items()}
    loggers["mlflow"].setLevel(logging.INFO)
    loggers["alembic"].setLevel(logging.NOTSET)
    environment = dict(os.environ)
    try:
        # self-tracing on (a new store of its own is created) and a write-back: every path
        report = analyze_session("sess-1", tracking_uri=store_uri, write_back=True)

        assert report.self_trace.startswith("trace ")
        assert dict(os.environ) == environment
        assert loggers["mlflow"].level == logging.INFO
        assert loggers["alembic"].level == logging.NOTSET
        assert mlflow.get_tracking_uri() == user_tracking_uri
    finally:
        for name, level in saved.items():
            loggers[name].setLevel(level)


# --- write-back ----------------------------------------------------------------------------


def test_two_write_backs_leave_one_valid_verdict_that_overrides_the_first(write, store_uri, cli):
    experiment_id = write("swallowed", plain_session())
    client = MlflowClient(store_uri)
    first = client.search_traces(locations=[experiment_id], order_by=["timestamp_ms ASC"])[0].info.trace_id

    assert cli("analyze", "swallowed", "--tracking-uri", store_uri, "--write-back").exit_code == 0
    assert cli("analyze", "swallowed", "--tracking-uri", store_uri, "--write-back").exit_code == 0

    verdicts_ = [a for a in client.get_trace(first).info.assessments if a.name == "turnback_verdict"]
    [current] = [a for a in verdicts_ if a.valid]
    [earlier] = [a for a in verdicts_ if not a.valid]
    assert current.overrides == earlier.assessment_id
    assert current.feedback.value == "turn 2: tool_failure_reported_as_success"
    assert current.metadata["mlflow.trace.session"] == "swallowed"


# --- the scorer ------------------------------------------------------------------------------


def test_the_scorer_returns_the_root_turn_the_explanation_and_the_code_finding(write, store_uri, git_repo):
    from turnback.scorers import RootCause

    experiment_id = write("swallowed", plain_session())
    session = MlflowClient(store_uri).search_traces(locations=[experiment_id])
    repo = shop_repo(git_repo)

    feedback = RootCause(repo=str(repo))(session=session)

    assert feedback.name == "turnback_root_cause"
    assert feedback.value == "turn 2: tool_failure_reported_as_success"
    assert feedback.rationale.startswith("At turn 2, 'update_address' failed (address service returned 503)")
    assert f"In the code: shop/tools.py:{EXCEPT_LINE} (swallowed_error)" in feedback.rationale
    assert feedback.metadata["mode"] == "offline"
    assert (feedback.metadata["root_turn"], feedback.metadata["symptom_turn"]) == ("2", "4")
    assert feedback.metadata["category"] == "tool_failure_reported_as_success"
    assert feedback.metadata["top_finding"].startswith(f"shop/tools.py:{EXCEPT_LINE}")
    assert feedback.source.source_id == "turnback"


def test_the_scorer_says_healthy_for_a_healthy_session(write, store_uri):
    from turnback.scorers import RootCause

    experiment_id = write("fine", healthy_session())

    feedback = RootCause()(session=MlflowClient(store_uri).search_traces(locations=[experiment_id]))

    assert feedback.value == "healthy"
    assert feedback.metadata["root_turn"] == ""


def test_the_scorer_uses_the_llm_it_is_given(write, store_uri, openai_stub):
    from turnback.scorers import RootCause

    experiment_id = write("swallowed", plain_session())
    openai_stub.default = ScriptedJudge()
    llm = OpenAIChatModel("judge-model", base_url=openai_stub.base_url, attempts=1)

    feedback = RootCause(llm=llm)(session=MlflowClient(store_uri).search_traces(locations=[experiment_id]))

    assert feedback.metadata["mode"] == "llm"
    assert feedback.value == "turn 2: tool_failure_reported_as_success"
    assert openai_stub.requests


def readme_block(heading: str) -> str:
    """The first ```python block after `heading` in the README."""
    text = README.read_text()
    section = text[text.index(heading):]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]


def test_the_readme_scorer_snippet_runs_next_to_a_builtin_session_judge(
    empty_store_template, git_repo, monkeypatch, capsys, restore_mlflow_globals
):
    """The README's code, as written, against a real store, with MLflow's UserFrustration
    judge answered by the local OpenAI-compatible stub."""
    app = shop_repo(git_repo)
    shutil.copy(empty_store_template, app / "mlflow.db")
    write_session(f"sqlite:///{app / 'mlflow.db'}", "my-chat-app", "swallowed", plain_session())
    write_session(f"sqlite:///{app / 'mlflow.db'}", "my-chat-app", "fine", healthy_session())
    judge = OpenAIStub(default=lambda _request: (
        "reply", json.dumps({"result": "resolved", "rationale": "The user was upset at the end."}))).start()
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", judge.base_url)
    monkeypatch.chdir(app)
    try:
        exec(compile(readme_block("### As an MLflow scorer"), "README.md", "exec"), {})
    finally:
        judge.stop()

    printed = capsys.readouterr().out
    assert re.search(r"swallowed\s+turn 2: tool_failure_reported_as_success\s+resolved", printed), printed
    assert re.search(r"fine\s+healthy\s+resolved", printed), printed
    assert judge.requests, "the built-in judge was called"
    # the verdicts are logged on each session's first trace, as MLflow does for its own judges
    client = MlflowClient(f"sqlite:///{app / 'mlflow.db'}")
    experiment_id = client.get_experiment_by_name("my-chat-app").experiment_id
    first = client.search_traces(
        locations=[experiment_id], filter_string="metadata.`mlflow.trace.session` = 'swallowed'",
        order_by=["timestamp_ms ASC"])[0]
    logged = {a.name: a for a in client.get_trace(first.info.trace_id).info.assessments}
    assert logged["turnback_root_cause"].value == "turn 2: tool_failure_reported_as_success"
    assert logged["turnback_root_cause"].metadata["root_turn"] == "2"
    assert f"shop/tools.py:{EXCEPT_LINE}" in logged["turnback_root_cause"].rationale
    assert logged["user_frustration"].value == "resolved"


def test_the_readme_python_snippet_runs_as_written(empty_store_template, git_repo, monkeypatch, capsys):
    app = shop_repo(git_repo)
    shutil.copy(empty_store_template, app / "mlflow.db")
    write_session(f"sqlite:///{app / 'mlflow.db'}", "my-chat-app", "sess-42", plain_session())
    monkeypatch.chdir(app)

    exec(compile(readme_block("### From Python"), "README.md", "exec"), {})

    printed = capsys.readouterr().out
    assert "turn=2" in printed and "category='tool_failure_reported_as_success'" in printed
    assert "'schema_version': '1.0'" in printed
    assert f"'path': 'shop/tools.py', 'line': {EXCEPT_LINE}" in printed


def test_the_decorator_scorer_survives_mlflows_serialization_and_registry(
    write, store_uri, restore_mlflow_globals, monkeypatch
):
    from mlflow.genai.scorers import Scorer, get_scorer
    from turnback.scorers import root_cause

    experiment_id = write("swallowed", plain_session())
    session = MlflowClient(store_uri).search_traces(locations=[experiment_id])
    monkeypatch.setenv("MLFLOW_SERVER_ENABLE_CUSTOM_SCORERS", "true")
    mlflow.set_tracking_uri(store_uri)

    rebuilt = Scorer.model_validate(root_cause.model_dump())
    root_cause.register(experiment_id=experiment_id)
    registered = get_scorer(name="turnback_root_cause", experiment_id=experiment_id)

    assert rebuilt.is_session_level_scorer and registered.is_session_level_scorer
    for copy in (rebuilt, registered):
        assert copy(session=session).value == "turn 2: tool_failure_reported_as_success"
