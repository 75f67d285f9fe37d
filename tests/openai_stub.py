"""A local OpenAI-compatible chat completions server for tests, and scripted models.

The real `openai` client talks to it over HTTP on 127.0.0.1. Each request takes the
next scripted action, or asks `default` for one:
- `("reply", text)`: a completion whose message content is `text`;
- `("status", code)` or `("status", (code, message))`: an error response with that HTTP status;
- `("hang", seconds)`: sleep past the client's timeout before answering;
- `("generate_forever", None)`: never answer, like a model generating to no end, until
  the client closes the connection (counted in `disconnects`).

`ScriptedJudge` answers turnback's prompts by kind (session pass, narrowing,
adjudication, recommendations); the functions below it wrap a judge the way real
endpoints misbehave: prose around the JSON, raw newlines in strings, placeholder
reasoning, a 500 on `json_schema`, a model that says "ok" to everything, one that
invents a quote.
"""

from __future__ import annotations

import json
import re
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Action = tuple[str, Any]
Script = Callable[[dict[str, Any]], Action]


class OpenAIStub:
    def __init__(self, default: Script | None = None) -> None:
        self.script: deque[Action] = deque()
        self.default = default or (lambda _request: ("reply", "{}"))
        self.requests: list[dict[str, Any]] = []
        self.disconnects = 0
        """Generations the client abandoned, seen here as a closed connection."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> OpenAIStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_action(self, request: dict[str, Any]) -> Action:
        self.requests.append(request)
        return self.script.popleft() if self.script else self.default(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                kind, value = stub.next_action(request)
                if kind == "generate_forever":
                    self._generate_until_the_client_leaves()
                    return
                if kind == "hang":
                    time.sleep(value)
                    kind, value = "reply", "{}"
                if kind == "status":
                    code, message = value if isinstance(value, tuple) else (value, f"scripted {value}")
                    self._send(code, {"error": {"message": message, "type": "server_error"}})
                    return
                self._send(200, completion(request.get("model", "stub"), value))

            def _generate_until_the_client_leaves(self, limit: float = 60.0) -> None:
                """Keep 'generating' until the client closes the connection (EOF on read)."""
                started = time.monotonic()
                while time.monotonic() - started < limit:
                    readable, _, _ = select.select([self.connection], [], [], 0.05)
                    if readable:
                        try:
                            if not self.connection.recv(1, socket.MSG_PEEK):
                                stub.disconnects += 1
                                return
                        except OSError:
                            stub.disconnects += 1
                            return

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub", "object": "chat.completion", "created": 0, "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


# --- scripted models ------------------------------------------------------------------


def prompt_of(request: dict[str, Any]) -> str:
    """The prompt's user message (a corrective retry appends messages after it)."""
    messages = request.get("messages", [])
    return messages[1]["content"] if len(messages) > 1 else ""


def prompt_kind(request: dict[str, Any]) -> str:
    text = prompt_of(request)
    for kind, opening in (("session_pass", "Session pass over turns"), ("narrow", "Narrow the search"),
                          ("adjudicate", "Adjudicate candidate turn")):
        if text.startswith(opening):
            return kind
    return "recommendations"


def adjudicated_turn(request: dict[str, Any]) -> int | None:
    match = re.match(r"Adjudicate candidate turn (\d+)", prompt_of(request))
    return int(match.group(1)) if match else None


def session_window(request: dict[str, Any]) -> tuple[int, int] | None:
    match = re.match(r"Session pass over turns (\d+) to (\d+)", prompt_of(request))
    return (int(match.group(1)), int(match.group(2))) if match else None


REASONING = "The evidence in the digest shows what happened at this turn."


@dataclass
class ScriptedJudge:
    """A model that answers each prompt kind as scripted.

    `faulty`: turn -> category the adjudication calls faulty (quoting `quotes[turn]`);
    other candidates are "ok". `symptoms` / `candidates`: what the session pass returns.
    `narrow_to`: the turn bisection should close in on (quoted from `quotes`).
    """

    faulty: dict[int, str] = field(default_factory=dict)
    quotes: dict[int, str] = field(default_factory=dict)
    symptoms: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    narrow_to: int | None = None
    recommendations: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: dict[str, Any]) -> Action:
        return "reply", json.dumps(self.answer(request))

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        kind = prompt_kind(request)
        if kind == "session_pass":
            return {"reasoning": REASONING, "symptoms": self.symptoms, "candidates": self.candidates}
        if kind == "narrow":
            return self.narrow(request)
        if kind == "adjudicate":
            turn = adjudicated_turn(request) or 0
            if turn in self.faulty:
                evidence = [{"turn": turn, "quote": self.quotes[turn]}] if turn in self.quotes else []
                return {"reasoning": f"Turn {turn} states something the user later shows is wrong.",
                        "verdict": "faulty", "category": self.faulty[turn], "confidence": "high",
                        "evidence": evidence}
            return {"reasoning": "The reply answers what was asked; nothing here is wrong.",
                    "verdict": "ok", "category": None, "confidence": "high", "evidence": []}
        return {"recommendations": self.recommendations}

    def narrow(self, request: dict[str, Any]) -> dict[str, Any]:
        match = re.search(r"First half, turns (\d+) to (\d+)", prompt_of(request))
        middle = int(match.group(2)) if match else 0
        target = self.narrow_to or 1
        half = "first" if target <= middle else "second"
        return {"reasoning": f"The first mistake is at turn {target}.", "half": half, "turn": target,
                "quote": self.quotes.get(target, "")}


def says_ok_to_everything(request: dict[str, Any]) -> Action:
    """A model won over by the trace, or lazy: nothing is wrong anywhere."""
    return ScriptedJudge()(request)


def in_prose(judge: Script) -> Script:
    """The JSON wrapped in chatty prose and a fenced block, as small models write it."""
    def answer(request: dict[str, Any]) -> Action:
        kind, text = judge(request)
        if kind != "reply":
            return kind, text
        return "reply", f"Sure! Here is my assessment.\n\n```json\n{text}\n```\nHope this helps!"
    return answer


def with_raw_newlines(judge: Script) -> Script:
    """Raw newlines inside JSON strings: invalid for a strict parser."""
    def answer(request: dict[str, Any]) -> Action:
        kind, text = judge(request)
        if kind != "reply":
            return kind, text
        data = json.loads(text)
        if "reasoning" in data:
            data["reasoning"] = data["reasoning"].replace(" ", "\n", 2)
        return "reply", json.dumps(data).replace("\\n", "\n")
    return answer


def placeholder_reasoning(request: dict[str, Any]) -> Action:
    """The prompt's template copied back: a verdict with no argument behind it."""
    kind = prompt_kind(request)
    if kind == "adjudicate":
        return "reply", json.dumps({"reasoning": "<two or three sentences citing the evidence>",
                                    "verdict": "ok", "category": None, "confidence": "high", "evidence": []})
    if kind == "session_pass":
        return "reply", json.dumps({"reasoning": "<one sentence citing the evidence>", "symptoms": [],
                                    "candidates": []})
    return ScriptedJudge()(request)


def refuses_json_schema(judge: Script) -> Script:
    """A server that answers `response_format: json_schema` with HTTP 500 (llama-cpp-python did)."""
    def answer(request: dict[str, Any]) -> Action:
        if (request.get("response_format") or {}).get("type") == "json_schema":
            return "status", 500
        return judge(request)
    return answer


def small_context(judge: Script, max_chars: int) -> Script:
    """A server whose context holds `max_chars` characters of prompt: a longer one gets the
    HTTP 400 llama-cpp-python's server answers with."""
    def answer(request: dict[str, Any]) -> Action:
        if sum(len(m.get("content") or "") for m in request.get("messages", [])) > max_chars:
            return "status", (400, "the request exceeds the available context size, try increasing it")
        return judge(request)
    return answer


def never_ending(_request: dict[str, Any]) -> Action:
    return "generate_forever", None


def invents_a_quote(turn: int, shows_at: int) -> Script:
    """A session pass that blames `turn` with a quote the trace does not contain."""
    return ScriptedJudge(candidates=[{"turn": turn, "quote": "the refund was approved for 900 dollars",
                                      "what": "promised a refund", "category": "hallucinated_fact",
                                      "shows_at": shows_at}],
                         faulty={turn: "hallucinated_fact"},
                         quotes={turn: "the refund was approved for 900 dollars"})
