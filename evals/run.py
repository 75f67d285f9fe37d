"""Run turnback on the labelled eval sessions and print how often it is right.

    python -m evals.run [--offline] [--split dev|test|holdout|all] [--case SUBSTRING]

Three splits, always reported apart:
- `dev`: `evals/cases.py` (written with the first engine) and `evals/sets/*_dev.py`;
  the engine may be tuned on these.
- `test`: `evals/sets/*_locked.py`, written by a separate process that never read the
  engine's code, from the list of fault classes alone. Never tune on them.
- `holdout`: `evals/sets/holdout2_locked.py`, written the same way later, with an app and a
  labelled code line for every faulty session. Never tune on it either. Each fresh set is
  scored once as a holdout and only then joins `dev` (as `fresh_dev` and `fresh2_dev` did).

Figures: root-turn accuracy and symptom-turn accuracy on faulty sessions, category
accuracy, false blame on healthy sessions, code-location hit rate (the labelled line
among the top 3 findings), and LLM tokens per session when an endpoint is configured
(OPENAI_API_KEY or OPENAI_BASE_URL, model from TURNBACK_MODEL).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from turnback import analyze_session
from turnback.demo import APP_DIR
from turnback.demo.builder import write_session
from turnback.llm import OpenAIChatModel
from turnback.state import Report
from turnback.store import quiet_mlflow_http

from evals.apps import APPS
from evals.cases import EvalCase

SPLITS = {
    "dev": ["evals.cases", "evals.sets.dialogue_dev", "evals.sets.structural_dev", "evals.sets.fresh_dev",
            "evals.sets.fresh2_dev", "evals.sets.fresh3_dev", "evals.sets.fresh4_dev",
            "evals.sets.fresh5_dev", "evals.sets.fresh7_dev"],
    "test": ["evals.sets.dialogue_locked", "evals.sets.structural_locked"],
    # Written by a separate process from the fault classes alone; scored once as the engine
    # stood, then never tuned on. (Later such sets, each scored once, are now fresh2_dev,
    # fresh3_dev, fresh4_dev, fresh5_dev and fresh7_dev.)
    "holdout": ["evals.sets.holdout2_locked"],
}


def split_cases(split: str) -> list[EvalCase]:
    """Every case of a split, each module's cases in its own order."""
    selected: list[EvalCase] = []
    for name in SPLITS[split]:
        module = importlib.import_module(name)
        selected.extend(module.cases())
    return selected


def all_apps() -> dict[str, dict[str, str]]:
    apps = dict(APPS)
    for name in (m for modules in SPLITS.values() for m in modules if m.startswith("evals.sets.")):
        if importlib.util.find_spec(name) is not None:
            apps.update(importlib.import_module(name).APPS)
    return apps

TOP_FINDINGS = 3


@dataclass
class Outcome:
    case: EvalCase
    report: Report
    expected_code: str | None
    tokens: int

    @property
    def predicted_root(self) -> int | None:
        return self.report.root_cause.turn if self.report.root_cause else None

    @property
    def root_ok(self) -> bool:
        return self.predicted_root == self.case.root

    @property
    def symptom_ok(self) -> bool:
        return self.report.symptom_turn == self.case.symptom

    @property
    def category_ok(self) -> bool:
        predicted = self.report.root_cause.category if self.report.root_cause else None
        return predicted == self.case.category

    @property
    def code_ok(self) -> bool | None:
        if self.expected_code is None:
            return None
        top = [f"{f.path}:{f.line}" for f in self.report.code_findings[:TOP_FINDINGS]]
        return self.expected_code in top


def write_apps(root: Path) -> dict[str, Path]:
    repos = {"demo": root / "demo"}
    shutil.copytree(APP_DIR, repos["demo"], ignore=shutil.ignore_patterns("__pycache__"))
    for name, files in all_apps().items():
        repos[name] = root / name
        for rel, content in files.items():
            (repos[name] / rel).parent.mkdir(parents=True, exist_ok=True)
            (repos[name] / rel).write_text(content)
    return repos


def expected_location(case: EvalCase, repos: dict[str, Path]) -> str | None:
    if case.code is None or case.app is None:
        return None
    path, needle = case.code
    lines = (repos[case.app] / path).read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if needle in text)
    return f"{path}:{line}"


def llm_from_env(offline: bool) -> OpenAIChatModel | None:
    if offline or not (os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL")):
        return None
    return OpenAIChatModel(
        os.environ.get("TURNBACK_MODEL", "gpt-4o-mini"),
        api_key=os.environ.get("OPENAI_API_KEY"), base_url=os.environ.get("OPENAI_BASE_URL"),
    )


def run(selected: list[EvalCase], offline: bool) -> list[Outcome]:
    quiet_mlflow_http()
    workdir = Path(tempfile.mkdtemp(prefix="turnback-evals-"))
    try:
        uri = f"sqlite:///{workdir / 'mlflow.db'}"
        repos = write_apps(workdir / "apps")
        outcomes = []
        for number, case in enumerate(selected, 1):
            session_id = f"eval-{number}"
            experiment_id = write_session(uri, "turnback-evals", session_id, case.turns)
            llm = llm_from_env(offline)
            report = analyze_session(
                session_id, tracking_uri=uri, experiment_id=experiment_id,
                repo=repos.get(case.app or ""), llm=llm, self_trace_uri=None,
            )
            tokens = llm.usage.prompt_tokens + llm.usage.completion_tokens if llm else 0
            outcomes.append(Outcome(case, report, expected_location(case, repos), tokens))
        return outcomes
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def share(hits: list[bool]) -> str:
    return f"{sum(hits)}/{len(hits)} ({100 * sum(hits) / len(hits):.0f}%)" if hits else "n/a"


def print_results(outcomes: list[Outcome]) -> None:
    mode = outcomes[0].report.mode if outcomes else "offline"
    print(f"turnback evals: {len(outcomes)} labelled sessions, mode {mode}\n")
    print("| case | instrumentation | expected root/symptom/category | got | root | symptom | code |")
    print("|---|---|---|---|---|---|---|")
    for o in outcomes:
        c = o.case
        got = (f"{o.predicted_root}/{o.report.symptom_turn}/"
               f"{o.report.root_cause.category if o.report.root_cause else '-'}")
        expected = f"{c.root}/{c.symptom}/{c.category}" if c.category else "healthy"
        code = {None: "-", True: "hit", False: "miss"}[o.code_ok]
        print(f"| {c.name} | {c.instrumentation} | {expected} | {got} | {'ok' if o.root_ok else 'WRONG'} "
              f"| {'ok' if o.symptom_ok else 'WRONG'} | {code} |")

    faulty = [o for o in outcomes if o.case.category]
    healthy = [o for o in outcomes if not o.case.category]
    by_category: dict[str, list[bool]] = defaultdict(list)
    for o in faulty:
        by_category[o.case.category or ""].append(o.root_ok)
    print("\n| category | root-turn accuracy |\n|---|---|")
    for category, hits in sorted(by_category.items()):
        print(f"| {category} | {share(hits)} |")

    by_class: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        for tag in o.case.tags:
            if tag.startswith("class-") or tag in ("hard",):
                by_class[tag].append(o.root_ok if o.case.category else o.predicted_root is None)
    if by_class:
        print("\n| class | right (root turn, or healthy unblamed) |\n|---|---|")
        for tag, hits in sorted(by_class.items()):
            print(f"| {tag} | {share(hits)} |")

    code = [o.code_ok for o in faulty if o.code_ok is not None]
    print()
    print(f"root-turn accuracy:      {share([o.root_ok for o in faulty])}")
    print(f"symptom-turn accuracy:   {share([o.symptom_ok for o in faulty])}")
    print(f"category accuracy:       {share([o.category_ok for o in faulty])}")
    print(f"false blame on healthy:  {share([o.predicted_root is not None for o in healthy])}")
    print(f"code-location hit rate:  {share([bool(c) for c in code])} (labelled line in top {TOP_FINDINGS})")
    if mode == "llm":
        print(f"LLM tokens per session:  {sum(o.tokens for o in outcomes) / len(outcomes):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", action="store_true", help="never call an LLM")
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all",
                        help="which labelled split to score (default: every split, reported apart)")
    parser.add_argument("--case", help="only cases whose name contains this")
    args = parser.parse_args()
    for split in list(SPLITS) if args.split == "all" else [args.split]:
        selected = [c for c in split_cases(split) if not args.case or args.case in c.name]
        print(f"\n## split: {split}\n")
        print_results(run(selected, args.offline))


if __name__ == "__main__":
    main()
