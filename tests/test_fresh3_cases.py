"""The fresh3 split (now in dev) is well formed: every case builds into a real MLflow store with one trace
per turn in its session, roots lie inside the session, labelled code lines exist in the case's app,
and healthy cases carry no label. (It never runs the engine on the split.)"""

from __future__ import annotations

import typing

import mlflow
import pytest
from turnback.demo.builder import SESSION_KEY, write_session
from turnback.state import Category

from evals.run import SPLITS
from evals.sets.fresh3_dev import APPS, cases

CASES = cases()
CATEGORIES = set(typing.get_args(Category))


def test_the_split_is_registered_and_balanced():
    assert "evals.sets.fresh3_dev" in SPLITS["dev"]
    faulty = [c for c in CASES if c.category]
    assert len(faulty) >= 15 and len(CASES) - len(faulty) >= 4
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.app for c in faulty}) == len(faulty)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_labels_are_consistent(case):
    assert 3 <= len(case.turns) <= 9
    if case.category is None:
        assert case.root is None and case.symptom is None and case.code is None and case.app is None
        return
    assert case.category in CATEGORIES
    assert case.root is not None and case.symptom is not None
    assert 1 <= case.root <= case.symptom <= len(case.turns)
    assert case.app in APPS and 2 <= len(APPS[case.app]) <= 4
    path, needle = case.code
    assert needle in APPS[case.app][path]


def test_every_case_builds_one_trace_per_turn_in_its_session(store_uri):
    mlflow.set_tracking_uri(store_uri)
    for number, case in enumerate(CASES, 1):
        session = f"fresh3-{number}"
        experiment_id = write_session(store_uri, "fresh3-build", session, case.turns)
        traces = mlflow.search_traces(
            experiment_ids=[experiment_id], return_type="list",
            filter_string=f"metadata.`{SESSION_KEY}` = '{session}'",
        )
        assert len(traces) == len(case.turns), case.name
        assert {t.info.trace_metadata[SESSION_KEY] for t in traces} == {session}
        failed = sum(t.info.state.value == "ERROR" for t in traces)
        expected_failed = sum(bool(turn["root"].get("raise")) or any(
            child.get("raise") for child in turn["root"].get("children", [])) for turn in case.turns)
        assert failed == expected_failed, case.name
