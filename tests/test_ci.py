"""CI use: listing and flagging sessions, batch reports, exit codes, write-back, masking,
and the code findings and recommendations people act on."""

from __future__ import annotations

import json

from mlflow import MlflowClient
from turnback.demo.builder import chat_turn, tool_span

from tests.test_analyze import EXCEPT_LINE, TOOLS_PY, plain_session, shop_repo


def write_three_sessions(write) -> None:  # type: ignore[no-untyped-def]
    write("swallowed", plain_session())  # a span error, trace state OK
    write("unhappy", [
        chat_turn("Is the store open on Sunday?", "Yes, we are open on Sunday.", assessments=[{
            "name": "correctness", "value": "no",
            "rationale": "The answer is incorrect: the store is closed on Sundays."}]),
    ])
    write("fine", [
        chat_turn("Hi", "Hello! How can I help?", assessments=[{
            "name": "user_frustration", "value": "no", "rationale": "The user is not frustrated."}]),
    ])


def test_a_session_whose_only_sign_of_trouble_is_a_user_complaint_is_flagged(write, store_uri, cli):
    write("complained", [
        chat_turn("When does the branch close on Saturday?", "It closes at 17:00 on Saturday."),
        chat_turn("Can I get a document notarised there?", "Yes, on weekdays."),
        chat_turn("It closes at 13:00 on Saturdays, not 17:00!", "Let me check the branch hours for you."),
    ])
    write("content", [
        chat_turn("When does the branch close on Saturday?", "It closes at 13:00 on Saturday."),
        chat_turn("Great, thanks!", "You're welcome."),
    ])

    rows = {r["session_id"]: r for r in json.loads(
        cli("sessions", "--tracking-uri", store_uri, "--format", "json").stdout)}

    assert (rows["complained"]["complaints"], rows["complained"]["flagged"]) == (1, True)
    assert (rows["content"]["complaints"], rows["content"]["flagged"]) == (0, False)


def test_a_complaint_is_heard_under_the_input_and_output_keys_analyze_reads(write, store_uri, cli):
    # An app whose handler takes (session_id, user_message) and returns {"reply": ...}:
    # `analyze` finds the turns there, so the listing must hear the complaint there too.
    def turn(user: str, reply: str):  # type: ignore[no-untyped-def]
        return chat_turn(user, {"reply": reply}, inputs={"session_id": "s-1", "user_message": user})

    write("complained", [
        turn("Book a table for 4 on Friday at 19:30 please.", "Done: a table for 4 on Friday at 14:30."),
        turn("No, I said 19:30, not 14:30.", "Sorry about that, I changed it to 19:30."),
    ])
    write("content", [
        turn("Book a table for 4 on Friday at 19:30 please.", "Done: a table for 4 on Friday at 19:30."),
        turn("Perfect, thank you!", "You're welcome."),
    ])

    rows = {r["session_id"]: r for r in json.loads(
        cli("sessions", "--tracking-uri", store_uri, "--format", "json").stdout)}

    assert (rows["complained"]["complaints"], rows["complained"]["flagged"]) == (1, True)
    assert (rows["content"]["complaints"], rows["content"]["flagged"]) == (0, False)


def test_sessions_lists_turns_errors_and_failing_assessments(write, store_uri, cli):
    write_three_sessions(write)

    rows = {r["session_id"]: r for r in json.loads(
        cli("sessions", "--tracking-uri", store_uri, "--format", "json").stdout)}

    assert rows["swallowed"]["turns"] == 4 and rows["swallowed"]["errors"] == 1
    assert rows["unhappy"]["failing_assessments"] == ["correctness"]
    fine = rows["fine"]
    assert (fine["errors"], fine["failing_assessments"], fine["flagged"]) == (0, [], False)
    flagged = cli("sessions", "--tracking-uri", store_uri, "--flagged").stdout
    assert "`swallowed`" in flagged and "`unhappy`" in flagged and "`fine`" not in flagged


def test_analyze_flagged_writes_a_report_per_session_and_an_index(write, store_uri, cli, tmp_path):
    write_three_sessions(write)
    out = tmp_path / "reports"

    result = cli("analyze", "--flagged", "--tracking-uri", store_uri, "--output-dir", str(out))

    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.json", "index.md", "swallowed.md", "unhappy.md"]
    index = {e["session_id"]: e for e in json.loads((out / "index.json").read_text())}
    assert (index["swallowed"]["root_turn"], index["swallowed"]["symptom_turn"]) == (2, 4)
    assert index["unhappy"]["root_turn"] == 1
    row = "| `swallowed` | 4 | 2 | tool_failure_reported_as_success | 4 | [swallowed.md](swallowed.md) |"
    assert row in result.stdout
    assert "root cause at turn 2" in (out / "swallowed.md").read_text()


def test_fail_on_fault_sets_the_exit_code(write, store_uri, cli, tmp_path):
    write_three_sessions(write)

    assert cli("analyze", "swallowed", "--tracking-uri", store_uri, "--fail-on-fault").exit_code == 1
    assert cli("analyze", "fine", "--tracking-uri", store_uri, "--fail-on-fault").exit_code == 0
    assert cli("analyze", "swallowed", "--tracking-uri", store_uri).exit_code == 0
    batch = cli("analyze", "--flagged", "--tracking-uri", store_uri, "--fail-on-fault",
                "--output-dir", str(tmp_path / "r"))
    assert batch.exit_code == 1


def test_a_session_or_flagged_is_required(cli, store_uri):
    result = cli("analyze", "--tracking-uri", store_uri)

    assert result.exit_code == 2
    assert "give a SESSION_ID or --flagged" in result.stderr


def test_write_back_records_the_verdict_only_when_asked(write, store_uri, cli):
    experiment_id = write("swallowed", plain_session())
    client = MlflowClient(store_uri)
    first = client.search_traces(locations=[experiment_id], order_by=["timestamp_ms ASC"])[0]

    cli("analyze", "swallowed", "--tracking-uri", store_uri)
    assert client.get_trace(first.info.trace_id).info.assessments == []

    result = cli("analyze", "swallowed", "--tracking-uri", store_uri, "--write-back")

    assert result.exit_code == 0, result.stderr
    [verdict] = client.get_trace(first.info.trace_id).info.assessments
    assert verdict.name == "turnback_verdict"
    assert verdict.feedback.value == "turn 2: tool_failure_reported_as_success"
    assert verdict.source.source_id == "turnback"
    assert verdict.metadata["mlflow.trace.session"] == "swallowed"
    assert verdict.metadata["root_turn"] == "2"
    # a later analysis does not take turnback's own verdict as evidence
    again = json.loads(cli("analyze", "swallowed", "--tracking-uri", store_uri, "--format", "json").stdout)
    assert again["session_assessments"] == []


def test_secrets_in_traces_are_masked_in_both_formats(write, store_uri, cli):
    key, token = "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0k1L2", "eyJhbGciOiJIUzI1NiJ9.payload.signature"
    write("leaky", [
        chat_turn(f"My key is {key}, why does it fail?", "Let me check.", children=[
            tool_span("call_api", {"headers": {"Authorization": f"Bearer {token}"}}, None,
                      error=f"401 for Bearer {token}")]),
    ])

    for fmt in ("markdown", "json"):
        out = cli("analyze", "leaky", "--tracking-uri", store_uri, "--format", fmt).stdout
        assert key not in out and token not in out
        assert "[masked]" in out


def test_findings_are_ranked_git_aware_and_answer_the_evidence(write, store_uri, git_repo, cli):
    write("sess-1", plain_session())
    repo = git_repo({
        "shop/tools.py": TOOLS_PY,
        "shop/web.py": 'def handle(request):\n    sid = request.cookies.get("session_id")\n'
                       '    mlflow.update_current_trace(metadata={"mlflow.trace.session": sid})\n',
        "shop/agent.py": "MAX_HISTORY_TURNS = 6\n\ndef window(history):\n    return history[-6:]\n",
        ".gitignore": "build/\n",
        "build/tools_copy.py": TOOLS_PY,
    })
    (repo / "build").mkdir(exist_ok=True)
    (repo / "build" / "tools_copy.py").write_text(TOOLS_PY)  # ignored by git: never searched
    (repo / "shop" / "blob.py").write_bytes(b"\0def update_address():\n")  # binary: skipped

    report = json.loads(cli("analyze", "sess-1", "--tracking-uri", store_uri, "--repo", str(repo),
                            "--format", "json").stdout)

    findings = report["code_findings"]
    top = findings[0]
    assert (top["path"], top["line"], top["kind"]) == ("shop/tools.py", EXCEPT_LINE, "swallowed_error")
    assert top["snippet"] == "except Exception: … pass"
    assert top["answers"] == "span 'update_address' of turn 2: an error here is turned into a success"
    kinds = {(f["kind"], f["path"], f["line"]) for f in findings}
    assert ("session_id", "shop/web.py", 2) in kinds  # the cookie that feeds the session id
    assert ("session_id", "shop/web.py", 3) not in kinds  # the next line of the same block: merged
    assert ("history_window", "shop/agent.py", 4) in kinds
    def_line = TOOLS_PY.splitlines().index("def update_address(order_id, address):") + 1
    assert ("span_function", "shop/tools.py", def_line) in kinds
    assert not any(f["path"].startswith("build/") or f["path"] == "shop/blob.py" for f in findings)
    relevance = [f["relevance"] for f in findings]
    assert relevance == sorted(relevance, reverse=True)


def test_recommendations_are_grounded_in_findings(write, store_uri, git_repo, cli):
    write("sess-1", plain_session())

    report = json.loads(cli("analyze", "sess-1", "--tracking-uri", store_uri, "--repo",
                            str(shop_repo(git_repo)), "--format", "json").stdout)

    places = {f"{f['path']}:{f['line']}" for f in report["code_findings"]}
    assert report["recommendations"]
    for rec in report["recommendations"]:
        assert rec["where"] in places
        assert rec["rests_on"] and rec["verify"]
        assert any("update_address" in r or "tools.py" in r for r in rec["rests_on"])


def _page_tokens_sent(monkeypatch) -> list:  # type: ignore[no-untyped-def]
    """The page tokens every trace search of this test sends to MLflow (None: a first page)."""
    sent: list = []
    original = MlflowClient.search_traces

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(kwargs.get("page_token"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MlflowClient, "search_traces", spy)
    return sent


def test_sessions_streams_more_traces_than_one_page_without_offset_paging(write, store_uri, cli, monkeypatch):
    write_three_sessions(write)  # 6 traces
    write("complained", [
        chat_turn("When does the branch close on Saturday?", "It closes at 17:00 on Saturday."),
        chat_turn("Can I get a document notarised there?", "Yes, on weekdays."),
        chat_turn("It closes at 13:00 on Saturdays, not 17:00!", "Let me check the branch hours for you."),
    ])
    monkeypatch.setattr("turnback.store.SQL_PAGE_SIZE", 2)  # 9 traces: five pages
    tokens = _page_tokens_sent(monkeypatch)

    rows = {r["session_id"]: r for r in json.loads(
        cli("sessions", "--tracking-uri", store_uri, "--format", "json").stdout)}

    seen = {s: (r["turns"], r["errors"], r["failing_assessments"], r["complaints"]) for s, r in rows.items()}
    assert seen == {
        "swallowed": (4, 1, [], 1), "unhappy": (1, 0, ["correctness"], 0), "fine": (1, 0, [], 0),
        "complained": (3, 0, [], 1),
    }
    assert len(tokens) >= 5
    # Every page is a fresh keyset query: MLflow's token (an OFFSET on a SQL store) is never sent.
    assert tokens == [None] * len(tokens)


def test_sessions_counts_each_trace_once_when_a_page_of_them_share_one_millisecond(
    write, store_uri, cli, monkeypatch
):
    import sqlite3

    write_three_sessions(write)
    with sqlite3.connect(store_uri.removeprefix("sqlite:///")) as con:  # the test's own store
        con.execute("UPDATE trace_info SET timestamp_ms = 1700000000000")
    monkeypatch.setattr("turnback.store.SQL_PAGE_SIZE", 2)

    rows = {r["session_id"]: r for r in json.loads(
        cli("sessions", "--tracking-uri", store_uri, "--format", "json").stdout)}

    assert {s: (r["turns"], r["errors"]) for s, r in rows.items()} == {
        "swallowed": (4, 1), "unhappy": (1, 0), "fine": (1, 0)}
