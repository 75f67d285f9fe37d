"""The whole command, end to end: `turnback analyze` as a process (cold start included)
next to the store's own paged read in a separate process, on SQLite and on a loopback
`mlflow server`; code search next to `git grep`; `turnback sessions` memory.

    python -m evals.bench_e2e [--sizes 10,1000,10000] [--quick] [--repeats 3]

Stores are built once and cached in $TURNBACK_BENCH_CACHE (default: the temp folder's
turnback-bench-e2e): a template session is written through MLflow's real tracing path,
then its rows are cloned with fresh ids and timestamps by SQL, which takes seconds where
writing 10,000 turns through MLflow takes most of an hour. Cloned turns repeat the
template's text every TEMPLATE_TURNS turns. The listing stores hold trace infos only
(`sessions` reads no spans), spread over the same number of sessions at each size.

Times are wall seconds (median of repeats, the command and the read interleaved); peak
RSS is the process's own (`wait4`). The last line is the summary.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TEMPLATE_TURNS = 50
LISTING_SESSIONS = 500
LISTING_SIZES = (10_000, 100_000)
CORRELATE_FILES = 10_000
BIN = Path(sys.executable).parent

READ_SCRIPT = """
import sys
from mlflow import MlflowClient
uri, experiment_id, session_id, size = sys.argv[1:5]
client, token, count = MlflowClient(uri), None, 0
while True:
    page = client.search_traces(
        locations=[experiment_id], filter_string=f"metadata.`mlflow.trace.session` = '{session_id}'",
        order_by=["timestamp_ms ASC"], max_results=int(size), page_token=token, include_spans=True)
    count += len(page)
    token = page.token
    if not token:
        break
assert count, "no traces read"
"""


# --- stores -------------------------------------------------------------------------


def cache_dir() -> Path:
    path = Path(os.environ.get("TURNBACK_BENCH_CACHE") or Path(tempfile.gettempdir()) / "turnback-bench-e2e")
    path.mkdir(parents=True, exist_ok=True)
    return path


def template_store(cache: Path) -> Path:
    """A store holding one TEMPLATE_TURNS-turn session written through MLflow."""
    db = cache / "template.db"
    if not db.exists():
        from turnback.demo.builder import write_session

        from evals.bench_reconstruct import session_turns

        partial = cache / "template.partial.db"
        partial.unlink(missing_ok=True)
        print(f"writing the {TEMPLATE_TURNS}-turn template through MLflow ...", file=sys.stderr, flush=True)
        write_session(f"sqlite:///{partial}", "bench", "template", session_turns(TEMPLATE_TURNS))
        partial.rename(db)
    return db


def clone_sessions(db: Path, template: Path, sessions: dict[str, int], *, spans: bool) -> None:
    """Append sessions (id -> turns) to `db`'s experiment 1, cloned from the template's
    traces with fresh trace ids, 2 ms apart, interleaved across sessions."""
    source = sqlite3.connect(template)
    traces = source.execute("SELECT request_id FROM trace_info ORDER BY timestamp_ms").fetchall()
    columns = {t: [r[1] for r in source.execute(f"PRAGMA table_info({t})")]
               for t in ("trace_info", "trace_tags", "trace_request_metadata", "spans")}
    # Named columns: PRAGMA table_info leaves out generated ones, which are not inserted.
    rows = {
        table: {tid: source.execute(
            f"SELECT {', '.join(cols)} FROM {table} "
            f"WHERE {'trace_id' if table == 'spans' else 'request_id'} = ?",
            (tid,)).fetchall() for (tid,) in traces}
        for table, cols in columns.items()
    }
    source.close()
    target = sqlite3.connect(db)
    clock = int(time.time() * 1000) - 10 * 365 * 86_400_000
    order = [(sid, i) for i in range(max(sessions.values())) for sid, n in sessions.items() if i < n]
    batches: dict[str, list[tuple]] = {table: [] for table in columns}
    for step, (session_id, i) in enumerate(order):
        old = traces[i % len(traces)][0]
        new_hex = secrets.token_hex(16)
        new = f"tr-{new_hex}"
        old_b64 = base64.b64encode(bytes.fromhex(old.removeprefix("tr-"))).decode()
        new_b64 = base64.b64encode(bytes.fromhex(new_hex)).decode()

        def swap(value: object, old: str = old, new: str = new, old_b64: str = old_b64,
                 new_b64: str = new_b64) -> object:
            return value.replace(old, new).replace(old_b64, new_b64) if isinstance(value, str) else value

        for table, cols in columns.items():
            if table == "spans" and not spans:
                continue
            for row in rows[table][old]:
                values = dict(zip(cols, (swap(v) for v in row), strict=True))
                if table == "trace_info":
                    values.update(experiment_id=1, timestamp_ms=clock + 2 * step, session_id=session_id)
                elif table == "trace_request_metadata" and values["key"] == "mlflow.trace.session":
                    values["value"] = session_id
                elif table == "spans":
                    values["experiment_id"] = 1
                batches[table].append(tuple(values[c] for c in cols))
    with target:
        for table, cols in columns.items():
            marks = ", ".join("?" * len(cols))
            target.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", batches[table])
    target.close()


def built_store(cache: Path, name: str, sessions: dict[str, int], *, spans: bool) -> Path:
    db = cache / f"{name}.db"
    if db.exists():
        return db
    template = template_store(cache)
    partial = cache / f"{name}.partial.db"
    shutil.copy(template, partial)
    with sqlite3.connect(partial) as con:  # the template's own traces are not part of it
        for table, key in (("trace_tags", "request_id"), ("trace_request_metadata", "request_id"),
                           ("spans", "trace_id"), ("trace_info", "request_id")):
            con.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT request_id FROM trace_info)")
    start = time.perf_counter()
    clone_sessions(partial, template, sessions, spans=spans)
    partial.rename(db)
    print(f"built {name} ({sum(sessions.values())} traces) in {time.perf_counter() - start:.0f}s",
          file=sys.stderr, flush=True)
    return db


# --- measuring processes --------------------------------------------------------------


def run_process(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; it must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed: {process.stderr.read().decode()[-500:]}")
    process.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def median_runs(
    runs: dict[str, Callable[[], tuple[float, float]]], repeats: int
) -> dict[str, tuple[float, float]]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    peaks: dict[str, float] = dict.fromkeys(runs, 0.0)
    for _ in range(repeats):
        for name, run in runs.items():  # interleaved, so load affects both alike
            seconds, peak = run()
            times[name].append(seconds)
            peaks[name] = max(peaks[name], peak)
    return {name: (statistics.median(times[name]), peaks[name]) for name in runs}


def analyze_vs_read(uri: str, session_id: str, page_size: int, env: dict[str, str],
                    repeats: int) -> dict[str, tuple[float, float]]:
    command = [str(BIN / "turnback"), "analyze", session_id, "--tracking-uri", uri, "--experiment-id", "1",
               "--offline", "--quiet", "--format", "json"]
    read = [sys.executable, "-c", READ_SCRIPT, uri, "1", session_id, str(page_size)]
    return median_runs({"turnback analyze": lambda: run_process(command, env),
                        "paged read": lambda: run_process(read, env)}, repeats)


# --- code search ------------------------------------------------------------------------


def correlate_vs_git_grep(files: int, workdir: Path) -> float:
    """turnback's code search over git grep's time on a generated repo of `files` files
    (evals.bench_correlate measures both side by side; `workdir` is unused there)."""
    from evals.bench_correlate import correlate_ratio

    return correlate_ratio(files)


# --- main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000", help="session sizes in turns")
    parser.add_argument("--quick", action="store_true", help="sizes 10,1000, one repeat, 1,000-file repo")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-http", action="store_true", help="SQLite only")
    args = parser.parse_args()
    sizes = [10, 1000] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeats = 1 if args.quick else args.repeats
    cache = cache_dir()
    work = Path(tempfile.mkdtemp(prefix="turnback-bench-e2e-"))
    env = {**os.environ, "TURNBACK_HOME": str(work / "home"), "MLFLOW_TRACKING_URI": ""}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "TURNBACK_TRACE_URI"):
        env.pop(var, None)
    try:
        name = "e2e-" + "-".join(map(str, sizes))
        db = built_store(cache, name, {f"e2e-{n}": n for n in sizes}, spans=True)
        backends = [("sqlite", f"sqlite:///{db}", 1000)]
        server = None
        if not args.no_http:
            from tests.mlflow_server import mlflow_server

            served = work / "served.db"
            shutil.copy(db, served)  # the server's own copy: the cache stays untouched
            server = mlflow_server(served, workers=None)
            backends.append(("http", server.__enter__(), 500))
        ratio_http_1000 = float("nan")
        print("| backend | turns | what | seconds | peak RSS MiB | analyze / read |")
        print("|---|---|---|---|---|---|")
        try:
            for backend, uri, page in backends:
                analyze_vs_read(uri, f"e2e-{min(sizes)}", page, env, 1)  # warm-up: caches, self-trace store
                for n in sizes:
                    result = analyze_vs_read(uri, f"e2e-{n}", page, env, 1 if n >= 10_000 else repeats)
                    ratio = result["turnback analyze"][0] / result["paged read"][0]
                    if backend == "http" and n == 1000:
                        ratio_http_1000 = ratio
                    for what, (seconds, peak) in result.items():
                        shown = f"{ratio:.2f}x" if what == "turnback analyze" else "-"
                        print(f"| {backend} | {n} | {what} | {seconds:.2f} | {peak:.0f} | {shown} |",
                              flush=True)
        finally:
            if server is not None:
                server.__exit__(None, None, None)

        files = 1000 if args.quick else CORRELATE_FILES
        correlate = correlate_vs_git_grep(files, work)
        print(f"\ncode search on a generated {files}-file repo: turnback / git grep = {correlate:.1f}x")

        print("\n| traces | sessions | seconds | peak RSS MiB |")
        print("|---|---|---|---|")
        listing_mib = {}
        for traces in LISTING_SIZES:
            per = traces // LISTING_SESSIONS
            store = built_store(cache, f"listing-{traces}",
                                {f"s{k:04d}": per for k in range(LISTING_SESSIONS)}, spans=False)
            seconds, peak = run_process([str(BIN / "turnback"), "sessions", "--tracking-uri", f"sqlite:///{store}",
                                         "--format", "json"], env)
            listing_mib[traces] = peak
            print(f"| {traces} | {LISTING_SESSIONS} | {seconds:.1f} | {peak:.0f} |", flush=True)
        growth = listing_mib[100_000] / listing_mib[10_000]
        print(f"sessions memory, 100,000 over 10,000 traces: {growth:.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"bench_e2e: analyze/read {ratio_http_1000:.2f}x at 1000 turns http; "
          f"correlate/git-grep {correlate:.1f}x on {files} files; "
          f"sessions {listing_mib[100_000]:.0f} MiB at 100000 traces")


if __name__ == "__main__":
    main()
