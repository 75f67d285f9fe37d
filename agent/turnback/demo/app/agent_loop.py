"""One conversational turn: history, model call, tool dispatch."""

import mlflow

from llm import call_model
from memory import load_history, save_turn
from tools import TOOLS

MAX_HISTORY_TURNS = 10

SYSTEM_PROMPT = (
    "You are Acme Travel's booking assistant. Help the traveller find and book hotels. "
    "Confirm every booking with its confirmation code."
)


@mlflow.trace(name="run_turn")
def run_turn(session_id, message):
    history = load_history(session_id)[-MAX_HISTORY_TURNS:]
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    reply = call_model(messages, tools=TOOLS)
    while reply.tool_call:
        result = TOOLS[reply.tool_call.name](**reply.tool_call.arguments)
        messages.append({"role": "tool", "content": str(result)})
        reply = call_model(messages, tools=TOOLS)
    save_turn(session_id, message, reply.text)
    return reply.text
