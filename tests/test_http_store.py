"""The HTTP path: a real `mlflow server` on loopback, started by the test."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from turnback.demo.builder import write_session

from tests.mlflow_server import mlflow_server
from tests.test_analyze import plain_session


@pytest.fixture(scope="module")
def server_uri(tmp_path_factory: pytest.TempPathFactory, empty_store_template: Path) -> Iterator[str]:
    db = tmp_path_factory.mktemp("server") / "mlflow.db"
    shutil.copy(empty_store_template, db)
    with mlflow_server(db) as uri:
        yield uri


def test_session_read_over_http_names_the_root_cause_and_links_traces(server_uri, cli):
    experiment_id = write_session(server_uri, "http-app", "sess-http", plain_session())

    result = cli("analyze", "sess-http", "--tracking-uri", server_uri, "--format", "json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["experiment_id"] == experiment_id
    assert (report["root_cause"]["turn"], report["symptom_turn"]) == (2, 4)
    first = report["turns"][0]["trace_id"]
    session_view = f"{server_uri}/#/experiments/{experiment_id}/chat-sessions/sess-http"
    assert report["session_url"] == session_view
    assert report["trace_urls"][first] == f"{session_view}?selectedTraceId={first}"
    markdown = cli("analyze", "sess-http", "--tracking-uri", server_uri).stdout
    assert f"`sess-http` ([open in MLflow]({session_view}))" in markdown
    assert f"[1]({session_view}?selectedTraceId={first})" in markdown


def test_unknown_session_over_http_is_a_one_line_error(server_uri, cli):
    result = cli("analyze", "ghost", "--tracking-uri", server_uri)

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"turnback: error: session 'ghost' not found in any experiment of {server_uri}"
    )


def test_sessions_over_http_streams_more_traces_than_one_page(server_uri, cli, monkeypatch):
    from turnback.demo.builder import chat_turn

    write_session(server_uri, "http-listing", "paged-a", plain_session())
    write_session(server_uri, "http-listing", "paged-b", [
        chat_turn("When does the branch close on Saturday?", "It closes at 17:00 on Saturday."),
        chat_turn("It closes at 13:00 on Saturdays, not 17:00!", "Let me check the branch hours for you."),
    ])
    monkeypatch.setattr("turnback.store.HTTP_PAGE_SIZE", 2)  # 6 traces: three pages and more

    result = cli("sessions", "--tracking-uri", server_uri, "--experiment-name", "http-listing",
                 "--format", "json")

    assert result.exit_code == 0, result.stderr
    rows = {r["session_id"]: (r["turns"], r["errors"], r["complaints"]) for r in json.loads(result.stdout)}
    assert rows == {"paged-a": (4, 1, 1), "paged-b": (2, 0, 1)}


def test_a_flagged_batch_over_http_probes_the_server_and_opens_the_store_once(server_uri, cli, tmp_path,
                                                                              monkeypatch):
    import turnback.store

    write_session(server_uri, "http-batch", "batch-a", plain_session())
    write_session(server_uri, "http-batch", "batch-b", plain_session())
    probes: list[str] = []
    original = turnback.store.probe_server
    monkeypatch.setattr(turnback.store, "probe_server",
                        lambda uri, *a: probes.append(uri) or original(uri, *a))

    result = cli("analyze", "--flagged", "--tracking-uri", server_uri, "--experiment-name", "http-batch",
                 "--no-self-trace", "--output-dir", str(tmp_path / "reports"), "--format", "json")

    assert result.exit_code == 0, result.stderr
    assert sorted(e["session_id"] for e in json.loads(result.stdout)) == ["batch-a", "batch-b"]
    assert probes == [server_uri]  # one store for the listing and both analyses
