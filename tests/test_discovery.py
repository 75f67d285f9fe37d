"""Schema discovery and reconstruction across instrumentations, each on a real store."""

from __future__ import annotations

import json
from typing import Any

import pytest
from turnback import analyze_session
from turnback.demo.builder import chat_turn, llm_span, retriever_span, tool_span

USER, REPLY = "Can I bring my dog on the train?", "Yes, small dogs travel free in a carrier."


def root(inputs: Any = None, outputs: Any = None, *, attributes: dict | None = None,
         children: list | None = None, name: str = "handle") -> dict:
    spec: dict[str, Any] = {"name": name, "type": "CHAIN", "children": children or []}
    if inputs is not None:
        spec["inputs"] = inputs
    if outputs is not None:
        spec["outputs"] = outputs
    if attributes:
        spec["attributes"] = attributes
    return {"root": spec}


def completion(text: str) -> dict:
    return {"id": "c1", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}


CASES = {
    "plain strings": (root(USER, REPLY), "mlflow: `mlflow.spanInputs` / `mlflow.spanOutputs` on root span"),
    "openai messages, last user message": (
        root({"messages": [
            {"role": "system", "content": "You are a rail assistant."},
            {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": USER}]}, completion(REPLY)),
        "mlflow:",
    ),
    "langchain messages": (
        root({"messages": [{"type": "human", "content": "Hi"}, {"type": "ai", "content": "Hello"},
                           {"type": "human", "content": USER}]},
             {"messages": [{"type": "human", "content": USER}, {"type": "ai", "content": REPLY}]}),
        "mlflow:",
    ),
    "query dict": (root({"query": USER}, {"answer": REPLY}), "mlflow:"),
    "question dict": (root({"question": USER}, {"output": REPLY}), "mlflow:"),
    "text among ids and state": (
        root({"session_id": "s-77", "user_id": "u-9", "state": {"cart": []}, "msg_body": USER},
             {"reply": REPLY, "latency_ms": 310}),
        "mlflow:",
    ),
    "wrapper root with empty io": (
        root({}, None, name="http_request", children=[
            {"name": "orchestrator", "type": "AGENT", "inputs": {"input": USER}, "outputs": REPLY}]),
        "on descendant span at depth 1 'orchestrator'",
    ),
    "openinference values": (
        root(attributes={"input.value": json.dumps({"input": USER}), "output.value": REPLY,
                         "openinference.span.kind": "CHAIN"}),
        "openinference: `input.value` / `output.value` on root span",
    ),
    "openinference llm messages under a wrapper": (
        root({}, None, children=[{
            "name": "ChatOpenAI", "type": "LLM", "attributes": {
                "llm.input_messages.0.message.role": "system",
                "llm.input_messages.0.message.content": "Be brief.",
                "llm.input_messages.1.message.role": "user",
                "llm.input_messages.1.message.content": USER,
                "llm.output_messages.0.message.role": "assistant",
                "llm.output_messages.0.message.content": REPLY}}]),
        "openinference:",
    ),
    "otel genai messages with parts": (
        root(attributes={
            "gen_ai.input.messages": json.dumps(
                [{"role": "user", "parts": [{"type": "text", "content": USER}]}]),
            "gen_ai.output.messages": json.dumps(
                [{"role": "assistant", "parts": [{"type": "text", "content": REPLY}]}])}),
        "otel_genai: `gen_ai.input.messages` / `gen_ai.output.messages`",
    ),
    "otel genai legacy prompt and completion": (
        root(attributes={"gen_ai.prompt.0.role": "user", "gen_ai.prompt.0.content": USER,
                         "gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.content": REPLY}),
        "otel_genai_legacy: `gen_ai.prompt` / `gen_ai.completion`",
    ),
    "app-specific keys": (
        root(attributes={"app.user_message": USER, "app.bot_reply": REPLY, "app.tenant": "acme"}),
        "custom: `app.user_message` / `app.bot_reply` on root span",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_turn_io_is_found(case, write, store_uri):
    turn, expected_schema = CASES[case]
    write("s", [turn, turn])

    report = analyze_session("s", tracking_uri=store_uri, self_trace_uri=None)

    assert [(t.user, t.assistant) for t in report.turns] == [(USER, REPLY)] * 2
    assert expected_schema in report.discovered_schema
    assert "(turns 1-2)" in report.discovered_schema


def test_redeployed_app_changes_where_io_lives(write, store_uri):
    old = root(USER, REPLY)
    new = root(attributes={"app.user_message": USER, "app.bot_reply": REPLY})
    write("s", [old, old, new, new])

    report = analyze_session("s", tracking_uri=store_uri, self_trace_uri=None)

    assert [t.user for t in report.turns] == [USER] * 4
    assert "(turns 1-2)" in report.discovered_schema and "(turns 3-4)" in report.discovered_schema
    assert "custom: `app.user_message`" in report.discovered_schema


def test_user_named_keys_override_discovery(write, store_uri, cli):
    turn = root({"message": "decoy"}, "decoy reply",
                attributes={"x.said": USER, "x.answered": REPLY})
    write("s", [turn])

    result = cli("analyze", "s", "--tracking-uri", store_uri, "--format", "json",
                 "--input-key", "x.said", "--output-key", "x.answered")

    report = json.loads(result.stdout)
    assert (report["turns"][0]["user"], report["turns"][0]["assistant"]) == (USER, REPLY)
    assert "custom: `x.said` / `x.answered`" in report["discovered_schema"]


def test_reconstruction_keeps_tools_retrievals_llm_context_and_assessments(write, store_uri):
    constraint = "I am allergic to peanuts, please remember that."
    first_messages = [{"role": "user", "content": constraint}]
    window_dropped = [{"role": "user", "content": "Suggest a Thai dish."}]
    write("s", [
        chat_turn(constraint, "Noted: no peanuts.",
                  children=[llm_span(first_messages, "Noted: no peanuts.")],
                  assessments=[{"name": "user_frustration", "value": "none", "session_level": True,
                                "rationale": "No frustration across the session."}]),
        chat_turn("Suggest a Thai dish.", "Try chicken satay with peanut sauce!", children=[
            retriever_span("recipes", "thai dish", [
                {"id": "doc-7", "content": "Satay with peanut sauce",
                 "metadata": {"doc_uri": "s3://recipes/satay.md"}}]),
            tool_span("nutrition", {"dish": "satay"}, {"error": "nutrition API quota exceeded"}),
            llm_span(window_dropped, "Try chicken satay with peanut sauce!"),
        ], assessments=[{"name": "safety", "error": "scorer crashed"}]),
    ])

    from turnback.nodes.discover_schema import locate_turn
    from turnback.nodes.reconstruct_conversation import build_turn
    from turnback.store import SessionStore

    store = SessionStore(store_uri)
    traces = store.load_session("1", "s")
    assert store.calls == 2  # paged searches: infos count the turns, then spans for all of them
    said_before: dict[str, int] = {}
    turns = [build_turn(i, t, locate_turn(t.data.spans), said_before) for i, t in enumerate(traces, 1)]
    second = turns[1]
    assert second.retrievals[0].documents[0].doc_id == "doc-7"
    assert second.retrievals[0].documents[0].uri == "s3://recipes/satay.md"
    assert second.tools[0].error == "nutrition API quota exceeded"
    assert turns[0].llm_calls[0].model == "gpt-4o-mini"
    assert second.llm_calls[0].earlier_turns_present == []  # turn 1's constraint was dropped

    report = analyze_session("s", tracking_uri=store_uri, self_trace_uri=None)
    assert [a.name for a in report.session_assessments] == ["user_frustration"]
    assert [a.name for a in report.scorer_errors] == ["safety"]


def test_a_long_session_comes_back_complete_across_pages(write, store_uri, monkeypatch):
    monkeypatch.setattr("turnback.store.SQL_PAGE_SIZE", 7)
    write("long", [chat_turn(f"message {i}", f"reply {i}") for i in range(1, 31)])

    report = analyze_session("long", tracking_uri=store_uri, self_trace_uri=None)

    assert [t.user for t in report.turns] == [f"message {i}" for i in range(1, 31)]


def test_turns_without_io_are_named_in_the_schema(write, store_uri):
    write("s", [root(USER, REPLY), {"root": {"name": "opaque", "type": "CHAIN", "inputs": {}}}])

    report = analyze_session("s", tracking_uri=store_uri, self_trace_uri=None)

    assert "(turns 1)" in report.discovered_schema
    assert "no span carried the input/output of turns 2 (name the keys with --input-key" in (
        report.discovered_schema)


def test_a_named_key_that_matches_nothing_is_a_one_line_error(write, store_uri, cli):
    write("s", [root(USER, REPLY)])

    result = cli("analyze", "s", "--tracking-uri", store_uri, "--input-key", "app.typo")

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "turnback: error: no span in session s has the attribute key app.typo")
