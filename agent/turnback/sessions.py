"""List an experiment's sessions for CI, and flag the ones worth analyzing.

Reads trace infos only (no span download): one paged search for every trace, and one
for traces with a span in status ERROR, which catches tool errors a reply swallowed. A
user's complaint is heard from the request/response previews the infos carry.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from turnback.causal.symptoms import EARLIER_EXCHANGES
from turnback.dissatisfaction import detect_dissatisfaction
from turnback.nodes.reconstruct_conversation import read_assessments, state_name
from turnback.signals import assessment_polarity
from turnback.state import SessionSummary
from turnback.store import SESSION_KEY, SessionStore

ERROR_SPANS = "span.status = 'ERROR'"


def list_sessions(store: SessionStore, experiment_ids: list[str]) -> list[SessionSummary]:
    """Every session in the experiments, most recent activity first."""
    failed_spans = {t.info.trace_id for t in store.search_traces(experiment_ids, ERROR_SPANS)}
    by_session: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for trace in store.search_traces(experiment_ids, None):
        session_id = trace.info.trace_metadata.get(SESSION_KEY)
        if session_id:
            by_session[(trace.info.experiment_id, session_id)].append(trace)
    summaries = [summarize(experiment_id, session_id, traces, failed_spans)
                 for (experiment_id, session_id), traces in by_session.items()]
    return sorted(summaries, key=lambda s: s.last_ms, reverse=True)


def summarize(
    experiment_id: str, session_id: str, traces: list[Any], failed_spans: set[str]
) -> SessionSummary:
    times = [t.info.request_time for t in traces]
    errors = sum(
        1 for t in traces
        if t.info.trace_id in failed_spans or state_name(t.info.state) == "ERROR"
    )
    failing = [
        record.name
        for t in traces for record in read_assessments(t, 0)
        if not record.error and assessment_polarity(record)[0] == "negative"
    ]
    return SessionSummary(
        session_id=session_id, experiment_id=experiment_id, turns=len(traces),
        first_ms=min(times), last_ms=max(times), errors=errors,
        failing_assessments=sorted(set(failing)), complaints=complaints(traces),
    )


PREVIEW_KEYS = ("message", "input", "question", "query", "prompt", "text", "content")


def complaints(traces: list[Any]) -> int:
    """User turns heard as a complaint about an earlier reply, from the previews MLflow keeps
    in each trace's info (no spans): a session whose only sign of trouble is the user
    saying so is worth analyzing too."""
    ordered = sorted(traces, key=lambda t: (t.info.request_time, t.info.trace_id))
    exchanges: list[tuple[str | None, str | None]] = []
    heard = 0
    for trace in ordered:
        user = preview_text(getattr(trace.info, "request_preview", None))
        reply = preview_text(getattr(trace.info, "response_preview", None))
        if exchanges and user:
            previous = exchanges[-1][1]
            heard += detect_dissatisfaction(user, previous, exchanges[-EARLIER_EXCHANGES:]).complaint
        exchanges.append((user, reply))
    return heard


def preview_text(preview: str | None) -> str | None:
    """The text of a request or response preview: a JSON string, the usual input key of a
    JSON object, the last message of a chat, or the preview as it is (it may be cut off)."""
    if not preview:
        return None
    try:
        value = json.loads(preview)
    except ValueError:
        return preview
    if isinstance(value, dict):
        messages = value.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[-1], dict):
            return str(messages[-1].get("content") or "") or None
        return next((value[k] for k in PREVIEW_KEYS if isinstance(value.get(k), str)), None)
    return value if isinstance(value, str) else None
