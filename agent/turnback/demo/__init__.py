"""The bundled demo: a four-turn travel-booking session and the tiny app that made it.

At turn 2 the `book_hotel` tool swallows a payment-gateway timeout and reports the room
as confirmed; the user only finds out at turn 4. The app's code is in `demo/app/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from turnback.demo.builder import write_session

DEMO_SESSION_ID = "acme-sess-7f3a"
DEMO_EXPERIMENT = "acme-travel-assistant"
APP_DIR = Path(__file__).parent / "app"
SYSTEM_PROMPT = (
    "You are Acme Travel's booking assistant. Help the traveller find and book hotels. "
    "Confirm every booking with its confirmation code."
)
HOTEL = {"hotel_id": "alfama-01", "name": "Hotel Alfama", "price_eur": 120}


def _llm_span(history: list[dict[str, str]], reply: str) -> dict[str, Any]:
    return {
        "name": "call_model",
        "type": "CHAT_MODEL",
        "inputs": {
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": SYSTEM_PROMPT}, *history],
        },
        "outputs": {"choices": [{"message": {"role": "assistant", "content": reply}}]},
    }


def _turn(
    user: str, reply: str, history: list[dict[str, str]], tools: list[dict[str, Any]]
) -> dict[str, Any]:
    """A request handled by the wrapper `chat` span (empty inputs) around `run_turn`."""
    messages = [*history, {"role": "user", "content": user}]
    return {
        "root": {
            "name": "chat",
            "type": "CHAIN",
            "inputs": {},
            "outputs": {"reply": reply},
            "children": [
                {
                    "name": "run_turn",
                    "type": "AGENT",
                    "inputs": {"session_id": DEMO_SESSION_ID, "message": user},
                    "outputs": reply,
                    "children": [_llm_span(messages, ""), *tools, _llm_span(messages, reply)],
                }
            ],
        }
    }


def demo_turns() -> list[dict[str, Any]]:
    said: list[tuple[str, str]] = [
        (
            "Hi! I need a hotel in Lisbon from March 3 to March 5 for two guests.",
            "I found Hotel Alfama in Lisbon at €120 per night for March 3-5, two guests. "
            "Shall I book it?",
        ),
        (
            "Yes please, book Hotel Alfama.",
            "Done! Hotel Alfama is booked for March 3-5 for two guests. "
            "Your confirmation code is PENDING.",
        ),
        (
            "Great. Can you recommend a restaurant near the hotel for our first evening?",
            "Try Taberna da Rua das Flores, a five-minute walk from Hotel Alfama.",
        ),
        (
            "I just got an email from Hotel Alfama saying they have no booking under my name! "
            "You told me it was booked.",
            "I'm sorry about that. Let me check the booking status for you.",
        ),
    ]
    tools: list[list[dict[str, Any]]] = [
        [{
            "name": "search_hotels", "type": "TOOL",
            "inputs": {"city": "Lisbon", "check_in": "03-03", "check_out": "03-05", "guests": 2},
            "outputs": [HOTEL],
        }],
        [{
            "name": "book_hotel", "type": "TOOL",
            "inputs": {"hotel_id": "alfama-01", "check_in": "03-03", "check_out": "03-05", "guests": 2},
            "outputs": {"status": "confirmed", "confirmation": "PENDING"},
            "children": [{
                "name": "reserve_room", "type": "UNKNOWN",
                "inputs": {"hotel_id": "alfama-01"},
                "error": "payment gateway did not answer within 30s",
                "error_type": "PaymentGatewayTimeout",
            }],
        }],
        [],
        [],
    ]
    turns = []
    history: list[dict[str, str]] = []
    for (user, reply), turn_tools in zip(said, tools, strict=True):
        turns.append(_turn(user, reply, history, turn_tools))
        history = [*history, {"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    turns[0]["assessments"] = [{
        "name": "user_frustration", "value": "unresolved", "session_level": True,
        "rationale": "At the end the user learns the hotel booking the assistant confirmed does "
        "not exist; the frustration is not resolved.",
    }]
    turns[1]["assessments"] = [{
        "name": "user_frustration", "value": "no",
        "rationale": "The user shows no frustration in this turn.",
    }]
    turns[2]["assessments"] = [{"name": "relevance", "error": "judge model timed out after 60s"}]
    return turns


def install_demo(workdir: Path) -> tuple[str, str, Path]:
    """Write the demo session into a fresh SQLite store under `workdir` and copy the demo
    app beside it. Returns (tracking URI, experiment id, app path)."""
    tracking_uri = f"sqlite:///{workdir / 'demo-mlflow.db'}"
    experiment_id = write_session(tracking_uri, DEMO_EXPERIMENT, DEMO_SESSION_ID, demo_turns())
    app = workdir / "acme-travel"
    shutil.copytree(APP_DIR, app, ignore=shutil.ignore_patterns("__pycache__"))
    return tracking_uri, experiment_id, app


KEPT_MARKER = "turnback-demo.json"


def demo_home() -> Path:
    """Where `turnback demo` keeps its store and app: $TURNBACK_HOME/demo (~/.turnback/demo)."""
    home = os.environ.get("TURNBACK_HOME")
    return (Path(home).expanduser() if home else Path.home() / ".turnback") / "demo"


def _fingerprint() -> str:
    """Changes when the demo session or its app changes, so a kept copy is rebuilt then."""
    digest = hashlib.sha256(json.dumps(demo_turns(), sort_keys=True).encode())
    for path in sorted(APP_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(APP_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def kept_demo(where: Path) -> tuple[str, str, Path, bool]:
    """The demo kept in `where`, written there on first use and reused after (a new one
    when the demo changed). Returns (tracking URI, experiment id, app path, reused)."""
    marker = where / KEPT_MARKER
    fingerprint = _fingerprint()
    try:
        kept = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    uri, app = f"sqlite:///{where / 'demo-mlflow.db'}", where / "acme-travel"
    if kept.get("fingerprint") == fingerprint and (where / "demo-mlflow.db").is_file():
        return uri, str(kept["experiment_id"]), app, True
    # Built beside it and swapped in whole, so an interrupted run never leaves half a demo.
    where.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".demo-", dir=where.parent))
    try:
        _, experiment_id, _ = install_demo(fresh)
        (fresh / KEPT_MARKER).write_text(
            json.dumps({"fingerprint": fingerprint, "experiment_id": experiment_id}), encoding="utf-8")
        if where.exists():
            shutil.rmtree(where)
        fresh.rename(where)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    return uri, experiment_id, app, False
