"""Score turnback on the Who&When failure-attribution benchmark (ICML 2025).

    python -m evals.who_and_when PATH/Who&When/Algorithm-Generated [--offline] [--limit N]
        [--conversion authored|previous|both] [--held-out]

Get the data from the public repository mingyin1/Agents_Failure_Attribution (folder
`Who&When`); it is not shipped here. Only the Algorithm-Generated split is for
development: the Hand-Crafted split is held out and refused without `--held-out`.

Each failed task's history becomes one session, each history step one turn (turn k is
step k-1: `mistake_step` is a 0-based index into `history`). Two conversions:

- `previous` (`to_turns`, the original one): the step's message is the turn's reply and
  the message before it (the question, for step 0) is recorded as the user's message,
  whoever wrote it, so another agent's "that is wrong" reads as the user pushing back.
- `authored` (`to_authored_turns`, the default): each step keeps its author. The root
  span is an AGENT span named after the author (`gen_ai.agent.name`), and its input is
  the message list that agent was handed: the task-giver's text with role `user` (the
  `question`, and in Hand-Crafted the steps whose role is `human`), then the previous
  step's message with its author as `name` and role `assistant` (unless the human wrote
  it: then it is the user message already). So only text the human or task-giver wrote
  is user text. A step the human wrote is a turn whose user text is that message and
  which records no reply.

In both, a Computer_terminal step also records an `execute_code` TOOL span (in
`authored`, its inputs are the code blocks of the message before) that fails, status
ERROR with an `exception` event, when the output reports a non-zero exit code.

Figures: step accuracy (the root turn is the labelled step) and agent accuracy (the root
turn's author is the labelled agent), next to a uniformly random step (expected, from
the data: mean of 1/steps, and of the mistake agent's share of steps), the first step
whose message holds an error word (`evals.scoring.ERROR_WORD`), and the paper's GPT-4o
figures without ground truth (turnback does not see the answer either).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from turnback.store import quiet_mlflow_http

from evals.run import llm_from_env
from evals.scoring import Attempt, attribute, first_error_word, progress, ratio, share

# Paper, Table (GPT-4o, without ground truth): (method, step accuracy %, agent accuracy %).
PAPER = {
    "Algorithm-Generated": [("random", 19.06, 29.10), ("all-at-once", 13.53, 51.12),
                            ("step-by-step", 15.31, 26.02), ("binary search", 16.59, 30.11)],
    "Hand-Crafted": [("random", 4.16, 12.00), ("all-at-once", 3.51, 53.44),
                     ("step-by-step", 8.77, 32.75), ("binary search", 6.90, 36.21)],
}
FAILED_RUN = re.compile(r"exitcode:\s*[1-9]|execution failed", re.IGNORECASE)
CODE_BLOCK = re.compile(r"```[\w+-]*\n(.*?)```", re.DOTALL)
CONVERSIONS = ("authored", "previous")
HUMAN_ROLES = {"human"}


def to_turns(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The `previous` conversion: the message before a step is that turn's user text."""
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


def author(step: dict[str, Any]) -> str:
    """Who wrote a step: `name` (Algorithm-Generated) or `role` (Hand-Crafted)."""
    return str(step.get("name") or step.get("role") or "agent")


def agent_of(step: dict[str, Any]) -> str:
    """The agent a step belongs to, as the labels name agents ("Orchestrator (thought)" ->
    "Orchestrator")."""
    return re.sub(r"\s*\(.*\)\s*$", "", author(step))


def is_human(step: dict[str, Any]) -> bool:
    return author(step).lower() in HUMAN_ROLES


def is_terminal(step: dict[str, Any]) -> bool:
    return re.sub(r"[\s_]", "", author(step)).lower() == "computerterminal"


def to_authored_turns(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The `authored` conversion: only the human's or task-giver's text is user text."""
    turns = []
    asked = {"role": "user", "name": "task", "content": task["question"]}
    previous: dict[str, Any] | None = None
    for step in task["history"]:
        content = str(step.get("content", ""))
        if is_human(step):
            asked = {"role": "user", "name": author(step), "content": content}
            messages = [asked]
        else:
            # The step before, unless the human wrote it: then it is `asked` already.
            handed = [] if previous is None or is_human(previous) else [
                {"role": "assistant", "name": author(previous), "content": str(previous.get("content", ""))}]
            messages = [asked, *handed]
        root: dict[str, Any] = {
            "name": author(step), "type": "AGENT", "inputs": {"messages": messages},
            "attributes": {"gen_ai.agent.name": author(step)}, "children": [],
        }
        if not is_human(step):
            root["outputs"] = content
        if is_terminal(step):
            code = CODE_BLOCK.findall(str(previous.get("content", ""))) if previous else []
            tool: dict[str, Any] = {"name": "execute_code", "type": "TOOL",
                                    "inputs": {"code": "\n".join(code)} if code else {}, "outputs": content}
            if FAILED_RUN.search(content):
                tool.update(error=content[:300], error_type="ExecutionError")
            root["children"].append(tool)
        turns.append({"root": root})
        previous = step
    return turns


# Every Who&When log is a failed task, and the paper's methods are told so (without the
# right answer). turnback is told the same way a user's store would: a session-level
# assessment on the first trace. The rationale names no step and no answer.
TASK_FAILED = {"name": "task_success", "value": False, "session_level": True,
               "source_type": "HUMAN", "source_id": "who-and-when",
               "rationale": "The team's final answer to the task was judged wrong."}


def with_outcome(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The session, with the task's failure recorded on its first trace."""
    if turns:
        turns[0]["assessments"] = [*turns[0].get("assessments", []), dict(TASK_FAILED)]
    return turns


CONVERTERS = {"authored": lambda task: with_outcome(to_authored_turns(task)),
              "previous": lambda task: with_outcome(to_turns(task))}


def load_split(split: Path, limit: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    files = sorted(split.glob("*.json"), key=lambda p: (0, int(p.stem)) if p.stem.isdigit() else (1, p.stem))
    files = files[:limit] if limit else files
    return [(path.stem, json.loads(path.read_text())) for path in files]


@dataclass
class SplitResult:
    split: str
    ids: list[str]
    tasks: list[dict[str, Any]]
    attempts: dict[str, list[Attempt]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.tasks)


def mistake_turn(task: dict[str, Any]) -> int | None:
    """The labelled turn (the 0-based `mistake_step` + 1); None when the label is unreadable,
    and such a task counts as wrong for every method."""
    try:
        return int(str(task.get("mistake_step")).strip()) + 1
    except ValueError:
        return None


def hit(turn: int | None, task: dict[str, Any]) -> bool:
    expected = mistake_turn(task)
    return expected is not None and turn == expected


def score_split(split: Path, conversions: tuple[str, ...] = ("authored",), offline: bool = False,
                limit: int | None = None, label: str | None = None) -> SplitResult:
    """Write every task of the split as a session and analyze it, once per conversion.
    A task that fails to convert or analyze is counted wrong and reported."""
    loaded = load_split(split, limit)
    if not loaded:
        raise FileNotFoundError(f"no *.json tasks in {split}")
    result = SplitResult(label or split.name, [i for i, _ in loaded], [t for _, t in loaded])
    quiet_mlflow_http()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-whowhen-"))
    try:
        uri = f"sqlite:///{workdir / 'mlflow.db'}"
        for conversion in conversions:
            attempts = result.attempts.setdefault(conversion, [])
            for number, (stem, task) in enumerate(loaded, 1):
                try:
                    turns = CONVERTERS[conversion](task)
                except Exception as exc:  # a malformed task: wrong, reported, the run goes on
                    attempts.append(Attempt(error=f"conversion failed: {type(exc).__name__}: {exc}"[:240]))
                    continue
                attempts.append(attribute(uri, f"who-and-when-{conversion}", f"ww-{conversion}-{stem}",
                                          turns, llm_from_env(offline)))
                if attempts[-1].error:
                    progress(f"Who&When {result.split} [{conversion}] task {stem}: {attempts[-1].error}")
                if number % 20 == 0 or number == len(loaded):
                    progress(f"Who&When {result.split} [{conversion}]: {number}/{len(loaded)} tasks")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def print_table(result: SplitResult) -> None:
    tasks, n = result.tasks, result.n
    mode = next((a.mode for attempts in result.attempts.values() for a in attempts if a.mode), "offline")
    print(f"\nWho&When {result.split}: {n} failed tasks, {sum(len(t['history']) for t in tasks)} steps "
          f"({min(len(t['history']) for t in tasks)}-{max(len(t['history']) for t in tasks)} per task), "
          f"turnback mode {mode}\n")
    print("| method | step accuracy | agent accuracy | step accuracy / random |\n|---|---|---|---|")
    random_step = sum(1 / len(t["history"]) for t in tasks) / n
    random_agent = sum(sum(agent_of(s) == t.get("mistake_agent") for s in t["history"]) / len(t["history"])
                       for t in tasks) / n

    def agent_at(task: dict[str, Any], turn: int | None) -> str | None:
        return agent_of(task["history"][turn - 1]) if turn and 0 < turn <= len(task["history"]) else None

    for conversion, attempts in result.attempts.items():
        steps = sum(a.error is None and hit(a.root, t) for a, t in zip(attempts, tasks, strict=True))
        agents = sum(a.error is None and agent_at(t, a.root) == t.get("mistake_agent")
                     for a, t in zip(attempts, tasks, strict=True))
        print(f"| turnback ({mode}, {conversion} conversion) | {share(steps, n)} | {share(agents, n)} "
              f"| {ratio(steps / n, random_step)} |")
    print(f"| uniform random step (expected, from the data) | {100 * random_step:.2f}% "
          f"| {100 * random_agent:.2f}% | 1.00x |")
    guesses = [first_error_word([str(s.get("content", "")) for s in t["history"]]) for t in tasks]
    steps = sum(hit(g, t) for g, t in zip(guesses, tasks, strict=True))
    agents = sum(agent_at(t, g) == t.get("mistake_agent") for g, t in zip(guesses, tasks, strict=True))
    print(f"| first step with an error word | {share(steps, n)} | {share(agents, n)} "
          f"| {ratio(steps / n, random_step)} |")
    for method, step_accuracy, agent_accuracy in PAPER.get(result.split, []):
        print(f"| paper (GPT-4o, no ground truth): {method} | {step_accuracy:.2f}% | {agent_accuracy:.2f}% "
              f"| {ratio(step_accuracy / 100, random_step)} |")
    print(f"\nerror-word baseline named no step on {guesses.count(None)}/{n} tasks")
    unlabelled = [i for i, t in zip(result.ids, tasks, strict=True) if mistake_turn(t) is None]
    if unlabelled:
        print(f"tasks whose mistake_step is unreadable (wrong for every method): {', '.join(unlabelled)}")
    for conversion, attempts in result.attempts.items():
        failed = [(i, a.error) for i, a in zip(result.ids, attempts, strict=True) if a.error]
        no_root = sum(a.error is None and a.root is None for a in attempts)
        print(f"turnback [{conversion}]: no root turn named on {no_root}/{n} tasks; "
              f"{len(failed)} failed to analyze (counted wrong)")
        for task_id, error in failed:
            print(f"  task {task_id}: {error}")
        if mode == "llm":
            print(f"  LLM tokens per task: {sum(a.tokens for a in attempts) / n:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("split", type=Path, help="the Algorithm-Generated folder of Who&When")
    parser.add_argument("--offline", action="store_true")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--conversion", choices=[*CONVERSIONS, "both"], default="authored")
    parser.add_argument("--held-out", action="store_true",
                        help="allow the held-out Hand-Crafted split (score it once, at the end)")
    args = parser.parse_args()
    if "hand" in args.split.name.lower() and not args.held_out:
        parser.error("the Hand-Crafted split is held out of development; use Algorithm-Generated")
    if not list(args.split.glob("*.json")):
        parser.error(f"no *.json tasks in {args.split}")
    conversions = CONVERSIONS if args.conversion == "both" else (args.conversion,)
    print_table(score_split(args.split, conversions, args.offline, args.limit))


if __name__ == "__main__":
    main()
