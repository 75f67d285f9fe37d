"""What people and CI read: the batch index in both formats, listing times, help text,
the cleaned Markdown report, the demo's store, and the GitHub Action."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from turnback.demo.builder import chat_turn

from tests.test_ci import write_three_sessions


def test_flagged_with_format_json_prints_the_json_index(write, store_uri, cli, tmp_path):
    write_three_sessions(write)
    out = tmp_path / "reports"

    result = cli("analyze", "--flagged", "--tracking-uri", store_uri, "--output-dir", str(out),
                 "--format", "json")

    assert result.exit_code == 0, result.stderr
    index = json.loads(result.stdout)
    assert sorted((e["session_id"], e["root_turn"], e["report"]) for e in index) == [
        ("swallowed", 2, "swallowed.json"), ("unhappy", 1, "unhappy.json")]
    assert result.stdout == (out / "index.json").read_text()
    assert json.loads((out / "swallowed.json").read_text())["root_cause"]["turn"] == 2


def test_flagged_with_output_writes_the_index_to_that_file(write, store_uri, cli, tmp_path):
    write_three_sessions(write)
    out, target = tmp_path / "reports", tmp_path / "x.json"

    result = cli("analyze", "--flagged", "--tracking-uri", store_uri, "--output-dir", str(out),
                 "--format", "json", "-o", str(target))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert {e["session_id"] for e in json.loads(target.read_text())} == {"swallowed", "unhappy"}
    assert f"index written to {target}" in result.stderr


def test_an_index_written_elsewhere_links_to_the_reports_where_they_are(write, store_uri, cli, tmp_path):
    write_three_sessions(write)
    out, target = tmp_path / "reports", tmp_path / "summary" / "index.md"
    target.parent.mkdir()

    result = cli("analyze", "--flagged", "--tracking-uri", store_uri, "--output-dir", str(out),
                 "-o", str(target))

    assert result.exit_code == 0, result.stderr
    links = re.findall(r"\]\(([^)]+)\)", target.read_text())
    assert links and all((target.parent / link).is_file() for link in links)
    beside = re.findall(r"\]\(([^)]+)\)", (out / "index.md").read_text())
    assert beside and all((out / link).is_file() for link in beside)


def test_flagged_output_into_a_missing_folder_is_refused_before_any_work(write, store_uri, cli, tmp_path):
    write_three_sessions(write)
    out = tmp_path / "reports"

    result = cli("analyze", "--flagged", "--tracking-uri", store_uri, "--output-dir", str(out),
                 "-o", str(tmp_path / "nowhere" / "index.md"))

    assert result.exit_code == 2
    assert result.stderr.strip().endswith("its folder does not exist")
    assert not out.exists()


def test_the_markdown_index_links_each_report(write, store_uri, cli, tmp_path):
    write_three_sessions(write)
    out = tmp_path / "reports"

    result = cli("analyze", "--flagged", "--tracking-uri", store_uri, "--output-dir", str(out))

    index_md = (out / "index.md").read_text()
    assert result.stdout == index_md
    assert "| [unhappy.md](unhappy.md) |" in index_md


@pytest.fixture
def india_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local timezone at UTC+05:30 (a POSIX TZ string: no tz database needed)."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_sessions_prints_times_in_iso_8601_with_their_offset(write, store_uri, cli, india_time):
    write("fine", [chat_turn("Hi", "Hello! How can I help?"), chat_turn("Thanks", "You're welcome.")])
    [row] = json.loads(cli("sessions", "--tracking-uri", store_uri, "--format", "json").stdout)
    offset = timezone(timedelta(hours=5, minutes=30))
    first, last = (datetime.fromtimestamp(row[k] / 1000, offset).isoformat(timespec="seconds")
                   for k in ("first_ms", "last_ms"))

    table = cli("sessions", "--tracking-uri", store_uri).stdout

    assert first.endswith("+05:30")
    assert f"| {first} | {last} |" in table


def test_analyze_help_lists_the_exit_codes_and_sessions_help_explains_format(cli):
    analyze_help = cli("analyze", "--help").stdout
    sessions_help = cli("sessions", "--help").stdout

    assert "Exit codes:" in analyze_help
    for line in ("0  analysis done", "1  a root cause was found and --fail-on-fault was given",
                 "2  usage or input error", "3  internal error"):
        assert line in analyze_help
    assert "ISO 8601" in sessions_help.split("--format", 1)[1]


def test_help_says_what_flagged_means_and_what_each_command_offers(cli):
    analyze_help = " ".join(cli("analyze", "--help").stdout.split())
    sessions_help = " ".join(cli("sessions", "--help").stdout.split())
    demo_help = " ".join(cli("demo", "--help").stdout.split())

    # a complaint alone flags a session, so every definition of "flagged" names it
    assert "failing assessments or user complaints" in analyze_help
    assert "failing assessments or user complaints" in sessions_help
    assert "a user turn complains about an earlier reply" in sessions_help
    # demo has no --flagged, and reuses a folder an earlier demo filled
    assert "--flagged" not in demo_help
    assert "one an earlier demo run filled, which is reused" in demo_help


def test_the_markdown_report_says_each_thing_once(cli):
    result = cli("demo")
    out = result.stdout

    assert result.exit_code == 0, result.stderr
    assert "> **Mode: offline**: verdicts come from recorded signals only" in out
    assert "offline: verdicts" not in out
    # the verdict line names root and symptom turns; the explanation under it adds the why
    verdict, why = out.split("**Verdict: ", 1)[1].split("\n\n")[:2]
    assert verdict.startswith("root cause at turn 2** (`tool_failure_reported_as_success`")
    assert why == ("Span 'reserve_room' failed (payment gateway did not answer within 30s), "
                   "but the reply reads as a success.")
    assert out.count("the failure shows at") == 1
    assert "| | |" not in out
    assert "- **Tracking URI:** `sqlite:///" in out
    trace_line = next(line for line in out.splitlines() if "own trace of this analysis" in line)
    location = trace_line.split(": ", 1)[1].rstrip("_")
    assert (out + result.stderr).count(location) == 1


def test_the_demo_keeps_its_store_and_app_under_turnback_home_and_reuses_them(cli, isolated_env):
    kept = isolated_env / "demo"

    first = cli("demo", "--no-self-trace", "--format", "json")

    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["tracking_uri"] == f"sqlite:///{kept / 'demo-mlflow.db'}"
    assert report["code_correlation"]["repo"] == str(kept / "acme-travel")
    assert (kept / "demo-mlflow.db").is_file() and (kept / "acme-travel" / "tools.py").is_file()
    assert f"wrote the demo store and app in {kept}" in first.stderr
    stored = (kept / "demo-mlflow.db").stat().st_mtime_ns

    again = cli("demo", "--no-self-trace", "--format", "json")

    assert f"reusing the demo store and app in {kept}" in again.stderr
    assert json.loads(again.stdout)["root_cause"] == report["root_cause"]
    assert (kept / "demo-mlflow.db").stat().st_mtime_ns == stored
    assert [p.name for p in isolated_env.iterdir() if p.name.startswith(".demo-")] == []


def test_a_root_blamed_through_a_later_complaint_says_why_once_in_its_timeline_row(
        write, store_uri, cli, tmp_path):
    # The parser read "at 7, table 2" as 2 o'clock; nothing failed at turn 1, so the
    # timeline row learns why only from the backward trace: "At turn 1, " there said the
    # turn twice ("root cause: At turn 1, parser step ... at turn 1 ...").
    from turnback.demo.builder import tool_span

    ask = "Please book a table for 4 people at 7, table 2 by the window"
    parse = {**tool_span("parse_request", {"text": ask}, {"people": 4, "hour": 2}), "type": "PARSER"}
    write("correct", [
        chat_turn(ask, "Done! Your table for 4 at 2:00 is reserved.", root_name="run_turn",
                  children=[parse]),
        chat_turn("No, I said 7, not 2:00!", "Happy to help with bookings and orders.", root_name="run_turn"),
    ])

    result = cli("analyze", "correct", "--tracking-uri", store_uri, "--format", "json", "-q",
                 "--no-self-trace")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["root_cause"]["turn"] == 1
    why = report["turns"][0]["reasons"][-1]
    assert why.startswith("root cause: parser step 'parse_request'"), why
    assert "At turn" not in why
