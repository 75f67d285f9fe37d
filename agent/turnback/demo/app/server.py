"""Acme Travel chat endpoint (the demo application turnback analyzes)."""

import mlflow
from flask import Flask, request

from agent_loop import run_turn

app = Flask(__name__)


@app.post("/chat")
@mlflow.trace(name="chat")
def chat():
    session_id = request.cookies.get("acme_sid")
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    return {"reply": run_turn(session_id, request.json["message"])}
