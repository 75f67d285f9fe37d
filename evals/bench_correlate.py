"""Code-correlation benchmark: turnback's repository search against `git grep` for the
same span names, side by side in one run, on generated repositories.

    python -m evals.bench_correlate [--files 1000,10000]

turnback does more than the baseline (error handling inside functions, prompt text,
history windows, session ids, ranking), so the ratio says what that costs over the
plainest search a developer would run by hand.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from turnback.nodes.correlate_codebase import rank, scan_file, targets_for
from turnback.repo_files import candidate_files, read_text
from turnback.state import RootCause, SpanError, ToolCall, Turn

from evals.apps import SHOP

REPEATS = 3
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
    turn, root = root_turn()
    targets = targets_for(turn)
    findings = []
    for rel in candidate_files(repo):
        text = read_text(repo / rel)
        if text:
            findings.extend(scan_file(rel.as_posix(), text, targets, root))
    top = rank(findings)[0]
    return f"{top.path}:{top.line}"


def git_grep(repo: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "grep", "-n", "-E", r"def (update_address|call_llm)\b"],
        capture_output=True, text=True, check=True,
    )
    path, line, _text = done.stdout.splitlines()[0].split(":", 2)
    return f"{path}:{line}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="1000,10000")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-bench-correlate-"))
    try:
        print("| files | approach | top result | seconds (median of 3) | vs git grep |")
        print("|---|---|---|---|---|")
        for files in (int(f) for f in args.files.split(",")):
            repo = make_repo(workdir, files)
            times: dict[str, list[float]] = {"turnback": [], "git grep": []}
            results = {}
            for _ in range(REPEATS):
                for name, search in (("turnback", turnback_search), ("git grep", git_grep)):
                    start = time.perf_counter()
                    results[name] = search(repo)
                    times[name].append(time.perf_counter() - start)
            base = statistics.median(times["git grep"])
            for name in ("turnback", "git grep"):
                seconds = statistics.median(times[name])
                print(f"| {files} | {name} | {results[name]} | {seconds:.3f} | {seconds / base:.1f}x |",
                      flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
