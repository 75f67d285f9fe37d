"""List an experiment's sessions for CI, and flag the ones worth analyzing.

Reads trace infos only (no span download): one streamed pass over every trace, and one
search for traces with a span in status ERROR, which catches tool errors a reply
swallowed. A user's complaint is heard from the request/response previews the infos carry.

The pass reads keyset pages (oldest first, each page starting at the last timestamp seen),
never MLflow's page token, which is an OFFSET on a SQL store and so costs more per page the
further it goes. Each trace is folded into its session's tally as it arrives, so memory
grows with the number of sessions, not of traces.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from turnback.causal.symptoms import EARLIER_EXCHANGES
from turnback.conventions import INPUT_FIELDS, OUTPUT_FIELDS
from turnback.dissatisfaction import detect_dissatisfaction
from turnback.nodes.reconstruct_conversation import read_assessments, state_name
from turnback.signals import assessment_polarity
from turnback.state import SessionSummary
from turnback.store import SESSION_KEY, SessionStore

ERROR_SPANS = "span.status = 'ERROR'"


def list_sessions(store: SessionStore, experiment_ids: list[str]) -> list[SessionSummary]:
    """Every session in the experiments, most recent activity first."""
    failed_spans = {t.info.trace_id for t in store.search_traces(experiment_ids, ERROR_SPANS)}
    tallies: dict[tuple[str, str], SessionTally] = {}
    for trace in stream_traces(store, experiment_ids):
        session_id = trace.info.trace_metadata.get(SESSION_KEY)
        if session_id:
            key = (trace.info.experiment_id, session_id)
            tally = tallies.get(key) or tallies.setdefault(key, SessionTally(*key))
            tally.add(trace, failed_spans)
    return sorted((t.summary() for t in tallies.values()), key=lambda s: s.last_ms, reverse=True)


def stream_traces(
    store: SessionStore, experiment_ids: list[str], page_size: int | None = None
) -> Iterator[Any]:
    """Every trace info of the experiments, ordered by (timestamp, trace id), read in keyset pages.

    Each page asks for `timestamp >= the last one seen` and drops what was already yielded
    at that millisecond. Only when a whole page shares one millisecond does it fall back to
    MLflow's own token, for that millisecond alone.
    """
    size = page_size or store.page_size
    last: tuple[int, str] | None = None
    while True:
        since = f"trace.timestamp_ms >= {last[0]}" if last else None
        page = store.search_page(experiment_ids, since, max_results=size)
        if not page:
            return
        fresh = [t for t in page if last is None or _position(t) > last]
        yield from fresh
        if fresh:
            last = _position(fresh[-1])
        if not page.token:
            return
        if not fresh or all(t.info.request_time == page[0].info.request_time for t in page):
            # A full page in one millisecond: the keyset cannot move past it, so page
            # through that millisecond with MLflow's token, then resume after it.
            millisecond = page[0].info.request_time
            assert last is not None
            for trace in store.search_traces(experiment_ids, f"trace.timestamp_ms = {millisecond}",
                                             max_results=size):
                if _position(trace) > last:
                    yield trace
            last = (millisecond + 1, "")


def _position(trace: Any) -> tuple[int, str]:
    return (trace.info.request_time, trace.info.trace_id)


@dataclass
class SessionTally:
    """One session's summary, built one trace at a time (traces arrive oldest first)."""

    experiment_id: str
    session_id: str
    turns: int = 0
    first_ms: int = 0
    last_ms: int = 0
    errors: int = 0
    failing: set[str] = field(default_factory=set)
    complaints: int = 0
    # The last exchanges (user, reply) from previews: what a complaint may refer to.
    recent: deque[tuple[str | None, str | None]] = field(
        default_factory=lambda: deque(maxlen=EARLIER_EXCHANGES))

    def add(self, trace: Any, failed_spans: set[str]) -> None:
        info = trace.info
        self.first_ms = info.request_time if not self.turns else min(self.first_ms, info.request_time)
        self.last_ms = max(self.last_ms, info.request_time)
        self.turns += 1
        if info.trace_id in failed_spans or state_name(info.state) == "ERROR":
            self.errors += 1
        self.failing.update(
            record.name for record in read_assessments(trace, 0)
            if not record.error and assessment_polarity(record)[0] == "negative"
        )
        user = preview_text(getattr(info, "request_preview", None), INPUT_FIELDS)
        reply = preview_text(getattr(info, "response_preview", None), OUTPUT_FIELDS)
        if self.recent and user:
            previous = self.recent[-1][1]
            self.complaints += detect_dissatisfaction(user, previous, list(self.recent)).complaint
        self.recent.append((user, reply))

    def summary(self) -> SessionSummary:
        return SessionSummary(
            session_id=self.session_id, experiment_id=self.experiment_id, turns=self.turns,
            first_ms=self.first_ms, last_ms=self.last_ms, errors=self.errors,
            failing_assessments=sorted(self.failing), complaints=self.complaints,
        )


def preview_text(preview: str | None, fields: tuple[str, ...] = INPUT_FIELDS) -> str | None:
    """The text of a request or response preview: a JSON string, the first of `fields`
    holding a string in a JSON object (the input or output keys `analyze` discovers, so
    `user_message` or `reply` are read here too), the last message of a chat, or the
    preview as it is (it may be cut off)."""
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
        return next((value[k] for k in fields if isinstance(value.get(k), str)), None)
    return value if isinstance(value, str) else None
