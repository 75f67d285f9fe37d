"""Labelled sessions written as a third locked split (`fresh3`), now part of dev.

Written from the fault classes of the case brief alone, without reading the engine or running it:
pushback in ordinary words (class 1), a recorded failure among look-alike template replies
(class 2), a value or constraint lost turns before the complaint (class 3), a failure the reply
admits before later trouble (class 4), structural faults (class 5), a stale source named by its
loader (class 6) and healthy look-alikes. Each faulty session has its own small app; `code` names
the line a developer would change. Scored once as the engine stood (root 12/16, healthy
blamed 0/5, category 9/16, code 6/16), then moved to dev and tuned on.
"""

from __future__ import annotations

import json
import re
from typing import Any

from turnback.demo.builder import chat_turn, retriever_span, tool_span

from evals.cases import EvalCase, with_attributes, wrapped
from evals.sets.recording import (
    _Chat,
    _docs_msg,
    _genai_call,
    _legacy_call,
    _oi_call,
    _openai_call,
    _tool_msg,
)

Span = dict[str, Any]
Msg = dict[str, Any]

# --- the apps behind the sessions ----------------------------------------------------------

DESKHIVE = {
    "deskhive/app.py": '''from fastapi import FastAPI
from openinference.instrumentation import using_session
from pydantic import BaseModel

from deskhive.agent import desk_agent

app = FastAPI(title="DeskHive front desk")


class Incoming(BaseModel):
    session_id: str
    text: str


@app.post("/v1/messages")
def messages(body: Incoming):
    with using_session(body.session_id):
        return {"reply": desk_agent(body.session_id, body.text)}
''',
    "deskhive/parsing.py": '''import re
from datetime import date, timedelta

MEMBER_RE = re.compile(r"\\bHV-?(\\d{3,6})\\b", re.I)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]
DESK_TYPES = ("standing", "fixed", "hot", "phone booth")
DESK_RE = re.compile(r"\\b([A-Z]-\\d{2})\\b")


def parse_request(text, known, today=None):
    today = today or date.today()
    found = dict(known)
    match = MEMBER_RE.search(text)
    if match:
        member_id = f"HV-{int(match.group(1))}"
        found["member_id"] = member_id
    for offset, name in enumerate(WEEKDAYS):
        if name in text.lower():
            found["date"] = (today + timedelta((offset - today.weekday()) % 7)).isoformat()
    for kind in DESK_TYPES:
        if kind in text.lower():
            found["desk_type"] = kind
    if (desk := DESK_RE.search(text.upper())):
        found["desk"] = desk.group(1)
    return found
''',
    "deskhive/agent.py": '''import json

from openai import OpenAI

from deskhive import members, parsing, sessions

client = OpenAI()
SYSTEM = (
    "You are the front-desk assistant of DeskHive coworking. Use the member record and the desk "
    "availability you are given. Be brief."
)


def desk_agent(session_id, text):
    state = parsing.parse_request(text, sessions.get(session_id))
    sessions.put(session_id, state)
    context = []
    if "member_id" in state:
        context.append(members.lookup_member(state["member_id"]))
    if state.get("date"):
        context.append(members.free_desks(state["date"], state.get("desk_type", "hot")))
    if state.get("desk") and not state.get("booking"):
        booking = members.book_desk(state["member_id"], state["date"], state["desk"])
        state["booking"] = booking.get("booking")
        context.append(booking)
    messages = [{"role": "system", "content": SYSTEM}, *sessions.history(session_id),
                {"role": "user", "content": text},
                {"role": "system", "content": json.dumps(context)}]
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    sessions.remember(session_id, text, reply.choices[0].message.content)
    return reply.choices[0].message.content
''',
}

BROADS = {
    "broadsboats/prompts.py": '''"""Prompt text for the Wroxham Day Boats assistant."""

SYSTEM_PROMPT = (
    "You are the booking assistant of Wroxham Day Boats on the Norfolk Broads. "
    "Use the hire terms passages when they are given. "
    "If the hire terms do not cover a question, answer from general boating knowledge "
    "so the customer is never left without an answer. "
    "Prices are per boat per day and include fuel."
)

FLEET = {"Kingfisher": 6, "Heron": 8, "Otter": 10}
''',
    "broadsboats/assistant.py": '''from openai import OpenAI
from opentelemetry import trace
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

from broadsboats.prompts import SYSTEM_PROMPT
from broadsboats.terms import search_terms

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("broadsboats")
client = OpenAI()


@tracer.start_as_current_span("boat_assistant")
def boat_assistant(history, text):
    passages = search_terms(text, k=2)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": text}]
    if passages:
        messages.append({"role": "system", "content": "Hire terms:\\n\\n" + "\\n\\n".join(passages)})
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.4)
    return reply.choices[0].message.content
''',
    "broadsboats/terms.py": '''import chromadb

_collection = chromadb.PersistentClient("data/chroma").get_collection("hire_terms")


def search_terms(query, k=2):
    hits = _collection.query(query_texts=[query], n_results=k)
    return [doc for doc, dist in zip(hits["documents"][0], hits["distances"][0]) if dist < 0.8]
''',
}

LARDER = {
    "larder/handler.py": '''import mlflow

from larder import tables
from larder.llm import write_reply
from larder.parsing import parse_booking

mlflow.set_experiment("larder-bookings")


@mlflow.trace(name="booking_chat")
def booking_chat(session, text):
    span = mlflow.get_current_active_span()
    span.set_attributes({"app.user_message": text})
    session.booking = parse_booking(text, session.booking)
    facts = {}
    if session.booking.get("ready") and not session.booking.get("ref"):
        facts = tables.check_table(session.booking)
    if session.wants_to_confirm(text):
        facts = tables.book_table(session.booking, name=session.name_from(text))
        session.booking["ref"] = facts.get("ref")
    reply = write_reply(session.history, text, session.booking, facts)
    span.set_attributes({"app.bot_reply": reply})
    return reply
''',
    "larder/parsing.py": '''import re
from datetime import date, timedelta

NUMBER_WORDS = {"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
HALF_RE = re.compile(r"half (six|seven|eight|nine|ten|eleven|twelve)")
CLOCK_RE = re.compile(r"\\b(\\d{1,2})[:.](\\d{2})\\b")
PARTY_RE = re.compile(r"(?:for|of) (\\d{1,2})\\b")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def parse_time(text):
    m = HALF_RE.search(text.lower())
    if m:
        hour = NUMBER_WORDS[m.group(1)]
        return f"{hour:02d}:30"
    m = CLOCK_RE.search(text)
    if m:
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    return None


def parse_booking(text, booking, today=None):
    today = today or date.today()
    booking = dict(booking)
    if (party := PARTY_RE.search(text)):
        booking["party"] = int(party.group(1))
    if (time := parse_time(text)):
        booking["time"] = time
    for i, day in enumerate(DAYS):
        if day in text.lower():
            booking["date"] = (today + timedelta((i - today.weekday()) % 7)).isoformat()
    booking["ready"] = all(k in booking for k in ("party", "time", "date"))
    return booking
''',
    "larder/tables.py": '''import httpx

BOOKINGS_API = "https://bookings.larderandco.internal/v2"


def check_table(booking):
    r = httpx.get(f"{BOOKINGS_API}/availability", params={
        "date": booking["date"], "time": booking["time"], "covers": booking["party"]})
    return r.json()


def book_table(booking, name):
    r = httpx.post(f"{BOOKINGS_API}/bookings", json={
        "date": booking["date"], "time": booking["time"], "covers": booking["party"], "name": name,
        "sms": True})
    return r.json()
''',
}

BOXPOINT = {
    "boxpoint/web.py": '''import mlflow
from flask import Flask, jsonify, request

from boxpoint.bot import handle

app = Flask(__name__)


@app.post("/chat")
@mlflow.trace(name="POST /chat")
def chat():
    body = request.get_json(force=True)
    mlflow.update_current_trace(metadata={"mlflow.trace.session": body["conversation_id"]})
    return jsonify({"reply": handle(body["conversation_id"], body["text"])})
''',
    "boxpoint/bot.py": '''import re

import mlflow

from boxpoint.lockers import get_pickup_code
from boxpoint.llm import small_talk

TRACKING_RE = re.compile(r"\\bBX\\d{7}\\b")
PICKUP_TEMPLATE = (
    "Parcel {tracking}: ready in locker {locker} at {site}. Pickup code: {code}. "
    "Collect by {collect_by}."
)


@mlflow.trace(name="locker_bot", span_type="CHAIN")
def handle(conversation_id, text):
    tracking = TRACKING_RE.search(text.upper())
    if not tracking:
        return small_talk(conversation_id, text)
    result = get_pickup_code(tracking.group(0))
    return PICKUP_TEMPLATE.format(
        tracking=result["tracking"], locker=result["locker"], site=result["site"],
        code=result.get("code") or "will follow by SMS",
        collect_by=result["collect_by"],
    )
''',
    "boxpoint/lockers.py": '''import mlflow
import requests

LOCKER_API = "https://lockers.boxpoint.internal/api"


@mlflow.trace(name="get_pickup_code", span_type="TOOL")
def get_pickup_code(tracking):
    r = requests.post(f"{LOCKER_API}/codes", json={"tracking": tracking}, timeout=5)
    return r.json()
''',
}

GRIDWISE = {
    "gridwise/assistant.py": '''from opentelemetry import trace

from gridwise import readings
from gridwise.llm import answer

tracer = trace.get_tracer("gridwise")
RECORDED = (
    "Thanks, we've recorded your {meter} reading of {value} on {date}. "
    "Your next bill will use it."
)


@tracer.start_as_current_span("meter_assistant")
def meter_assistant(account, text):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", text)
    found = readings.find_reading(text)
    if found:
        saved = readings.submit_reading(account, found["meter"], found["raw"])
        reply = RECORDED.format(**saved)
    else:
        reply = answer(account, text)
    span.set_attribute("output.value", reply)
    return reply
''',
    "gridwise/readings.py": '''import re
from datetime import date

import httpx

METER_WORDS = {"night": "electricity (night)", "gas": "gas", "electric": "electricity (day)"}
NUMBER_RE = re.compile(r"(\\d[\\d ,.]*\\d)")


def find_reading(text):
    number = NUMBER_RE.search(text)
    if not number:
        return None
    meter = next((m for word, m in METER_WORDS.items() if word in text.lower()), None)
    return {"meter": meter or "electricity (day)", "raw": number.group(1)}


def submit_reading(account, meter, raw):
    value = float(raw.replace(" ", ""))
    r = httpx.post("https://meters.gridwise.internal/readings",
                   json={"account": account, "meter": meter, "value": value})
    r.raise_for_status()
    return {"meter": meter, "value": raw, "date": date.today().strftime("%d %B")}
''',
}

PANTRYBOX = {
    "pantrybox/planner.py": '''from openai import OpenAI
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

from pantrybox.history import recent_messages, save_turn
from pantrybox.prompts import SYSTEM_PROMPT

OpenAIInstrumentor().instrument()
client = OpenAI()


def plan_turn(user_id, text):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *recent_messages(user_id),
                {"role": "user", "content": text}]
    response = client.chat.completions.create(model="gpt-4o", messages=messages)
    reply = response.choices[0].message.content
    save_turn(user_id, text, reply)
    return reply
''',
    "pantrybox/history.py": '''import json

from pantrybox.db import redis_client

MAX_HISTORY = 6  # messages, to keep prompts cheap


def recent_messages(user_id):
    raw = redis_client.lrange(f"pb:chat:{user_id}", 0, -1)
    messages = [json.loads(m) for m in raw]
    return messages[-MAX_HISTORY:]


def save_turn(user_id, text, reply):
    key = f"pb:chat:{user_id}"
    redis_client.rpush(key, json.dumps({"role": "user", "content": text}))
    redis_client.rpush(key, json.dumps({"role": "assistant", "content": reply}))
''',
    "pantrybox/prompts.py": '''SYSTEM_PROMPT = (
    "You are the meal planner of PantryBox, a weekly recipe-kit service. "
    "Suggest dinners from the current menu, respect every dietary need the customer gives, "
    "and keep suggestions to a few lines each."
)
''',
}

GLIDE = {
    "glide/chat.py": '''import mlflow

from glide import quotes, state
from glide.llm import respond


@mlflow.trace(name="mover_chat", span_type="CHAIN")
def mover_chat(session_id, text):
    move = state.update_move(session_id, text)
    facts = None
    if "how much" in text.lower() or "quote" in text.lower():
        facts = quotes.quote_move(move)
    elif text.lower().startswith(("book", "yes, book")):
        facts = quotes.book_move(move)
    return respond(session_id, text, move, facts)
''',
    "glide/state.py": '''import re
from datetime import datetime, time, timezone

import dateparser
import mlflow

from glide.store import load, save

FLOOR_RE = re.compile(r"(\\d+)(?:st|nd|rd|th) floor")
ROUTE_RE = re.compile(r"from ([A-Z][a-z]+) to ([A-Z][a-z]+)")
BEDS_RE = re.compile(r"(\\d)[- ]bed")


def to_storage_date(day):
    local = datetime.combine(day, time.min).astimezone()
    return local.astimezone(timezone.utc).date().isoformat()


@mlflow.trace(name="update_move", span_type="MEMORY")
def update_move(session_id, text):
    move = load(session_id)
    if (route := ROUTE_RE.search(text)):
        move["from"], move["to"] = route.groups()
    if (beds := BEDS_RE.search(text)):
        move["bedrooms"] = int(beds.group(1))
    when = dateparser.parse(text, settings={"PREFER_DATES_FROM": "future"})
    if when:
        move["move_date"] = to_storage_date(when.date())
    if (floor := FLOOR_RE.search(text)):
        move["floor"] = int(floor.group(1))
    if "no lift" in text.lower():
        move["lift"] = False
    save(session_id, move)
    return move
''',
    "glide/quotes.py": '''import mlflow
import requests

OPS = "https://ops.glidemovers.internal"


@mlflow.trace(name="quote_move", span_type="TOOL")
def quote_move(move):
    return requests.post(f"{OPS}/quotes", json=move, timeout=10).json()


@mlflow.trace(name="book_move", span_type="TOOL")
def book_move(move):
    return requests.post(f"{OPS}/jobs", json=move, timeout=10).json()
''',
}

ENCORE = {
    "encore/agent.py": '''import json

import mlflow
from openai import OpenAI

from encore.tools import TOOL_SPECS, run_tool

mlflow.openai.autolog()
client = OpenAI()
SYSTEM = "You are Encore's ticket support assistant. Use the tools; tell fans exactly what happened."


@mlflow.trace(name="support_turn")
def support_turn(history, text):
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text}]
    while True:
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOL_SPECS)
        msg = out.choices[0].message
        if not msg.tool_calls:
            return msg.content
        messages.append(msg.model_dump())
        for call in msg.tool_calls:
            result = run_tool(call.function.name, json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
''',
    "encore/tools.py": '''import mlflow

from encore.transfers import TransferError, transfer_ticket

TOOL_SPECS = [{"type": "function", "function": {
    "name": "transfer_ticket", "parameters": {"type": "object", "properties": {
        "order_id": {"type": "string"}, "seat": {"type": "string"},
        "recipient_email": {"type": "string"}}, "required": ["order_id", "recipient_email"]}}}]


@mlflow.trace(span_type="TOOL")
def run_tool(name, args):
    try:
        if name == "transfer_ticket":
            return transfer_ticket(**args)
    except TransferError as exc:
        return {"error": str(exc)}
    return {"error": f"unknown tool {name}"}
''',
    "encore/transfers.py": '''from encore.accounts import find_account_by_email
from encore.orders import get_order, move_seat


class TransferError(Exception):
    pass


def transfer_ticket(order_id, recipient_email, seat=None):
    order = get_order(order_id)
    recipient = find_account_by_email(recipient_email)
    if recipient is None:
        raise TransferError(f"recipient has no Encore account: {recipient_email}")
    seat = seat or order.seats[-1]
    move_seat(order, seat, recipient)
    return {"transferred": seat, "to": recipient_email}
''',
}

LINGUAPORT = {
    "linguaport/chat.py": '''from linguaport import pages, quotes
from linguaport.llm import reply_with
from linguaport.tracing import turn_span


def handle_turn(case, text):
    with turn_span(text) as span:
        facts = {}
        if "uploaded" in text.lower():
            facts["documents"] = [pages.inspect_upload(u) for u in case.new_uploads()]
            case.documents.extend(d for d in facts["documents"] if "pages" in d)
        if "how much" in text.lower():
            facts["quote"] = quotes.quote(case.language_pair, case.documents, certified=True)
        reply = reply_with(case.history, text, facts)
        span.set_attribute("app.bot_reply", reply)
        return reply
''',
    "linguaport/pages.py": '''from opentelemetry.trace import Status, StatusCode
from pypdf import PdfReader

from linguaport.tracing import tool_span


def count_pages(path):
    return len(PdfReader(path).pages)


def inspect_upload(upload):
    with tool_span("inspect_upload", {"file": upload.name}) as span:
        try:
            info = {"file": upload.name, "pages": count_pages(upload.path)}
        except Exception as exc:  # reported to the model, which tells the customer
            span.record_exception(exc)
            span.set_status(Status(StatusCode.ERROR, str(exc)))
            info = {"file": upload.name, "error": str(exc)}
        return info
''',
    "linguaport/quotes.py": '''PER_PAGE_GBP = {"certified": 35, "standard": 24}


def quote(language_pair, documents, certified=True):
    rate = PER_PAGE_GBP["certified" if certified else "standard"]
    total_pages = sum(d["pages"] for d in documents)
    return {"pair": language_pair, "pages": total_pages, "total_gbp": total_pages * rate,
            "ready_in_days": 3}
''',
}

CLASSKIT = {
    "classkit/server.py": '''import mlflow
from fastapi import FastAPI

from classkit.planner import planner_turn

mlflow.openai.autolog()
app = FastAPI()


@app.post("/chat")
@mlflow.trace(name="POST /chat")
def chat(payload: dict):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": payload["thread"]})
    return {"reply": planner_turn(payload["thread"], payload["message"])}
''',
    "classkit/llm.py": '''from openai import OpenAI

client = OpenAI()


def complete(messages):
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=messages,
        temperature=0.6,
        max_tokens=300,
    )
    return response.choices[0].message.content
''',
    "classkit/planner.py": '''import mlflow

from classkit.llm import complete
from classkit.threads import load, save

SYSTEM = (
    "You are ClassKit, a planning assistant for primary school teachers in England. "
    "Write lesson plans with a clear objective, starter, main activity and plenary for each lesson."
)


@mlflow.trace(name="planner_turn", span_type="CHAIN")
def planner_turn(thread, message):
    history = load(thread)
    reply = complete([{"role": "system", "content": SYSTEM}, *history,
                      {"role": "user", "content": message}])
    save(thread, message, reply)
    return reply
''',
}

FRESHCART = {
    "freshcart/agent.py": '''import json

from opentelemetry import trace

from freshcart.llm import chat_completion
from freshcart.prompts import SYSTEM_PROMPT
from freshcart.tools import TOOLS, TOOL_SPECS

tracer = trace.get_tracer("freshcart")
MAX_STEPS = 6
GIVE_UP = "Sorry, I couldn't finish that just now. Could you try again in a moment?"


def build_messages(session, text):
    return [{"role": "system", "content": SYSTEM_PROMPT}, *session.history,
            {"role": "user", "content": text}]


@tracer.start_as_current_span("cart_agent")
def cart_agent(session, text):
    for _ in range(MAX_STEPS):
        messages = build_messages(session, text)
        reply = chat_completion(messages, tools=TOOL_SPECS)
        if not reply.tool_calls:
            return reply.content
        for call in reply.tool_calls:
            result = TOOLS[call.function.name](**json.loads(call.function.arguments))
            session.scratch.append({"role": "tool", "tool_call_id": call.id,
                                    "content": json.dumps(result)})
    return GIVE_UP
''',
    "freshcart/tools.py": '''from freshcart.api import catalogue, orders

TOOL_SPECS = [
    {"type": "function", "function": {"name": "search_products", "parameters": {
        "type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}},
    {"type": "function", "function": {"name": "add_to_order", "parameters": {
        "type": "object", "properties": {"order_id": {"type": "string"}, "sku": {"type": "string"},
                                         "qty": {"type": "integer"}},
        "required": ["order_id", "sku", "qty"]}}},
]


def search_products(query):
    return {"results": catalogue.search(query, limit=3)}


def add_to_order(order_id, sku, qty):
    return orders.add_line(order_id, sku, qty)


TOOLS = {"search_products": search_products, "add_to_order": add_to_order}
''',
    "freshcart/prompts.py": '''SYSTEM_PROMPT = (
    "You are the FreshCart shopping assistant. The customer's next delivery is order FC-55012 "
    "on Thursday. Search the catalogue before adding anything, then add the best match."
)
''',
}

ROADLY = {
    "roadly/assistant.py": '''from roadly import state
from roadly.llm import write_reply
from roadly.rentals import book_rental, quote_rental
from roadly.telemetry import traced_turn


@traced_turn("rental_assistant")
def rental_assistant(session, text):
    rental = state.remember(session, text)
    facts = {}
    if rental.get("pickup") and rental.get("from") and "book" not in text.lower():
        facts = quote_rental(rental)
    if "book it" in text.lower():
        facts = book_rental(rental)
    return write_reply(session, text, rental, facts)
''',
    "roadly/state.py": '''import re

from roadly.telemetry import traced_step

CITIES = ("Lisbon", "Porto", "Faro", "Funchal", "Madrid", "Seville", "Malaga")
DATES_RE = re.compile(r"from (\\d{1,2}) to (\\d{1,2}) (\\w+)")


@traced_step("remember_rental", kind="MEMORY")
def remember(session, text):
    rental = session.rental
    for city in CITIES:
        if city.lower() in text.lower():
            state_city = city
            rental["pickup"] = f"{state_city} Airport" if "airport" in text.lower() else state_city
            break
    if (m := DATES_RE.search(text)):
        rental["from"], rental["to"] = f"{m.group(1)} {m.group(3)}", f"{m.group(2)} {m.group(3)}"
    if "child seat" in text.lower():
        rental["extras"] = sorted({*rental.get("extras", []), "child_seat"})
    if (t := re.search(r"\\b(\\d{1,2}:\\d{2})\\b", text)):
        rental["pickup_time"] = t.group(1)
    return rental
''',
    "roadly/rentals.py": '''import httpx

from roadly.telemetry import traced_step

API = "https://api.roadly.internal/v1"


@traced_step("quote_rental", kind="TOOL")
def quote_rental(rental):
    return httpx.post(f"{API}/quotes", json=rental).json()


@traced_step("book_rental", kind="TOOL")
def book_rental(rental):
    return httpx.post(f"{API}/bookings", json=rental).json()
''',
}

PARCELHOP = {
    "parcelhop/rates.py": '''import requests
from opentelemetry import trace

tracer = trace.get_tracer("parcelhop")
CARRIER_API = "https://rates.carrierhub.example/v2/price"
DOMESTIC_RATES = {"0-2kg": 4.49, "2-5kg": 8.99, "5-10kg": 12.99}


def weight_band(kg):
    return "0-2kg" if kg <= 2 else "2-5kg" if kg <= 5 else "5-10kg"


@tracer.start_as_current_span("get_shipping_rate")
def get_shipping_rate(destination, kg):
    band = weight_band(kg)
    with tracer.start_as_current_span("carrier_rate_request") as span:
        try:
            r = requests.get(CARRIER_API, params={"to": destination, "kg": kg}, timeout=3)
            return r.json()
        except requests.Timeout as exc:
            span.record_exception(exc)
            return {"service": "standard", "band": band, "price_gbp": DOMESTIC_RATES[band]}
''',
    "parcelhop/assistant.py": '''from openai import OpenAI
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace

from parcelhop.collections import book_collection
from parcelhop.parsing import parse_parcel
from parcelhop.rates import get_shipping_rate

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("parcelhop")
client = OpenAI()
SYSTEM = "You are the ParcelHop assistant. Quote the rate the rate tool returns; book collections."


@tracer.start_as_current_span("parcel_assistant")
def parcel_assistant(history, text):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", text)
    parcel = parse_parcel(text, history)
    context = []
    if parcel.get("destination") and parcel.get("kg"):
        context.append(get_shipping_rate(parcel["destination"], parcel["kg"]))
    if "collection" in text.lower():
        context.append(book_collection(parcel))
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text},
                *({"role": "tool", "content": str(c)} for c in context)]
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    span.set_attribute("output.value", reply.choices[0].message.content)
    return reply.choices[0].message.content
''',
}

BRIGHTWAVE = {
    "brightwave/web.py": '''import mlflow
from flask import Flask, jsonify, request

from brightwave.help import help_turn

app = Flask(__name__)
mlflow.openai.autolog()


@app.post("/chat")
@mlflow.trace(name="POST /chat")
def chat():
    body = request.get_json(force=True)
    mlflow.update_current_trace(metadata={"mlflow.trace.session": body["sid"]})
    return jsonify({"reply": help_turn(body["sid"], body["message"])})
''',
    "brightwave/retrieval.py": '''import mlflow

from brightwave.vectors import index

MAX_SOURCES = 1


@mlflow.trace(name="search_help_centre", span_type="RETRIEVER")
def search_help_centre(query):
    return index.similarity_search(query, k=4)


@mlflow.trace(name="select_sources", span_type="PARSER")
def select_sources(docs):
    ranked = sorted(docs, key=lambda d: d.metadata["published"])
    return ranked[:MAX_SOURCES]
''',
    "brightwave/help.py": '''import mlflow
from openai import OpenAI

from brightwave.retrieval import search_help_centre, select_sources
from brightwave.threads import history, remember

client = OpenAI()
SYSTEM = "You are Brightwave Mobile's help assistant. Answer from the help-centre articles given."


@mlflow.trace(name="help_turn", span_type="CHAIN")
def help_turn(sid, message):
    sources = select_sources(search_help_centre(message))
    articles = "\\n\\n".join(d.page_content for d in sources)
    messages = [{"role": "system", "content": SYSTEM}, *history(sid),
                {"role": "user", "content": message},
                {"role": "system", "content": "Help-centre articles:\\n\\n" + articles}]
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    remember(sid, message, reply.choices[0].message.content)
    return reply.choices[0].message.content
''',
}

NETLY = {
    "netly/bot.py": '''import json

from opentelemetry.instrumentation.openai import OpenAIInstrumentor

from netly.accounts import lookup_account
from netly.handoff import handoff_to_agent
from netly.llm import chat

OpenAIInstrumentor().instrument()
ESCALATE_WORDS = ("speak to someone", "real person", "human", "agent", "complaint")


def support_turn(session, text):
    if any(word in text.lower() for word in ESCALATE_WORDS):
        ticket = handoff_to_agent("billing" if session.topic == "billing" else "general")
        return chat(session, text, extra=json.dumps(ticket))
    account = lookup_account(session.customer_id)
    session.topic = "billing" if "bill" in text.lower() else session.topic
    return chat(session, text, extra=json.dumps(account))
''',
    "netly/handoff.py": '''import requests
from opentelemetry import trace

tracer = trace.get_tracer("netly")
DESK_API = "https://desk.netly.internal/api/handoffs"
# the desk API requires: queue, account_number, summary


@tracer.start_as_current_span("handoff_to_agent")
def handoff_to_agent(queue, **details):
    payload = {"queue": queue, **details}
    r = requests.post(DESK_API, json=payload, timeout=5)
    return r.json()
''',
    "netly/accounts.py": '''import requests
from opentelemetry import trace

tracer = trace.get_tracer("netly")


@tracer.start_as_current_span("lookup_account")
def lookup_account(customer_id):
    r = requests.get(f"https://billing.netly.internal/accounts/{customer_id}", timeout=5)
    return r.json()
''',
}

REELSIDE = {
    "reelside/loader.py": '''import json
from pathlib import Path

from reelside.index import ListingIndex

DATA = Path(__file__).parent / "data"
LISTING_FILES = [
    "listings/2024-03-01_week.json",
    "prices.json",
    "accessibility.json",
]


def build_index():
    index = ListingIndex()
    for name in LISTING_FILES:
        for doc in json.loads((DATA / name).read_text()):
            index.add(doc["text"], metadata={"doc_uri": name, **doc.get("meta", {})})
    return index
''',
    "reelside/concierge.py": '''from openai import OpenAI
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

from reelside.loader import build_index

OpenAIInstrumentor().instrument()
client = OpenAI()
INDEX = build_index()
SYSTEM = "You are the Reelside Cinema concierge. Answer from the listings and price documents given."


def concierge_turn(history, text):
    docs = INDEX.search(text, k=2)
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text},
                {"role": "system", "content": "Documents:\\n\\n" + "\\n\\n".join(d.text for d in docs)}]
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    return reply.choices[0].message.content
''',
}

APPS: dict[str, dict[str, str]] = {
    "f3_deskhive": DESKHIVE,
    "f3_broadsboats": BROADS,
    "f3_larder": LARDER,
    "f3_boxpoint": BOXPOINT,
    "f3_gridwise": GRIDWISE,
    "f3_pantrybox": PANTRYBOX,
    "f3_glide": GLIDE,
    "f3_encore": ENCORE,
    "f3_linguaport": LINGUAPORT,
    "f3_classkit": CLASSKIT,
    "f3_freshcart": FRESHCART,
    "f3_roadly": ROADLY,
    "f3_parcelhop": PARCELHOP,
    "f3_brightwave": BRIGHTWAVE,
    "f3_netly": NETLY,
    "f3_reelside": REELSIDE,
}


# --- span helpers ---------------------------------------------------------------------------


def _prompt(files: dict[str, str], path: str, name: str) -> str:
    """The prompt an app file assigns to NAME, as a `( "..." "..." )` block or one string."""
    match = re.search(rf'^{name} = (\((?:.|\n)*?\n\)|"[^\n]*")', files[path], re.M)
    assert match, f"{name} not in {path}"
    return "".join(re.findall(r'"([^"]*)"', match.group(1)))


def _call(call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def _openai_request(messages: list[Msg], name: str, args: dict[str, Any], *, call_id: str,
                    span: str = "Completions", model: str = "gpt-4o-mini") -> Span:
    """A chat completion (OpenAI autolog shape) whose answer is one tool call."""
    return {
        "name": span, "type": "CHAT_MODEL",
        "inputs": {"model": model, "messages": messages},
        "outputs": {"object": "chat.completion", "model": model, "choices": [{
            "index": 0, "finish_reason": "tool_calls",
            "message": {"role": "assistant", "content": None, "tool_calls": [_call(call_id, name, args)]}}]},
    }


def _genai_request(messages: list[Msg], name: str, args: dict[str, Any], *, call_id: str,
                   model: str = "gpt-4o-mini") -> Span:
    """An OTel GenAI chat span whose answer is one tool call."""
    return {
        "name": f"chat {model}", "type": "LLM", "inputs": {"messages": messages},
        "outputs": {"role": "assistant", "content": None, "tool_calls": [_call(call_id, name, args)]},
        "attributes": {"gen_ai.operation.name": "chat", "gen_ai.system": "openai",
                       "gen_ai.request.model": model, "gen_ai.response.model": model,
                       "gen_ai.response.finish_reasons": ["tool_calls"]},
    }


def _assistant_call(call_id: str, name: str, args: dict[str, Any]) -> Msg:
    return {"role": "assistant", "content": None, "tool_calls": [_call(call_id, name, args)]}


def _tool_reply(call_id: str, result: Any) -> Msg:
    return {"role": "tool", "tool_call_id": call_id, "content": json.dumps(result)}


def _step(name: str, kind: str, inputs: Any, outputs: Any, **extra: Any) -> Span:
    """A parser or memory step of the app (span types PARSER / MEMORY)."""
    return {"name": name, "type": kind, "inputs": inputs, "outputs": outputs, **extra}


def _system(label: str, data: Any) -> Msg:
    return {"role": "system", "content": f"{label}: {json.dumps(data)}"}


def _last_llm(turn: dict[str, Any]) -> Span:
    root = turn["root"]
    while root["name"] == "POST /chat":
        root = root["children"][0]
    return root["children"][-1]


# --- class 1: pushback in ordinary words ---------------------------------------------------


def _deskhive_member_zeros() -> EvalCase:
    system = _prompt(DESKHIVE, "deskhive/agent.py", "SYSTEM")
    chat = _Chat(system, _oi_call, call_name="ChatCompletion", root_name="desk_agent")
    member = {"member_id": "HV-417", "status": "active", "plan": "10-day pass", "days_left": 3}
    desks = {"date": "2024-05-16", "type": "standing", "free": [
        {"desk": "S-03", "zone": "quiet room"}, {"desk": "W-12", "zone": "window row"}]}
    s1 = {"member_id": "HV-417", "date": "2024-05-16", "desk_type": "standing"}

    def parse(text: str, known: dict[str, Any], found: dict[str, Any]) -> Span:
        return _step("parse_request", "PARSER", {"text": text, "known": known}, found)

    def lookups(m: dict[str, Any] = member) -> list[Span]:
        return [tool_span("lookup_member", {"member_id": "HV-417"}, m),
                tool_span("free_desks", {"date": "2024-05-16", "desk_type": "standing"}, desks)]

    q1 = "hi! can I get a standing desk this thursday? member no. HV-00417"
    chat.say(q1, "Yes! Two standing desks are free on Thursday 16 May: S-03 in the quiet room and W-12 in "
             "the window row. Booking one uses a day from your 10-day pass, which has 3 days left. Which one "
             "would you like?", before=[parse(q1, {}, s1), *lookups()],
             context=[_system("Context", [member, desks])])
    q2 = "W-12 please, the window one"
    s2 = {**s1, "desk": "W-12"}
    booking = {"booking": "DH-20931", "member_id": "HV-417", "desk": "W-12", "date": "2024-05-16",
               "days_left": 2}
    chat.say(q2, "Done: W-12 in the window row is yours on Thursday 16 May (booking DH-20931). That leaves 2 "
             "days on your pass.",
             before=[parse(q2, s1, s2), *lookups(),
                     tool_span("book_desk", {"member_id": "HV-417", "date": "2024-05-16", "desk": "W-12"},
                               booking)],
             context=[_system("Context", [member, desks, booking])])
    q3 = "cool. can I bring a client in for a meeting in the afternoon?"
    s3 = {**s2, "booking": "DH-20931"}
    after = {**member, "days_left": 2}
    chat.say(q3, "Yes, members can bring guests. A guest day pass is 15 EUR, or if you'd like somewhere "
             "private, meeting room Bee 2 is 12 EUR an hour. Just sign your client in at reception when "
             "they arrive.", before=[parse(q3, s3, s3), *lookups(after)],
             context=[_system("Context", [after, desks])])
    q4 = "hang on, 2 days left?? I'm on the unlimited monthly plan. it's HV-00417, two zeros"
    chat.say(q4, "Sorry about that! I looked up member HV-417, which is a different account on a 10-day "
             "pass, not yours. I've asked the front desk to move booking DH-20931 onto your unlimited "
             "membership HV-00417, so no pass days will be used.",
             before=[parse(q4, s3, s3), *lookups(after)],
             context=[_system("Context", [after, desks])])
    return EvalCase(
        "coworking parser drops the zeros of a member number; member restates it three turns later",
        "input_misparsed", with_attributes(chat.turns, "openinference"), root=1, symptom=4,
        app="f3_deskhive", code=("deskhive/parsing.py", 'member_id = f"HV-{int(match.group(1))}"'),
        instrumentation="openinference", tags=["fresh3", "class-1"],
    )


def _broads_breydon_water() -> EvalCase:
    chat = _Chat(_prompt(BROADS, "broadsboats/prompts.py", "SYSTEM_PROMPT"), _genai_call,
                 call_name="chat gpt-4o-mini", root_name="boat_assistant")
    prices = {"id": "terms-04", "content": "Day boat hire 2024: Kingfisher (up to 6 people) 185 GBP a day, "
              "Heron (up to 8) 215 GBP, Otter (up to 10) 245 GBP. Hire runs 09:00-17:30. Fuel is included.",
              "metadata": {"section": "Prices", "source": "hire-terms-2024.pdf"}}
    handover = {"id": "terms-07", "content": "No boat licence or previous experience is needed. Every hire "
                "starts with a 20-minute handover: our staff show you how to steer, moor and use the "
                "lifejackets before you set off.", "metadata": {"section": "Before you go",
                                                                "source": "hire-terms-2024.pdf"}}
    limits = {"id": "terms-09", "content": "Where you can go: day boats must stay on the northern rivers "
              "(the Bure upstream of Acle Bridge, the Ant and the Thurne). Day boats must not pass Acle "
              "Bridge or go onto Breydon Water, which is tidal.",
              "metadata": {"section": "Cruising limits", "source": "hire-terms-2024.pdf"}}

    def terms(query: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
        return {"before": [retriever_span("search_terms", query, docs)],
                "context": [_docs_msg(docs)] if docs else []}

    q1 = "Hi, we're 6 adults wanting a day boat from Wroxham on Saturday 15 June. What would that cost?"
    chat.say(q1, "For six of you the Kingfisher is ideal: 185 GBP for the day, from 09:00 to 17:30, with "
             "fuel included. Would you like to book it?", **terms(q1, [prices]))
    q2 = "Yes please. Also does whoever drives need a licence or any experience?"
    chat.say(q2, "No licence or experience needed: we give you a 20-minute handover before you set off. With "
             "a full day you can go a long way, too: plenty of groups cruise down past Acle and across "
             "Breydon Water to Great Yarmouth for lunch, then head back in the afternoon.",
             **terms(q2, [handover]))
    q3 = "Oh brilliant, Great Yarmouth for lunch it is then. Do we need to bring anything?"
    chat.say(q3, "Bring warm layers and waterproofs, soft-soled shoes, sun cream, and a picnic or some cash "
             "for lunch in Great Yarmouth. Lifejackets are on board and the fuel is included.",
             **terms(q3, []))
    q4 = "Day boats across Breydon Water? No chance. That can't be right."
    chat.say(q4, "You're right, and I'm sorry. Day boats have to stay upstream of Acle Bridge, so Breydon "
             "Water and Great Yarmouth are off limits; that trip is only for cruisers. For lunch on the "
             "water, Horning or Ranworth are both an easy run from Wroxham.", **terms(q4, [limits]))
    return EvalCase(
        "boat hire invents a day-boat route across tidal water; flat disbelief two turns later",
        "hallucinated_fact", with_attributes(chat.turns, "otel_genai"), root=2, symptom=4,
        app="f3_broadsboats", code=("broadsboats/prompts.py", "answer from general boating knowledge"),
        instrumentation="otel_genai", tags=["fresh3", "class-1"],
    )


def _larder_half_seven() -> EvalCase:
    chat = _Chat("You are the booking assistant of Larder & Co, an all-day cafe-restaurant. Confirm bookings "
                 "from the booking details and tool results you are given.", _openai_call,
                 call_name="Completions", root_name="booking_chat")
    b1 = {"party": 4, "time": "07:30", "date": "2024-06-14", "ready": True}

    def parse(text: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return _step("parse_booking", "PARSER", {"text": text, "booking": before}, after)

    q1 = "Hi! Could I get a table for 4 this Friday, half seven if you can?"
    free = {"date": "2024-06-14", "time": "07:30", "covers": 4, "available": True, "table": "T6"}
    chat.say(q1, "Yes, we have a table for 4 this Friday, 14 June, at 7:30. Shall I book it? Just tell me "
             "the name for the booking.",
             before=[parse(q1, {}, b1), tool_span("check_table", {"date": "2024-06-14", "time": "07:30",
                                                                  "covers": 4}, free)],
             context=[_system("Booking", b1), _tool_msg("check_table", free)])
    q2 = "Great, book it under Okafor please."
    booked = {"ref": "LC-2281", "status": "confirmed", "date": "2024-06-14", "time": "07:30", "covers": 4,
              "name": "Okafor", "sms": "sent"}
    b2 = {**b1, "ref": "LC-2281"}
    chat.say(q2, "All booked under Okafor: a table for 4 on Friday 14 June at 7:30, reference LC-2281. A "
             "confirmation text is on its way.",
             before=[parse(q2, b1, b1), tool_span("book_table", {"date": "2024-06-14", "time": "07:30",
                                                                 "covers": 4, "name": "Okafor",
                                                                 "sms": True}, booked)],
             context=[_system("Booking", b2), _tool_msg("book_table", booked)])
    q3 = "One of us is coeliac, is that ok?"
    chat.say(q3, "Yes, most of our menu can be made gluten-free and the kitchen keeps a separate fryer for "
             "gluten-free dishes. Let your server know when you arrive and they'll go through the options.",
             before=[parse(q3, b2, b2)], context=[_system("Booking", b2)])
    q4 = ("Just got the confirmation text and it says 07:30, Friday morning! We meant half seven in the "
          "evening, for dinner.")
    chat.say(q4, "I'm so sorry, I booked you in for 7:30 in the morning. I'll move booking LC-2281 to 19:30 "
             "on Friday evening for 4 people, and you'll get a new confirmation text.",
             before=[parse(q4, b2, b2)], context=[_system("Booking", b2)])
    return EvalCase(
        "restaurant parser reads 'half seven' as 07:30; the confirmation text shows it three turns later",
        "input_misparsed", with_attributes(chat.turns, "custom"), root=1, symptom=4, app="f3_larder",
        code=("larder/parsing.py", "hour = NUMBER_WORDS[m.group(1)]"),
        instrumentation="custom keys", tags=["fresh3", "class-1"],
    )


# --- class 2: a recorded failure among look-alike template replies -------------------------------


def _boxpoint_locker_offline() -> EvalCase:
    template = _prompt(BOXPOINT, "boxpoint/bot.py", "PICKUP_TEMPLATE")
    turns: list[dict[str, Any]] = []

    def locker(text: str, tracking: str, result: dict[str, Any]) -> None:
        reply = template.format(tracking=result["tracking"], locker=result["locker"], site=result["site"],
                                code=result.get("code") or "will follow by SMS",
                                collect_by=result["collect_by"])
        turns.append(chat_turn(text, reply, root_name="locker_bot",
                               children=[tool_span("get_pickup_code", {"tracking": tracking}, result)]))

    site = {"site": "Kingsgate Station", "collect_by": "Mon 20 May"}
    locker("Hi, I've got 3 parcels waiting in lockers. First one: BX4410927", "BX4410927",
           {"tracking": "BX4410927", "locker": "KGS-02-04", "code": "381205", **site})
    locker("next one is BX4410933", "BX4410933",
           {"tracking": "BX4410933", "locker": "KGS-02-11", "code": "774019", **site})
    locker("and the last is BX4410951", "BX4410951",
           {"status": "error", "error": "LOCKER_BANK_OFFLINE: code not issued, retry later",
            "tracking": "BX4410951", "locker": "KGS-02-17", "code": None, **site})
    q4 = "Thanks! What time does Kingsgate close?"
    r4 = "The lockers at Kingsgate Station are open 24/7, so you can collect whenever suits you."
    turns.append(chat_turn(q4, r4, root_name="locker_bot", children=[_openai_call(
        [{"role": "system", "content": "You are the BoxPoint parcel locker assistant."},
         {"role": "user", "content": q4}], r4, name="small_talk", model="gpt-4o-mini")]))
    locker("Got the first two out fine but no text ever came for BX4410951, and it's been two days",
           "BX4410951", {"tracking": "BX4410951", "locker": "KGS-02-17", "code": "502288", **site})
    return EvalCase(
        "locker bank offline for the third parcel, the template says the code will follow by SMS",
        "tool_failure_reported_as_success", wrapped(turns), root=3, symptom=5, app="f3_boxpoint",
        code=("boxpoint/bot.py", 'code=result.get("code") or "will follow by SMS"'),
        instrumentation="mlflow, wrapper root", tags=["fresh3", "class-2"],
    )


def _gridwise_comma_reading() -> EvalCase:
    template = _prompt(GRIDWISE, "gridwise/assistant.py", "RECORDED")
    turns: list[dict[str, Any]] = []
    history: list[Msg] = []

    def find(text: str, found: dict[str, Any] | None) -> Span:
        return _step("find_reading", "PARSER", {"text": text}, found)

    def recorded(text: str, meter: str, raw: str, value: float) -> None:
        saved = {"meter": meter, "value": raw, "date": "04 March"}
        reply = template.format(**saved)
        turns.append(chat_turn(text, reply, root_name="meter_assistant", children=[
            find(text, {"meter": meter, "raw": raw}),
            tool_span("submit_reading", {"account": "GW-301877", "meter": meter, "raw": raw},
                      saved, children=[tool_span("POST /readings", {"account": "GW-301877", "meter": meter,
                                                                     "value": value}, {"status": 201})])]))
        history.extend([{"role": "user", "content": text}, {"role": "assistant", "content": reply}])

    recorded("Electric reading for today: 45821", "electricity (day)", "45821", 45821.0)
    recorded("gas is 9130.4", "gas", "9130.4", 9130.4)
    q3 = "and the night meter says 12.077,5"
    failed = chat_turn(q3, None, root_name="meter_assistant", error="could not convert string to float: "
                       "'12.077,5'", children=[
                           find(q3, {"meter": "electricity (night)", "raw": "12.077,5"}),
                           tool_span("submit_reading", {"account": "GW-301877",
                                                        "meter": "electricity (night)", "raw": "12.077,5"},
                                     error="could not convert string to float: '12.077,5'",
                                     error_type="ValueError")])
    failed["root"]["error_type"] = "ValueError"
    turns.append(failed)
    history.append({"role": "user", "content": q3})
    q4 = "hello? did the night one go in?"
    r4 = ("I can see today's day-rate electricity reading (45821) and your gas reading (9130.4), but there's "
          "no night-rate reading on your account yet. Could you send it again?")
    messages = [{"role": "system", "content": "You are Gridwise Energy's meter reading assistant. Use the "
                 "account's readings you are given."}, *history, {"role": "user", "content": q4},
                _system("Readings today", [{"meter": "electricity (day)", "value": 45821},
                                           {"meter": "gas", "value": 9130.4}])]
    turns.append(chat_turn(q4, r4, root_name="meter_assistant", children=[
        find(q4, None), _oi_call(messages, r4, name="ChatCompletion", model="gpt-4o-mini")]))
    history.extend([{"role": "user", "content": q4}, {"role": "assistant", "content": r4}])
    recorded("night meter 12077.5", "electricity (night)", "12077.5", 12077.5)
    return EvalCase(
        "meter reading with a decimal comma crashes the handler between templated 'recorded' replies",
        "app_error", with_attributes(turns, "openinference"), root=3, symptom=3, app="f3_gridwise",
        code=("gridwise/readings.py", 'value = float(raw.replace(" ", ""))'),
        instrumentation="openinference", tags=["fresh3", "class-2"],
    )


# --- class 3: the earliest origin ----------------------------------------------------------------


def _pantrybox_halal_dropped() -> EvalCase:
    chat = _Chat(_prompt(PANTRYBOX, "pantrybox/prompts.py", "SYSTEM_PROMPT"), _legacy_call,
                 call_name="openai.chat", root_name="plan_turn", model="gpt-4o",
                 keep=lambda history, _user: history[-6:])
    chat.say("Hi! We keep halal at home, so nothing with pork or alcohol please. Can you plan 4 dinners for "
             "next week for 2 adults and 2 kids?",
             "Happy to! Four family dinners, all halal-friendly:\n1. Chicken shawarma traybake with "
             "flatbreads and garlic yoghurt\n2. Beef kofta with herby rice and cucumber salad\n3. Salmon "
             "teriyaki with sticky rice and greens\n4. Chickpea and spinach curry with naan\nShall I add "
             "these to your box?")
    chat.say("The kids aren't big on fish, can you swap the salmon?",
             "Sure: swap the salmon for crispy chicken katsu with rice and a mild curry sauce, which kids "
             "usually love.")
    chat.say("Perfect. How long does the kofta take?",
             "About 30 minutes: 10 to shape the koftas, 15 under the grill while the rice cooks, and 5 for "
             "the salad.")
    chat.say("Can we add a fifth dinner for Friday, something quick?",
             "How about halloumi and roasted veg wraps? They take 15 minutes and the kids can build their "
             "own.")
    chat.say("And a weekend treat for Saturday, something a bit special?",
             "For a special Saturday, try a creamy chicken and pancetta carbonara, finished with a splash of "
             "white wine and plenty of parmesan. It's ready in about 25 minutes.")
    chat.say("Pancetta and wine?! We're halal, I said that in my very first message.",
             "I'm so sorry, you did. For Saturday, try slow-cooked lamb with apricots and couscous instead: "
             "no pork and no alcohol, and it can bubble away while you relax.")
    return EvalCase(
        "meal planner's six-message history drops the halal rule before the Saturday treat",
        "context_window_dropped_constraint", with_attributes(chat.turns, "otel_genai_legacy"), root=5,
        symptom=6, app="f3_pantrybox", code=("pantrybox/history.py", "return messages[-MAX_HISTORY:]"),
        instrumentation="otel_genai_legacy", tags=["fresh3", "class-3"],
    )


def _glide_move_date_shift() -> EvalCase:
    chat = _Chat("You are the quote assistant of Glide Movers. Use the move details and tool results you "
                 "are given.", _openai_call, call_name="Completions", root_name="mover_chat")

    def memory(text: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return _step("update_move", "MEMORY", {"session_id": "c81f", "text": text, "move": before}, after)

    q1 = "Hi, can I get a quote for moving a 2-bed flat from Bristol to Bath?"
    m1 = {"from": "Bristol", "to": "Bath", "bedrooms": 2}
    chat.say(q1, "Of course! When would you like to move, which floor is the flat on, and is there a lift?",
             before=[memory(q1, {}, m1)], context=[_system("Move", m1)])
    q2 = "Saturday 6 July. We're on the 2nd floor and there's no lift."
    m2 = {**m1, "move_date": "2024-07-05", "floor": 2, "lift": False}
    chat.say(q2, "Thanks, noted: a 2-bed flat on the 2nd floor with no lift, moving from Bristol to Bath. "
             "Shall I work out a quote?", before=[memory(q2, m1, m2)], context=[_system("Move", m2)])
    q3 = "Yes, how much?"
    quote = {"quote": "Q-8814", "date": "2024-07-05", "weekday": "Friday", "crew": 3, "van": "Luton",
             "price_gbp": 780, "note": "stairs surcharge included"}
    chat.say(q3, "For a 2-bed flat with stairs and no lift we'd send 3 movers and a Luton van: 780 GBP all "
             "in, including the stairs surcharge (quote Q-8814).",
             before=[memory(q3, m2, m2), tool_span("quote_move", m2, quote)],
             context=[_system("Move", m2), _tool_msg("quote_move", quote)])
    q4 = "Book it please."
    job = {"job": "GM-5521", "date": "2024-07-05", "arrival": "08:00", "status": "confirmed"}
    m4 = {**m2, "job": "GM-5521"}
    chat.say(q4, "Booked! Job GM-5521: the crew will arrive at 08:00 on Friday 5 July.",
             before=[memory(q4, m2, m2), tool_span("book_move", m2, job)],
             context=[_system("Move", m4), _tool_msg("book_move", job)])
    q5 = "How come it says Friday 5 July? I told you Saturday the 6th."
    chat.say(q5, "I'm sorry, you did say Saturday 6 July. The booking went in for Friday 5 July; I'll ask "
             "our operations team to move job GM-5521 to Saturday 6 July at 08:00.",
             before=[memory(q5, m4, m4)], context=[_system("Move", m4)])
    return EvalCase(
        "movers store the move date shifted to UTC, a day early; 'how come' when the booking shows it",
        "state_corruption", chat.turns, root=2, symptom=5, app="f3_glide",
        code=("glide/state.py", "return local.astimezone(timezone.utc).date().isoformat()"),
        instrumentation="mlflow", tags=["fresh3", "class-3"],
    )


# --- class 4: a failure the reply admits, then later trouble ---------------------------------------


def _encore_transfer_refused() -> EvalCase:
    chat = _Chat(_prompt(ENCORE, "encore/agent.py", "SYSTEM"), _openai_call, call_name="Completions",
                 root_name="support_turn")
    q1 = ("Hi, I've got 2 tickets for Halsey Street Band at the Corn Exchange on 21 June (order EN-77310). "
          "Can you send one of them to my friend? maya.kerr@example.com")
    args = {"order_id": "EN-77310", "recipient_email": "maya.kerr@example.com"}
    refused = {"error": "recipient has no Encore account: maya.kerr@example.com"}
    chat.say(q1, "I couldn't transfer the ticket, sorry: the transfer was refused because "
             "maya.kerr@example.com doesn't have an Encore account. Once Maya signs up with that email, I "
             "can try again.",
             before=[_openai_request([{"role": "system", "content": chat.system},
                                      {"role": "user", "content": q1}], "transfer_ticket", args,
                                     call_id="call_t1"),
                     tool_span("run_tool", {"name": "transfer_ticket", "args": args}, refused)],
             context=[_assistant_call("call_t1", "transfer_ticket", args), _tool_reply("call_t1", refused)])
    chat.say("Ugh ok. What time do doors open?",
             "Doors open at 19:00, the support act is on at 19:45, and Halsey Street Band are due on stage "
             "at 20:45.")
    chat.say("Cool. So Maya can just show the ticket on her phone at the door?",
             "Yes, she just opens the Encore app and shows the ticket's QR code at the door; staff scan it "
             "from her screen.")
    chat.say("She's at the door right now and her app says she has no tickets. What's going on??",
             "I'm really sorry. The transfer to Maya never went through because her email had no Encore "
             "account. Both tickets are still in your account, so the quickest fix is to meet her at the "
             "door and show both tickets from your app.")
    return EvalCase(
        "ticket transfer refused and admitted, friend turned away at the door three turns later",
        "tool_failure", chat.turns, root=1, symptom=4, app="f3_encore",
        code=("encore/transfers.py", 'raise TransferError(f"recipient has no Encore account'),
        instrumentation="mlflow", tags=["fresh3", "class-4"],
    )


def _linguaport_locked_diploma() -> EvalCase:
    chat = _Chat("You are the assistant of LinguaPort Translations. Quote from the quote tool and tell the "
                 "customer about any file we could not read.", _openai_call, call_name="Completions",
                 root_name="handle_turn")
    chat.say("Hello, I need my birth certificate and my university diploma translated from Polish into "
             "English, certified, for a visa application.",
             "We can do that. Please upload both documents here as PDFs or clear photos, and I'll send you a "
             "quote.")
    birth = {"file": "akt_urodzenia.pdf", "pages": 1}
    locked = {"file": "dyplom_UW_2019.pdf", "error": "File has not been decrypted"}
    chat.say("Done, I've uploaded both.",
             "Thanks, I've got both files. The birth certificate is fine (1 page), but I couldn't open the "
             "diploma: the PDF is password-protected. Could you upload a copy without a password?",
             before=[tool_span("inspect_upload", {"file": "akt_urodzenia.pdf"}, birth),
                     tool_span("inspect_upload", {"file": "dyplom_UW_2019.pdf"}, locked,
                               error="File has not been decrypted",
                               error_type="pypdf.errors.FileNotDecryptedError")],
             context=[_system("Documents", [birth, locked])])
    quote = {"pair": "pl-en", "pages": 1, "total_gbp": 35, "ready_in_days": 3}
    chat.say("I don't know the password, it came from the uni like that. Let's just go ahead, how much will "
             "it be?", "A certified Polish-to-English translation comes to 35 GBP, ready in 3 working days.",
             before=[tool_span("quote", {"language_pair": "pl-en", "documents": [birth], "certified": True},
                               quote)],
             context=[_tool_msg("quote", quote)])
    chat.say("Fine, go ahead, I've paid.",
             "Thank you, payment received. Your certified translation will be emailed to you within 3 "
             "working days.")
    chat.say("The translation came back today but it's only the birth certificate. Where's the diploma? I "
             "paid for both!",
             "I'm sorry. We could never open the diploma because the PDF was password-protected, so the "
             "quote and the translation only covered the birth certificate. If you can send an unlocked "
             "copy or a clear photo of it, we'll translate it straight away.")
    return EvalCase(
        "translation upload can't read a locked diploma, admitted, then only one document is delivered",
        "tool_failure", wrapped(with_attributes(chat.turns, "custom")), root=2, symptom=5,
        app="f3_linguaport", code=("linguaport/pages.py", "return len(PdfReader(path).pages)"),
        instrumentation="custom keys, wrapper root", tags=["fresh3", "class-4"],
    )


# --- class 5: structural faults ---------------------------------------------------------------

WATER_CYCLE_CUT = (
    "Here's a five-day Year 4 science plan on the water cycle (1 hour each):\n\n"
    "**Monday - Where does water go?**\nObjective: know that water can change state.\nStarter: show a "
    "puddle photo from morning and afternoon; where did it go?\nMain: pairs put equal amounts of water in "
    "a sunny and a shady spot, predict and measure at the end of the day.\nPlenary: share predictions.\n\n"
    "**Tuesday - Evaporation**\nObjective: explain evaporation and what speeds it up.\nStarter: recap "
    "Monday's measurements.\nMain: test evaporation with wet paper towels in different places (radiator, "
    "windowsill, cupboard) and record the drying times in a table.\nPlenary: which place was fastest, and "
    "why?\n\n**Wednesday - Condensation**\nObjective: describe condensation as the reverse of evaporation."
    "\nStarter: breathe on a cold mirror.\nMain: place ice in a sealed bag over a cup of warm water and"
)


def _classkit_plan_cut() -> EvalCase:
    system = _prompt(CLASSKIT, "classkit/planner.py", "SYSTEM")
    chat = _Chat(system, _openai_call, call_name="Completions", root_name="planner_turn")
    chat.say("Hi, I teach Year 4. Can you help me plan next week's science lessons on the water cycle?",
             "Of course! How many lessons do you have next week, and how long is each one?")
    chat.say("Five lessons, one a day Monday to Friday, an hour each. Please give me all five.",
             WATER_CYCLE_CUT)
    chat.say("It stops in the middle of Wednesday, I've got nothing for Thursday or Friday.",
             "Sorry about that! Here's the rest:\n\n**Wednesday (continued)** Main: ...over a cup of warm "
             "water and watch droplets form under the bag. Plenary: where else do we see condensation?\n\n"
             "**Thursday - Clouds and rain**\nObjective: explain how clouds form and why it rains. Main: "
             "make a 'rain cloud' with shaving foam and coloured water in a jar.\n\n**Friday - The whole "
             "cycle**\nObjective: describe the water cycle in order. Main: groups draw and label a water "
             "cycle diagram and present it.")
    chat.say("That's great, thanks!", "You're welcome, have a lovely week with your class!")
    for i, turn in enumerate(chat.turns):
        call = _last_llm(turn)
        call["inputs"].update(max_tokens=300, temperature=0.6)
        if i == 1:
            call["outputs"]["choices"][0]["finish_reason"] = "length"
            call["outputs"]["usage"]["completion_tokens"] = 300
    return EvalCase(
        "five-day lesson plan stops mid-Wednesday at the completion token cap",
        "reply_truncated", wrapped(chat.turns), root=2, symptom=3, app="f3_classkit",
        code=("classkit/llm.py", "max_tokens=300"),
        instrumentation="mlflow, wrapper root", tags=["fresh3", "class-5", "truncation"],
    )


def _freshcart_oat_milk_loop() -> EvalCase:
    system = _prompt(FRESHCART, "freshcart/prompts.py", "SYSTEM_PROMPT")
    give_up = _prompt(FRESHCART, "freshcart/agent.py", "GIVE_UP")
    q1 = "Hi, what time is my Thursday delivery?"
    r1 = ("Your next delivery, order FC-55012, arrives on Thursday. You'll get a one-hour slot by text the "
          "evening before.")
    first = [{"role": "system", "content": system}, {"role": "user", "content": q1}]
    q2 = "Can you add 2 litres of oat milk to it? The barista one if you have it."
    messages = [*first, {"role": "assistant", "content": r1}, {"role": "user", "content": q2}]
    args = {"query": "oat milk barista"}
    found = {"results": [
        {"sku": "OT-1102", "name": "Oatly Barista Edition 1L", "price_gbp": 2.15, "in_stock": True},
        {"sku": "AL-0457", "name": "Alpro Oat Barista 1L", "price_gbp": 2.00, "in_stock": True},
        {"sku": "OT-1100", "name": "Oatly Oat Drink Semi 1L", "price_gbp": 1.90, "in_stock": True}]}
    loop: list[Span] = []
    for step in range(6):
        loop.append(_genai_request(messages, "search_products", args, call_id=f"call_s{step}"))
        loop.append(tool_span("search_products", args, found))
    q3 = "Did it go on the order or not?"
    r3 = ("I can't see oat milk on order FC-55012 yet. Would you like me to add two 1-litre cartons of Oatly "
          "Barista Edition (2.15 GBP each)?")
    third = [*messages, {"role": "assistant", "content": give_up}, {"role": "user", "content": q3}]
    turns = [
        chat_turn(q1, r1, root_name="cart_agent", children=[_genai_call(first, r1, name="chat gpt-4o-mini",
                                                                        model="gpt-4o-mini")]),
        chat_turn(q2, give_up, root_name="cart_agent", children=loop),
        chat_turn(q3, r3, root_name="cart_agent", children=[_genai_call(third, r3, name="chat gpt-4o-mini",
                                                                        model="gpt-4o-mini")]),
    ]
    return EvalCase(
        "grocery agent searches for oat milk six times with the same query, then gives up",
        "tool_loop", with_attributes(turns, "otel_genai"), root=2, symptom=2, app="f3_freshcart",
        code=("freshcart/agent.py", "messages = build_messages(session, text)"),
        instrumentation="otel_genai", tags=["fresh3", "class-5", "tool_loop"],
    )


def _roadly_pickup_overwritten() -> EvalCase:
    chat = _Chat("You are the Roadly car rental assistant. Use the rental details and tool results you are "
                 "given; quote prices in EUR.", _openai_call, call_name="Completions",
                 root_name="rental_assistant")

    def memory(text: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return _step("remember_rental", "MEMORY", {"text": text, "rental": before}, after)

    q1 = "Hi, I need a small car from Lisbon airport from 3 to 10 August."
    s1 = {"pickup": "Lisbon Airport", "from": "3 August", "to": "10 August"}
    quote1 = {"car": "Fiat 500 or similar", "days": 7, "price_eur": 231, "pickup": "Lisbon Airport",
              "mileage": "unlimited"}
    chat.say(q1, "A Fiat 500 or similar from Lisbon Airport, 3 to 10 August, is 231 EUR for the 7 days with "
             "unlimited mileage. Shall I book it?",
             before=[memory(q1, {}, s1), tool_span("quote_rental", s1, quote1)],
             context=[_system("Rental", s1), _tool_msg("quote_rental", quote1)])
    q2 = "Can I add a child seat? My son is 4."
    s2 = {**s1, "extras": ["child_seat"]}
    quote2 = {**quote1, "extras": {"child_seat": 35}, "price_eur": 266}
    chat.say(q2, "Yes, a child seat for a 4-year-old is 5 EUR a day, so 266 EUR in total.",
             before=[memory(q2, s1, s2), tool_span("quote_rental", s2, quote2)],
             context=[_system("Rental", s2), _tool_msg("quote_rental", quote2)])
    q3 = "And our flight from Porto gets in at 14:20, is that ok for collecting the car?"
    s3 = {**s2, "pickup": "Porto", "pickup_time": "14:20"}
    quote3 = {**quote2, "pickup": "Porto", "desk_hours": "08:00-23:00"}
    chat.say(q3, "Yes, 14:20 is fine: the rental desk is open from 08:00 to 23:00, so there's plenty of "
             "time.",
             before=[memory(q3, s2, s3), tool_span("quote_rental", s3, quote3)],
             context=[_system("Rental", s3), _tool_msg("quote_rental", quote3)])
    q4 = "Great, book it."
    booked = {"ref": "RD-90412", "status": "confirmed", "pickup": "Porto", "from": "3 August 14:20",
              "to": "10 August", "car": "Fiat 500 or similar", "extras": ["child_seat"], "price_eur": 266}
    chat.say(q4, "Booked! Ref RD-90412: a Fiat 500 or similar with a child seat, collecting in Porto on 3 "
             "August at 14:20 and returning on 10 August. 266 EUR in total.",
             before=[memory(q4, s3, s3), tool_span("book_rental", s3, booked)],
             context=[_system("Rental", s3), _tool_msg("book_rental", booked)])
    q5 = "Since when am I picking up in Porto? We land in Lisbon, the flight is FROM Porto."
    s5 = {**s3, "pickup": "Lisbon"}
    quote5 = {**quote2, "pickup": "Lisbon", "desk_hours": "07:00-24:00"}
    chat.say(q5, "I'm sorry, you're right: you're flying from Porto into Lisbon. The booking was made for "
             "Porto by mistake; I'll change RD-90412 to collection at Lisbon Airport on 3 August at 14:20.",
             before=[memory(q5, s3, s5), tool_span("quote_rental", s5, quote5)],
             context=[_system("Rental", s5), _tool_msg("quote_rental", quote5)])
    return EvalCase(
        "rental memory replaces the Lisbon pickup with the city a flight comes from",
        "state_corruption", with_attributes(chat.turns, "custom"), root=3, symptom=5, app="f3_roadly",
        code=("roadly/state.py", 'rental["pickup"] = f"{state_city} Airport"'),
        instrumentation="custom keys", tags=["fresh3", "class-5", "state_overwrite"],
    )


def _parcelhop_domestic_fallback() -> EvalCase:
    chat = _Chat(_prompt(PARCELHOP, "parcelhop/assistant.py", "SYSTEM"), _oi_call, call_name="ChatCompletion",
                 root_name="parcel_assistant")
    parcel = {"destination": "Toronto, CA", "kg": 4}
    fallback = {"service": "standard", "band": "2-5kg", "price_gbp": 8.99}
    timeout = ("HTTPSConnectionPool(host='rates.carrierhub.example', port=443): Read timed out. "
               "(read timeout=3)")

    def rate() -> Span:
        request = {"name": "carrier_rate_request", "type": "TOOL", "inputs": {"to": "Toronto, CA", "kg": 4},
                   "events": [{"name": "exception", "attributes": {
                       "exception.type": "requests.exceptions.ReadTimeout", "exception.message": timeout}}]}
        return tool_span("get_shipping_rate", {"destination": "Toronto, CA", "kg": 4}, fallback,
                         children=[request])

    def parse(text: str, after: dict[str, Any]) -> Span:
        return _step("parse_parcel", "PARSER", {"text": text}, after)

    q1 = "How much to send a 4kg box to my sister in Toronto?"
    chat.say(q1, "Sending a 4 kg box to Toronto with our standard service costs 8.99 GBP.",
             before=[parse(q1, parcel), rate()], context=[{"role": "tool", "content": str(fallback)}])
    q2 = "That's cheap! Can you book a collection from my address tomorrow?"
    collection = {"collection": "PH-CL-33190", "date": "2024-11-20", "window": "09:00-17:00",
                  "label": "emailed"}
    chat.say(q2, "Done: a courier will collect your parcel tomorrow, 20 November, between 9am and 5pm "
             "(collection PH-CL-33190). Your label has been emailed and the cost is 8.99 GBP.",
             before=[parse(q2, parcel), rate(), tool_span("book_collection", parcel, collection)],
             context=[{"role": "tool", "content": str(fallback)},
                      {"role": "tool", "content": str(collection)}])
    q3 = ("I've had an email saying I owe another 45.50 before the courier takes it to Canada. You told me "
          "8.99 all in.")
    chat.say(q3, "I'm sorry about that. The 8.99 GBP I quoted is our UK rate; parcels to Canada are priced "
             "differently, and the email's total of 54.49 GBP is the correct price for a 4 kg box to "
             "Toronto.",
             before=[parse(q3, parcel), rate()], context=[{"role": "tool", "content": str(fallback)}])
    return EvalCase(
        "carrier rate lookup times out and the UK rate is quoted for a parcel to Canada",
        "silent_fallback", with_attributes(chat.turns, "openinference"), root=1, symptom=3,
        app="f3_parcelhop", code=("parcelhop/rates.py", '"price_gbp": DOMESTIC_RATES[band]'),
        instrumentation="openinference", tags=["fresh3", "class-5", "silent_fallback"],
    )


def _brightwave_old_roaming() -> EvalCase:
    system = _prompt(BRIGHTWAVE, "brightwave/help.py", "SYSTEM")
    old = {"id": "kb-1187", "content": "Roaming in Europe: use your UK minutes, texts and data in 47 "
           "European destinations at no extra cost. Fair use: up to 30 GB of data a month.",
           "metadata": {"title": "Roaming in Europe", "published": "2021-02-01",
                        "source": "help/roaming-europe-2021.html"}}
    new = {"id": "kb-2290", "content": "Roaming in Europe: from 1 May 2023, Europe Roam costs 2.50 GBP a day "
           "on pay-monthly plans, charged only on days you use your phone abroad. Use your UK allowance; "
           "fair use up to 15 GB of data a month.",
           "metadata": {"title": "Roaming in Europe", "published": "2023-04-03",
                        "source": "help/roaming-europe-2023.html"}}
    bar = {"id": "kb-0931", "content": "Turn roaming off for a line: in the Brightwave app, choose the line, "
           "then Settings > Roaming and switch it off. It takes effect within an hour.",
           "metadata": {"title": "Roaming controls", "published": "2022-09-12",
                        "source": "help/roaming-controls.html"}}
    turns: list[dict[str, Any]] = []
    history: list[Msg] = []

    def say(user: str, reply: str, hits: list[dict[str, Any]], picked: list[dict[str, Any]]) -> None:
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user},
                    {"role": "system", "content": "Help-centre articles:\n\n"
                     + "\n\n".join(d["content"] for d in picked)}]
        docs = [{"id": d["id"], "page_content": d["content"], "metadata": d["metadata"]} for d in hits]
        turns.append(chat_turn(user, reply, root_name="help_turn", children=[
            retriever_span("search_help_centre", user, hits),
            _step("select_sources", "PARSER", {"docs": docs},
                  [{"id": d["id"], "page_content": d["content"], "metadata": d["metadata"]} for d in picked]),
            _openai_call(messages, reply, name="Completions", model="gpt-4o-mini")]))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": reply}])

    say("I'm off to Spain next week. Does my plan cover using my phone there?",
        "Yes, you can use your UK minutes, texts and data in Spain at no extra cost; it's one of 47 European "
        "destinations covered.", [new, old], [old])
    say("How much data can I use while I'm there?",
        "Up to 30 GB a month under the fair use policy.", [new, old], [old])
    say("Can I turn off roaming on my son's phone? He's on the same account.",
        "Yes: in the Brightwave app, choose his line, then Settings > Roaming and switch it off. It takes "
        "effect within an hour.", [bar, old], [bar])
    say("I'm in Valencia and just got a text saying I'm being charged 2.50 a day for Europe Roam. You told "
        "me it was included!",
        "I'm sorry, the information I gave you was out of date. Since May 2023 Europe Roam costs 2.50 GBP a "
        "day on pay-monthly plans, only on days you use your phone abroad, with a 15 GB fair use limit.",
        [new, old], [old])
    return EvalCase(
        "help centre keeps the 2021 roaming article over the 2023 one retrieved beside it",
        "outdated_retrieval", wrapped(turns), root=1, symptom=4, app="f3_brightwave",
        code=("brightwave/retrieval.py", 'ranked = sorted(docs, key=lambda d: d.metadata["published"])'),
        instrumentation="mlflow, wrapper root", tags=["fresh3", "class-5", "dated_source"],
    )


def _netly_bare_handoff() -> EvalCase:
    chat = _Chat("You are Netly Broadband's support assistant. Explain bills from the account data and hand "
                 "over to a person when asked.", _legacy_call, call_name="openai.chat",
                 root_name="support_turn")
    account = {"account_number": "NL-88120455", "plan": "Fibre 150", "monthly_gbp": 45.0,
               "previous_gbp": 32.0, "change": "introductory discount ended 2024-09-30"}
    q1 = "Why has my broadband bill gone up from 32 to 45 pounds this month? Nobody told me."
    chat.say(q1, "Your 12-month introductory discount on Fibre 150 ended on 30 September, so your monthly "
             "price went from 32 GBP to the standard 45 GBP.",
             before=[tool_span("lookup_account", {"customer_id": "C-4471902"}, account)],
             context=[_tool_msg("lookup_account", account)])
    q2 = "I was never told it would end. I want to speak to someone about this."
    ticket = {"handoff": "HD-40217", "queue": "billing", "position": 3, "account_number": None,
              "summary": None}
    chat.say(q2, "I've passed you to our billing team (ref HD-40217). You're number 3 in the queue, and an "
             "agent will join this chat shortly.",
             before=[tool_span("handoff_to_agent", {"queue": "billing"}, ticket)],
             context=[_tool_msg("handoff_to_agent", ticket)])
    q3 = ("The person who picked up just asked me for my account number and what the problem is. I had to "
          "explain it all again. Didn't you pass anything on?")
    chat.say(q3, "I'm sorry about that; the hand-over didn't include your account details or a summary. Your "
             "account number is NL-88120455, and the issue is the rise from 32 to 45 GBP after your "
             "introductory discount ended. You can paste that into the chat for them.",
             before=[tool_span("lookup_account", {"customer_id": "C-4471902"}, account)],
             context=[_tool_msg("lookup_account", account)])
    return EvalCase(
        "hand-off to billing sent with only a queue name, no account number or summary",
        "malformed_tool_call", with_attributes(chat.turns, "otel_genai_legacy"), root=2, symptom=3,
        app="f3_netly", code=("netly/bot.py", 'ticket = handoff_to_agent("billing" if'),
        instrumentation="otel_genai_legacy", tags=["fresh3", "class-5", "missing_fields"],
    )


# --- class 6: a stale source named by its loader -------------------------------------------------


def _reelside_old_listings() -> EvalCase:
    chat = _Chat(_prompt(REELSIDE, "reelside/concierge.py", "SYSTEM"), _genai_call,
                 call_name="chat gpt-4o-mini", root_name="concierge_turn")
    listings = {"id": "week-0301-sat", "content": "Week of Fri 1 - Thu 7 March 2024. Saturday: Screen 1 "
                "Dune: Part Two 17:45, 21:00. Screen 2 Bob Marley: One Love 18:30, 20:50. Screen 3 Wicked "
                "Little Letters 19:15.",
                "metadata": {"doc_uri": "listings/2024-03-01_week.json", "day": "Sat"}}
    prices = {"id": "prices-adult", "content": "Adult 12.50 GBP, concession 10.00 GBP, child 8.00 GBP. "
              "Saturday evening screenings (after 17:00) add 1.50 GBP per ticket.",
              "metadata": {"doc_uri": "prices.json"}}
    access = {"id": "access-screens", "content": "All three screens have step-free access from the foyer "
              "by lift, with wheelchair spaces in rows A and F. Screen 1 has an induction loop.",
              "metadata": {"doc_uri": "accessibility.json"}}

    def docs(query: str, hits: list[dict[str, Any]]) -> dict[str, Any]:
        return {"before": [retriever_span("search_listings", query, hits)], "context": [_docs_msg(hits)]}

    q1 = "What's on this Saturday evening?"
    chat.say(q1, "This Saturday evening: Dune: Part Two at 17:45 and 21:00 in Screen 1, Bob Marley: One Love "
             "at 18:30 and 20:50 in Screen 2, and Wicked Little Letters at 19:15 in Screen 3.",
             **docs(q1, [listings, prices]))
    q2 = "How much for two adults at the 21:00 Dune?"
    chat.say(q2, "Two adult tickets for Dune: Part Two at 21:00 come to 28.00 GBP: 12.50 each plus the 1.50 "
             "Saturday evening supplement.", **docs(q2, [prices, listings]))
    q3 = "Is screen 1 step-free? My mum uses a wheelchair."
    chat.say(q3, "Yes: Screen 1 has step-free access from the foyer by lift, with wheelchair spaces in rows "
             "A and F.", **docs(q3, [access]))
    q4 = ("We're at the box office and they say there's no 21:00 Dune tonight, it's on at 20:10. The board "
          "has completely different times.")
    chat.say(q4, "I'm sorry, the listings I have are for the week of 1 March and are out of date. Please go "
             "by the times on the board; the 20:10 Dune: Part Two is the one to book.",
             **docs(q4, [listings]))
    return EvalCase(
        "cinema concierge answers from the 1 March listings file its loader still names",
        "outdated_retrieval", with_attributes(chat.turns, "otel_genai"), root=1, symptom=4,
        app="f3_reelside", code=("reelside/loader.py", '"listings/2024-03-01_week.json",'),
        instrumentation="otel_genai", tags=["fresh3", "class-6", "data_source"],
    )


# --- healthy look-alikes ----------------------------------------------------------------------


def _yoga_own_class_switch() -> EvalCase:
    tuesday = {"booking": "LL-7731", "class": "Vinyasa Flow", "day": "Tuesday 9 July", "time": "18:00",
               "teacher": "Ines", "status": "booked"}
    thursday = {**tuesday, "day": "Thursday 11 July", "teacher": "Marek"}
    turns = [
        chat_turn("Hi, can you book me into Tuesday's 6pm vinyasa class?",
                  "You're booked into Vinyasa Flow with Ines on Tuesday 9 July at 18:00 (booking LL-7731).",
                  root_name="studio_chat",
                  children=[tool_span("book_class", {"class": "Vinyasa Flow", "day": "2024-07-09",
                                                     "time": "18:00"}, tuesday)]),
        chat_turn("Actually, sorry, can you make it Thursday's 6pm instead? I've just remembered I'm busy "
                  "Tuesday.",
                  "No problem: booking LL-7731 is now Vinyasa Flow with Marek on Thursday 11 July at 18:00.",
                  root_name="studio_chat",
                  children=[tool_span("move_booking", {"booking": "LL-7731", "day": "2024-07-11",
                                                       "time": "18:00"}, thursday)]),
        chat_turn("Do I need to bring my own mat?",
                  "You're welcome to bring your own, but mats, blocks and straps are provided free.",
                  root_name="studio_chat"),
        chat_turn("No, that's all, thanks!", "See you on Thursday!", root_name="studio_chat"),
    ]
    return EvalCase(
        "healthy: member moves their own yoga class to Thursday, then that's all", None,
        with_attributes(turns, "custom"), instrumentation="custom keys", tags=["fresh3", "healthy"],
    )


def _photo_background_question() -> EvalCase:
    chat = _Chat("You are the assistant of SnapID photo studio. Answer questions about passport and visa "
                 "photos.", _genai_call, call_name="chat gpt-4o-mini", root_name="studio_assistant")
    chat.say("Do you do passport photos for babies? Mine is 5 months old.",
             "Yes, we do baby passport photos. Babies under one don't need to have their eyes open, and we "
             "take them lying on a plain cream sheet, so it only takes a few minutes.")
    chat.say("Why does the background have to be plain cream or light grey?",
             "The Passport Office checks photos with face-recognition software, which needs an even, plain "
             "background with no shadows so it can find the edges of the face. Patterned or dark backgrounds "
             "are rejected.")
    chat.say("Makes sense. How long until I get the photos?",
             "You get printed photos and a digital code for the online application straight away, while you "
             "wait.")
    chat.say("Great, thanks, that's everything.", "You're welcome, see you soon!")
    return EvalCase(
        "healthy: a curious 'why' about passport photo backgrounds, nothing disputed", None,
        with_attributes(chat.turns, "otel_genai"), instrumentation="otel_genai", tags=["fresh3", "healthy"],
    )


def _tyre_booking_retry() -> EvalCase:
    chat = _Chat("You are the booking assistant of TreadRight tyre centres. Book fittings with the booking "
                 "tool and report exactly what it returns.", _openai_call, call_name="Completions",
                 root_name="tyre_chat")
    args = {"vehicle": "VW Golf", "tyre_size": "205/55 R16", "quantity": 2, "position": "front",
            "centre": "Hove", "date": "2024-08-17", "slot": "morning"}
    booked = {"booking": "TR-31187", "status": "confirmed", "time": "09:30", **args}
    timeout = "booking service timed out after 8s"
    chat.say("Can you book 2 new front tyres for my Golf, 205/55 R16, at your Hove centre on Saturday "
             "morning?",
             "Booked: two 205/55 R16 front tyres fitted on your VW Golf at TreadRight Hove on Saturday 17 "
             "August at 09:30 (booking TR-31187).",
             before=[tool_span("book_fitting", args, error=timeout, error_type="TimeoutError"),
                     tool_span("book_fitting", args, booked)],
             context=[_tool_msg("book_fitting", {"error": timeout}), _tool_msg("book_fitting", booked)])
    chat.say("Do I need to wait there while it's done?",
             "You can wait in the lounge; fitting two tyres takes about 45 minutes, including balancing.")
    chat.say("Perfect, that's all.", "Thanks, see you on Saturday!")
    return EvalCase(
        "healthy: tyre booking times out once, the retry succeeds and is reported", None,
        chat.turns, instrumentation="mlflow", tags=["fresh3", "healthy"],
    )


def _bike_chain_out_of_stock() -> EvalCase:
    chat = _Chat("You are the assistant of Spokes & Sprockets bike shop. Check stock with the stock tool and "
                 "be honest about availability.", _oi_call, call_name="ChatCompletion",
                 root_name="shop_assistant")
    chain = {"sku": "CN-HG601-11", "name": "Shimano 105 HG601 11-speed chain", "in_stock": 0,
             "restock": "2024-06-03", "price_gbp": 27.99}
    alt = {"sku": "CN-HG701-11", "name": "Shimano Ultegra HG701 11-speed chain", "in_stock": 4,
           "price_gbp": 34.99}
    q1 = "Have you got a Shimano 105 11-speed chain?"
    chat.say(q1, "Sorry, the Shimano 105 11-speed chain is out of stock at the moment; we expect more on "
             "Monday 3 June. If you need one sooner, the Ultegra HG701 11-speed chain is in stock at 34.99 "
             "GBP.",
             before=[tool_span("check_stock", {"query": "shimano 105 11 speed chain"}, [chain, alt])],
             context=[_tool_msg("check_stock", [chain, alt])])
    q2 = "Ah, shame. I'll wait for the 105. Can you let me know when it's back?"
    alert = {"alert": "ST-5520", "sku": "CN-HG601-11", "channel": "email", "status": "active"}
    chat.say(q2, "Done: we'll email you as soon as the 105 chain is back in stock.",
             before=[tool_span("create_stock_alert", {"sku": "CN-HG601-11", "channel": "email"}, alert)],
             context=[_tool_msg("create_stock_alert", alert)])
    chat.say("No, that's all, thanks.", "Thanks, happy riding!")
    return EvalCase(
        "healthy: honest 'out of stock' reply with a restock date, then that's all", None,
        with_attributes(chat.turns, "openinference"), instrumentation="openinference",
        tags=["fresh3", "healthy"],
    )


def _beancard_balances() -> EvalCase:
    template = "Card {card}: {points} points, {free} free drinks ready to use."
    cards = [("BC-1029-4471", 240, 2), ("BC-1029-4472", 95, 0), ("BC-1029-4480", 130, 1)]
    turns = []
    for i, (card, points, free) in enumerate(cards):
        user = [f"Hi, what's the balance on my coffee card {card}?", f"And my partner's, {card}?",
                f"Last one, my daughter's: {card}"][i]
        result = {"card": card, "points": points, "free": free}
        turns.append(chat_turn(user, template.format(**result), root_name="loyalty_bot",
                               children=[tool_span("get_balance", {"card": card}, result)]))
    turns.append(chat_turn("No, that's all, thanks!", "Enjoy your coffee!", root_name="loyalty_bot"))
    return EvalCase(
        "healthy: three templated loyalty balances, every lookup fine, then that's all", None,
        wrapped(turns), instrumentation="mlflow, wrapper root", tags=["fresh3", "healthy"],
    )


def cases() -> list[EvalCase]:
    return [
        _deskhive_member_zeros(),
        _broads_breydon_water(),
        _larder_half_seven(),
        _boxpoint_locker_offline(),
        _gridwise_comma_reading(),
        _pantrybox_halal_dropped(),
        _glide_move_date_shift(),
        _encore_transfer_refused(),
        _linguaport_locked_diploma(),
        _classkit_plan_cut(),
        _freshcart_oat_milk_loop(),
        _roadly_pickup_overwritten(),
        _parcelhop_domestic_fallback(),
        _brightwave_old_roaming(),
        _netly_bare_handoff(),
        _reelside_old_listings(),
        _yoga_own_class_switch(),
        _photo_background_question(),
        _tyre_booking_retry(),
        _bike_chain_out_of_stock(),
        _beancard_balances(),
    ]
