"""build_graph(): the seven nodes, wired in order. Wiring only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from turnback import self_tracing
from turnback.context import AnalysisContext
from turnback.nodes.correlate_codebase import correlate_codebase
from turnback.nodes.discover_schema import discover_schema
from turnback.nodes.draft_recommendations import draft_recommendations
from turnback.nodes.judge_turns import judge_turns
from turnback.nodes.reconstruct_conversation import reconstruct_conversation
from turnback.nodes.report import report
from turnback.nodes.trace_backward import trace_backward
from turnback.safety import mask_data
from turnback.state import AnalysisState

Node = Callable[[AnalysisState, Runtime[AnalysisContext]], dict[str, Any]]

NODES: list[tuple[str, Node]] = [
    ("discover_schema", discover_schema),
    ("reconstruct_conversation", reconstruct_conversation),
    ("judge_turns", judge_turns),
    ("trace_backward", trace_backward),
    ("correlate_codebase", correlate_codebase),
    ("draft_recommendations", draft_recommendations),
    ("report", report),
]


def build_graph() -> Any:
    graph = StateGraph(AnalysisState, context_schema=AnalysisContext)
    previous = START
    for name, node in NODES:
        graph.add_node(name, traced(name, node))
        graph.add_edge(previous, name)
        previous = name
    graph.add_edge(previous, END)
    return graph.compile()


def traced(name: str, node: Node) -> Node:
    """Run the node inside a span of turnback's own trace (a no-op when tracing is off)."""

    def run(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
        with self_tracing.span(name, "CHAIN") as span:
            update = node(state, runtime)
            if span is not None:
                # Masked: node outputs carry trace text (the root cause quotes it), and the
                # self-trace store must not keep secrets the analyzed traces recorded.
                span.set_inputs(mask_data({"session_id": state.get("session_id"), "keys": sorted(state)}))
                span.set_outputs(mask_data({key: summarize(value) for key, value in update.items()}))
        return update

    run.__name__ = name
    return run


def summarize(value: Any) -> Any:
    """A small, readable stand-in for a state value (never the raw traces)."""
    if isinstance(value, list):
        return f"{len(value)} item(s)"
    if hasattr(value, "model_dump"):
        dumped = value.model_dump(mode="json")
        text = str(dumped)
        return dumped if len(text) < 2000 else text[:2000] + "…"
    return value
