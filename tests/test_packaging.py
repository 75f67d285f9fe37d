"""The import name is `turnback`, not `agent`, and importing it is cheap."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _python(code: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_turnback_imports_beside_a_users_own_agent_package(tmp_path: Path) -> None:
    # LLM apps often have an `agent/` package and run turnback from inside their repo.
    (tmp_path / "agent").mkdir()
    (tmp_path / "agent" / "__init__.py").write_text("OWNER = 'the app'\n")
    out = _python(
        "import agent; from turnback import analyze_session, Report, TurnbackError; "
        "print(agent.OWNER, analyze_session.__module__, Report.__name__)",
        tmp_path,
    )
    assert out == "the app turnback.api Report"


def test_import_and_help_load_neither_mlflow_nor_langgraph(tmp_path: Path) -> None:
    out = _python(
        "import sys, contextlib, io\n"
        "import turnback\n"
        "from turnback.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('mlflow', 'langgraph', 'openai', 'pandas') if m in sys.modules))",
        tmp_path,
    )
    assert out == "[]"


def _modules_after_cli(args: list[str], cwd: Path) -> str:
    return _python(
        "import sys, contextlib, io\n"
        "from turnback.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        f"        main({args!r})\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('mlflow', 'langgraph', 'langsmith', 'openai') if m in sys.modules))",
        cwd,
    )


def test_the_installed_command_prints_help_and_version_without_loading_mlflow(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "turnback"
    for args in (["--help"], ["--version"], ["analyze", "--help"], ["sessions", "--help"]):
        done = subprocess.run([str(command), *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"})
        assert done.returncode == 0, done.stderr
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                    if line.startswith("import time:")}
        assert "turnback.cli" in imported  # the profile did see the command's imports
        assert not imported & {"mlflow", "langgraph", "langsmith", "pandas"}, args
    assert _modules_after_cli(["--version"], tmp_path) == "[]"


def test_listing_sessions_loads_no_langgraph(tmp_path: Path) -> None:
    from turnback.demo.builder import write_session

    from tests.test_analyze import plain_session

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    write_session(uri, "app", "s", plain_session())

    # MLflow reads the store; the analysis graph (langgraph, langsmith) is not needed to list.
    assert _modules_after_cli(["sessions", "--tracking-uri", uri], tmp_path) == "['mlflow']"
