"""Bad input: one clear line on stderr, exit code 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from turnback.demo.builder import chat_turn

from tests.mlflow_server import free_port, health_then_hang_server


def installed_command() -> str:
    """The `turnback` entry point installed beside the interpreter running the tests."""
    command = Path(sys.executable).parent / "turnback"
    assert command.exists(), f"turnback is not installed in {command.parent}"
    return str(command)


def assert_one_line_error(result, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("turnback: error:")]
    assert len(errors) == 1, result.stderr
    assert expected in errors[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.fixture
def populated(write, store_uri):  # type: ignore[no-untyped-def]
    write("sess-1", [chat_turn("hi", "hello")])
    return store_uri


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["nope"], "session 'nope' not found in any experiment"),
        (["nope", "--experiment-id", "1"], "session 'nope' not found in experiment 1"),
        (["sess-1", "--experiment-id", "999"], "no experiment with id '999'"),
        (["sess-1", "--experiment-name", "missing"], "no experiment named 'missing'"),
        (["sess-1", "--repo", "/does/not/exist"], "--repo /does/not/exist: no such directory"),
        (["sess-1", "--repo", "/etc/passwd"], "--repo /etc/passwd: is a file"),
        (["sess-1", "--experiment-id", "1", "--experiment-name", "app"], "not both"),
    ],
)
def test_bad_session_experiment_or_repo(cli, populated, extra, expected):
    result = cli("analyze", *extra, "--tracking-uri", populated)

    assert_one_line_error(result, expected)


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("sqlite:////no/such/dir/mlflow.db", "no MLflow store at /no/such/dir/mlflow.db"),
        ("foo://bar", "unsupported tracking URI 'foo://bar'"),
        ("/tmp/some/mlruns", "is a file store, which holds no traces"),
    ],
)
def test_bad_tracking_uri(cli, uri, expected, tmp_path):
    result = cli("analyze", "sess-1", "--tracking-uri", uri)

    assert_one_line_error(result, expected)
    assert not (tmp_path / "no").exists()


def test_a_session_asked_for_in_the_wrong_experiment_says_where_it_is(cli, store_uri, write):
    holder = write("sess-9", [chat_turn("Hi", "Hello!")], experiment="chat-app")
    other = write("other", [chat_turn("Hi", "Hello!")], experiment="another-app")

    result = cli("analyze", "sess-9", "--tracking-uri", store_uri, "--experiment-id", other)

    assert_one_line_error(result, f"it is in experiment {holder} (--experiment-id {holder})")


def test_a_plain_path_to_a_store_gets_the_uri_that_works(cli, populated):
    path = populated.removeprefix("sqlite:///")

    result = cli("analyze", "sess-1", "--tracking-uri", path)

    assert_one_line_error(result, f"use sqlite:///{Path(path).resolve()}")


def test_missing_sqlite_store_is_not_created(cli, tmp_path):
    target = tmp_path / "typo.db"

    cli("analyze", "sess-1", "--tracking-uri", f"sqlite:///{target}")

    assert not target.exists()


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + bytes(84)])
def test_a_file_that_is_no_mlflow_store_is_refused_and_left_as_it_was(cli, tmp_path, content):
    target = tmp_path / "empty.db"
    target.write_bytes(content)

    result = cli("analyze", "sess-1", "--tracking-uri", f"sqlite:///{target}")

    assert_one_line_error(result, "is not an MLflow store")
    assert target.read_bytes() == content


def test_output_into_a_missing_folder_is_refused_before_the_analysis(cli, populated, tmp_path):
    result = cli("analyze", "sess-1", "--tracking-uri", populated, "-o", str(tmp_path / "nodir" / "r.md"))

    assert_one_line_error(result, "its folder does not exist")
    assert "reading session" not in result.stderr


def test_installed_command_fails_fast_on_an_unreachable_server():
    """The real binary, as a user runs it: one line, exit 2, no hang behind HTTP retries."""
    command = installed_command()
    url = f"http://127.0.0.1:{free_port()}"

    # The timeout is a guard against a hang, not a measurement.
    done = subprocess.run(
        [command, "analyze", "sess-1", "--tracking-uri", url, "--no-self-trace"],
        capture_output=True, text=True, timeout=60,
    )

    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(
        f"turnback: error: cannot reach MLflow tracking server at {url}"
    )
    assert "Traceback" not in done.stderr


def test_a_server_that_answers_health_then_hangs_is_a_one_line_error(cli):
    with health_then_hang_server() as url:
        result = cli("analyze", "sess-1", "--tracking-uri", url, "--no-self-trace")

    assert_one_line_error(
        result,
        f"cannot reach MLflow tracking server at {url}: "
        "it answers /health but its API did not reply within 5s",
    )


def test_installed_command_reports_an_unknown_session_in_one_line(populated):
    done = subprocess.run(
        [installed_command(), "analyze", "ghost", "--tracking-uri", populated,
         "--no-self-trace"],
        capture_output=True, text=True, timeout=120,
    )

    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"turnback: error: session 'ghost' not found in any experiment of {populated}"
    )
