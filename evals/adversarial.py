"""Hostile sessions, stores and repos on a real MLflow store; one row per case.

    python -m evals.adversarial [--keep DIR] [--case SUBSTRING]

Each case writes a hostile session (or store, or repo), runs `turnback analyze` on it in
process, and checks what a user would see:
- exit: the exit code, against the documented one expected for the case;
- masked: no planted secret (every session carries some) in stdout, stderr, files
  written or turnback's own trace store;
- intact: the Markdown report (or index) has only turnback's own headings, no code
  fence, no live HTML, image or link to a planted URL, table rows with their columns,
  no control characters, every turn in its place;
- unchanged: the analyzed store's bytes are the same after the run, and nothing was
  written where it should not be (a hostile repo's hook leaves no marker).
Exit status 1 when any case fails a check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from turnback.cli import main
from turnback.demo.builder import chat_turn, tool_span, write_session

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
URL_PASSWORD = "hunter2-db-pass"
PEM_BODY = "MIIEowIBAAKCAQEAsecretkeymaterialQUFBQUFB"
SECRETS = (AWS_SECRET, URL_PASSWORD, PEM_BODY, "sk-proj-abcdefghijklmnopqrstuv")
SECRET_TEXT = (
    f"creds: aws_secret_access_key={AWS_SECRET} postgres://app:{URL_PASSWORD}@db/orders "
    f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY----- sk-proj-abcdefghijklmnopqrstuv"
)
EVIL_URL = "https://evil.example"
OWN_HEADING = re.compile(
    r"^(# turnback: .*|## (Timeline|Evidence chain.*|Code findings|Recommendations|Notes"
    r"|Session-level assessments|Scorer errors.*)|### \d+\. .*)$"
)
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@dataclass
class Case:
    name: str
    turns: list[dict[str, Any]] = field(default_factory=list)
    session_id: str = ""
    args: list[str] = field(default_factory=list)
    expected_exit: int = 0
    tamper: Callable[[Path, str], None] | None = None  # (store file, session id), after writing
    flagged: bool = False
    repo: Callable[[Path], Path] | None = None
    store_override: Callable[[Path], Path] | None = None  # a non-MLflow file given as the store


def leaky(user: str, reply: str = "Done.", **kwargs: Any) -> dict[str, Any]:
    """A turn whose tool fails with secrets in its error and the reply claims success."""
    return chat_turn(user, reply, children=[tool_span("call_backend", {"q": user[:40]}, {"ok": True},
                                                      error=SECRET_TEXT)], **kwargs)


COMPLAINT = chat_turn("No, that's wrong: nothing happened! You said it was done.", "Sorry about that.")


def _delete_middle_spans(db: Path, session_id: str) -> None:
    with sqlite3.connect(db) as con:
        [middle] = con.execute(
            "SELECT request_id FROM trace_info WHERE session_id = ? ORDER BY timestamp_ms LIMIT 1 OFFSET 1",
            (session_id,)).fetchall()
        con.execute("DELETE FROM spans WHERE trace_id = ?", middle)


def _same_millisecond(db: Path, session_id: str) -> None:
    with sqlite3.connect(db) as con:
        con.execute("UPDATE trace_info SET timestamp_ms = (SELECT min(timestamp_ms) FROM trace_info "
                    "WHERE session_id = ?) WHERE session_id = ?", (session_id, session_id))


def _lone_surrogate(db: Path, _session_id: str) -> None:
    with sqlite3.connect(db) as con:
        con.execute("UPDATE spans SET content = replace(content, 'SURROGATE', ?)", ("\\ud800",))


def _hostile_repo(base: Path) -> Path:
    repo = base / "hostile-repo"
    repo.mkdir()
    (repo / "tools.py").write_text("def call_backend(q):\n    try:\n        return run(q)\n"
                                   "    except Exception:\n        return {'ok': True}\n")
    git = ["git", "-C", str(repo), "-c", "user.email=a@b", "-c", "user.name=a"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    subprocess.run([*git, "config", "core.fsmonitor", f"touch {base / 'MARKER'}; false"], check=True)
    (repo / "zero.py").symlink_to("/dev/zero")
    (repo / "passwd.py").symlink_to("/etc/passwd")
    os.mkfifo(repo / "fifo.py")
    return repo


def _other_sqlite(base: Path) -> Path:
    path = base / "other-app.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE notes (body TEXT)")
    return path


def _empty_file(base: Path) -> Path:
    path = base / "empty.db"
    path.write_bytes(b"")
    return path


def cases() -> list[Case]:
    fence = "```"
    return [
        Case("secrets in a tool error", [leaky("Export my orders."), COMPLAINT]),
        Case("markdown injection in a tool error", [
            chat_turn(f"Book it. {SECRET_TEXT}", "Booked!", children=[tool_span(
                "book", {}, {"ok": True},
                error=f"said:\n| a | b |\n|---|---|\n| x | y |\n# Injected heading\n{fence}\nswallow")]),
            COMPLAINT]),
        Case("triple backticks in user text", [
            leaky(f"{fence}python\nprint('hi')"), chat_turn(f"No, that's wrong {fence}", "Sorry.")]),
        Case("raw HTML and remote images", [
            leaky(f"<details open><summary>x</summary><img src={EVIL_URL}/p.png> ![b]({EVIL_URL}/b.png)"
                  f" [l]({EVIL_URL})"), COMPLAINT]),
        Case("ANSI and OSC escapes", [
            leaky("hi \x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]8;;https://evil.example\x07x\x1b]8;;\x07\x9b2J"),
            COMPLAINT]),
        Case("5,000 nested brackets", [leaky("hi"), chat_turn("[" * 5000 + "]" * 5000, "ok"), COMPLAINT]),
        Case("lone surrogate in a span", [
            chat_turn(f"Book. {SECRET_TEXT}", "Booked!",
                      children=[tool_span("book", {}, {"ok": True}, error="bad SURROGATE x")]),
            COMPLAINT], tamper=_lone_surrogate),
        Case("quote in the session id", [leaky("Export."), COMPLAINT], session_id="it's \"quoted\" | <b>"),
        Case("a trace whose spans cannot load", [leaky("Export."), leaky("And again."), COMPLAINT],
             tamper=_delete_middle_spans),
        Case("turns in the same millisecond", [leaky("one"), leaky("two"), COMPLAINT],
             tamper=_same_millisecond),
        Case("--trace-to is the analyzed store", [leaky("Export."), COMPLAINT],
             args=["--trace-to", "{store}", "--write-back"], expected_exit=2),
        Case("password in the tracking URI", [leaky("x")],
             args=["--tracking-uri", f"http://admin:{URL_PASSWORD}@127.0.0.1:9"], expected_exit=2),
        Case("another app's SQLite file as the store", [], store_override=_other_sqlite, expected_exit=2),
        Case("a 0-byte file as the store", [], store_override=_empty_file, expected_exit=2),
        Case("hostile repo: fsmonitor, /dev/zero, FIFO, escaping link", [leaky("Export."), COMPLAINT],
             repo=_hostile_repo),
        Case("--flagged with colliding and piped ids", [leaky("Export."), COMPLAINT], flagged=True),
    ]


FLAGGED_IDS = ["a/b", "a_b", "a b", "a|b", "кафе"]


@dataclass
class Row:
    case: str
    exit_code: int
    expected_exit: int
    masked: bool
    intact: bool
    unchanged: bool
    why: list[str]

    @property
    def ok(self) -> bool:
        return self.exit_code == self.expected_exit and self.masked and self.intact and self.unchanged


def markdown_problems(md: str, turns: int | None = None) -> list[str]:
    """What in a rendered report or index shows trace text acting as Markdown/HTML."""
    problems = []
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", md):
        problems.append("control characters")
    for line in md.splitlines():
        if line.startswith("#") and not OWN_HEADING.match(line):
            problems.append(f"foreign heading {line[:40]!r}")
    prose = re.sub(r"`[^`\n]*`", "", md)  # code spans are inert
    if "```" in md.replace("\\`", ""):
        problems.append("code fence")
    if re.search(r"(?<!\\)<[a-zA-Z/!]", prose):
        problems.append("live HTML")
    if re.search(r"(?<!\\)!\[", prose) or re.search(r"(?<!\\)\]\(https?://evil", prose):
        problems.append("image or link")
    for table in re.findall(r"(?:^\|.*\n?)+", md, re.MULTILINE):
        widths = {len(UNESCAPED_PIPE.findall(row)) for row in table.splitlines()}
        if len(widths) > 1:
            problems.append(f"table rows of {sorted(widths)} cells")
    if turns is not None and not re.search(rf"^- \*\*Turns:\*\* {turns}$", md, re.MULTILINE):
        problems.append(f"not {turns} turns")
    return problems


def run_case(case: Case, work: Path) -> Row:
    work.mkdir(parents=True)
    store = work / "mlflow.db"
    template = work.parent / "template.db"
    store.write_bytes(template.read_bytes())
    uri = f"sqlite:///{store}"
    session_ids = FLAGGED_IDS if case.flagged else [case.session_id or "hostile"]
    for session_id in session_ids:
        if case.turns:
            write_session(uri, "app", session_id, case.turns)
            if case.tamper:
                case.tamper(store, session_id)
    if case.store_override:
        store = case.store_override(work)
        uri = f"sqlite:///{store}"
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    own = work / "own-traces.db"
    args = [a.replace("{store}", uri) for a in case.args]
    if "--tracking-uri" not in args:
        args += ["--tracking-uri", uri]
    if "--trace-to" not in args:
        args += ["--trace-to", f"sqlite:///{own}"]
    if case.repo:
        args += ["--repo", str(case.repo(work))]
    out_dir = work / "reports"
    target = ["--flagged", "--output-dir", str(out_dir)] if case.flagged else [session_ids[0]]
    result = CliRunner().invoke(main, ["analyze", *target, *args], catch_exceptions=True)

    why: list[str] = []
    seen = result.stdout + result.stderr
    if out_dir.exists():
        seen += "".join(p.read_text(errors="replace") for p in out_dir.iterdir())
    if own.exists():
        with sqlite3.connect(own) as con:
            seen += con.execute("SELECT coalesce(group_concat(content, ' '), '') FROM spans").fetchone()[0]
    masked = not [s for s in SECRETS if s in seen]
    if result.exception and not isinstance(result.exception, SystemExit):
        why.append(f"crashed: {type(result.exception).__name__}")
    if "Traceback" in result.stderr:
        why.append("traceback on stderr")
    if case.expected_exit:
        errors = [line for line in result.stderr.splitlines() if line.startswith("turnback: error:")]
        intact = len(errors) == 1 and result.stdout == "" and not why
        why += [] if intact else ["not one error line"]
    elif case.flagged:
        index = json.loads((out_dir / "index.json").read_text())
        names = [e["report"] for e in index]
        problems = markdown_problems((out_dir / "index.md").read_text())
        problems += [] if len(set(names)) == len(FLAGGED_IDS) else ["report names collide"]
        for name in names:
            problems += markdown_problems((out_dir / name).read_text(), turns=len(case.turns))
        why += problems
        intact = not why
    else:
        why += markdown_problems(result.stdout, turns=len(case.turns))
        intact = not why
    unchanged = hashlib.sha256(store.read_bytes()).hexdigest() == before and not (work / "MARKER").exists()
    if not unchanged:
        why.append("store or machine changed")
    return Row(case.name, result.exit_code, case.expected_exit, masked, intact, unchanged, why)


def run(keep: Path | None = None, only: str = "") -> list[Row]:
    from mlflow import MlflowClient
    from turnback.store import quiet_mlflow_http

    quiet_mlflow_http()
    with tempfile.TemporaryDirectory(prefix="turnback-adversarial-") as tmp:
        base = keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        MlflowClient(f"sqlite:///{base / 'template.db'}").search_experiments()  # migrate once
        return [run_case(case, base / f"case-{i:02d}") for i, case in enumerate(cases(), 1)
                if only.lower() in case.name.lower()]


def table(rows: list[Row]) -> str:
    def mark(ok: bool) -> str:
        return "yes" if ok else "NO"

    lines = ["| case | exit code (expected) | masked? | report intact? | store unchanged? | notes |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        exit_text = f"{r.exit_code} ({r.expected_exit})" + ("" if r.exit_code == r.expected_exit else " NO")
        lines.append(f"| {r.case} | {exit_text} | {mark(r.masked)} | {mark(r.intact)} | "
                     f"{mark(r.unchanged)} | {'; '.join(r.why)[:120]} |")
    passed = sum(r.ok for r in rows)
    return "\n".join(lines) + f"\n\n{passed}/{len(rows)} cases pass every check.\n"


def main_cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the stores, repos and reports in this new folder")
    parser.add_argument("--case", default="", help="only the cases whose name contains this")
    options = parser.parse_args()
    os.environ["MLFLOW_ENABLE_ASYNC_TRACE_LOGGING"] = "false"
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID"):
        os.environ.pop(var, None)  # offline, and only the stores built here
    rows = run(options.keep, options.case)
    print(table(rows), end="")
    sys.exit(0 if all(r.ok for r in rows) else 1)


if __name__ == "__main__":
    main_cli()
