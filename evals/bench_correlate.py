"""Code-search benchmark: turnback's search of a repository next to `git grep` running
the same pattern alone, side by side in one run, on a generated repository and on a real
one (the installed mlflow package's source, committed to a temporary git repo).

    python -m evals.bench_correlate [--files 1000,10000] [--no-real]

turnback's time covers what the node does: list the files (`git ls-files`, one lstat
each), one `git grep -P` for the turn's targets and the line patterns, and
Python reading the few files that name a target, matching the picked lines and ranking.
`git grep` is that same command run alone. `correlate_ratio(files)` gives the ratio on a
generated repo, for `evals.bench_e2e`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from turnback.nodes.correlate_codebase import search_repo, search_terms, targets_for
from turnback.repo_files import candidate_files, git_env
from turnback.repo_search import git_grep_command, grep_pattern
from turnback.state import RootCause, SpanError, ToolCall, Turn

from evals.apps import SHOP

REPEATS = 5
FILLER = '''import logging

log = logging.getLogger(__name__)


def helper_{n}(items):
    """Sum the values of module {n}."""
    total = 0
    for item in items:
        try:
            total += item.value
        except AttributeError:
            log.warning("skipping %r", item)
    return total


class Model{n}:
    def __init__(self, name):
        self.name = name

    def describe(self):
        return f"model {{self.name}} in module {n}"
'''
CULPRIT = SHOP["shop/tools.py"]  # a tool that swallows its error: what the search must find


def make_repo(root: Path, files: int) -> Path:
    repo = root / f"repo-{files}"
    for n in range(files):
        path = repo / f"pkg{n % 50}" / f"module_{n}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FILLER.format(n=n))
    (repo / "pkg0" / "tools.py").write_text(CULPRIT)
    return _commit(repo)


def mlflow_repo(root: Path) -> Path:
    """The installed mlflow package's source (a real, 1,000-odd-file Python and JS tree)."""
    import mlflow  # only here: the benchmark's other repo needs no mlflow import

    repo = root / "mlflow-source"
    shutil.copytree(Path(mlflow.__file__).parent, repo, ignore=shutil.ignore_patterns("__pycache__"))
    return _commit(repo)


def _commit(repo: Path) -> Path:
    git = ["git", "-C", str(repo), "-c", "user.email=b@example.com", "-c", "user.name=b"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "bench"], check=True)
    return repo


def root_turn() -> tuple[Turn, RootCause]:
    turn = Turn(
        index=2, trace_id="tr-1", timestamp_ms=0, state="OK", user="change my address",
        assistant="Done!", span_names=["chat", "update_address", "call_llm"],
        errors=[SpanError(span_id="s1", span_name="update_address", message="address service returned 503")],
        tools=[ToolCall(span_id="s1", name="update_address", error="address service returned 503")],
    )
    root = RootCause(turn=2, trace_id="tr-1", category="tool_failure_reported_as_success",
                     explanation="", confidence="high")
    return turn, root


def turnback_search(repo: Path) -> str:
    """What the node does for the root turn: list, grep, read, rank. -> the top finding."""
    turn, root = root_turn()
    _files, findings = search_repo(repo, targets_for(turn), root)
    return f"{findings[0].path}:{findings[0].line}" if findings else "-"


def git_grep_alone(repo: Path, pattern: str) -> Callable[[], str]:
    """The `git grep` turnback runs, alone. -> how many lines it printed."""
    command = git_grep_command(repo, pattern)

    def run() -> str:
        done = subprocess.run(command, capture_output=True, env={**git_env(), "LC_ALL": "C"},
                              stdin=subprocess.DEVNULL)
        lines = done.stdout.count(b"\n")
        return f"{lines} lines"
    return run


def time_both(repo: Path) -> dict[str, tuple[float, str]]:
    """Median seconds and result of each approach, the two interleaved run by run."""
    turn, root = root_turn()
    pattern = grep_pattern(*search_terms(targets_for(turn), root), perl=True)
    approaches = {
        "turnback": lambda: turnback_search(repo),
        "git grep": git_grep_alone(repo, pattern),
    }
    times: dict[str, list[float]] = {name: [] for name in approaches}
    results = {}
    for _ in range(REPEATS):
        for name, run in approaches.items():
            start = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in approaches}


def correlate_ratio(files: int) -> float:
    """turnback's code search time over `git grep` with the same pattern, on a generated
    repository of `files` files, measured side by side in this process."""
    workdir = Path(tempfile.mkdtemp(prefix="turnback-bench-correlate-"))
    try:
        timed = time_both(make_repo(workdir, files))
        return timed["turnback"][0] / timed["git grep"][0]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="1000,10000", help="sizes of the generated repos")
    parser.add_argument("--no-real", action="store_true", help="skip the mlflow-source repo")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-bench-correlate-"))
    ratios = []
    try:
        repos = [(f"generated, {n} files", make_repo(workdir, int(n))) for n in args.files.split(",")]
        if not args.no_real:
            repos.append(("mlflow source", mlflow_repo(workdir)))
        print(f"| repo | files searched | approach | result | seconds (median of {REPEATS}) | vs git grep |")
        print("|---|---|---|---|---|---|")
        for label, repo in repos:
            count = len(candidate_files(repo))
            timed = time_both(repo)
            base = timed["git grep"][0]
            for name, (seconds, result) in timed.items():
                print(f"| {label} | {count} | {name} | {result} | {seconds:.3f} | {seconds / base:.2f}x |",
                      flush=True)
            ratios.append(f"{timed['turnback'][0] / base:.2f}x on {label}")
        print("\nbench_correlate: correlate/git-grep " + "; ".join(ratios))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
