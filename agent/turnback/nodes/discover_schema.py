"""Node 1: read the session and find which span and keys carry each turn's I/O."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from turnback.context import AnalysisContext
from turnback.conventions import CONVENTIONS, custom_keys, read_keys
from turnback.errors import TurnbackError
from turnback.spans import HELPER_SPAN_TYPES, span_kind, walk_breadth_first
from turnback.state import AnalysisState, IOLocation, SchemaEntry, SessionSchema


def discover_schema(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    ctx.progress(f"reading session {state['session_id']} from experiment {state['experiment_id']}")
    traces = ctx.store.load_session(state["experiment_id"], state["session_id"])
    ctx.progress(f"read {len(traces)} turns in {ctx.store.calls} store calls; discovering schema")
    locations = [
        locate_turn(t.data.spans, ctx.input_key, ctx.output_key) for t in traces
    ]
    if (ctx.input_key or ctx.output_key) and not any(locations):
        named = " / ".join(k for k in (ctx.input_key, ctx.output_key) if k)
        raise TurnbackError(f"no span in session {state['session_id']} has the attribute key {named}")
    notes = [*state.get("notes", []), *read_warnings(traces, getattr(ctx.store, "unreadable", {}))]
    for note in notes:
        ctx.progress(f"warning: {note}")
    return {
        "raw_traces": traces,
        "io_locations": locations,
        "schema": summarize(locations, overridden=bool(ctx.input_key or ctx.output_key)),
        "notes": notes,
    }


def read_warnings(traces: list[Any], unreadable: dict[str, str]) -> list[str]:
    """What the reader should know about how the turns were read and ordered."""
    notes = [
        f"turn {index} (trace {t.info.trace_id}) could not be read from the store "
        f"({unreadable[t.info.trace_id]}); it is shown in its place without content"
        for index, t in enumerate(traces, 1)
        if t.info.trace_id in unreadable
    ]
    by_time: dict[int, list[int]] = {}
    for index, t in enumerate(traces, 1):
        by_time.setdefault(t.info.request_time, []).append(index)
    tied = [turns for turns in by_time.values() if len(turns) > 1]
    if tied:
        listed = ", ".join(" and ".join(str(i) for i in turns) for turns in tied)
        notes.append(
            f"turns {listed} started in the same millisecond; they are ordered by trace id, "
            "which may not be the order they happened in"
        )
    return notes


def locate_turn(
    spans: list[Any], input_key: str | None = None, output_key: str | None = None
) -> IOLocation | None:
    """The closest span to the root that carries the turn, and the keys it uses.

    A wrapper root (an HTTP handler, an orchestrator) with empty I/O is skipped for the
    nearest descendant that has the user's input. Tool and retriever spans never count.
    """
    for span, depth in walk_breadth_first(spans):
        if depth > 0 and span_kind(span) in HELPER_SPAN_TYPES:
            continue
        attrs = span.attributes or {}
        if input_key or output_key:
            user, reply = read_keys(attrs, input_key or "", output_key or "")
            if user or reply:
                return IOLocation(
                    convention="custom", span_name=span.name, span_id=span.span_id, depth=depth,
                    input_key=input_key or "-", output_key=output_key or "-",
                )
            continue
        for name, (in_label, out_label, read_in, _read_out) in CONVENTIONS.items():
            if read_in(attrs):
                return IOLocation(
                    convention=name, span_name=span.name, span_id=span.span_id, depth=depth,
                    input_key=in_label, output_key=out_label,
                )
        in_key, out_key = custom_keys(attrs)
        if in_key:
            return IOLocation(
                convention="custom", span_name=span.name, span_id=span.span_id, depth=depth,
                input_key=in_key, output_key=out_key or "-",
            )
    return None


def summarize(locations: list[IOLocation | None], *, overridden: bool) -> SessionSchema:
    """Group turns by where their I/O was found, in order of first appearance."""
    groups: dict[tuple[str, str, int, str, str], SchemaEntry] = {}
    unresolved: list[int] = []
    for index, loc in enumerate(locations, start=1):
        if loc is None:
            unresolved.append(index)
            continue
        key = (loc.convention, loc.span_name, loc.depth, loc.input_key, loc.output_key)
        groups.setdefault(key, SchemaEntry(location=loc, turns=[])).turns.append(index)
    return SessionSchema(
        entries=list(groups.values()), unresolved_turns=unresolved, overridden=overridden
    )
