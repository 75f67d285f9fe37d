"""Render a Report for people (Markdown) or machines (JSON)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from turnback.safety import code_text, inert, inert_md, mask, mask_data
from turnback.state import Report, RootCause, SessionSummary

CELL_CHARS = 90
TEXT_CHARS = 400


def to_json(report: Report) -> str:
    # Masked again here: fields set after the report node (self_trace, notes) are covered too.
    data = mask_data(report.model_dump(mode="json"))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_markdown(report: Report) -> str:
    # Every string below that came from a trace, a repo or a model goes through inert(),
    # inert_md() or code_text(): one line, masked, nothing in it can act as Markdown/HTML.
    out: list[str] = [f"# turnback: where did session `{code_text(report.session_id)}` go wrong?", ""]
    out.append(f"> **Mode: {report.mode}**: {inert_md(_mode_detail(report))}.")
    out.append("")
    out += _verdict(report)
    out += _facts(report)
    out += _timeline(report)
    out += _chain(report)
    out += _findings(report)
    out += _recommendations(report)
    out += _assessments(report)
    if report.notes:
        out += ["## Notes", "", *[f"- {inert_md(n)}" for n in report.notes], ""]
    if report.self_trace:
        out += [f"_turnback's own trace of this analysis: {inert_md(report.self_trace)}_", ""]
    return "\n".join(out).rstrip() + "\n"


def _mode_detail(report: Report) -> str:
    """The mode note without its leading "offline: " (the banner already names the mode)."""
    note = report.mode_note.rstrip(".")
    prefix = f"{report.mode}: "
    return note[len(prefix):] if note.startswith(prefix) else note


def _why(report: Report) -> str:
    """The root cause's explanation less what the verdict line above it already says
    ("At turn N, " and "; the failure shows at turn M")."""
    root = report.root_cause
    assert root is not None
    text = root.explanation.strip()
    lead, tail = f"At turn {root.turn}, ", f"; the failure shows at turn {report.symptom_turn}."
    if text.startswith(lead):
        text = text[len(lead):]
        text = text[: -len(tail)] if text.endswith(tail) else text.rstrip(".")
        text = text[:1].upper() + text[1:] + "."
    return text


def _verdict(report: Report) -> list[str]:
    root = report.root_cause
    if root is None:
        return ["**Verdict: the session looks healthy.** No turn carries a fault.", ""]
    symptom = (
        f"; the failure shows at **turn {report.symptom_turn}**"
        if report.symptom_turn and report.symptom_turn != root.turn else ""
    )
    return [
        f"**Verdict: root cause at turn {root.turn}** (`{code_text(root.category)}`, confidence "
        f"{root.confidence}){symptom}.",
        "",
        inert_md(_why(report), TEXT_CHARS * 2),
        "",
        *_model_view(root),
        *_alternatives(root),
    ]


WON = {"both": "agrees with the engine", "offline": "disagreed; the engine's reading stands",
       "model": "its verdict decided"}


def _model_view(root: RootCause) -> list[str]:
    """LLM mode: the model's verdict on the root beside the engine's, and which one won."""
    view = root.adjudication
    if view is None:
        return []
    moved = (f" The engine alone named turn {root.offline_turn}."
             if root.offline_turn is not None and root.offline_turn != root.turn else "")
    if view.model_verdict is None:
        line = f"**Model:** {inert_md(no_verdict(view.why), TEXT_CHARS)}"
    else:
        line = (f"**Model:** `{view.model_verdict}` ({view.model_confidence or 'no'} confidence), "
                f"{WON[view.won]}: {inert_md(view.why, TEXT_CHARS)}")
    return [line + moved, ""]


def no_verdict(why: str) -> str:
    """What the Model line says when the call failed: `why` already says the model gave no
    verdict, and why; saying "no verdict (its call failed)" before it said it twice."""
    lead = "the model gave no verdict"
    return f"no verdict{why[len(lead):]}" if why.startswith(lead) else f"no verdict (its call failed); {why}"


def _alternatives(root: RootCause) -> list[str]:
    """The runners-up with their scores, so a reader can weigh the verdict."""
    if not root.alternatives:
        return []
    lines = [f"Also considered (score; the root scored {root.score:g}):", ""]
    lines += [
        f"- turn {a.turn} · `{code_text(a.category)}` · {a.severity} · {a.score:g}: "
        f"{inert_md(a.why, TEXT_CHARS)}"
        for a in root.alternatives
    ]
    return [*lines, ""]


def _facts(report: Report) -> list[str]:
    rows = [
        # The link is turnback's own (ids URL-quoted); masked for a password in the server URI.
        ("Session", f"`{code_text(report.session_id, 300)}`"
         + (f" ([open in MLflow]({mask(report.session_url)}))" if report.session_url else "")),
        ("Experiment", f"`{code_text(report.experiment_id, 300)}`"),
        ("Tracking URI", f"`{code_text(report.tracking_uri, 300)}`"),
        ("Turns", str(len(report.turns))),
        ("Turn I/O found in", inert_md(report.discovered_schema, 300)),
        ("Code correlation", _correlation(report)),
    ]
    # A list, not a headerless table: it reads the same raw and rendered. Values are
    # already inert (code spans without backticks, escaped text).
    return [*[f"- **{k}:** {v}" for k, v in rows], ""]


def _correlation(report: Report) -> str:
    cc = report.code_correlation
    if cc.status == "skipped":
        return inert_md(f"skipped: {cc.note}", 300)
    return f"`{code_text(cc.repo, 300)}` ({cc.files_searched} files searched)"


def _timeline(report: Report) -> list[str]:
    marks = {report.symptom_turn: "symptom"}
    if report.root_cause:
        marks[report.root_cause.turn] = "**root cause**"
    lines = ["## Timeline", "", "| Turn | Verdict | User | Assistant | Why |", "|---|---|---|---|---|"]
    for t in report.turns:
        mark = f" ({marks[t.index]})" if t.index in marks else ""
        url = report.trace_urls.get(t.trace_id)
        turn = f"[{t.index}]({url})" if url else str(t.index)
        verdict = t.verdict + (f" `{code_text(t.category, table=True)}`" if t.category else "")
        why = inert_md("; ".join(t.reasons), CELL_CHARS, table=True)
        lines.append(
            f"| {turn}{mark} | {verdict} | {_cell(t.user)} | "
            f"{_cell(t.assistant) if t.assistant else '_(no reply)_'} | {why} |"
        )
    return [*lines, ""]


def _chain(report: Report) -> list[str]:
    if not report.evidence_chain:
        return []
    lines = ["## Evidence chain (root → symptom)", ""]
    for i, e in enumerate(report.evidence_chain, 1):
        span = f" (span `{code_text(e.span_id)}`)" if e.span_id else ""
        lines.append(f"{i}. turn {e.turn} · {code_text(e.kind)}{span}: {inert_md(e.detail, TEXT_CHARS)}")
    return [*lines, ""]


def _findings(report: Report) -> list[str]:
    if not report.code_findings:
        return []
    lines = ["## Code findings", ""]
    for i, f in enumerate(report.code_findings, 1):
        lines.append(f"{i}. `{code_text(f.path)}:{f.line}` · {f.kind}: `{code_text(f.snippet, 120)}`")
        lines.append(f"   {inert_md(f.answers)}")
    return [*lines, ""]


def _recommendations(report: Report) -> list[str]:
    if not report.recommendations:
        return []
    lines = ["## Recommendations", ""]
    for i, r in enumerate(report.recommendations, 1):
        # Model-written in LLM mode: one line each, so no text can open a block or a fence.
        lines += [f"### {i}. {inert_md(r.title, 200)}", "", inert_md(r.detail), ""]
        if r.where:
            lines.append(f"- **Where:** `{code_text(r.where)}`")
        lines.append(f"- **Rests on:** {'; '.join(inert_md(x, 200) for x in r.rests_on)}")
        lines += [f"- **Verify:** {inert_md(r.verify)}", ""]
    return lines


def _assessments(report: Report) -> list[str]:
    lines: list[str] = []
    if report.session_assessments:
        lines += ["## Session-level assessments", ""]
        for a in report.session_assessments:
            rationale = f": {inert(a.rationale, TEXT_CHARS)}" if a.rationale else ""
            lines.append(
                f"- `{code_text(a.name)}` = `{code_text(str(a.value))}` "
                f"({inert(a.source_type) or 'unknown source'}){rationale}"
            )
        lines.append("")
    if report.scorer_errors:
        lines += ["## Scorer errors (not verdicts on the turns)", ""]
        for a in report.scorer_errors:
            lines.append(f"- turn {a.turn}: `{code_text(a.name)}` failed to score: {inert(a.error, 200)}")
        lines.append("")
    return lines


def _cell(text: str | None, limit: int = CELL_CHARS) -> str:
    """One table cell of trace text: single line, inert (pipes escaped), shortened."""
    return inert(text, limit)


# --- several sessions (CI) -------------------------------------------------------------


@dataclass
class FailedSession:
    """A flagged session whose analysis failed: the batch goes on, its index row says why."""

    session_id: str
    experiment_id: str
    error: str
    exit_code: int


# Ids used as file names as they are: lower-case (case-insensitive file systems), no
# "-xxxxxxxx" hash tail (kept for hashed names), never "index" (the index's own name).
_PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
_HASH_TAIL = re.compile(r"-[0-9a-f]{8}$")


def report_file_name(report: Report | FailedSession | str, fmt: str) -> str:
    """A file name for a session's report, unique per session id and the same on every run.

    A plain id is its own name; any other ("a/b", "a b", "A_B", non-ASCII) is folded to safe
    characters and followed by a hash of the exact id, so ids that fold alike never collide.
    """
    session_id = report if isinstance(report, str) else report.session_id
    suffix = "json" if fmt == "json" else "md"
    if _PLAIN_NAME.fullmatch(session_id) and not _HASH_TAIL.search(session_id) and session_id != "index":
        return f"{session_id}.{suffix}"
    folded = re.sub(r"[^A-Za-z0-9._-]+", "_", session_id).strip("._")[:80] or "session"
    digest = hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{folded}-{digest}.{suffix}"


def index_entries(reports: list[Report | FailedSession], fmt: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for r in reports:
        if isinstance(r, FailedSession):
            entries.append({
                "session_id": r.session_id, "experiment_id": r.experiment_id, "turns": None,
                "root_turn": None, "category": None, "symptom_turn": None, "report": None,
                "error": r.error,
            })
            continue
        entries.append({
            "session_id": r.session_id,
            "experiment_id": r.experiment_id,
            "turns": len(r.turns),
            "root_turn": r.root_cause.turn if r.root_cause else None,
            "category": r.root_cause.category if r.root_cause else None,
            "symptom_turn": r.symptom_turn,
            "report": report_file_name(r, fmt),
            "error": None,
        })
    return mask_data(entries)


def index_to_json(reports: list[Report | FailedSession], fmt: str) -> str:
    """index.json: one object per analyzed session, in the order analyzed (README: "The index")."""
    return json.dumps(index_entries(reports, fmt), indent=2, ensure_ascii=False) + "\n"


def index_to_markdown(reports: list[Report | FailedSession], fmt: str, link_base: str = "") -> str:
    """`link_base`: the reports' folder relative to where this index is written ("" beside it)."""
    faulty = sum(1 for r in reports if isinstance(r, Report) and r.root_cause)
    failed = sum(1 for r in reports if isinstance(r, FailedSession))
    lines = [
        "# turnback: flagged sessions", "",
        f"{len(reports)} session(s) analyzed, {faulty} with a root cause"
        + (f", {failed} could not be analyzed." if failed else "."), "",
        "| Session | Turns | Root turn | Category | Symptom turn | Report |",
        "|---|---|---|---|---|---|",
    ]
    for entry in index_entries(reports, fmt):
        session = f"`{code_text(entry['session_id'], 200, table=True)}`"
        if entry["error"]:
            lines.append(f"| {session} | - | - | - | - | analysis failed: {inert(entry['error'], 200)} |")
            continue
        # The file name is turnback's own (safe characters only), so it is a plain relative link.
        lines.append(
            f"| {session} | {entry['turns']} | {entry['root_turn'] or '-'} | "
            f"{entry['category'] or 'healthy'} | {entry['symptom_turn'] or '-'} | "
            f"[{entry['report']}]({link_base}{entry['report']}) |"
        )
    return "\n".join(lines) + "\n"


def sessions_to_json(summaries: list[SessionSummary]) -> str:
    rows = [{**s.model_dump(mode="json"), "flagged": s.flagged} for s in summaries]
    return json.dumps(rows, indent=2) + "\n"


def sessions_to_markdown(summaries: list[SessionSummary]) -> str:
    if not summaries:
        return "No sessions found.\n"
    lines = [
        "| Session | Experiment | Turns | First | Last | Errors | Failing assessments | Complaints "
        "| Flagged |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        failing = inert_md(", ".join(s.failing_assessments), 200, table=True) or "-"
        lines.append(
            f"| `{code_text(s.session_id, 200, table=True)}` | {s.experiment_id} | {s.turns} "
            f"| {_time(s.first_ms)} | {_time(s.last_ms)} | {s.errors} | {failing} | {s.complaints} "
            f"| {'yes' if s.flagged else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def _time(ms: int) -> str:
    """ISO 8601 in the local timezone, with its offset, so a time is never ambiguous."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone().isoformat(timespec="seconds")
