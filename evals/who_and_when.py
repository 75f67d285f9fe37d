"""Score turnback on the Who&When failure-attribution benchmark (ICML 2025).

    python -m evals.who_and_when PATH/Who&When/Algorithm-Generated [--offline] [--limit N]

Get the data from the public repository mingyin1/Agents_Failure_Attribution; it is not
shipped here. Only the Algorithm-Generated split is for development: keep the
Hand-Crafted split out of it.

Each failed task's history becomes one session, each history step one turn: the
step's message is the turn's reply, the message before it is its input, and a
Computer_terminal step also records an `execute_code` tool span that fails when the
exit code is non-zero. Step accuracy: turnback's root turn is the labelled mistake step.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from agent import analyze_session
from agent.demo.builder import write_session
from agent.store import quiet_mlflow_http
from evals.run import llm_from_env

# Step-level accuracy on the Algorithm-Generated split, from the paper (no ground truth).
PAPER = [("random", 19.06), ("all-at-once", 13.53), ("step-by-step", 15.31), ("binary search", 16.59)]
FAILED_RUN = re.compile(r"exitcode:\s*[1-9]|execution failed", re.IGNORECASE)


def to_turns(task: dict[str, Any]) -> list[dict[str, Any]]:
    turns = []
    previous = task["question"]
    for step in task["history"]:
        name, content = step.get("name") or step.get("role", "agent"), step.get("content", "")
        children = []
        if name == "Computer_terminal":
            tool: dict[str, Any] = {"name": "execute_code", "type": "TOOL", "inputs": {}, "outputs": content}
            if FAILED_RUN.search(content):
                tool.update(error=content[:300], error_type="ExecutionError")
            children.append(tool)
        turns.append({"root": {
            "name": name, "type": "AGENT",
            "inputs": {"messages": [{"role": "user", "content": previous}]},
            "outputs": content, "children": children,
        }})
        previous = content
    return turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path, help="the Algorithm-Generated folder of Who&When")
    parser.add_argument("--offline", action="store_true")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    if "hand" in args.split.name.lower():
        parser.error("the Hand-Crafted split is held out of development; use Algorithm-Generated")
    files = sorted(args.split.glob("*.json"), key=lambda p: int(p.stem) if p.stem.isdigit() else p.stem)
    files = files[: args.limit] if args.limit else files
    if not files:
        parser.error(f"no *.json tasks in {args.split}")
    quiet_mlflow_http()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-whowhen-"))
    uri = f"sqlite:///{workdir / 'mlflow.db'}"
    step_hits = agent_hits = no_answer = tokens = 0
    mode = "offline"
    try:
        for number, path in enumerate(files, 1):
            task = json.loads(path.read_text())
            experiment_id = write_session(uri, "who-and-when", f"ww-{path.stem}", to_turns(task))
            llm = llm_from_env(args.offline)
            report = analyze_session(f"ww-{path.stem}", tracking_uri=uri, experiment_id=experiment_id,
                                     llm=llm, self_trace_uri=None)
            mode = report.mode
            tokens += llm.usage.prompt_tokens + llm.usage.completion_tokens if llm else 0
            root = report.root_cause.turn if report.root_cause else None
            no_answer += root is None
            step_hits += root is not None and root - 1 == int(task["mistake_step"])
            agent = task["history"][root - 1].get("name") if root else None
            agent_hits += agent == task["mistake_agent"]
            if number % 20 == 0:
                print(f"... {number}/{len(files)} tasks", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    n = len(files)
    print(f"\nWho&When Algorithm-Generated, {n} tasks, turnback mode {mode}\n")
    print("| method | step accuracy |\n|---|---|")
    for method, accuracy in PAPER:
        print(f"| paper: {method} | {accuracy:.2f}% |")
    print(f"| turnback ({mode}) | {100 * step_hits / n:.2f}% |")
    print(f"\nagent accuracy: {100 * agent_hits / n:.2f}%; no root turn named on {no_answer}/{n} tasks")
    if mode == "llm":
        print(f"LLM tokens per task: {tokens / n:.0f}")


if __name__ == "__main__":
    main()
