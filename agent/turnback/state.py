"""Graph state and every domain type turnback passes between nodes.

Domain types are pydantic models so the report serialises to the documented JSON
contract with `model_dump(mode="json")`. The graph state is a TypedDict: each node
returns only the keys it owns.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from pydantic import BaseModel, Field

Verdict = Literal["ok", "faulty", "unclear"]
Mode = Literal["offline", "llm"]

# Categories a root cause can fall in; the README documents each one.
Category = Literal[
    "tool_failure_reported_as_success",
    "tool_failure",
    "app_error",
    "outdated_retrieval",
    "context_window_dropped_constraint",
    "constraint_ignored",
    "hallucinated_fact",
    "state_corruption",
    "input_misparsed",
    "instruction_drift",
    "repetition",
    "disputed_by_user",
    "failing_assessment",
    "reply_truncated",
    "tool_loop",
    "silent_fallback",
    "malformed_tool_call",
]
Severity = Literal["strong", "weak"]


# --- schema discovery -------------------------------------------------------------


class IOLocation(BaseModel):
    """Where one turn's user input and assistant output were found."""

    convention: str = Field(description="mlflow, openinference, otel_genai, otel_genai_legacy, custom")
    span_name: str
    depth: int = Field(description="0 for the root span; >0 when a wrapper root was descended")
    input_key: str
    output_key: str
    span_id: str | None = Field(default=None, exclude=True, description="per trace, not reported")

    def label(self) -> str:
        where = "root span" if self.depth == 0 else f"descendant span at depth {self.depth}"
        return (
            f"{self.convention}: `{self.input_key}` / `{self.output_key}` "
            f"on {where} '{self.span_name}'"
        )


class SchemaEntry(BaseModel):
    """One discovered I/O location and the turns it applies to."""

    location: IOLocation
    turns: list[int]


class SessionSchema(BaseModel):
    entries: list[SchemaEntry] = []
    unresolved_turns: list[int] = Field(
        default=[], description="turns where no span carried user input or output"
    )
    overridden: bool = Field(default=False, description="the user named the keys")

    def summary(self) -> str:
        parts = [f"{e.location.label()} (turns {_ranges(e.turns)})" for e in self.entries]
        if self.unresolved_turns:
            parts.append(
                f"no span carried the input/output of turns {_ranges(self.unresolved_turns)} "
                "(name the keys with --input-key/--output-key)"
            )
        return "; ".join(parts)


def _ranges(numbers: list[int]) -> str:
    """[1,2,3,5] -> '1-3, 5'."""
    out: list[str] = []
    start = prev = None
    for n in sorted(numbers):
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if start != prev else str(start))
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else str(start))
    return ", ".join(out)


# --- reconstructed conversation ------------------------------------------------------


class StackFrame(BaseModel):
    path: str
    line: int
    function: str = ""


class SpanError(BaseModel):
    span_id: str
    span_name: str
    message: str
    exception_type: str | None = None
    handled: bool = Field(
        default=False, description="an exception event inside a span that still ended OK"
    )
    frames: list[StackFrame] = Field(
        default=[], description="the recorded stack trace (exception.stacktrace), outermost first")


class ToolCall(BaseModel):
    """A step the app took for the turn: a tool, a memory/state write, or a parser."""

    span_id: str
    name: str
    kind: Literal["tool", "memory", "parser"] = "tool"
    arguments: Any = None
    result: Any = None
    error: str | None = None


class RetrievedDocument(BaseModel):
    doc_id: str | None = None
    uri: str | None = None
    content: str = ""
    metadata: dict[str, Any] = {}


class Retrieval(BaseModel):
    span_id: str
    name: str
    query: str | None = None
    documents: list[RetrievedDocument] = []


class LLMCall(BaseModel):
    span_id: str
    name: str
    model: str | None = None
    system_prompt: str | None = None
    message_count: int = 0
    earlier_turns_present: list[int] = Field(
        default=[], description="indexes of earlier turns whose user text was in the messages sent"
    )
    finish_reason: str | None = Field(default=None, description="why generation stopped, e.g. length")


class AssessmentRecord(BaseModel):
    name: str
    trace_id: str
    turn: int
    value: Any = None
    rationale: str | None = None
    source_type: str | None = None
    source_id: str | None = None
    span_id: str | None = None
    session_level: bool = False
    error: str | None = Field(default=None, description="set when the scorer itself failed")


class Turn(BaseModel):
    index: int = Field(description="1-based position in the session")
    trace_id: str
    timestamp_ms: int
    state: str
    user: str | None = None
    user_authored: bool = Field(
        default=True,
        description="False when the input is another agent's message handed on, not a person's",
    )
    assistant: str | None = None
    io_location: IOLocation | None = None
    span_names: list[str] = []
    errors: list[SpanError] = []
    tools: list[ToolCall] = []
    retrievals: list[Retrieval] = []
    llm_calls: list[LLMCall] = []
    assessments: list[AssessmentRecord] = []


# --- judgement -------------------------------------------------------------------


class Evidence(BaseModel):
    turn: int
    trace_id: str
    kind: str = Field(description="e.g. span_error, tool_error, user_pushback, assessment")
    detail: str
    span_id: str | None = None
    refers_to: int | None = Field(default=None, description="the other turn this evidence links to")


class TurnJudgement(BaseModel):
    index: int
    verdict: Verdict
    category: Category | None = None
    reasons: list[str] = []
    evidence: list[Evidence] = []
    judged_by: Literal["offline", "llm", "offline_fallback"] = "offline"


# --- the causal engine: candidates, symptoms, links ----------------------------------


class Candidate(BaseModel):
    """A fault a detector found at one turn, before ranking decides the root."""

    turn: int
    category: Category
    severity: Severity = Field(description="strong: recorded fact (error, truncation, lost context); "
                               "weak: a text-only signal")
    detector: str
    detail: str
    span_id: str | None = None
    values: list[str] = Field(default=[], description="content this fault put into the conversation")
    covers: list[int] = Field(default=[], description="later turns the same recorded fault continues on")
    code_hints: list[str] = Field(
        default=[], description="strings the code behind this fault likely contains (a setting, a "
        "key, an error's identifiers), for code correlation"
    )
    shows_at: int | None = Field(
        default=None, description="the symptom turn the model's session pass tied this candidate to"
    )


class Symptom(BaseModel):
    """Where a failure is observed."""

    turn: int
    kind: str = Field(description="user_dissatisfied, user_restated, reply_concedes, abandonment, "
                      "repeated_request, failing_assessment, "
                      "errored_turn")
    detail: str
    strength: float = Field(description="0..1, how sure the observation is")
    disputed: list[str] = Field(default=[], description="values or claims the user contradicts")
    about: str = Field(default="", description="text beyond the user's message that says what went "
                       "wrong (a reply's concession), read when linking the symptom to its cause")
    restated: list[str] = Field(default=[], description="values the user gave earlier and gives again")
    retold: list[str] = Field(default=[], description="statements the user made earlier and makes "
                              "again (\"She's in a wheelchair.\"), which the app lost")
    answered: str = Field(default="", description="the reply's concession in answer to a complaint "
                          "(\"the transfer never went through because ...\"): the app's own account "
                          "of the cause, which can point at an earlier recorded failure")
    lost: list[str] = Field(default=[], description="values the user gave that a reply's concession "
                            "says the app went on without (\"reached the kitchen without your 12:30 "
                            "time\"): the call that left them out is where they were lost")


class Adjudication(BaseModel):
    """The engine's reading of one candidate beside the model's verdict, and which one won."""

    offline: str = Field(description="the engine's reading: a recorded fault, a link to a symptom, or "
                         "a finding of the model's session pass")
    model_verdict: Verdict | None = Field(description="None when the model's call failed")
    model_confidence: Literal["high", "medium", "low"] | None = None
    model_reasoning: str = ""
    won: Literal["both", "offline", "model"] = Field(
        description="both: they agree; offline: the engine's reading stands against the model's; "
        "model: the model's verdict decided")
    why: str


class Alternative(BaseModel):
    """A ranked root-cause candidate, so a reader can see the runner-up."""

    turn: int
    category: Category
    severity: Severity
    score: float
    why: str
    adjudication: Adjudication | None = Field(default=None, description="LLM mode: the model's verdict")


class RootCause(BaseModel):
    turn: int
    trace_id: str
    category: Category
    explanation: str
    confidence: Literal["high", "medium", "low"]
    evidence: list[Evidence] = []
    score: float = 0.0
    alternatives: list[Alternative] = Field(
        default=[], description="the next-best candidates, best first, with their scores"
    )
    adjudication: Adjudication | None = Field(default=None, description="LLM mode: the model's verdict")
    offline_turn: int | None = Field(
        default=None, description="LLM mode: the root the engine alone ranked first (null when healthy)"
    )


class ModelCoverage(BaseModel):
    """What the model really judged in LLM mode, for the header and the JSON report."""

    model: str
    turns: int = Field(description="turns in the session")
    turns_read: int = Field(default=0, description="turns whose digest reached a successful session pass")
    window: list[int] | None = Field(
        default=None, description="[first, last] turn the session pass read, when bisection narrowed it"
    )
    narrowing_steps: int = 0
    candidates: int = Field(default=0, description="ranked candidates put to the model")
    candidates_judged: int = Field(default=0, description="of those, how many the model answered")
    failed_calls: int = 0
    dropped_quotes: int = Field(default=0, description="model items dropped: quote not in the trace")
    stopped: str | None = Field(default=None, description="why calls stopped early: budget, deadline, "
                                "circuit breaker")


# --- code correlation and recommendations --------------------------------------------


class CodeFinding(BaseModel):
    path: str = Field(description="relative to the repository root")
    line: int
    kind: str = Field(description="e.g. swallowed_error, span_function, history_window")
    snippet: str
    answers: str = Field(description="the trace evidence this finding explains")
    relevance: int = Field(default=0, description="higher explains the root cause better")


class Recommendation(BaseModel):
    title: str
    detail: str
    where: str | None = Field(default=None, description="path:line the change belongs at")
    rests_on: list[str] = Field(description="the evidence and findings it is grounded in")
    verify: str


# --- session listing (CI) -------------------------------------------------------------


class SessionSummary(BaseModel):
    session_id: str
    experiment_id: str
    turns: int
    first_ms: int
    last_ms: int
    errors: int = Field(description="turns whose trace failed or that have a span with status ERROR")
    failing_assessments: list[str] = Field(description="names of assessments that read negative")
    complaints: int = Field(default=0, description="user turns the dissatisfaction detector hears as a "
                            "complaint, read from the traces' request/response previews")

    @property
    def flagged(self) -> bool:
        return bool(self.errors or self.failing_assessments or self.complaints)


# --- the report (the JSON contract) --------------------------------------------------


class ReportTurn(BaseModel):
    index: int
    trace_id: str
    user: str | None
    assistant: str | None
    verdict: Verdict
    category: Category | None = None
    reasons: list[str]
    judged_by: str


class CodeCorrelation(BaseModel):
    status: Literal["done", "skipped"]
    repo: str | None = None
    note: str = ""
    files_searched: int = 0


class Report(BaseModel):
    schema_version: str
    session_id: str
    experiment_id: str
    tracking_uri: str
    mode: Mode
    mode_note: str
    discovered_schema: str
    turns: list[ReportTurn]
    root_cause: RootCause | None
    symptom_turn: int | None
    evidence_chain: list[Evidence]
    code_correlation: CodeCorrelation
    code_findings: list[CodeFinding]
    recommendations: list[Recommendation]
    session_assessments: list[AssessmentRecord]
    scorer_errors: list[AssessmentRecord]
    notes: list[str] = []
    self_trace: str | None = Field(default=None, description="where turnback's own trace went")
    trace_urls: dict[str, str] = Field(
        default={}, description="trace_id -> the turn opened in MLflow's session view (servers only)"
    )
    session_url: str | None = Field(default=None, description="the session in MLflow's session view")
    llm_coverage: ModelCoverage | None = Field(default=None, description="LLM mode: what the model judged")

    @property
    def healthy(self) -> bool:
        return self.root_cause is None


# --- graph state -------------------------------------------------------------------


class AnalysisState(TypedDict, total=False):
    """What flows through the graph. Inputs first, then one group per node."""

    session_id: str
    """The `mlflow.trace.session` value to analyze."""
    experiment_id: str
    """Experiment that holds the session (resolved before the graph runs)."""
    raw_traces: list[Any]
    """mlflow Trace objects of the session in timestamp order (read by discover_schema)."""
    io_locations: list[IOLocation | None]
    """Per trace, where its turn's I/O lives (None: not found)."""
    schema: SessionSchema
    turns: list[Turn]
    session_assessments: list[AssessmentRecord]
    scorer_errors: list[AssessmentRecord]
    judgements: list[TurnJudgement]
    candidates: list[Candidate]
    """Every fault the detectors (and the model's session pass) found, before ranking."""
    model_symptoms: list[Symptom]
    """Symptoms the model's session pass found, each with a quote verified in the trace."""
    llm_coverage: ModelCoverage | None
    """LLM mode: what the model judged so far."""
    root_cause: RootCause | None
    root_candidate: Candidate | None
    """The ranked candidate behind root_cause, with its hints for code correlation."""
    symptom_turn: int | None
    evidence_chain: list[Evidence]
    code_correlation: CodeCorrelation
    code_findings: list[CodeFinding]
    recommendations: list[Recommendation]
    notes: list[str]
    report: Report
