"""End to end through the CLI: real SQLite stores, real git repos, what a user sees."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from mlflow import MlflowClient
from turnback import analyze_session
from turnback.demo.builder import chat_turn, tool_span

TOOLS_PY = '''import mlflow

from shop import address_service, db


@mlflow.trace(span_type="TOOL")
def lookup_order(order_id):
    return db.get(order_id)


@mlflow.trace(span_type="TOOL")
def update_address(order_id, address):
    try:
        address_service.update(order_id, address)
    except Exception:
        pass
    return {"ok": True}
'''
EXCEPT_LINE = TOOLS_PY.splitlines().index("    except Exception:") + 1


def plain_session() -> list[dict]:
    """Turn 2's tool fails but the reply claims success; the user finds out at turn 4."""
    return [
        chat_turn(
            "Where is my order 1234?", "Order 1234 shipped yesterday and is on its way.",
            children=[tool_span("lookup_order", {"order_id": "1234"}, {"status": "shipped"})],
        ),
        chat_turn(
            "Please change the delivery address to 12 Oak Street.",
            "Done, your delivery address is now 12 Oak Street.",
            children=[tool_span("update_address", {"order_id": "1234", "address": "12 Oak Street"},
                                {"ok": True}, error="address service returned 503")],
        ),
        chat_turn("Thanks. When will it arrive?", "It should arrive on Friday."),
        chat_turn(
            "The courier went to my old address! You said the address was changed to Oak Street.",
            "I apologize for the trouble. Let me look into it.",
        ),
    ]


def shop_repo(git_repo) -> Path:  # type: ignore[no-untyped-def]
    return git_repo({
        "shop/tools.py": TOOLS_PY,
        "shop/app.py": 'def handle(req):\n    session_id = req.cookies["sid"]\n    return session_id\n',
        "README.md": "shop assistant\n",
    })


def test_plain_session_report_names_root_symptom_and_code_line(write, store_uri, git_repo, cli):
    write("sess-1", plain_session())
    repo = shop_repo(git_repo)

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri, "--repo", str(repo))

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "**Mode: offline**" in out
    assert "**Verdict: root cause at turn 2** (`tool_failure_reported_as_success`" in out
    assert "the failure shows at **turn 4**" in out
    assert f"`shop/tools.py:{EXCEPT_LINE}` · swallowed_error" in out
    # the finding that explains the root cause is listed first
    assert out.index("## Code findings") < out.index(f"1. `shop/tools.py:{EXCEPT_LINE}`")


def test_prose_in_the_repo_is_never_taken_for_the_code_that_raised(write, store_uri, git_repo):
    write("sess-1", plain_session())
    repo = git_repo({
        "shop/tools.py": TOOLS_PY,
        "docs/incidents.md": "update_address failed: address service returned 503\n"
                             "session_id = the cookie, see app.py\n",
    })

    report = analyze_session("sess-1", tracking_uri=store_uri, repo=repo, self_trace_uri=None)

    in_prose = [f for f in report.code_findings if f.path.endswith(".md")]
    assert not [f for f in in_prose if f.kind in ("error_origin", "session_id", "span_function")]
    assert report.code_findings[0].path == "shop/tools.py"


def test_json_report_follows_the_documented_contract(write, store_uri, git_repo, cli):
    write("sess-1", plain_session())
    repo = shop_repo(git_repo)

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri, "--repo", str(repo),
                 "--format", "json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema_version"] == "1.0"
    assert report["session_id"] == "sess-1"
    assert report["mode"] == "offline"
    assert [t["index"] for t in report["turns"]] == [1, 2, 3, 4]
    assert report["turns"][0]["user"] == "Where is my order 1234?"
    assert report["turns"][1]["verdict"] == "faulty"
    assert {t["verdict"] for t in report["turns"]} <= {"ok", "faulty", "unclear"}
    root = report["root_cause"]
    assert (root["turn"], root["category"]) == (2, "tool_failure_reported_as_success")
    assert root["trace_id"] == report["turns"][1]["trace_id"]
    assert root["explanation"] and root["evidence"]
    assert report["symptom_turn"] == 4
    top = report["code_findings"][0]
    assert (top["path"], top["line"], top["kind"]) == ("shop/tools.py", EXCEPT_LINE, "swallowed_error")
    rec = report["recommendations"][0]
    assert rec["where"] == f"shop/tools.py:{EXCEPT_LINE}" and rec["rests_on"] and rec["detail"]


def test_healthy_session_has_no_root_cause(write, store_uri, cli):
    write("ok-1", [
        chat_turn("What are your opening hours?", "We are open 9am to 5pm, Monday to Friday."),
        chat_turn("And on Saturday?", "On Saturdays we open 10am to 2pm."),
    ])

    result = cli("analyze", "ok-1", "--tracking-uri", store_uri, "--format", "json")

    report = json.loads(result.stdout)
    assert report["root_cause"] is None and report["symptom_turn"] is None
    assert all(t["verdict"] == "ok" for t in report["turns"])
    markdown = cli("analyze", "ok-1", "--tracking-uri", store_uri).stdout
    assert "the session looks healthy" in markdown


def test_analysis_never_modifies_the_analyzed_store(write, store_uri, git_repo, cli):
    write("sess-1", plain_session())
    db = Path(store_uri.removeprefix("sqlite:///"))
    before = hashlib.sha256(db.read_bytes()).hexdigest()

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri, "--repo", str(shop_repo(git_repo)))

    assert result.exit_code == 0
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_own_trace_goes_to_a_separate_store(write, store_uri, cli, isolated_env):
    experiment_id = write("sess-1", plain_session())

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri)

    own = MlflowClient(f"sqlite:///{isolated_env / 'traces.db'}")
    experiment = own.get_experiment_by_name("turnback")
    traces = own.search_traces(locations=[experiment.experiment_id])
    assert len(traces) == 1
    span_names = {s.name for s in traces[0].data.spans}
    assert {"turnback.analyze", "discover_schema", "judge_turns", "report"} <= span_names
    assert f"trace {traces[0].info.trace_id}" in result.stdout
    analyzed = MlflowClient(store_uri)
    assert analyzed.get_experiment_by_name("turnback") is None
    assert len(analyzed.search_traces(locations=[experiment_id])) == 4


def test_no_self_trace_flag_writes_no_trace(write, store_uri, cli, isolated_env):
    write("sess-1", plain_session())

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri, "--no-self-trace")

    assert result.exit_code == 0
    assert not (isolated_env / "traces.db").exists()
    assert "own trace" not in result.stdout + result.stderr


def test_experiment_is_found_when_not_given(store_uri, write, cli):
    write("other", [chat_turn("hi", "hello")], experiment="first")
    experiment_id = write("sess-1", plain_session(), experiment="second")

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri, "--format", "json")

    assert json.loads(result.stdout)["experiment_id"] == experiment_id
    assert f"found in experiment {experiment_id}" in result.stderr


def test_output_file_gets_the_report_and_progress_stays_on_stderr(write, store_uri, cli, tmp_path):
    write("sess-1", plain_session())
    target = tmp_path / "report.md"

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri, "--output", str(target))

    assert result.stdout == ""
    text = target.read_text()
    assert text.startswith("# turnback: where did session `sess-1` go wrong?")
    assert "turnback: reading session" in result.stderr
    assert "reading session" not in text


def test_code_correlation_is_skipped_outside_a_repo(write, store_uri, cli):
    write("sess-1", plain_session())

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri, "--format", "json")

    report = json.loads(result.stdout)
    assert report["code_correlation"]["status"] == "skipped"
    assert report["code_findings"] == []
    assert "skipped" in cli("analyze", "sess-1", "--tracking-uri", store_uri).stdout


def test_current_directory_is_the_default_repo(write, store_uri, git_repo, cli, monkeypatch):
    write("sess-1", plain_session())
    monkeypatch.chdir(shop_repo(git_repo))

    report = json.loads(cli("analyze", "sess-1", "--tracking-uri", store_uri, "--format", "json").stdout)

    assert report["code_correlation"]["status"] == "done"
    assert report["code_findings"][0]["path"] == "shop/tools.py"


def test_a_turn_that_failed_without_reply_is_an_app_error(write, store_uri, cli):
    write("sess-err", [
        chat_turn("Show my invoices", "Here are your 3 invoices."),
        chat_turn("Download the March invoice", None, error="KeyError: 'march'"),
        chat_turn("Hello? It didn't work.", "Sorry, let me try again."),
    ])

    report = json.loads(cli("analyze", "sess-err", "--tracking-uri", store_uri, "--format", "json").stdout)

    assert report["turns"][1]["assistant"] is None
    assert report["root_cause"]["turn"] == 2
    assert report["root_cause"]["category"] == "app_error"


def test_scorer_errors_are_listed_not_judged(write, store_uri, cli):
    write("sess-s", [
        chat_turn("What's the capital of France?", "Paris.",
                  assessments=[{"name": "correctness", "error": "judge timed out"}]),
    ])

    report = json.loads(cli("analyze", "sess-s", "--tracking-uri", store_uri, "--format", "json").stdout)

    assert report["turns"][0]["verdict"] == "ok"
    assert report["root_cause"] is None
    assert [(a["name"], a["error"]) for a in report["scorer_errors"]] == [("correctness", "judge timed out")]


def test_assessment_values_are_read_through_their_rationale(write, store_uri, cli):
    write("sess-a", [
        chat_turn("Hi, I'd like to change my plan.", "Sure, which plan would you like?",
                  assessments=[{"name": "user_frustration", "value": "no",
                                "rationale": "The user shows no frustration."}]),
        chat_turn("The premium one.", "Premium costs $5 per month.",
                  assessments=[{"name": "factual_check", "value": "yes",
                                "rationale": "The answer is incorrect: premium costs $15, "
                                "the reply contradicts the price list."}]),
    ])

    report = json.loads(cli("analyze", "sess-a", "--tracking-uri", store_uri, "--format", "json").stdout)

    assert report["turns"][0]["verdict"] == "ok"
    assert report["turns"][1]["verdict"] == "faulty"
    assert report["root_cause"]["turn"] == 2


def test_session_match_is_exact(write, store_uri, cli):
    write("s1", [chat_turn("one", "1")])
    write("s10", [chat_turn("ten", "10"), chat_turn("eleven", "11")])

    report = json.loads(cli("analyze", "s1", "--tracking-uri", store_uri, "--format", "json").stdout)

    assert [t["user"] for t in report["turns"]] == ["one"]


def test_demo_prints_an_offline_report_with_the_real_root_cause(cli):
    result = cli("demo", "--no-self-trace")

    assert result.exit_code == 0, result.stderr
    assert "**Mode: offline**" in result.stdout
    assert "**Verdict: root cause at turn 2** (`tool_failure_reported_as_success`" in result.stdout
    assert "`tools.py:19` · swallowed_error" in result.stdout


def test_demo_can_keep_its_store_and_app_for_exploring(cli, tmp_path):
    keep = tmp_path / "demo"

    result = cli("demo", "--no-self-trace", "--workdir", str(keep), "--format", "json")

    assert result.exit_code == 0, result.stderr
    assert (keep / "demo-mlflow.db").is_file() and (keep / "acme-travel" / "tools.py").is_file()
    assert json.loads(result.stdout)["tracking_uri"] == f"sqlite:///{keep / 'demo-mlflow.db'}"
    again = cli("demo", "--no-self-trace", "--workdir", str(keep), "--format", "json")
    assert again.exit_code == 0, again.stderr  # an earlier demo's folder is reused
    assert json.loads(again.stdout)["tracking_uri"] == f"sqlite:///{keep / 'demo-mlflow.db'}"
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    refused = cli("demo", "--no-self-trace", "--workdir", str(other))
    assert refused.exit_code == 2 and "holds no earlier turnback demo" in refused.stderr
    assert [p.name for p in other.iterdir()] == ["mine.txt"]


def test_python_api_returns_a_typed_report(write, store_uri, git_repo):
    write("sess-1", plain_session())
    lines: list[str] = []

    report = analyze_session(
        "sess-1", tracking_uri=store_uri, repo=shop_repo(git_repo), self_trace_uri=None,
        progress=lines.append,
    )

    assert report.root_cause is not None and report.root_cause.turn == 2
    assert report.symptom_turn == 4
    assert report.code_findings[0].path == "shop/tools.py"
    assert any("reading session" in line for line in lines)


def test_a_reply_that_breaks_a_stated_allergy_is_caught_without_a_complaint(write, store_uri):
    from turnback.demo.builder import llm_span

    allergy = "I'm allergic to peanuts, so keep that in mind."
    write("allergy", [
        chat_turn(allergy, "Noted, no peanuts.", children=[
            llm_span([{"role": "user", "content": allergy}], "Noted, no peanuts.")]),
        chat_turn("A snack idea?", "Try peanut-free granola bars.", children=[
            llm_span([{"role": "user", "content": allergy}, {"role": "user", "content": "A snack idea?"}],
                     "Try peanut-free granola bars.")]),
        chat_turn("And for dinner?", "Chicken satay with peanut sauce!", children=[
            llm_span([{"role": "user", "content": "And for dinner?"}], "Chicken satay with peanut sauce!")]),
    ])

    report = analyze_session("allergy", tracking_uri=store_uri, self_trace_uri=None)

    assert [t.verdict for t in report.turns] == ["ok", "ok", "faulty"]
    assert report.root_cause is not None
    assert (report.root_cause.turn, report.root_cause.category) == (3, "context_window_dropped_constraint")
    assert "offers 'peanut' although turn 1 excluded it" in report.root_cause.evidence[0].detail


def test_a_diet_ignored_with_the_constraint_in_context_is_constraint_ignored(write, store_uri):
    from turnback.demo.builder import llm_span

    diet = "I am vegetarian."
    lunch = chat_turn("Lunch?", "How about a tuna salad?", children=[
        llm_span([{"role": "user", "content": diet}, {"role": "user", "content": "Lunch?"}],
                 "How about a tuna salad?")])
    write("diet", [chat_turn(diet, "Great, vegetarian it is."), lunch])
    write("diet-disputed", [chat_turn(diet, "Great, vegetarian it is."), lunch,
                            chat_turn("Tuna? I told you I'm vegetarian.", "Sorry, a lentil salad then.")])

    alone = analyze_session("diet", tracking_uri=store_uri, self_trace_uri=None)
    disputed = analyze_session("diet-disputed", tracking_uri=store_uri, self_trace_uri=None)

    # Text alone (the model saw the constraint) is a weak signal: the turn is flagged, but
    # only a symptom makes it the root.
    assert (alone.turns[1].verdict, alone.turns[1].category) == ("unclear", "constraint_ignored")
    assert alone.root_cause is None
    assert (disputed.root_cause.turn, disputed.root_cause.category) == (2, "constraint_ignored")
    assert disputed.symptom_turn == 3


def test_an_unwritable_self_trace_store_does_not_stop_the_analysis(write, store_uri, cli, tmp_path):
    write("sess-1", plain_session())
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a folder should be")

    result = cli("analyze", "sess-1", "--tracking-uri", store_uri,
                 "--trace-to", f"sqlite:///{blocker / 'traces.db'}")

    assert result.exit_code == 0, result.stderr
    assert "**Verdict: root cause at turn 2**" in result.stdout
    assert "_turnback's own trace of this analysis: not traced: could not open" in result.stdout


def test_a_failed_step_without_a_reply_says_so(write, store_uri):
    write("quiet", [chat_turn("Refund order 9", None, children=[
        tool_span("refund", {"order_id": 9}, None, error="refund service down")])])

    report = analyze_session("quiet", tracking_uri=store_uri, self_trace_uri=None)

    assert report.turns[0].verdict == "unclear"
    assert report.turns[0].reasons == ["'refund' failed (refund service down); the turn recorded no reply"]
