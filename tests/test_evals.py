"""The eval set runs end to end, and the offline judge keeps each category it covers."""

from __future__ import annotations

import pytest

from evals.cases import cases
from evals.run import print_results, run

COVERED = [c for c in cases() if "hard" not in c.tags]


@pytest.fixture(scope="module")
def outcomes():  # type: ignore[no-untyped-def]
    return {o.case.name: o for o in run(COVERED, offline=True)}


@pytest.mark.parametrize("name", [c.name for c in COVERED])
def test_offline_judge_finds_the_labelled_root_and_symptom(outcomes, name):
    outcome = outcomes[name]

    assert (outcome.predicted_root, outcome.report.symptom_turn) == (outcome.case.root, outcome.case.symptom)
    assert outcome.category_ok
    assert outcome.code_ok in (True, None)


def test_the_runner_prints_the_summary_figures(outcomes, capsys):
    print_results(list(outcomes.values()))

    out = capsys.readouterr().out
    for label in ("root-turn accuracy:", "symptom-turn accuracy:", "false blame on healthy:",
                  "code-location hit rate:", "| category | root-turn accuracy |"):
        assert label in out


def test_who_and_when_steps_become_turns_with_failed_runs_as_tool_errors(store_uri):
    from turnback import analyze_session
    from turnback.demo.builder import write_session

    from evals.who_and_when import to_turns

    task = {"question": "How many even addresses?", "history": [
        {"name": "Excel_Expert", "role": "assistant", "content": "I will load the file and count."},
        {"name": "Computer_terminal", "role": "user", "content": "exitcode: 1 (execution failed)\nKeyError"},
        {"name": "Verifier", "role": "user", "content": "The count is 4. TERMINATE"},
    ]}

    experiment_id = write_session(store_uri, "ww", "ww-1", to_turns(task))
    report = analyze_session("ww-1", tracking_uri=store_uri, experiment_id=experiment_id, self_trace_uri=None)

    assert [t.user for t in report.turns] == [
        "How many even addresses?", "I will load the file and count.", task["history"][1]["content"]]
    assert report.turns[2].assistant == "The count is 4. TERMINATE"
    assert "failed" in " ".join(report.turns[1].reasons)
