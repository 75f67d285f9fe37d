"""The relabelled USS turns: ids and labels only (USS text may not ship), one label per
turn, and the two halves never share a dialogue."""

from __future__ import annotations

import json

import pytest

from evals.uss_relabelled import LABELS, half_of

ROWS = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]


def test_the_labels_file_holds_ids_and_labels_only() -> None:
    assert len(ROWS) == 1017
    assert all(set(row) == {"dialogue", "turn", "complaint", "sure", "sampled_as"} for row in ROWS)
    assert all(isinstance(row["complaint"], bool) and isinstance(row["turn"], int) for row in ROWS)
    assert len({(row["dialogue"], row["turn"]) for row in ROWS}) == len(ROWS)


def test_a_dialogue_falls_in_one_half_and_both_halves_hold_complaints() -> None:
    halves = {half_of(row["dialogue"]) for row in ROWS}
    assert halves == {"dev", "locked"}
    for half in halves:
        assert sum(row["complaint"] for row in ROWS if half_of(row["dialogue"]) == half) >= 30


def test_training_reads_the_dev_half_only_with_its_new_labels() -> None:
    from evals.train_dissatisfaction import USS_DIR, relabelled_dev_half

    if not (USS_DIR / "SGD.txt").exists():
        pytest.skip("USS data not beside the project")
    examples = relabelled_dev_half()
    dev_rows = [row for row in ROWS if half_of(row["dialogue"]) == "dev"]
    assert len(examples) == len(dev_rows)
    assert all(half_of(e.group) == "dev" and e.source == "relabelled" for e in examples)
    assert sum(e.complaint for e in examples) == sum(row["complaint"] for row in dev_rows)


def test_each_tuning_source_weighs_its_share_of_the_uss_turns() -> None:
    from evals.train_dissatisfaction import Example, sample_weights

    def example(source: str) -> Example:
        return Example("no", None, [], False, source, source)

    examples = [example("uss:SGD")] * 8 + [example("user_turns_dev")] * 2 + [example("relabelled")] * 4
    weights = sample_weights(examples, {"user_turns_dev": 4.0, "relabelled": 1.0})
    assert sum(weights[:8]) == 8
    assert sum(weights[8:10]) == 32 and sum(weights[10:]) == 8
