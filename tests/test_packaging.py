"""The import name is `turnback`, not `agent`, and importing it is cheap."""

from __future__ import annotations

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
