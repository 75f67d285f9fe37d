"""How precise can a cheap model of one user turn get on USS? The ceiling behind issue 10.

    python -m evals.uss_ceiling [--uss DIR] [--quick]

Candidate models are trained on the USS training part only (the same seeded 70% of
dialogues as `evals.train_dissatisfaction`; turns rated 2 < mean < 3 left out of
training, kept as non-complaints in every measurement) and scored on the held-out 30%:

- shipped:   today's detector as shipped (trained on this training part plus the dev turns).
- features:  a logistic regression over the detector's own features, USS only.
- ngrams:    word 1-2-grams of the user text and of the previous reply, character
             2-5-grams of the user text (tf-idf), logistic regression.
- both:      ngrams plus the detector's features plus the turn's position in the dialogue.

Each is class-balanced; C is picked by 5-fold cross-validation by dialogue on the training
part (best out-of-fold average precision), and so is each operating threshold: for a
recall target, the threshold with the best out-of-fold precision at out-of-fold recall
>= the target; "P>=0.8" is the threshold with the most out-of-fold recall at out-of-fold
precision >= 0.8. The held-out figures at those thresholds are the honest ones. The
"bound" column is the best held-out precision any threshold reaches at that held-out
recall: chosen by looking at the answers, an upper bound, not a result.

Complaint = mean annotator rating <= 2 (89 of 12,392 held-out turns), as in
`evals.symptoms`. No dataset text is printed or written.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from turnback.dissatisfaction import FEATURES, LEGACY_PUSHBACK, model, score

from evals.train_dissatisfaction import (
    AMBIGUOUS,
    FOLDS,
    USS_DIR,
    Example,
    featurize,
    folds,
    load_uss,
    uss_split,
)

RECALL_TARGETS = (0.02, 0.10, 0.15)
PRECISION_GOAL = 0.8
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass
class Operating:
    """One operating point: how the threshold was chosen, and what it gives held out."""

    rule: str
    threshold: float | None
    precision: float
    recall: float
    flagged: int
    bound: float | None
    """Best held-out precision any threshold reaches at held-out recall >= the target."""


def ambiguous(e: Example) -> bool:
    return e.mean is not None and AMBIGUOUS[0] < e.mean < AMBIGUOUS[1]


def precision_recall(labels: np.ndarray, flags: np.ndarray) -> tuple[float, float]:
    tp = int((labels & flags).sum())
    precision = tp / int(flags.sum()) if flags.any() else 0.0
    return precision, tp / int(labels.sum())


def curve(labels: np.ndarray, scores: np.ndarray) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) at every distinct score, highest threshold first."""
    order = np.argsort(-scores, kind="stable")
    ranked_scores, ranked = scores[order], labels[order]
    tp = np.cumsum(ranked)
    points = []
    for i in range(len(ranked_scores)):
        # Only the last of tied scores is a reachable cut.
        if i + 1 < len(ranked_scores) and ranked_scores[i + 1] == ranked_scores[i]:
            continue
        points.append((float(ranked_scores[i]), tp[i] / (i + 1), tp[i] / labels.sum()))
    return points


def best_precision_at(points: list[tuple[float, float, float]], recall: float) -> tuple[float, float] | None:
    """(threshold, precision) with the best precision at recall >= `recall` (higher recall breaks ties)."""
    reachable = [(p, r, t) for t, p, r in points if r >= recall]
    if not reachable:
        return None
    p, _, t = max(reachable)
    return t, p


def most_recall_at(points: list[tuple[float, float, float]], precision: float) -> float | None:
    reachable = [(r, p, t) for t, p, r in points if p >= precision]
    return max(reachable)[2] if reachable else None


def operating_points(
    oof_labels: np.ndarray, oof: np.ndarray | None, labels: np.ndarray, held: np.ndarray
) -> list[Operating]:
    """Thresholds chosen on out-of-fold training scores (None: no training scores), applied held out."""
    train_curve = curve(oof_labels, oof) if oof is not None else []
    held_curve = curve(labels, held)
    out = []
    for target in RECALL_TARGETS:
        chosen = best_precision_at(train_curve, target) if oof is not None else None
        bound = best_precision_at(held_curve, target)
        out.append(_apply(f"R>={target:.2f}", chosen[0] if chosen else None, labels, held,
                          bound[1] if bound else None))
    threshold = most_recall_at(train_curve, PRECISION_GOAL) if oof is not None else None
    reachable = [r for _, p, r in held_curve if p >= PRECISION_GOAL]
    out.append(_apply(f"P>={PRECISION_GOAL}", threshold, labels, held, max(reachable, default=0.0)))
    return out


def _apply(rule: str, threshold: float | None, labels: np.ndarray, held: np.ndarray,
           bound: float | None) -> Operating:
    if threshold is None:
        return Operating(rule, None, 0.0, 0.0, 0, bound)
    flags = held >= threshold
    p, r = precision_recall(labels, flags)
    return Operating(rule, threshold, p, r, int(flags.sum()), bound)


# --- design matrices ---------------------------------------------------------------------------

def feature_matrix(examples: Sequence[Example]) -> sparse.csr_matrix:
    return sparse.csr_matrix(np.array([[e.features[n] for n in FEATURES] for e in examples]))


def position_matrix(examples: Sequence[Example]) -> sparse.csr_matrix:
    """Where the turn sits: first turn, and log of how many exchanges came before."""
    return sparse.csr_matrix(np.array([[float(not e.earlier), np.log1p(len(e.earlier))] for e in examples]))


class NGrams:
    def __init__(self, train: Sequence[Example]) -> None:
        self.user_words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.reply_words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.user_chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True)
        self.user_words.fit([e.user for e in train])
        self.reply_words.fit([e.previous_reply or "" for e in train])
        self.user_chars.fit([e.user for e in train])

    def __call__(self, examples: Sequence[Example]) -> sparse.csr_matrix:
        users = [e.user for e in examples]
        return sparse.hstack([self.user_words.transform(users),
                              self.reply_words.transform([e.previous_reply or "" for e in examples]),
                              self.user_chars.transform(users)]).tocsr()


def fit_predict(
    x_train: sparse.csr_matrix, y_train: np.ndarray, x_test: sparse.csr_matrix, c: float
) -> np.ndarray:
    clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000)
    clf.fit(x_train, y_train)
    return clf.decision_function(x_test)


def cross_validate(
    x: sparse.csr_matrix, y: np.ndarray, trainable: np.ndarray, fold: np.ndarray, c_grid: Sequence[float]
) -> tuple[float, np.ndarray]:
    """(C, out-of-fold scores) with the best out-of-fold average precision."""
    best: tuple[float, float, np.ndarray] | None = None
    for c in c_grid:
        oof = np.zeros(len(y))
        for k in range(FOLDS):
            train = (fold != k) & trainable
            test = fold == k
            oof[test] = fit_predict(x[train], y[train], x[test], c)
        ap = average_precision_score(y, oof)
        if best is None or ap > best[0]:
            best = (ap, c, oof)
    assert best is not None
    return best[1], best[2]


# --- report ----------------------------------------------------------------------------------

def report(name: str, detail: str, oof_labels: np.ndarray, oof: np.ndarray | None, labels: np.ndarray,
           held: np.ndarray) -> None:
    oof_ap = f"{average_precision_score(oof_labels, oof):.3f}" if oof is not None else "  -  "
    print(f"\n{name} ({detail}): average precision train out-of-fold {oof_ap}, "
          f"held-out {average_precision_score(labels, held):.3f}")
    for op in operating_points(oof_labels, oof, labels, held):
        chosen = ("no threshold reaches it on training data" if op.threshold is None else
                  f"P {op.precision:.2f}  R {op.recall:.3f}  ({op.flagged} flagged)")
        bound_name = "best R" if op.rule.startswith("P") else "best P"
        digits = 2 if bound_name == "best P" else 3
        bound = "-" if op.bound is None else f"{op.bound:.{digits}f}"
        print(f"  {op.rule:8s}  held-out at train-chosen threshold: {chosen:38s}  "
              f"bound ({bound_name}): {bound}")


def shipped_scores(examples: Sequence[Example]) -> np.ndarray:
    m = model()
    return np.array([score(e.features, m.weights, m.bias) for e in examples])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uss", type=Path, default=USS_DIR)
    parser.add_argument("--quick", action="store_true", help="C=1 only (no C search)")
    args = parser.parse_args()
    c_grid = (1.0,) if args.quick else C_GRID

    start = time.perf_counter()
    train, held = uss_split(load_uss(args.uss))
    featurize(train + held)
    y, labels = np.array([e.complaint for e in train]), np.array([e.complaint for e in held])
    trainable = np.array([not ambiguous(e) for e in train])
    fold = np.array(folds(train))
    print(f"USS training part: {len(train)} turns, {int(y.sum())} complaints ({int((~trainable).sum())} "
          f"ambiguous turns not trained on); held out: {len(held)} turns, {int(labels.sum())} complaints. "
          f"Complaint = mean rating <= 2.")

    phrase = np.array([bool(LEGACY_PUSHBACK.search(e.user)) for e in held])
    p, r = precision_recall(labels, phrase)
    print(f"\nphrase list (no threshold): held-out P {p:.2f}  R {r:.3f}  ({int(phrase.sum())} flagged)")
    m = model()
    shipped = shipped_scores(held)
    p, r = precision_recall(labels, shipped >= m.threshold)
    print(f"shipped detector at its threshold {m.threshold:.3f}: held-out P {p:.2f}  R {r:.3f}  "
          f"({int((shipped >= m.threshold).sum())} flagged)")
    report("shipped detector", "no training-part scores: bounds only", y, None, labels, shipped)

    ngrams = NGrams([e for e, ok in zip(train, trainable, strict=True) if ok])
    designs: dict[str, Callable[[Sequence[Example]], sparse.csr_matrix]] = {
        "features": feature_matrix,
        "ngrams": ngrams,
        "both": lambda ex: sparse.hstack([ngrams(ex), feature_matrix(ex), position_matrix(ex)]).tocsr(),
    }
    for name, design in designs.items():
        x_train, x_held = design(train), design(held)
        c, oof = cross_validate(x_train, y, trainable, fold, c_grid)
        held_scores = fit_predict(x_train[trainable], y[trainable], x_held, c)
        report(name, f"C={c}, {x_train.shape[1]} columns", y, oof, labels, held_scores)
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
