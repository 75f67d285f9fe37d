"""The fresh4 split (now in dev) builds: labels are consistent and every session lands in a real store.

These tests only write the sessions and read them back; they never analyse them.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from typing import Any

import mlflow
import pytest
from turnback.demo.builder import SESSION_KEY, write_session
from turnback.state import Category

from evals.run import SPLITS, all_apps
from evals.sets.fresh4_dev import APPS, cases

CASES = cases()
CATEGORIES = set(typing.get_args(Category)) - {"disputed_by_user", "failing_assessment"}
FRAME = re.compile(r'File "/srv/([^"]+)", line (\d+), in \w+\n    (.*)\n')


def _spans(span: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield span
    for child in span.get("children", []):
        yield from _spans(child)


def test_the_split_is_registered_and_balanced():
    assert [split for split, modules in SPLITS.items() if "evals.sets.fresh4_dev" in modules] == ["dev"]
    faulty = [c for c in CASES if c.category]
    assert 15 <= len(faulty) <= 16 and 4 <= len(CASES) - len(faulty) <= 5
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.app for c in faulty}) == len(faulty)
    assert set(APPS) <= set(all_apps()) and all(name.startswith("f4_") for name in APPS)


@pytest.mark.parametrize("case", CASES, ids=[c.name[:60] for c in CASES])
def test_case_labels_are_consistent(case):
    assert 3 <= len(case.turns) <= 9
    if case.category is None:
        assert case.root is case.symptom is case.code is case.app is None
        return
    assert case.category in CATEGORIES
    assert case.root is not None and case.symptom is not None
    assert 1 <= case.root <= case.symptom <= len(case.turns)
    assert case.app in APPS and 2 <= len(APPS[case.app]) <= 4
    path, needle = case.code
    assert needle in APPS[case.app][path]


@pytest.mark.parametrize("case", CASES, ids=[c.name[:60] for c in CASES])
def test_recorded_tracebacks_point_at_the_app_lines(case):
    files = {path: text for app in APPS.values() for path, text in app.items()}
    checked = 0
    for turn in case.turns:
        for span in _spans(turn["root"]):
            texts = [span.get("stacktrace", "")] + [
                event["attributes"].get("exception.stacktrace", "") for event in span.get("events", [])]
            for text in texts:
                for path, line, source in FRAME.findall(text):
                    if path in files:
                        assert files[path].splitlines()[int(line) - 1].strip() == source, (case.name, path)
                        checked += 1
    assert checked or "stacktrace" not in case.tags


def test_every_case_builds_one_trace_per_turn_in_its_session(store_uri):
    mlflow.set_tracking_uri(store_uri)
    for number, case in enumerate(CASES, 1):
        session = f"fresh4-{number}"
        experiment_id = write_session(store_uri, "fresh4-build", session, case.turns)
        traces = mlflow.search_traces(
            experiment_ids=[experiment_id], return_type="list",
            filter_string=f"metadata.`{SESSION_KEY}` = '{session}'",
        )
        assert len(traces) == len(case.turns), case.name
        assert {t.info.trace_metadata[SESSION_KEY] for t in traces} == {session}
        failed = sum(t.info.state.value == "ERROR" for t in traces)
        expected = sum(any(s.get("raise") for s in _spans(turn["root"])) for turn in case.turns)
        assert failed == expected, case.name
