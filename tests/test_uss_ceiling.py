"""The USS ceiling table: honest figures use thresholds chosen on training scores only."""

from __future__ import annotations

import numpy as np

from evals.uss_ceiling import curve, operating_points


def test_held_out_figures_use_the_training_threshold_and_the_bound_looks_at_the_answers() -> None:
    train_labels = np.array([True, False, True, False, False])
    train_scores = np.array([0.9, 0.8, 0.7, 0.2, 0.1])
    held_labels = np.array([False, True, True, False])
    held_scores = np.array([0.95, 0.85, 0.5, 0.1])

    first = operating_points(train_labels, train_scores, held_labels, held_scores)[0]

    assert first.rule == "R>=0.02"
    # Training data picks 0.9 (precision 1 there); held out it flags one healthy turn.
    assert first.threshold == 0.9
    assert (first.precision, first.recall, first.flagged) == (0.0, 0.0, 1)
    # The bound may pick 0.5 on the held-out answers: 2 of 3 flagged are complaints.
    assert first.bound is not None and round(first.bound, 2) == 0.67


def test_no_training_threshold_reaching_the_precision_goal_is_reported_as_none() -> None:
    labels = np.array([True, False, False, False])
    scores = np.array([0.1, 0.9, 0.8, 0.7])

    goal = operating_points(labels, scores, labels, scores)[-1]

    assert goal.rule == "P>=0.8"
    assert goal.threshold is None and goal.flagged == 0


def test_tied_scores_are_one_cut_not_split_in_the_labels_favour() -> None:
    points = curve(np.array([True, False]), np.array([0.5, 0.5]))

    assert points == [(0.5, 0.5, 1.0)]
