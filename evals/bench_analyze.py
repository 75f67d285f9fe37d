"""Full offline analysis against the store's own paged read, side by side in one run.

    python -m evals.bench_analyze [--sizes 1000,5000,10000]

For each size, one session is written to a SQLite store (a tool span and an LLM span per
turn, a complaint every 50 turns, template replies every 7) and timed three ways:
- read: `MlflowClient.search_traces(include_spans=True)` paging, nothing else;
- analysis: `analyze_session` offline, without code correlation or self-tracing;
- engine: the judge and the backward trace alone, on the reconstructed turns.

Printed: median seconds, analysis / read, and each size's time over the previous size's,
so linear growth reads as the size ratio (5x turns ~ 5x time).
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from turnback import analyze_session
from turnback.causal.links import link_symptoms
from turnback.causal.ranking import rank
from turnback.causal.symptoms import find_symptoms
from turnback.demo.builder import chat_turn, llm_span, tool_span, write_session
from turnback.offline_judge import judge_offline
from turnback.state import Turn
from turnback.store import quiet_mlflow_http

from evals.bench_reconstruct import search_with_spans

REPEATS = 3
TEMPLATE = "Thanks for reaching out! Is there anything else I can help you with today?"


def session_turns(n: int) -> list[dict[str, Any]]:
    turns = []
    for i in range(1, n + 1):
        order = 1000 + i
        if i % 50 == 0:
            user = f"No, that's wrong: order {order - 1} never arrived, you told me it shipped."
        else:
            user = f"Turn {i}: what is the status of order {order}?"
        reply = TEMPLATE if i % 7 == 0 else f"Order {order} shipped on day {i % 28 + 1}."
        turns.append(chat_turn(user, reply, children=[
            tool_span("lookup_order", {"order_id": order}, {"status": "shipped", "day": i % 28 + 1}),
            llm_span([{"role": "user", "content": user}], reply),
        ]))
    return turns


def timed(run: Any) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(REPEATS):
        gc.collect()
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def engine(turns: list[Turn]) -> int:
    _judgements, candidates = judge_offline(turns)
    symptoms = find_symptoms(turns, [])
    everything, links = link_symptoms(turns, candidates, symptoms)
    return len(rank(everything, symptoms, links, len(turns)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    args = parser.parse_args()
    quiet_mlflow_http()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-bench-"))
    print("| turns | read (s) | analysis (s) | analysis / read | engine only (s) "
          "| growth vs previous size |")
    print("|---|---|---|---|---|---|")
    previous = None
    try:
        uri = f"sqlite:///{workdir / 'mlflow.db'}"
        for n in (int(s) for s in args.sizes.split(",")):
            session = f"bench-{n}"
            print(f"writing {n} turns ...", file=sys.stderr, flush=True)
            experiment_id = write_session(uri, "bench", session, session_turns(n))
            read, _ = timed(lambda s=session, e=experiment_id: search_with_spans(uri, e, s))
            analysis, report = timed(lambda s=session, e=experiment_id: analyze_session(
                s, tracking_uri=uri, experiment_id=e, self_trace_uri=None))
            turns = [Turn(index=t.index, trace_id=t.trace_id, timestamp_ms=t.index, state="OK",
                          user=t.user, assistant=t.assistant) for t in report.turns]
            core, _ = timed(lambda t=turns: engine(t))
            growth = (f"{n / previous[0]:.0f}x turns: analysis {analysis / previous[2]:.1f}x, "
                      f"engine {core / previous[3]:.1f}x") if previous else "-"
            # Each row as soon as it is measured: the largest sizes take long to write.
            print(f"| {n} | {read:.2f} | {analysis:.2f} | {analysis / read:.2f}x | {core:.3f} | {growth} |",
                  flush=True)
            previous = (n, read, analysis, core)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

if __name__ == "__main__":
    main()
