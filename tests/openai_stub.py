"""A local OpenAI-compatible chat completions server for tests.

The real `openai` client talks to it over HTTP on 127.0.0.1. Each request takes the
next scripted action, or asks `default` for one:
- `("reply", text)`: a completion whose message content is `text`;
- `("status", code)`: an error response with that HTTP status;
- `("hang", seconds)`: sleep past the client's timeout before answering.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Action = tuple[str, Any]


class OpenAIStub:
    def __init__(self, default: Callable[[dict[str, Any]], Action] | None = None) -> None:
        self.script: deque[Action] = deque()
        self.default = default or (lambda _request: ("reply", "{}"))
        self.requests: list[dict[str, Any]] = []
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
                if kind == "hang":
                    time.sleep(value)
                    kind, value = "reply", "{}"
                if kind == "status":
                    self._send(value, {"error": {"message": f"scripted {value}", "type": "server_error"}})
                    return
                self._send(200, completion(request.get("model", "stub"), value))

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
