"""Render a Report for people (Markdown) or machines (JSON)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from turnback.state import Report, RootCause, SessionSummary

CELL_CHARS = 90
TEXT_CHARS = 400


def to_json(report: Report) -> str:
    data = report.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_markdown(report: Report) -> str:
    out: list[str] = [f"# turnback: where did session `{report.session_id}` go wrong?", ""]
    out.append(f"> **Mode: {report.mode}**: {_mode_detail(report)}.")
    out.append("")
    out += _verdict(report)
    out += _facts(report)
    out += _timeline(report)
    out += _chain(report)
    out += _findings(report)
    out += _recommendations(report)
    out += _assessments(report)
    if report.notes:
        out += ["## Notes", "", *[f"- {n}" for n in report.notes], ""]
    if report.self_trace:
        out += [f"_turnback's own trace of this analysis: {report.self_trace}_", ""]
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
        f"**Verdict: root cause at turn {root.turn}** (`{root.category}`, confidence "
        f"{root.confidence}){symptom}.",
        "",
        _clip(_why(report), TEXT_CHARS * 2),
        "",
        *_alternatives(root),
    ]


def _alternatives(root: RootCause) -> list[str]:
    """The runners-up with their scores, so a reader can weigh the verdict."""
    if not root.alternatives:
        return []
    lines = [f"Also considered (score; the root scored {root.score:g}):", ""]
    lines += [
        f"- turn {a.turn} · `{a.category}` · {a.severity} · {a.score:g}: {_clip(a.why, TEXT_CHARS)}"
        for a in root.alternatives
    ]
    return [*lines, ""]


def _facts(report: Report) -> list[str]:
    rows = [
        ("Session", f"`{report.session_id}`"
         + (f" ([open in MLflow]({report.session_url}))" if report.session_url else "")),
        ("Experiment", f"`{report.experiment_id}`"),
        ("Tracking URI", f"`{report.tracking_uri}`"),
        ("Turns", str(len(report.turns))),
        ("Turn I/O found in", report.discovered_schema),
        ("Code correlation", _correlation(report)),
    ]
    # A list, not a headerless table: it reads the same raw and rendered.
    return [*[f"- **{k}:** {_cell(v, 300)}" for k, v in rows], ""]


def _correlation(report: Report) -> str:
    cc = report.code_correlation
    if cc.status == "skipped":
        return f"skipped: {cc.note}"
    return f"`{cc.repo}` ({cc.files_searched} files searched)"


def _timeline(report: Report) -> list[str]:
    marks = {report.symptom_turn: "symptom"}
    if report.root_cause:
        marks[report.root_cause.turn] = "**root cause**"
    lines = ["## Timeline", "", "| Turn | Verdict | User | Assistant | Why |", "|---|---|---|---|---|"]
    for t in report.turns:
        mark = f" ({marks[t.index]})" if t.index in marks else ""
        url = report.trace_urls.get(t.trace_id)
        turn = f"[{t.index}]({url})" if url else str(t.index)
        verdict = t.verdict + (f" `{t.category}`" if t.category else "")
        why = "; ".join(t.reasons)
        lines.append(
            f"| {turn}{mark} | {verdict} | {_cell(t.user)} | "
            f"{_cell(t.assistant) if t.assistant else '_(no reply)_'} | {_cell(why)} |"
        )
    return [*lines, ""]


def _chain(report: Report) -> list[str]:
    if not report.evidence_chain:
        return []
    lines = ["## Evidence chain (root → symptom)", ""]
    for i, e in enumerate(report.evidence_chain, 1):
        span = f" (span `{e.span_id}`)" if e.span_id else ""
        lines.append(f"{i}. turn {e.turn} · {e.kind}{span}: {_clip(e.detail, TEXT_CHARS)}")
    return [*lines, ""]


def _findings(report: Report) -> list[str]:
    if not report.code_findings:
        return []
    lines = ["## Code findings", ""]
    for i, f in enumerate(report.code_findings, 1):
        lines.append(f"{i}. `{f.path}:{f.line}` · {f.kind}: `{_clip(f.snippet, 120)}`")
        lines.append(f"   {f.answers}")
    return [*lines, ""]


def _recommendations(report: Report) -> list[str]:
    if not report.recommendations:
        return []
    lines = ["## Recommendations", ""]
    for i, r in enumerate(report.recommendations, 1):
        lines += [f"### {i}. {r.title}", "", r.detail, ""]
        if r.where:
            lines.append(f"- **Where:** `{r.where}`")
        lines.append(f"- **Rests on:** {'; '.join(_clip(x, 200) for x in r.rests_on)}")
        lines += [f"- **Verify:** {r.verify}", ""]
    return lines


def _assessments(report: Report) -> list[str]:
    lines: list[str] = []
    if report.session_assessments:
        lines += ["## Session-level assessments", ""]
        for a in report.session_assessments:
            rationale = f": {_clip(a.rationale, TEXT_CHARS)}" if a.rationale else ""
            lines.append(f"- `{a.name}` = `{a.value}` ({a.source_type or 'unknown source'}){rationale}")
        lines.append("")
    if report.scorer_errors:
        lines += ["## Scorer errors (not verdicts on the turns)", ""]
        for a in report.scorer_errors:
            lines.append(f"- turn {a.turn}: `{a.name}` failed to score: {_clip(a.error, 200)}")
        lines.append("")
    return lines


def _clip(text: str | None, limit: int) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(text: str | None, limit: int = CELL_CHARS) -> str:
    """One table cell: single line, pipes escaped, shortened."""
    flat = " ".join((text or "").split())
    return _clip(flat, limit).replace("|", "\\|")


# --- several sessions (CI) -------------------------------------------------------------


def report_file_name(report: Report, fmt: str) -> str:
    """A safe file name for a session's report."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", report.session_id).strip("._") or "session"
    return f"{safe}.{'json' if fmt == 'json' else 'md'}"


def index_entries(reports: list[Report], fmt: str) -> list[dict[str, Any]]:
    return [
        {
            "session_id": r.session_id,
            "experiment_id": r.experiment_id,
            "turns": len(r.turns),
            "root_turn": r.root_cause.turn if r.root_cause else None,
            "category": r.root_cause.category if r.root_cause else None,
            "symptom_turn": r.symptom_turn,
            "report": report_file_name(r, fmt),
        }
        for r in reports
    ]


def index_to_json(reports: list[Report], fmt: str) -> str:
    """index.json: one object per analyzed session, in the order analyzed (README: "The index")."""
    return json.dumps(index_entries(reports, fmt), indent=2) + "\n"


def index_to_markdown(reports: list[Report], fmt: str) -> str:
    faulty = sum(1 for r in reports if r.root_cause)
    lines = [
        "# turnback: flagged sessions", "",
        f"{len(reports)} session(s) analyzed, {faulty} with a root cause.", "",
        "| Session | Turns | Root turn | Category | Symptom turn | Report |",
        "|---|---|---|---|---|---|",
    ]
    for entry in index_entries(reports, fmt):
        lines.append(
            f"| `{entry['session_id']}` | {entry['turns']} | {entry['root_turn'] or '-'} | "
            f"{entry['category'] or 'healthy'} | {entry['symptom_turn'] or '-'} | "
            # A link relative to the index, which sits next to the reports.
            f"[{entry['report']}]({entry['report']}) |"
        )
    return "\n".join(lines) + "\n"


def sessions_to_json(summaries: list[SessionSummary]) -> str:
    rows = [{**s.model_dump(mode="json"), "flagged": s.flagged} for s in summaries]
    return json.dumps(rows, indent=2) + "\n"


def sessions_to_markdown(summaries: list[SessionSummary]) -> str:
    if not summaries:
        return "No sessions found.\n"
    lines = [
        "| Session | Experiment | Turns | First | Last | Errors | Failing assessments | Flagged |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        lines.append(
            f"| `{s.session_id}` | {s.experiment_id} | {s.turns} | {_time(s.first_ms)} | {_time(s.last_ms)} "
            f"| {s.errors} | {', '.join(s.failing_assessments) or '-'} | {'yes' if s.flagged else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def _time(ms: int) -> str:
    """ISO 8601 in the local timezone, with its offset, so a time is never ambiguous."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).astimezone().isoformat(timespec="seconds")
