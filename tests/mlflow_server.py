"""Start a real `mlflow server` on loopback (tests and benchmarks share this)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

READY_TIMEOUT_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def mlflow_server(db_path: Path, workers: int | None = 1) -> Iterator[str]:
    """Serve the SQLite store at `db_path` on 127.0.0.1; yields the tracking URI.

    One worker keeps test start-up light; `workers=None` keeps MLflow's default.
    """
    port = free_port()
    mlflow_bin = Path(sys.executable).parent / "mlflow"
    log = open(db_path.parent / f"mlflow-server-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(mlflow_bin), "server", "--backend-store-uri", f"sqlite:///{db_path}",
         "--default-artifact-root", str(db_path.parent / "artifacts"),
         "--host", "127.0.0.1", "--port", str(port),
         *(["--workers", str(workers)] if workers else [])],
        stdout=log, stderr=subprocess.STDOUT,
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            try:
                if requests.get(f"{uri}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server did not start; see {log.name}")
            time.sleep(0.3)
        yield uri
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def health_then_hang_server() -> Iterator[str]:
    """A loopback server that answers /health, then leaves every other request hanging
    (a wedged MLflow worker behind a healthy front); yields its URI."""
    import http.server
    import threading

    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/health"):
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")
                return
            release.wait(120)  # hangs until the test ends

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
