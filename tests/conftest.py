"""Shared fixtures: isolated environment, real SQLite stores, real git repos, a CLI runner."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from turnback.cli import main
from turnback.demo.builder import write_session

from tests.openai_stub import OpenAIStub


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own turnback home and no LLM or store settings from outside."""
    home = tmp_path / "turnback-home"
    monkeypatch.setenv("TURNBACK_HOME", str(home))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID",
                "TURNBACK_MODEL", "TURNBACK_TRACE_URI", "TURNBACK_DEBUG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")
    monkeypatch.chdir(tmp_path)
    return home


@pytest.fixture(scope="session")
def empty_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MLflow SQLite store with its schema created once; tests copy it (migrations are slow)."""
    from mlflow import MlflowClient

    path = tmp_path_factory.mktemp("template") / "mlflow.db"
    MlflowClient(f"sqlite:///{path}").search_experiments()
    return path


@pytest.fixture
def store_uri(tmp_path: Path, empty_store_template: Path) -> str:
    path = tmp_path / "store" / "mlflow.db"
    path.parent.mkdir()
    shutil.copy(empty_store_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def write(store_uri: str):  # type: ignore[no-untyped-def]
    """write(session_id, turns, experiment="app") -> experiment id."""

    def _write(session_id: str, turns: list[dict[str, Any]], experiment: str = "app") -> str:
        return write_session(store_uri, experiment, session_id, turns)

    return _write


@pytest.fixture
def git_repo(tmp_path: Path):  # type: ignore[no-untyped-def]
    """git_repo({"path": "content"}) -> a committed git repository."""

    def _make(files: dict[str, str], name: str = "app") -> Path:
        repo = tmp_path / name
        for rel, content in files.items():
            target = repo / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
        git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
        subprocess.run([*git, "init", "-q"], check=True)
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", "app"], check=True)
        return repo

    return _make


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """cli("analyze", ...) -> click Result with separate stdout and stderr."""

    def _run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return _run


@pytest.fixture
def openai_stub() -> Iterator[OpenAIStub]:
    stub = OpenAIStub().start()
    yield stub
    stub.stop()
