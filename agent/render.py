"""Render a Report for people (Markdown) or machines (JSON)."""

from __future__ import annotations

import json

from agent.state import Report

CELL_CHARS = 90
TEXT_CHARS = 400


def to_json(report: Report) -> str:
    data = report.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_markdown(report: Report) -> str:
    out: list[str] = [f"# turnback: where did session `{report.session_id}` go wrong?", ""]
    out.append(f"> **Mode: {report.mode}**. {report.mode_note}.")
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
        _clip(root.explanation, TEXT_CHARS * 2),
        "",
    ]


def _facts(report: Report) -> list[str]:
    rows = [
        ("Session", f"`{report.session_id}`"),
        ("Experiment", f"`{report.experiment_id}`"),
        ("Tracking URI", f"`{report.tracking_uri}`"),
        ("Turns", str(len(report.turns))),
        ("Turn I/O found in", report.discovered_schema),
        ("Code correlation", _correlation(report)),
    ]
    return ["| | |", "|---|---|", *[f"| {k} | {_cell(v, 300)} |" for k, v in rows], ""]


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
