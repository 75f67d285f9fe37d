"""The composite GitHub Action (action.yml) and the example workflow that uses it:
actionlint passes on both, and the action's analyze step, run by bash the way a runner
runs it, writes the job summary, its outputs and the exit code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_ci import write_three_sessions

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
EXAMPLE = ROOT / "examples" / "turnback-ci.yml"
# The dev extra installs it (a wheel with the binary); the venv's bin is not always on PATH.
ACTIONLINT = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
needs_actionlint = pytest.mark.skipif(ACTIONLINT is None, reason="actionlint is not installed")


def action() -> dict[str, Any]:
    return yaml.safe_load(ACTION.read_text())


def actionlint(repo: Path, *files: str) -> subprocess.CompletedProcess[str]:
    # shellcheck/pyflakes run when installed; actionlint skips them otherwise.
    return subprocess.run([ACTIONLINT, "-oneline", *files], cwd=repo, capture_output=True, text=True)


def lint_repo(tmp_path: Path) -> Path:
    """A repository holding the action at its root, as a user's `uses:` sees it."""
    repo = tmp_path / "lint"
    (repo / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(ACTION, repo / "action.yml")
    return repo


@needs_actionlint
def test_the_example_workflow_passes_actionlint_and_calls_the_action_with_its_inputs(tmp_path):
    repo = lint_repo(tmp_path)
    example = EXAMPLE.read_text()
    assert "uses: YOUR-ORG/turnback@main" in example
    # Pointed at the local copy, actionlint also checks every `with:` key against action.yml.
    (repo / ".github" / "workflows" / "turnback.yml").write_text(
        example.replace("YOUR-ORG/turnback@main", "./"))
    (repo / ".github" / "workflows" / "as-shipped.yml").write_text(example)

    result = actionlint(repo, ".github/workflows/turnback.yml", ".github/workflows/as-shipped.yml")

    assert result.returncode == 0, result.stdout + result.stderr


@needs_actionlint
def test_the_action_steps_pass_actionlint(tmp_path):
    """actionlint reads workflows, so the composite's steps are linted as one job of a
    reusable workflow whose inputs are the action's (same `inputs.*` context)."""
    repo = lint_repo(tmp_path)
    meta = action()
    workflow = {
        "name": "action-steps",
        "on": {"workflow_call": {"inputs": {
            name: {"type": "string", "required": True} if spec.get("required")
            else {"type": "string", "required": False, "default": spec.get("default", "")}
            for name, spec in meta["inputs"].items()
        }}},
        "jobs": {"steps": {"runs-on": "ubuntu-latest", "steps": meta["runs"]["steps"]}},
    }
    (repo / ".github" / "workflows" / "steps.yml").write_text(yaml.safe_dump(workflow, sort_keys=False))

    result = actionlint(repo, ".github/workflows/steps.yml")

    assert result.returncode == 0, result.stdout + result.stderr
    assert meta["runs"]["using"] == "composite"
    assert all(step.get("shell") for step in meta["runs"]["steps"] if "run" in step)
    # every input the steps read is declared, and none is pasted into a script
    used = set(re.findall(r"inputs\.([a-z-]+)", ACTION.read_text()))
    assert used <= set(meta["inputs"])
    assert not any("${{" in step.get("run", "") for step in meta["runs"]["steps"])


def run_analyze_step(tmp_path: Path, inputs: dict[str, str]) -> tuple[int, str, str, Path]:
    """Run the action's analyze step with bash, its env built from action.yml as a runner would."""
    meta = action()
    [step] = [s for s in meta["runs"]["steps"] if s.get("id") == "analyze"]
    values = {name: spec.get("default", "") for name, spec in meta["inputs"].items()} | inputs
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    # What the install step makes there: a virtualenv with turnback (this one).
    (runner_temp / "turnback-venv").symlink_to(sys.prefix)
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_OUTPUT": str(outputs),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for key, expression in step["env"].items():
        value = re.sub(r"\$\{\{ inputs\.([a-z-]+) \}\}", lambda m: values[m.group(1)], expression)
        env[key] = value.replace("${{ runner.temp }}", str(runner_temp))
    script = tmp_path / "step.sh"
    script.write_text(step["run"])
    # The way a runner runs `shell: bash`.
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    summary.touch()
    outputs.touch()
    return done.returncode, summary.read_text(), outputs.read_text(), tmp_path / values["output-dir"]


def test_the_action_writes_the_summary_and_outputs_and_fails_on_a_fault(write, store_uri, tmp_path):
    write_three_sessions(write)

    status, summary, outputs, reports = run_analyze_step(tmp_path, {"tracking-uri": store_uri})

    assert status == 1  # fail-on-fault defaults to true, and both flagged sessions have a root cause
    assert "| [swallowed.md](swallowed.md) |" in summary
    assert summary == (reports / "index.md").read_text()
    assert outputs.splitlines() == ["sessions=2", "faulty=2", f"index={reports.name}/index.json"]


def test_the_action_reports_a_bad_store_in_the_summary(tmp_path):
    status, summary, outputs, _ = run_analyze_step(
        tmp_path, {"tracking-uri": f"sqlite:///{tmp_path / 'missing.db'}", "fail-on-fault": "false"})

    assert status == 2
    assert summary == "turnback did not finish (exit 2); see the log above.\n"
    assert outputs == ""


def test_the_action_passes_its_llm_deadline_to_turnback(write, store_uri, tmp_path):
    write_three_sessions(write)

    # A deadline turnback must refuse shows the input reached its command line.
    status, summary, _, _ = run_analyze_step(
        tmp_path, {"tracking-uri": store_uri, "llm-deadline": "-5", "fail-on-fault": "false"})

    assert status == 2
    assert "turnback did not finish (exit 2)" in summary
