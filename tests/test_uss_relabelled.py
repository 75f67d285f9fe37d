"""The relabelled USS turns: ids and labels only (USS text may not ship), one label per
turn, and the two halves never share a dialogue."""

from __future__ import annotations

import json

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
