"""List an experiment's sessions for CI, and flag the ones worth analyzing.

Reads trace infos only (no span download): one paged search for every trace, and one
for traces with a span in status ERROR, which catches tool errors a reply swallowed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

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
        failing_assessments=sorted(set(failing)),
    )
