"""The dissatisfaction detector on USS held-out turns relabelled by hand (issue 10).

USS's own label (mean rating <= 2) rates the system's previous turn, not whether the user
complains: a plain "No." can be rated 2, and a complaint 3 (`evals.uss_ceiling` shows no
model reaches precision 0.8 on it). So 1,017 held-out user turns were labelled again by a
separate annotator that saw only the turn and the reply before it (never a score or a
flag): "does the user express dissatisfaction with the assistant?". The turns are every
one the detector flagged at commit 5234647 (462), every USS complaint (89) and 500 drawn
at random from the held-out part, shuffled together.
`evals/sets/uss_relabelled.jsonl` keeps only ids and labels, no USS text: (file:dialogue,
the user turn's position in it, complaint, sure, why it was sampled).

The labelled turns are split by dialogue into two halves: `dev` may be tuned on, `locked`
is reported, never tuned on. Precision is over the detector's flags among the labelled
turns (a flag on a turn nobody labelled is counted apart); recall is over the complaints
among turns sampled without the detector (USS's own complaints and the random draw), so
the detector's flags did not choose them.

    python -m evals.uss_relabelled
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evals.symptoms import detector, phrase_list
from evals.train_dissatisfaction import Example, half_of, load_uss, uss_split

LABELS = Path(__file__).parent / "sets" / "uss_relabelled.jsonl"


@dataclass
class Labelled:
    example: Example
    complaint: bool
    sure: bool
    unflagged_sample: bool
    """sampled as a USS complaint or at random, not (only) because the detector flagged it"""
    half: str


def load() -> tuple[list[Labelled], list[Example]]:
    """(the labelled turns, every held-out turn)."""
    held = uss_split(load_uss())[1]
    position: dict[tuple[str, int], Example] = {}
    counts: dict[str, int] = {}
    for example in held:
        counts[example.group] = counts.get(example.group, -1) + 1
        position[(example.group, counts[example.group])] = example
    labelled = []
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labelled.append(Labelled(position[(row["dialogue"], row["turn"])], row["complaint"], row["sure"],
                                 row["sampled_as"] != ["flagged"], half_of(row["dialogue"])))
    return labelled, held


def figures(rows: list[Labelled], flag: callable, held: list[Example], half: str) -> str:  # type: ignore[valid-type]
    flagged = [r for r in rows if flag(r.example)]
    right = sum(r.complaint for r in flagged)
    sample = [r for r in rows if r.unflagged_sample]
    found = sum(1 for r in sample if r.complaint and flag(r.example))
    complaints = sum(r.complaint for r in sample)
    labelled_ids = {id(r.example) for r in rows}
    unlabelled = sum(1 for e in held if half_of(e.group) == half and id(e) not in labelled_ids and flag(e))
    precision = right / len(flagged) if flagged else 0.0
    recall = found / complaints if complaints else 0.0
    return (f"P {precision:.2f} ({right}/{len(flagged)})  R {recall:.2f} ({found}/{complaints})  "
            f"F1 {2 * precision * recall / (precision + recall) if precision + recall else 0.0:.2f}  "
            f"unlabelled flags {unlabelled}")


def main() -> None:
    labelled, held = load()
    complaints = sum(r.complaint for r in labelled)
    sure = sum(r.complaint and r.sure for r in labelled)
    print(f"USS held-out, relabelled: {len(labelled)} turns, {complaints} complaints ({sure} sure)")
    for half in ("dev", "locked"):
        rows = [r for r in labelled if r.half == half]
        print(f"\n{half} half: {len(rows)} labelled turns, {sum(r.complaint for r in rows)} complaints")
        print(f"  detector    {figures(rows, detector, held, half)}")
        print(f"  phrase list {figures(rows, phrase_list, held, half)}")


if __name__ == "__main__":
    main()
