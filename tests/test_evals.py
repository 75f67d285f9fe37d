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
