"""Code search lets git do the scanning: `git grep` picks the lines, Python reads only the
files that name the root turn's targets. The same search without git (a plain folder)
names the same lines. Real stores, real git repos, what a user sees: file:line."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from turnback import analyze_session, repo_search
from turnback.nodes.correlate_codebase import search_repo, targets_for
from turnback.state import RootCause, SpanError, ToolCall, Turn

from tests.test_analyze import EXCEPT_LINE, TOOLS_PY, plain_session

# Lines only Python's Unicode-aware patterns match as written: a non-ASCII identifier, a
# no-break space, a form feed (a new line for str.splitlines, not for git or editors)
# and Windows line ends. git's byte-level search must pick them all the same.
CHAT_PY = ("import collections\n"
           "\f\n"
           "def reply(state, message):\n"
           "    del éhistory[0]\n"
           "    session_id\u00a0= state.sid\n"
           "    recent = messages[-6:]\n"
           "    return recent\n")
WINDOWS_PY = "def trim(history):\r\n    history.pop(0)\r\n    return history\r\n"
APP_FILES = {
    "shop/tools.py": TOOLS_PY,
    "shop/app.py": 'def handle(req):\n    session_id = req.cookies["sid"]\n    return session_id\n',
    "shop/chat.py": CHAT_PY,
    "shop/windows.py": WINDOWS_PY,
    "README.md": "shop assistant\n",
}


def _places(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{f.path}:{f.line} {f.kind}" for f in report.code_findings]


def _without_git(repo: Path, where: Path) -> Path:
    shutil.copytree(repo, where, ignore=shutil.ignore_patterns(".git"))
    return where


@pytest.fixture
def python_scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files Python scanned itself (the search without git)."""
    scanned: list[str] = []
    original = repo_search._python_grep

    def recording(repo, files, regex):  # type: ignore[no-untyped-def]
        scanned.extend(files)
        return original(repo, files, regex)

    monkeypatch.setattr(repo_search, "_python_grep", recording)
    return scanned


def test_git_search_and_the_search_without_git_name_the_same_lines(
        write, store_uri, git_repo, tmp_path, python_scans) -> None:
    experiment = write("sess-1", plain_session())
    repo = git_repo(APP_FILES)
    plain = _without_git(repo, tmp_path / "plain")

    with_git = analyze_session("sess-1", tracking_uri=store_uri, experiment_id=experiment, repo=repo,
                               self_trace_uri=None)
    assert python_scans == []  # git did the scanning
    without_git = analyze_session("sess-1", tracking_uri=store_uri, experiment_id=experiment, repo=plain,
                                  self_trace_uri=None)
    assert python_scans  # and here Python did

    assert _places(with_git) == _places(without_git)
    assert _places(with_git)[0] == f"shop/tools.py:{EXCEPT_LINE} swallowed_error"
    assert with_git.code_correlation.files_searched == without_git.code_correlation.files_searched == 5
    # Lines counted at newlines, as git and editors count them: the form feed starts none.
    assert {"shop/app.py:2 session_id", "shop/chat.py:4 history_window", "shop/chat.py:5 session_id",
            "shop/chat.py:6 history_window", "shop/windows.py:2 history_window"} <= set(_places(with_git))


def _root_turn() -> tuple[Turn, RootCause]:
    turn = Turn(
        index=2, trace_id="tr-1", timestamp_ms=0, state="OK", user="change my address",
        assistant="Done!", span_names=["chat", "update_address", "lookup_order"],
        errors=[SpanError(span_id="s1", span_name="update_address", message="address service returned 503")],
        tools=[ToolCall(span_id="s1", name="update_address", error="address service returned 503")],
    )
    return turn, RootCause(turn=2, trace_id="tr-1", category="tool_failure_reported_as_success",
                           explanation="", confidence="high")


NAMESAKE = "def update_address(record, value):\n    record['address'] = value\n"
TEST_DOUBLE = '''from shop.tools import lookup_order


def update_address(order_id, address):
    raise RuntimeError("address service returned 503")
'''


@pytest.mark.parametrize("with_git", [True, False])
def test_the_traced_def_is_ranked_above_namesakes_that_come_first_by_path(git_repo, tmp_path, with_git):
    """Equally relevant findings are ordered by what the file has to do with the turn, not
    by path: five namesakes and a test double do not push the traced function out."""
    files = {"shop/tools.py": TOOLS_PY, "tests/test_tools.py": TEST_DOUBLE,
             **{f"legacy/adapter_{n}.py": NAMESAKE for n in range(5)}}
    repo = git_repo(files)
    repo = repo if with_git else _without_git(repo, tmp_path / "plain")
    turn, root = _root_turn()

    _files, findings = search_repo(repo, targets_for(turn), root)

    # At most four of a kind are kept: by path, these were the four namesakes.
    defs = [f"{f.path}:{f.line}" for f in findings if f.kind == "span_function"]
    assert defs == ["shop/tools.py:12", "legacy/adapter_0.py:1", "legacy/adapter_1.py:1",
                    "legacy/adapter_2.py:1"]  # the test double, naming more of the turn, comes after


@pytest.mark.parametrize("with_git", [True, False])
def test_the_search_follows_no_symlink_reads_no_fifo_and_runs_no_repo_config(
        git_repo, tmp_path, with_git):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("def update_address():\n    session_id = 'stolen'\n")
    repo = git_repo({"shop/tools.py": TOOLS_PY})
    repo = repo if with_git else _without_git(repo, tmp_path / "plain")
    marker = tmp_path / "pwned"
    if with_git:
        subprocess.run(["git", "-C", str(repo), "config", "core.fsmonitor", f"touch {marker}; false"],
                       check=True)
        subprocess.run(["git", "-C", str(repo), "config", "grep.fullName", "true"], check=True)
    (repo / "escape.py").symlink_to(outside / "secret.py")
    (repo / "linked").symlink_to(outside, target_is_directory=True)
    (repo / "zero.py").symlink_to("/dev/zero")
    (repo / "alias.py").symlink_to(repo / "shop" / "tools.py")  # inside: listed, not searched twice
    os.mkfifo(repo / "fifo.py")
    turn, root = _root_turn()
    result: list = []

    # A FIFO opened for reading would block forever: search in a thread, and give up on it.
    worker = threading.Thread(target=lambda: result.append(search_repo(repo, targets_for(turn), root)),
                              daemon=True)
    worker.start()
    worker.join(timeout=60)

    assert result, "the search blocked (on the FIFO?)"
    files, findings = result[0]
    assert files == ["alias.py", "shop/tools.py"]
    assert {f.path for f in findings} == {"shop/tools.py"}
    assert not marker.exists()
