"""The fresh3 split (now in dev) is well formed: every case builds into a real MLflow store with one trace
per turn in its session, roots lie inside the session, labelled code lines exist in the case's app,
and healthy cases carry no label. (It never runs the engine on the split.)"""

from __future__ import annotations

import typing

import pytest
from turnback.state import Category

from evals.run import SPLITS
from evals.sets.fresh3_dev import APPS, cases
from tests.fresh_sets import check_builds, check_labels

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
    check_labels(case, APPS, CATEGORIES)


def test_every_case_builds_one_trace_per_turn_in_its_session(store_uri):
    check_builds(store_uri, CASES, "fresh3")
