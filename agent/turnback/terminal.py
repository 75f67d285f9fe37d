"""The report for a terminal (rich), and progress on stderr.

Read top to bottom, it ends on the verdict block: root turn, why, the code line and the
first fix, so what matters is on the last screen without scrolling. Long timelines are
collapsed to the turns that matter and their neighbours (`--full` shows all).

Trace text is only ever passed as `rich.text.Text` (never parsed as console markup;
rich strips control codes from it), flattened to one line and clipped.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from turnback.render import WON, _mode_detail, _why, no_verdict
from turnback.safety import mask, terminal_safe

if TYPE_CHECKING:
    from turnback.state import CodeFinding, Recommendation, Report, ReportTurn

SHORT_TIMELINE = 12  # sessions up to this many turns are shown whole
EXTRA_FAULTS = 6  # faulty turns shown besides root, symptom and evidence, when collapsed
FINDINGS_SHOWN = 3


def plain(text: str | None, limit: int = 300) -> str:
    """One line of untrusted text, shortened; no control characters (an escape sequence
    in a trace must not drive the terminal)."""
    flat = " ".join(terminal_safe(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def shown_turns(report: Report, full: bool) -> list[int]:
    """The turn indexes a collapsed timeline shows: root, symptom, the turns the evidence
    and the runners-up name, a few other faulty turns, the first and last, and each one's
    neighbours."""
    count = len(report.turns)
    if full or count <= SHORT_TIMELINE:
        return list(range(1, count + 1))
    root = report.root_cause
    matter = {1, count, *(e.turn for e in report.evidence_chain)}
    if report.symptom_turn:
        matter.add(report.symptom_turn)
    if root:
        matter |= {root.turn, *(a.turn for a in root.alternatives)}
    others = [t.index for t in report.turns if t.verdict != "ok" and t.index not in matter]
    matter |= set(others[:EXTRA_FAULTS])
    near = {n for t in matter for n in (t - 1, t, t + 1) if 1 <= n <= count}
    return sorted(near)


def render_terminal(report: Report, console: Console, *, full: bool = False) -> None:
    console.print(_header(report))
    console.print(_timeline(report, full))
    if report.evidence_chain:
        console.print(_evidence(report))
    if report.code_findings:
        console.print(_findings(report.code_findings, full))
    extra = _extras(report, full)
    if extra is not None:
        console.print(extra)
    console.print(_verdict_block(report))
    if report.self_trace:
        console.print(Text(f"own trace: {plain(report.self_trace)}", style="dim"))


def _header(report: Report) -> Text:
    title = Text.assemble(
        ("turnback", "bold"), " · session ", (plain(report.session_id, 80), "bold"),
        f" · {len(report.turns)} turns · experiment {plain(report.experiment_id, 40)}",
    )
    mode = Text.assemble((f"{report.mode} mode", "bold"), f": {plain(_mode_detail(report))}", style="dim")
    cc = report.code_correlation
    code = (f"code: {plain(cc.repo)} ({cc.files_searched} files searched)" if cc.status == "done"
            else f"code: skipped: {plain(cc.note)}")
    lines = [title, mode, Text(f"store: {plain(report.tracking_uri)} · {code}", style="dim")]
    if report.session_url:
        lines.append(Text(f"open in MLflow: {plain(report.session_url)}", style="dim"))
    return Text("\n").join(lines)


def _timeline(report: Report, full: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, title="Timeline", title_justify="left",
                  title_style="bold")
    table.add_column("Turn", no_wrap=True)
    table.add_column("Verdict", no_wrap=True, max_width=26, overflow="ellipsis")
    table.add_column("User", no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column("Assistant", no_wrap=True, overflow="ellipsis", ratio=1)
    root = report.root_cause.turn if report.root_cause else None
    by_index = {t.index: t for t in report.turns}
    previous = 0
    for index in [*shown_turns(report, full), len(report.turns) + 1]:
        if index > previous + 1:
            hidden = index - previous - 1
            table.add_row(Text("⋮", style="dim"), Text(f"{hidden} turns hidden", style="dim"),
                          Text("--full shows them", style="dim"), "")
        if index <= len(report.turns):
            table.add_row(*_turn_row(by_index[index], root, report.symptom_turn))
        previous = index
    return table


def _turn_row(turn: ReportTurn, root: int | None, symptom: int | None) -> tuple[Text, Text, Text, Text]:
    mark = " root" if turn.index == root else " symptom" if turn.index == symptom else ""
    style = "bold red" if mark == " root" else "yellow" if mark else ""
    verdict = turn.verdict + (f" {turn.category}" if turn.category else "")
    verdict_style = "red" if turn.verdict == "faulty" else "yellow" if turn.verdict == "unclear" else "green"
    reply = Text(plain(turn.assistant)) if turn.assistant else Text("(no reply)", style="dim")
    return (Text(f"{turn.index}{mark}", style=style), Text(verdict, style=verdict_style),
            Text(plain(turn.user)), reply)


def _evidence(report: Report) -> Group:
    lines = [Text("Evidence (root → symptom)", style="bold")]
    for i, e in enumerate(report.evidence_chain, 1):
        lines.append(Text.assemble(f"{i}. turn {e.turn} · ", (e.kind, "cyan"), f": {plain(e.detail, 240)}"))
    return Group(*lines, Text(""))


def _findings(findings: list[CodeFinding], full: bool) -> Group:
    shown = findings if full else findings[:FINDINGS_SHOWN]
    lines = [Text("Code findings", style="bold")]
    for f in shown:
        lines.append(Text.assemble((f"{plain(f.path, 80)}:{f.line}", "bold cyan"), f" {f.kind}  ",
                                   (plain(f.snippet, 120), "italic")))
        lines.append(Text(f"   {plain(f.answers, 200)}", style="dim"))
    rest = findings[len(shown):]
    if rest:
        places = ", ".join(f"{plain(f.path, 60)}:{f.line}" for f in rest)
        lines.append(Text(f"+ {len(rest)} more as context (--full lists them): {plain(places, 400)}",
                          style="dim"))
    return Group(*lines, Text(""))


def _extras(report: Report, full: bool) -> Group | None:
    """Runners-up, further recommendations, assessments, scorer errors and notes: one line each."""
    lines: list[Text] = []
    root = report.root_cause
    if root and root.alternatives:
        lines.append(Text(f"Also considered (the root scored {root.score:g})", style="bold"))
        lines += [Text(f"  turn {a.turn} · {a.category} · {a.severity} · {a.score:g}: {plain(a.why, 200)}")
                  for a in root.alternatives]
    more = report.recommendations[1:]
    if more:
        lines.append(Text("More recommendations", style="bold"))
        for i, r in enumerate(more, 2):
            where = f" ({plain(r.where, 80)})" if r.where else ""
            lines.append(Text(f"  {i}. {plain(r.title, 160)}{where}"))
            if full:
                lines.append(Text(f"     {plain(r.detail, 600)}", style="dim"))
    for a in report.session_assessments:
        rationale = f": {plain(a.rationale, 200)}" if a.rationale else ""
        lines.append(Text(f"session assessment {plain(a.name, 60)} = {plain(str(a.value), 60)}{rationale}",
                          style="dim"))
    for a in report.scorer_errors:
        lines.append(Text(f"scorer error, turn {a.turn}: {plain(a.name, 60)} failed to score: "
                          f"{plain(a.error, 160)}", style="dim"))
    lines += [Text(f"note: {plain(n, 300)}", style="dim") for n in report.notes]
    return Group(*lines, Text("")) if lines else None


def _verdict_block(report: Report) -> Panel:
    root = report.root_cause
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    if root is None:
        grid.add_row("Verdict", Text("the session looks healthy: no turn carries a fault", style="green"))
        grid.add_row("Turns", str(len(report.turns)))
        return Panel(grid, title="Verdict", title_align="left", border_style="green")
    grid.add_row("Root cause", Text.assemble((f"turn {root.turn}", "bold red"), f" · {root.category} · "
                                             f"confidence {root.confidence}"))
    if report.symptom_turn and report.symptom_turn != root.turn:
        grid.add_row("Shows at", f"turn {report.symptom_turn}")
    grid.add_row("Why", Text(plain(_why(report), 400)))
    if (view := root.adjudication) is not None:  # LLM mode: the model's verdict beside the engine's
        said = (no_verdict(view.why) if view.model_verdict is None else
                f"{view.model_verdict} ({view.model_confidence or 'no'} confidence), {WON[view.won]}: "
                f"{view.why}")
        moved = (f"; the engine alone named turn {root.offline_turn}"
                 if root.offline_turn is not None and root.offline_turn != root.turn else "")
        grid.add_row("Model", Text(plain(f"{said}{moved}", 400)))
    turn = report.turns[root.turn - 1] if 0 < root.turn <= len(report.turns) else None
    if turn is not None:
        said = Text.assemble(("user: ", "dim"), plain(turn.user, 160), ("\nreply: ", "dim"),
                             plain(turn.assistant, 160) if turn.assistant else "(no reply)")
        grid.add_row(f"Turn {root.turn}", said)
    first_fix = report.recommendations[0] if report.recommendations else None
    code = _code_line(report.code_findings, first_fix)
    if code is not None:
        grid.add_row("Code", Text.assemble((f"{plain(code.path, 80)}:{code.line}", "bold cyan"),
                                           f"  {plain(code.snippet, 140)}"))
    elif report.code_correlation.status == "skipped":
        grid.add_row("Code", Text(f"not searched: {plain(report.code_correlation.note, 200)}", style="dim"))
    if first_fix is not None:
        where = f" ({plain(first_fix.where, 80)})" if first_fix.where else ""
        grid.add_row("Fix", Text.assemble((f"{plain(first_fix.title, 160)}{where}", "bold"),
                                          f"\n{plain(first_fix.detail, 320)}"))
    return Panel(grid, title="Verdict", title_align="left", border_style="red")


def _code_line(findings: list[CodeFinding], fix: Recommendation | None) -> CodeFinding | None:
    """The line the first fix points at, else the top-ranked finding."""
    if fix and fix.where:
        for f in findings:
            if f"{f.path}:{f.line}" == fix.where:
                return f
    return findings[0] if findings else None


# --- progress on stderr -----------------------------------------------------------------

COUNT = re.compile(r"(\d+)/(\d+)")


@contextmanager
def progress_display(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A progress callback: a spinner with the current step (a bar when the step says
    `i/n`) while stderr is a terminal, plain `turnback: ...` lines otherwise."""
    if quiet:
        yield lambda _line: None
        return
    if not sys.stderr.isatty():
        yield _plain_line
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    # markup=False: a step names sessions and paths, which must never be read as markup.
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task("starting", total=None)

    def update(line: str) -> None:
        # "judging turn 3/40", "[3/10] analyzing session ...": a bar; other steps: a pulse.
        count = COUNT.search(line)
        done, total = (int(count.group(1)) - 1, int(count.group(2))) if count else (0, None)
        bar.update(task, description=plain(mask(line), 70), completed=done, total=total)

    with bar:
        yield update


def _plain_line(line: str) -> None:
    from turnback.safety import terminal_safe

    # Masked and stripped like every line turnback prints (a step may quote a session id).
    print(f"turnback: {' '.join(terminal_safe(mask(line)).split())}", file=sys.stderr, flush=True)
