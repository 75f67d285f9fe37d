"""Reconstruction benchmark: turnback's first two nodes against the two obvious ways to
read a session, side by side in one run, on SQLite and on a real `mlflow server`.

    python -m evals.bench_reconstruct [--sizes 10,100,1000] [--no-http]

Approaches, each reading one whole session:
- turnback: paged searches with spans, then schema discovery and reconstruction;
- (a) get_trace: a paged search for trace infos, then one `get_trace` per turn;
- (b) search+spans: `MlflowClient.search_traces(include_spans=True)` paging, nothing else.

Printed per backend and size: client calls, HTTP requests (server only), wall time
(median of repeats, approaches interleaved) and peak Python memory (tracemalloc, in a
separate pass so it does not distort the timings), with ratios against turnback.
Targets at 1,000 turns over HTTP: turnback at most 1.5x (b), at least 10x faster than (a).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests.adapters
from turnback.demo.builder import chat_turn, llm_span, tool_span, write_session
from turnback.nodes.discover_schema import locate_turn
from turnback.nodes.reconstruct_conversation import build_turn
from turnback.store import SESSION_KEY, SessionStore, quiet_mlflow_http

REPEATS = 3
HTTP_REQUESTS = itertools.count()
_send = requests.adapters.HTTPAdapter.send


def _counting_send(self: Any, *args: Any, **kwargs: Any) -> Any:
    next(HTTP_REQUESTS)
    return _send(self, *args, **kwargs)


requests.adapters.HTTPAdapter.send = _counting_send  # type: ignore[method-assign]


def session_turns(n: int) -> list[dict[str, Any]]:
    """Realistic turns: a root with I/O, a tool span and an LLM span each."""
    turns = []
    for i in range(1, n + 1):
        user = f"Turn {i}: what is the status of order {1000 + i}?"
        reply = f"Order {1000 + i} shipped on day {i % 28 + 1} and arrives in two days."
        turns.append(chat_turn(user, reply, children=[
            tool_span("lookup_order", {"order_id": 1000 + i}, {"status": "shipped", "day": i % 28 + 1}),
            llm_span([{"role": "system", "content": "You are a shop assistant."},
                      {"role": "user", "content": user}], reply),
        ]))
    return turns


def turnback_read(uri: str, experiment_id: str, session_id: str) -> int:
    store = SessionStore(uri)
    traces = store.load_session(experiment_id, session_id)
    said_before: dict[str, int] = {}
    for index, trace in enumerate(traces, 1):
        build_turn(index, trace, locate_turn(trace.data.spans), said_before)
    return store.calls


def _pages(
    client: Any, experiment_id: str, session_id: str, include_spans: bool, size: int
) -> tuple[list, int]:
    traces, token, calls = [], None, 0
    while True:
        page = client.search_traces(
            locations=[experiment_id], filter_string=f"metadata.`{SESSION_KEY}` = '{session_id}'",
            order_by=["timestamp_ms ASC"], max_results=size, page_token=token, include_spans=include_spans,
        )
        calls += 1
        traces.extend(page)
        token = page.token
        if not token:
            return traces, calls


def get_trace_per_turn(uri: str, experiment_id: str, session_id: str) -> int:
    from mlflow import MlflowClient

    client = MlflowClient(uri)
    infos, calls = _pages(client, experiment_id, session_id, False, SessionStore(uri).page_size)
    for trace in infos:
        client.get_trace(trace.info.trace_id)
    return calls + len(infos)


def search_with_spans(uri: str, experiment_id: str, session_id: str) -> int:
    from mlflow import MlflowClient

    _traces, calls = _pages(MlflowClient(uri), experiment_id, session_id, True, SessionStore(uri).page_size)
    return calls


APPROACHES: dict[str, Callable[[str, str, str], int]] = {
    "turnback": turnback_read,
    "(a) get_trace": get_trace_per_turn,
    "(b) search+spans": search_with_spans,
}


def measure(uri: str, experiment_id: str, session_id: str, repeats: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, Any]] = {name: {"times": []} for name in APPROACHES}
    for _ in range(repeats):
        for name, read in APPROACHES.items():  # interleaved, so load affects all alike
            gc.collect()  # no approach pays for the garbage the previous one left
            before = next(HTTP_REQUESTS)
            start = time.perf_counter()
            calls = read(uri, experiment_id, session_id)
            results[name]["times"].append(time.perf_counter() - start)
            results[name]["calls"] = calls
            results[name]["http"] = next(HTTP_REQUESTS) - before - 1
    for name, read in APPROACHES.items():
        tracemalloc.start()
        read(uri, experiment_id, session_id)
        results[name]["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        results[name]["seconds"] = statistics.median(results[name]["times"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--no-http", action="store_true", help="SQLite only")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    quiet_mlflow_http()

    workdir = Path(tempfile.mkdtemp(prefix="turnback-bench-"))
    db = workdir / "mlflow.db"
    uri = f"sqlite:///{db}"
    sessions = {}
    for n in sizes:
        start = time.perf_counter()
        sessions[n] = write_session(uri, "bench", f"bench-{n}", session_turns(n))
        print(f"wrote a {n}-turn session in {time.perf_counter() - start:.1f}s", flush=True)

    backends = [("sqlite", uri)]
    server = None
    if not args.no_http:
        from tests.mlflow_server import mlflow_server

        server = mlflow_server(db, workers=None)
        backends.append(("http", server.__enter__()))
    try:
        print()
        print("| backend | turns | approach | client calls | HTTP requests | seconds | peak MiB "
              "| time vs turnback |")
        print("|---|---|---|---|---|---|---|---|")
        for backend, backend_uri in backends:
            smallest = min(sizes)
            measure(backend_uri, sessions[smallest], f"bench-{smallest}", 1)  # warm-up, not printed
            for n in sizes:
                # (a) at 1,000 turns over HTTP takes minutes: one interleaved round there.
                repeats = 1 if backend == "http" and n >= 1000 else REPEATS
                results = measure(backend_uri, sessions[n], f"bench-{n}", repeats)
                base = results["turnback"]["seconds"]
                for name, r in results.items():
                    http = str(r["http"]) if backend == "http" else "-"
                    print(f"| {backend} | {n} | {name} | {r['calls']} | {http} | {r['seconds']:.3f} | "
                          f"{r['peak_mib']:.1f} | {r['seconds'] / base:.2f}x |", flush=True)
    finally:
        if server is not None:
            server.__exit__(None, None, None)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
