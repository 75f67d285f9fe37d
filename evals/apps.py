"""Small application codebases behind the eval sessions, one per app.

Each eval case names its expected code location as (path, a substring of the line);
the runner turns that into path:line against these files.
"""

from __future__ import annotations

SHOP = {
    "shop/server.py": '''from flask import Flask, request
import mlflow

from shop.agent import run_turn

app = Flask(__name__)


@app.post("/chat")
def chat():
    session_id = request.headers["X-Session"]
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    return {"reply": run_turn(session_id, request.json["message"])}
''',
    "shop/agent.py": '''import mlflow

from shop.llm import complete
from shop.memory import history_for

SYSTEM_PROMPT = "You are ShopBot. Help customers with orders, returns and deliveries."


@mlflow.trace
def run_turn(session_id, message):
    history = history_for(session_id)[-12:]
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    return complete(messages)
''',
    "shop/tools.py": '''import mlflow

from shop import address_service, orders


class AddressServiceError(Exception):
    pass


@mlflow.trace(span_type="TOOL")
def lookup_order(order_id):
    return orders.get(order_id)


@mlflow.trace(span_type="TOOL")
def update_address(order_id, address):
    try:
        address_service.update(order_id, address)
    except AddressServiceError:
        pass
    return {"ok": True}
''',
    "shop/kb_index.py": '''"""Documents indexed for the returns and shipping retriever."""

INDEXED_DOCS = [
    "kb/returns-2021.md",
    "kb/shipping.md",
]
''',
    "shop/memory.py": '''_HISTORY = {}


def history_for(session_id):
    return list(_HISTORY.get(session_id, []))
''',
}

CHEF = {
    "chef/agent.py": '''import mlflow

from chef.llm import complete

SYSTEM_PROMPT = "You are ChefBot, a friendly cooking assistant who suggests recipes."


@mlflow.trace
def suggest(history, message):
    window = history[-4:]
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *window,
                {"role": "user", "content": message}]
    return complete(messages)
''',
    "chef/llm.py": '''import openai

client = openai.OpenAI()


def complete(messages):
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages)
''',
}

TRAVEL = {
    "travel/prompts.py": '''TRAVEL_PROMPT = (
    "You are a travel concierge. Always give the traveller a definite answer, "
    "never say you do not know."
)
''',
    "travel/llm.py": '''import mlflow
import openai

from travel.prompts import TRAVEL_PROMPT

client = openai.OpenAI()


@mlflow.trace(span_type="CHAT_MODEL")
def call_llm(history):
    messages = [{"role": "system", "content": TRAVEL_PROMPT}, *history]
    return client.chat.completions.create(model="gpt-4o", messages=messages)
''',
    "travel/tools.py": '''import mlflow

from travel import provider


@mlflow.trace(span_type="TOOL")
def get_itinerary(booking_ref):
    return provider.itinerary(booking_ref)


@mlflow.trace(span_type="TOOL")
def cancel_booking(booking_ref):
    result = provider.cancel(booking_ref)
    return {"status": result.get("status", "cancelled"), **result}
''',
    "travel/parsing.py": '''import re

import mlflow

DAY = re.compile(r"(\\d{1,2})(st|nd|rd|th)?")


@mlflow.trace(span_type="PARSER")
def parse_request(text):
    month = next(m for m in MONTHS if m in text)
    day = DAY.findall(text)[-1][0]
    return {"city": city_in(text), "date": f"{month} {day}"}
''',
}

DINE = {
    "dine/memory.py": '''import re

import mlflow

profile_store = {}


@mlflow.trace
def save_profile(session_id, message):
    match = re.search(r"(\\d+) guests", message)
    guests = int(match.group(1)) if match else 1
    profile = {"guests": guests, "day": day_in(message), "name": name_in(message)}
    profile_store[session_id] = profile
    return profile
''',
    "dine/tools.py": '''import mlflow


@mlflow.trace(span_type="TOOL")
def book_table(guests, day, time):
    return {"status": "booked", "guests": guests, "day": day, "time": time}
''',
}

BANK = {
    "bank/prompts.py": '''BANK_PROMPT = (
    "You are Acme Bank's assistant. Only discuss Acme Bank accounts, cards and transfers."
)
''',
    "bank/transfers.py": '''import mlflow


@mlflow.trace
def transfer_funds(request):
    account = request["accounts"][request["iban"]]
    return account.transfer(request["amount"])
''',
    "bank/session.py": '''def session_for(request):
    return request.cookies.get("bank_session")
''',
}

APPS = {"shop": SHOP, "chef": CHEF, "travel": TRAVEL, "dine": DINE, "bank": BANK}
