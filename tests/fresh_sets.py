"""Checks shared by the tests of the labelled sets written from the fault classes alone
(fresh3, fresh4): labels consistent with the session and its app, and every session
built into a real MLflow store, one trace per turn. They never run the engine."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import mlflow
from turnback.demo.builder import SESSION_KEY, write_session

from evals.cases import EvalCase


def spans(span: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A span spec and every span under it."""
    yield span
    for child in span.get("children", []):
        yield from spans(child)


def check_labels(case: EvalCase, apps: dict[str, dict[str, str]], categories: set[str]) -> None:
    assert 3 <= len(case.turns) <= 9
    if case.category is None:
        assert case.root is case.symptom is case.code is case.app is None
        return
    assert case.category in categories
    assert case.root is not None and case.symptom is not None
    assert 1 <= case.root <= case.symptom <= len(case.turns)
    assert case.app in apps and 2 <= len(apps[case.app]) <= 4
    path, needle = case.code
    assert needle in apps[case.app][path]


def check_builds(store_uri: str, cases: list[EvalCase], name: str) -> None:
    """Each case in its own session: one trace per turn, failed exactly where a span raised."""
    mlflow.set_tracking_uri(store_uri)
    for number, case in enumerate(cases, 1):
        session = f"{name}-{number}"
        experiment_id = write_session(store_uri, f"{name}-build", session, case.turns)
        traces = mlflow.search_traces(
            experiment_ids=[experiment_id], return_type="list",
            filter_string=f"metadata.`{SESSION_KEY}` = '{session}'",
        )
        assert len(traces) == len(case.turns), case.name
        assert {t.info.trace_metadata[SESSION_KEY] for t in traces} == {session}
        failed = sum(t.info.state.value == "ERROR" for t in traces)
        expected = sum(any(s.get("raise") for s in spans(turn["root"])) for turn in case.turns)
        assert failed == expected, case.name
