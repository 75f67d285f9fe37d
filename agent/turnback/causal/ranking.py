"""Layer 4: one score per candidate; the best is the root, the next are alternatives.

score = severity + link to a symptom + origin + earliness + downstream impact.
- A candidate is only linked to symptoms at or after it: nothing after a symptom
  explains it.
- A weak, text-only candidate with no link scores below any strong one, so it never
  wins alone; linked, it can beat an unrelated strong fault.
- No symptom and no strong candidate: the session is healthy.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from turnback.causal.links import Link
from turnback.state import Candidate, Symptom

SEVERITY = {"strong": 2.0, "weak": 0.5}
LINK_WEIGHT = 3.0
ORIGIN_BONUS = 0.5
EARLINESS_WEIGHT = 0.3
IMPACT_WEIGHT = 0.1
MAX_IMPACT = 5


@dataclass
class Ranked:
    candidate: Candidate
    score: float
    link: Link | None = None
    parts: dict[str, float] = field(default_factory=dict)


def rank(
    candidates: list[Candidate], symptoms: list[Symptom], links: list[Link], turn_count: int
) -> list[Ranked]:
    """Candidates best first; empty when the session looks healthy."""
    strong_turns = sorted(c.turn for c in candidates if c.severity == "strong")
    last_turn = turn_count

    def self_evident(candidate: Candidate) -> bool:
        """A fault by itself: recorded, and not already told to the user. A failure the
        reply admits ("tool_failure") counts only when later failures follow it or the
        session ends on it; otherwise a symptom must link to it."""
        if candidate.severity != "strong":
            return False
        if candidate.category != "tool_failure":
            return True
        return candidate.turn == last_turn or bisect_right(strong_turns, candidate.turn) < len(strong_turns)

    if not symptoms and not any(self_evident(c) for c in candidates):
        return []
    best_link: dict[int, Link] = {}
    for link in links:
        current = best_link.get(id(link.candidate))
        if current is None or link.strength > current.strength:
            best_link[id(link.candidate)] = link
    ranked = []
    for candidate in candidates:
        link = best_link.get(id(candidate))
        if link is None and not self_evident(candidate):
            continue  # nothing shows harm from it: a text-only signal, or an honest failure
        parts = {
            "severity": SEVERITY[candidate.severity],
            "link": LINK_WEIGHT * link.strength if link else 0.0,
            "origin": ORIGIN_BONUS if candidate.detector == "origin_of_dispute" else 0.0,
            "earliness": EARLINESS_WEIGHT * (1 - (candidate.turn - 1) / max(turn_count, 1)),
            "impact": IMPACT_WEIGHT * min(
                MAX_IMPACT, len(strong_turns) - bisect_right(strong_turns, candidate.turn)),
        }
        ranked.append(Ranked(candidate, round(sum(parts.values()), 3), link, parts))
    # Best score first; among equals the earlier turn, since a fault precedes its effects.
    ranked.sort(key=lambda r: (-r.score, r.candidate.turn))
    return _one_per_turn(ranked)


def _one_per_turn(ranked: list[Ranked]) -> list[Ranked]:
    """The best-scoring reading of each turn; the others say the same turn again."""
    seen: set[int] = set()
    kept = []
    for r in ranked:
        if r.candidate.turn not in seen:
            seen.add(r.candidate.turn)
            kept.append(r)
    return kept
