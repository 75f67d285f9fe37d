"""The fresh7 split (now in dev) builds: labels are consistent and every session lands in a
real store.

These tests only write the sessions and read them back; they never analyse them.
"""

from __future__ import annotations

import re
import typing

import pytest
from turnback.state import Category

from evals.run import SPLITS, all_apps
from evals.sets.fresh7_dev import APPS, cases
from tests.fresh_sets import check_builds, check_labels, spans

CASES = cases()
CATEGORIES = set(typing.get_args(Category)) - {"disputed_by_user", "failing_assessment"}
FRAME = re.compile(r'File "/srv/([^"]+)", line (\d+), in \w+\n    (.*)\n')


def test_the_split_is_registered_and_balanced():
    assert [split for split, modules in SPLITS.items() if "evals.sets.fresh7_dev" in modules] == ["dev"]
    faulty = [c for c in CASES if c.category]
    assert len(faulty) == 16 and len(CASES) - len(faulty) == 5
    assert len({c.name for c in CASES}) == len(CASES)
    assert len({c.app for c in faulty}) == len(faulty)
    assert set(APPS) <= set(all_apps()) and all(name.startswith("f7_") for name in APPS)
    classes = [next(t for t in c.tags if t.startswith("class-")) for c in faulty]
    assert all(classes.count(f"class-{n}") >= 2 for n in range(1, 7))


@pytest.mark.parametrize("case", CASES, ids=[c.name[:60] for c in CASES])
def test_case_labels_are_consistent(case):
    check_labels(case, APPS, CATEGORIES)


@pytest.mark.parametrize("case", CASES, ids=[c.name[:60] for c in CASES])
def test_recorded_tracebacks_point_at_the_app_lines(case):
    files = {path: text for app in APPS.values() for path, text in app.items()}
    checked = 0
    for turn in case.turns:
        for span in spans(turn["root"]):
            texts = [span.get("stacktrace", "")] + [
                event["attributes"].get("exception.stacktrace", "") for event in span.get("events", [])]
            for text in texts:
                for path, line, source in FRAME.findall(text):
                    assert path in files, (case.name, path)
                    assert files[path].splitlines()[int(line) - 1].strip() == source, (case.name, path)
                    checked += 1
    assert checked or "stacktrace" not in case.tags


def test_every_case_builds_one_trace_per_turn_in_its_session(store_uri):
    check_builds(store_uri, CASES, "fresh7")
