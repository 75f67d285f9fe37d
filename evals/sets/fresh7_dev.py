"""Labelled sessions written as a seventh locked split (`fresh7`), now part of dev.

Written from the fault classes of the case brief alone, without running the engine on them and
without reading its code: pushback in ordinary words (class 1), a recorded failure among
near-identical template replies (class 2), a value or constraint lost turns before the complaint
(class 3), a failed step whose own reply admits it (class 4), structural faults (class 5), a stale
source named by its loader (class 6) and healthy look-alikes. Each faulty session has its own small
app; `code` names the line a developer would change. Apps are prefixed `f7_` so they never collide
with other splits' apps. Never scored while writing. Scored once as the engine stood (root 13/16,
healthy blamed 1/5, category 12/16, code 8/16), then moved to dev and tuned on. (A sixth such
split was lost before it was scored.)
"""

from __future__ import annotations

import json
import re
from typing import Any

from turnback.demo.builder import chat_turn, retriever_span, tool_span

from evals.cases import EvalCase, with_attributes
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

LANGTUTOR = {
    "langtutor/app.py": '''import os

import mlflow
from flask import Flask, jsonify, request

from langtutor.assistant import tutor_chat

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("hablamos-booking-assistant")
mlflow.openai.autolog()
app = Flask(__name__)


@app.post("/api/assistant")
def assistant():
    body = request.get_json(force=True)
    return jsonify({"reply": tutor_chat(body["student_id"], body["chat_id"], body["text"])})
''',
    "langtutor/assistant.py": '''import json

import mlflow
from openai import OpenAI

from langtutor.scheduling import TOOLS, book_trial, parse_lesson_time, tutor_availability

client = OpenAI()
SYSTEM = ("You are the booking assistant for Hablamos, an online Spanish school with tutors in Spain and "
          "Mexico. Offer new students a free 25-minute trial lesson. When a Requested time is given, use it "
          "as is for tutor_availability and book_trial.")
FUNCS = {"tutor_availability": tutor_availability, "book_trial": book_trial}
CHATS = {}


@mlflow.trace(name="tutor_chat")
def tutor_chat(student_id, chat_id, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": chat_id})
    history = CHATS.setdefault(chat_id, [])
    extra = []
    requested = parse_lesson_time(text)
    if requested:
        extra.append({"role": "system", "content": "Requested time: " + json.dumps(requested)})
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text}, *extra]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    while msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            args = json.loads(call.function.arguments)
            result = FUNCS[call.function.name](student_id=student_id, **args)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content
''',
    "langtutor/scheduling.py": r'''import os
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import mlflow
import requests

SCHOOL_TZ = ZoneInfo("Europe/London")
API = os.environ.get("HABLAMOS_API", "https://api.hablamos.example/v1")
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b", re.I)
TOOLS = [
    {"type": "function", "function": {"name": "tutor_availability", "parameters": {
        "type": "object", "properties": {"start": {"type": "string"}}, "required": ["start"]}}},
    {"type": "function", "function": {"name": "book_trial", "parameters": {
        "type": "object", "properties": {"tutor": {"type": "string"}, "start": {"type": "string"}},
        "required": ["tutor", "start"]}}},
]


@mlflow.trace(name="parse_lesson_time", span_type="PARSER")
def parse_lesson_time(text, today=None):
    lowered = text.lower()
    day = next((d for d in DAYS if d in lowered), None)
    clock = CLOCK.search(text)
    if not day or not clock:
        return None
    today = today or datetime.now(SCHOOL_TZ).date()
    date = today + timedelta(days=(DAYS.index(day) - today.weekday()) % 7 or 7)
    hour = int(clock.group(1)) % 12 + (12 if clock.group(3).lower() == "pm" else 0)
    start = datetime(date.year, date.month, date.day, hour, int(clock.group(2) or 0), tzinfo=SCHOOL_TZ)
    return {"day": DAYS[date.weekday()].title(), "start": start.isoformat()}


@mlflow.trace(name="tutor_availability", span_type="TOOL")
def tutor_availability(student_id, start):
    resp = requests.get(f"{API}/availability", params={"start": start, "minutes": 25}, timeout=5)
    return resp.json()


@mlflow.trace(name="book_trial", span_type="TOOL")
def book_trial(student_id, tutor, start):
    body = {"student": student_id, "tutor": tutor, "start": start, "minutes": 25, "kind": "trial"}
    return requests.post(f"{API}/lessons", json=body, timeout=5).json()
''',
}

SWIMSCHOOL = {
    "swimschool/server.py": '''from fastapi import FastAPI
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from pydantic import BaseModel

from swimschool.agent import lesson_chat

OpenAIInstrumentor().instrument()
app = FastAPI(title="Splashdown swim school assistant")


class Message(BaseModel):
    parent_id: str
    conversation: str
    text: str


@app.post("/lessons/chat")
def chat(msg: Message):
    return {"reply": lesson_chat(msg.parent_id, msg.conversation, msg.text)}
''',
    "swimschool/agent.py": '''import json

import httpx
from openai import OpenAI
from opentelemetry import trace

from swimschool.prompts import SYSTEM_PROMPT, TOOLS

tracer = trace.get_tracer("swimschool")
client = OpenAI()
LESSONS_API = "https://lessons.splashdown-leisure.example/api/v1"
CONVERSATIONS = {}


@tracer.start_as_current_span("find_classes")
def find_classes(stage, pool=None):
    params = {"stage": stage, **({"pool": pool} if pool else {})}
    return httpx.get(f"{LESSONS_API}/classes", params=params, timeout=5).json()


@tracer.start_as_current_span("enrol_child")
def enrol_child(parent_id, child, stage, pool, day, time):
    body = {"parent": parent_id, "child": child, "stage": stage, "pool": pool, "day": day, "time": time}
    return httpx.post(f"{LESSONS_API}/enrolment-requests", json=body, timeout=5).json()


@tracer.start_as_current_span("lesson_chat")
def lesson_chat(parent_id, conversation, text):
    trace.get_current_span().set_attribute("session.id", conversation)
    history = CONVERSATIONS.setdefault(conversation, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    while msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            args = json.loads(call.function.arguments)
            if call.function.name == "enrol_child":
                result = enrol_child(parent_id, **args)
            else:
                result = find_classes(**args)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content
''',
    "swimschool/prompts.py": '''SYSTEM_PROMPT = (
    "You are the lessons assistant for Splashdown Leisure's swim school in Bristol, which teaches at "
    "Moorside and Oakfield pools. Find classes with find_classes and enrol children with enrol_child. "
    "If find_classes has nothing for a stage at a pool, offer the usual Saturday morning slot for that "
    "stage so parents always leave with an option. "
    "Lessons are 30 minutes and paid termly at 7.20 GBP a lesson."
)

TOOLS = [
    {"type": "function", "function": {"name": "find_classes", "parameters": {
        "type": "object", "properties": {"stage": {"type": "integer"}, "pool": {"type": "string"}},
        "required": ["stage"]}}},
    {"type": "function", "function": {"name": "enrol_child", "parameters": {
        "type": "object", "properties": {
            "child": {"type": "string"}, "stage": {"type": "integer"}, "pool": {"type": "string"},
            "day": {"type": "string"}, "time": {"type": "string"}},
        "required": ["child", "stage", "pool", "day", "time"]}}},
]
''',
}

FLORIST = {
    "florist/handler.py": '''import json

import mlflow
from flask import Flask, jsonify, request
from openai import OpenAI

from florist.extract import extract_details
from florist.orders import ORDERS, TOOLS, place_order, start_order, update_order

mlflow.openai.autolog()
client = OpenAI()
app = Flask(__name__)
SYSTEM = ("You are the ordering assistant for Hedgerow Flowers in Stroud. Take bouquet orders for local "
          "delivery using the Order on file, ask for anything missing, confirm the price, then call "
          "place_order. Bouquets come in standard (35 GBP), large (55 GBP) and luxe (75 GBP). "
          "Delivery is 5.95 GBP.")
HISTORY = {}


@app.post("/orders/chat")
def chat():
    body = request.get_json(force=True)
    with mlflow.start_span(name="POST /orders/chat"):
        mlflow.update_current_trace(metadata={"mlflow.trace.session": body["session"]})
        with mlflow.start_span(name="hedgerow_chat") as span:
            span.set_attribute("app.user_message", body["text"])
            reply = hedgerow_chat(body["session"], body["text"])
            span.set_attribute("app.bot_reply", reply)
    return jsonify({"reply": reply})


def hedgerow_chat(session, text):
    details = extract_details(text)
    order = update_order(session, details) if session in ORDERS else start_order(session, details)
    history = HISTORY.setdefault(session, [])
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "system", "content": "Order: " + json.dumps(order)},
                *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    if msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = place_order(session, **json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content
''',
    "florist/extract.py": '''import json

import mlflow
from openai import OpenAI

client = OpenAI()
EXTRACT = ("Pull any order details out of the customer's message as JSON with these keys, leaving out any "
           "that are not mentioned: bouquet, size (standard, large or luxe), delivery_date (YYYY-MM-DD), "
           "town, address, recipient, card_message, vase (true or false).")


@mlflow.trace(name="extract_details")
def extract_details(text):
    out = client.chat.completions.create(
        model="gpt-4o-mini", response_format={"type": "json_object"}, temperature=0,
        messages=[{"role": "system", "content": EXTRACT}, {"role": "user", "content": text}])
    return json.loads(out.choices[0].message.content)
''',
    "florist/orders.py": '''import mlflow
import requests

SHOP_API = "https://shop.hedgerowflowers.example/api"
DEFAULTS = {"size": "standard", "vase": False, "card_message": ""}
PRICES = {"standard": 35.0, "large": 55.0, "luxe": 75.0}
ORDERS = {}
TOOLS = [{"type": "function", "function": {
    "name": "place_order", "description": "Charge the customer and send the order to the workshop.",
    "parameters": {"type": "object", "properties": {"payment": {"type": "string", "enum": ["saved_card"]}},
                   "required": ["payment"]}}}]


@mlflow.trace(name="start_order")
def start_order(session, details):
    ORDERS[session] = {**details, **DEFAULTS}
    return ORDERS[session]


@mlflow.trace(name="update_order")
def update_order(session, details):
    ORDERS[session].update({key: value for key, value in details.items() if value})
    return ORDERS[session]


@mlflow.trace(name="place_order", span_type="TOOL")
def place_order(session, payment="saved_card"):
    order = ORDERS[session]
    body = {**order, "price": PRICES[order["size"]], "delivery": 5.95, "payment": payment}
    return requests.post(f"{SHOP_API}/orders", json=body, timeout=10).json()
''',
}

STOCKTAKE = {
    "stocktake/bot.py": r'''import os
import re
from concurrent.futures import ThreadPoolExecutor

from openai import OpenAI
from slack_bolt import App
from traceloop.sdk import Traceloop
from traceloop.sdk.decorators import workflow

from stocktake.counts import COUNTED, aisle_counts, mark_counted, record_count, sku_details

Traceloop.init(app_name="stocktake-bot")
client = OpenAI()
app = App(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ["SLACK_SIGNING_SECRET"])
pool = ThreadPoolExecutor(max_workers=4)
STORE = os.environ.get("STORE_ID", "0412")
COUNT_LINE = re.compile(r"^\s*([A-Z]\d{2}-\d{2})\s*:\s*(\d+)\s*x\s*(\d{6})\s*$", re.I)
SYSTEM = ("You help Brightmoor DIY store colleagues run stocktakes in Slack. Bays are named like A07-01 and "
          "each aisle has six. Colleagues send counts as 'bay: qty x SKU'. Use the Aisle counts to answer.")


@workflow(name="stocktake_turn")
def stocktake_turn(thread, text):
    line = COUNT_LINE.match(text)
    if line:
        bay, qty, sku = line.group(1).upper(), int(line.group(2)), line.group(3)
        pool.submit(record_count, STORE, bay, sku, qty)
        done = mark_counted(thread, bay)
        return COUNTED.format(qty=qty, sku=sku, desc=sku_details(sku)["description"], bay=bay, done=done,
                              aisle=bay[:3])
    counts = aisle_counts(STORE)
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "system", "content": "Aisle counts: " + str(counts)},
                {"role": "user", "content": text}]
    return client.chat.completions.create(model="gpt-4o", messages=messages).choices[0].message.content


@app.event("message")
def on_message(event, say):
    thread = event.get("thread_ts", event["ts"])
    Traceloop.set_association_properties({"session_id": thread, "user": event["user"]})
    say(text=stocktake_turn(thread, event["text"]), thread_ts=thread)
''',
    "stocktake/counts.py": '''import os

import requests
from traceloop.sdk.decorators import tool

INVENTORY = os.environ.get("INVENTORY_API", "https://inventory.brightmoor.example/api")
COUNTED = "Logged {qty} x {sku} ({desc}) at {bay}. {done}/6 bays counted in aisle {aisle}."
SEEN = {}


@tool(name="record_count")
def record_count(store, bay, sku, qty):
    body = {"bay": bay, "sku": sku, "qty": qty, "source": "slack"}
    resp = requests.post(f"{INVENTORY}/stores/{store}/counts", json=body, timeout=5)
    resp.raise_for_status()
    return resp.json()


@tool(name="sku_details")
def sku_details(sku):
    return requests.get(f"{INVENTORY}/skus/{sku}", timeout=5).json()


@tool(name="aisle_counts")
def aisle_counts(store):
    return requests.get(f"{INVENTORY}/stores/{store}/counts", params={"open": "true"}, timeout=5).json()


def mark_counted(thread, bay):
    SEEN.setdefault(thread, set()).add(bay)
    return len(SEEN[thread])
''',
}

TIMESHEETS = {
    "timesheets/web.py": '''import os

import mlflow
from flask import Flask, jsonify, request

from timesheets.entries import log_time

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("calder-finch-timesheets")
mlflow.openai.autolog()
app = Flask(__name__)


@app.post("/timesheet/message")
def message():
    body = request.get_json(force=True)
    with mlflow.start_span(name="POST /timesheet/message"):
        mlflow.update_current_trace(metadata={"mlflow.trace.session": f"{body['user']}:{body['week']}"})
        reply = log_time(body["user"], body["week"], body["text"])
    return jsonify({"reply": reply})
''',
    "timesheets/entries.py": r'''import re

import mlflow
from openai import OpenAI

from timesheets.store import add_entry, submit_week, week_total

client = OpenAI()
LOGGED = "Logged {hours:g}h on {project} for {day}. Week total: {total:g}h."
DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday"}
ENTRY = re.compile(r"\b(mon|tue|wed|thu|fri)\w*\s+([\d.:h]+)\s*(?:h|hrs?|hours)?\s+on\s+([A-Z]+-\d+)", re.I)
SYSTEM = "You help staff at Calder & Finch with their weekly timesheets. Be brief."


@mlflow.trace(name="parse_entry", span_type="PARSER")
def parse_entry(text):
    m = ENTRY.search(text)
    if not m:
        return None
    hours = float(m.group(2).rstrip("h"))
    return {"day": DAYS[m.group(1).lower()], "hours": hours, "project": m.group(3).upper()}


@mlflow.trace(name="log_time")
def log_time(user, week, text):
    entry = parse_entry(text)
    if entry:
        add_entry(user, week, entry)
        return LOGGED.format(**entry, total=week_total(user, week))
    if "submit" in text.lower():
        return submit_week(user, week)
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message.content
''',
    "timesheets/store.py": '''import os

import mlflow
import psycopg

conn = psycopg.connect(os.environ["TIMESHEETS_DSN"], autocommit=True)
SUBMITTED = "Submitted your timesheet for the week ending {week}: {total:g}h. Your manager will approve it."


@mlflow.trace(name="add_entry")
def add_entry(user, week, entry):
    conn.execute("INSERT INTO entries (user_id, week, day, hours, project) VALUES (%s, %s, %s, %s, %s)",
                 (user, week, entry["day"], entry["hours"], entry["project"]))


def week_total(user, week):
    row = conn.execute("SELECT COALESCE(SUM(hours), 0) FROM entries WHERE user_id = %s AND week = %s",
                       (user, week)).fetchone()
    return float(row[0])


@mlflow.trace(name="submit_week")
def submit_week(user, week):
    total = week_total(user, week)
    conn.execute("UPDATE weeks SET status = 'submitted' WHERE user_id = %s AND week = %s", (user, week))
    return SUBMITTED.format(week=week, total=total)
''',
}

REMOVALS = {
    "removals/api.py": '''import json

from fastapi import FastAPI
from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from pydantic import BaseModel

from removals.jobs import TOOLS, book_move, quote_move
from removals.parsing import parse_move

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("removals")
client = OpenAI()
app = FastAPI(title="Aire Valley Removals assistant")
SYSTEM = ("You are the web assistant for Aire Valley Removals in Leeds. Price moves with quote_move "
          "using the Move details and book with book_move once the customer agrees. Packing is extra: "
          "full pack 320 GBP for a 3-bed, fragile-only pack 140 GBP, done the day before.")
FUNCS = {"quote_move": quote_move, "book_move": book_move}
MOVES = {}
HISTORY = {}


class Turn(BaseModel):
    conversation: str
    text: str


@app.post("/chat")
def chat(turn: Turn):
    with using_session(turn.conversation), tracer.start_as_current_span("removals_chat") as span:
        span.set_attribute("openinference.span.kind", "AGENT")
        span.set_attribute("input.value", turn.text)
        if turn.conversation not in MOVES:
            move = parse_move(turn.text)
            if move:
                MOVES[turn.conversation] = move
        history = HISTORY.setdefault(turn.conversation, [])
        move = MOVES.get(turn.conversation)
        messages = [{"role": "system", "content": SYSTEM},
                    {"role": "system", "content": "Move details: " + json.dumps(move)},
                    *history, {"role": "user", "content": turn.text}]
        out = client.chat.completions.create(model="gpt-4o", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
        while msg.tool_calls:
            messages.append(msg.model_dump(exclude_none=True))
            for call in msg.tool_calls:
                result = FUNCS[call.function.name](**json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
            msg = client.chat.completions.create(model="gpt-4o", messages=messages,
                                                 tools=TOOLS).choices[0].message
        history += [{"role": "user", "content": turn.text}, {"role": "assistant", "content": msg.content}]
        span.set_attribute("output.value", msg.content)
        return {"reply": msg.content}
''',
    "removals/parsing.py": r'''import re
from datetime import date

from opentelemetry import trace

tracer = trace.get_tracer("removals.parsing")
POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"
FROM = re.compile(rf"\bfrom\b[^.]*?\b({POSTCODE})\b", re.I)
TO = re.compile(rf"\bto\s+({POSTCODE})\b", re.I)
BEDROOMS = re.compile(r"\b(\d)\s*-?\s*bed", re.I)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")\b", re.I)


@tracer.start_as_current_span("parse_move")
def parse_move(text, year=2024):
    origin = FROM.search(text)
    if not origin:
        return None
    to = TO.search(text)
    # one postcode means a move within the same town
    destination = to.group(1) if to else origin.group(1)
    beds = BEDROOMS.search(text)
    day = DAY.search(text)
    when = date(year, MONTHS.index(day.group(2).lower()) + 1, int(day.group(1))) if day else None
    return {"origin": origin.group(1).upper(), "destination": destination.upper(),
            "bedrooms": int(beds.group(1)) if beds else None, "date": when.isoformat() if when else None}
''',
    "removals/jobs.py": '''import os

import requests
from opentelemetry import trace

tracer = trace.get_tracer("removals.jobs")
JOBS_API = os.environ.get("JOBS_API", "https://ops.airevalleyremovals.example/api")
TOOLS = [
    {"type": "function", "function": {"name": "quote_move", "parameters": {"type": "object", "properties": {
        "origin": {"type": "string"}, "destination": {"type": "string"}, "bedrooms": {"type": "integer"},
        "date": {"type": "string"}}, "required": ["origin", "destination", "bedrooms", "date"]}}},
    {"type": "function", "function": {"name": "book_move", "parameters": {"type": "object", "properties": {
        "origin": {"type": "string"}, "destination": {"type": "string"}, "bedrooms": {"type": "integer"},
        "date": {"type": "string"}, "packing": {"type": "string"}, "name": {"type": "string"}},
        "required": ["origin", "destination", "bedrooms", "date"]}}},
]


@tracer.start_as_current_span("quote_move")
def quote_move(origin, destination, bedrooms, date):
    params = {"from": origin, "to": destination, "bedrooms": bedrooms, "date": date}
    return requests.get(f"{JOBS_API}/quotes", params=params, timeout=10).json()


@tracer.start_as_current_span("book_move")
def book_move(origin, destination, bedrooms, date, packing="none", name=None):
    body = {"from": origin, "to": destination, "bedrooms": bedrooms, "date": date, "packing": packing,
            "customer": name}
    return requests.post(f"{JOBS_API}/jobs", json=body, timeout=10).json()
''',
}

MOTCENTRE = {
    "motcentre/app.py": '''import json

from flask import Flask, jsonify, request
from openai import OpenAI
from opentelemetry import trace
from traceloop.sdk import Traceloop
from traceloop.sdk.decorators import workflow

from motcentre.prompts import SYSTEM_PROMPT, TOOLS
from motcentre.workshop import book_job, free_slots, vehicle_details

Traceloop.init(app_name="hillside-garage-assistant")
tracer = trace.get_tracer("motcentre")
client = OpenAI()
app = Flask(__name__)
FUNCS = {"vehicle_details": vehicle_details, "free_slots": free_slots, "book_job": book_job}
THREADS = {}


@workflow(name="garage_chat")
def garage_chat(thread, text):
    history = THREADS.setdefault(thread, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    while msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = FUNCS[call.function.name](**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                             tools=TOOLS).choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content


@app.post("/garage/chat")
def chat():
    body = request.get_json(force=True)
    with tracer.start_as_current_span("POST /garage/chat"):
        Traceloop.set_association_properties({"session_id": body["thread"]})
        return jsonify({"reply": garage_chat(body["thread"], body["text"])})
''',
    "motcentre/workshop.py": '''import os

import requests
from traceloop.sdk.decorators import tool

DVLA_URL = "https://driver-vehicle-licensing.api.gov.uk/vehicle-enquiry/v1/vehicles"
WORKSHOP_API = os.environ.get("WORKSHOP_API", "https://workshop.hillsidegarage.example/api")


@tool(name="vehicle_details")
def vehicle_details(vrm):
    resp = requests.post(DVLA_URL, json={"registrationNumber": vrm},
                         headers={"x-api-key": os.environ["DVLA_API_KEY"]}, timeout=5)
    data = resp.json()
    return {"vrm": vrm, "make": data.get("make"), "colour": data.get("colour"), "fuel": data.get("fuelType"),
            "first_registered": data.get("monthOfFirstRegistration"), "year": data.get("yearOfManufacture")}


@tool(name="free_slots")
def free_slots(job, week_of):
    return requests.get(f"{WORKSHOP_API}/slots", params={"job": job, "week": week_of}, timeout=5).json()


@tool(name="book_job")
def book_job(vrm, slot, jobs, name, phone):
    body = {"vrm": vrm, "slot": slot, "jobs": jobs, "customer": {"name": name, "phone": phone}}
    return requests.post(f"{WORKSHOP_API}/bookings", json=body, timeout=5).json()
''',
    "motcentre/prompts.py": '''SYSTEM_PROMPT = (
    "You are the booking assistant for Hillside Garage in Otley: servicing, MOTs and repairs. "
    "Look the car up with vehicle_details. "
    "Work out when the MOT is due from the first registration date yourself, "
    "and don't send customers off to the DVLA or gov.uk to check. "
    "Full service 189 GBP, interim service 119 GBP, MOT 54.85 GBP. Book with free_slots and book_job."
)

TOOLS = [
    {"type": "function", "function": {"name": "vehicle_details", "parameters": {
        "type": "object", "properties": {"vrm": {"type": "string"}}, "required": ["vrm"]}}},
    {"type": "function", "function": {"name": "free_slots", "parameters": {
        "type": "object", "properties": {"job": {"type": "string"}, "week_of": {"type": "string"}},
        "required": ["job", "week_of"]}}},
    {"type": "function", "function": {"name": "book_job", "parameters": {
        "type": "object", "properties": {
            "vrm": {"type": "string"}, "slot": {"type": "string"},
            "jobs": {"type": "array", "items": {"type": "string"}}, "name": {"type": "string"},
            "phone": {"type": "string"}},
        "required": ["vrm", "slot", "jobs", "name", "phone"]}}},
]
''',
}

PARTYPLANNER = {
    "partyplanner/app.py": '''import os

import mlflow
from flask import Flask, jsonify, request
from openai import OpenAI

from partyplanner.memory import recent, remember
from partyplanner.prompts import SYSTEM_PROMPT

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("partypal")
mlflow.openai.autolog()
client = OpenAI()
app = Flask(__name__)


@mlflow.trace(name="party_chat")
def party_chat(session, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session})
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *recent(session),
                {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.8)
    reply = out.choices[0].message.content
    remember(session, text, reply)
    return reply


@app.post("/chat")
def chat():
    body = request.get_json(force=True)
    return jsonify({"reply": party_chat(body["session"], body["text"])})
''',
    "partyplanner/memory.py": '''import json
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
MAX_HISTORY_TOKENS = 200


def _tokens(message):
    return len(message["content"]) // 4


def recent(session):
    """The latest messages that fit the history budget, oldest first."""
    rows = [json.loads(raw) for raw in r.lrange(f"party:{session}", 0, -1)]
    kept, budget = [], MAX_HISTORY_TOKENS
    for message in reversed(rows):
        budget -= _tokens(message)
        if budget < 0:
            break
        kept.insert(0, message)
    return kept


def remember(session, text, reply):
    r.rpush(f"party:{session}", json.dumps({"role": "user", "content": text}),
            json.dumps({"role": "assistant", "content": reply}))
    r.expire(f"party:{session}", 30 * 24 * 3600)
''',
    "partyplanner/prompts.py": '''SYSTEM_PROMPT = (
    "You are PartyPal, a cheerful planner for children's birthday parties in the UK. "
    "Give practical, budget-friendly ideas for themes, venues, games, food and cakes. "
    "Keep answers short, with a few concrete suggestions at a time."
)
''',
}

GPSURGERY = {
    "gpsurgery/server.py": '''import json

from fastapi import FastAPI
from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from pydantic import BaseModel

from gpsurgery.appointments import book_slot, find_patient, find_slots
from gpsurgery.prompts import SYSTEM_PROMPT, TOOLS

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("gpsurgery")
client = OpenAI()
app = FastAPI(title="Ashgrove Surgery online reception")
FUNCS = {"find_patient": find_patient, "find_slots": find_slots, "book_slot": book_slot}
CHATS = {}


class Message(BaseModel):
    chat_id: str
    text: str


def run_tool(name, args):
    try:
        return FUNCS[name](**args)
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


@app.post("/patient/chat")
def patient_chat(msg: Message):
    with using_session(msg.chat_id), tracer.start_as_current_span("POST /patient/chat"):
        with tracer.start_as_current_span("reception_turn") as span:
            span.set_attribute("openinference.span.kind", "AGENT")
            span.set_attribute("input.value", msg.text)
            history = CHATS.setdefault(msg.chat_id, [])
            messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                        {"role": "user", "content": msg.text}]
            reply = client.chat.completions.create(model="gpt-4o", messages=messages,
                                                   tools=TOOLS).choices[0].message
            while reply.tool_calls:
                messages.append(reply.model_dump(exclude_none=True))
                for call in reply.tool_calls:
                    result = run_tool(call.function.name, json.loads(call.function.arguments))
                    messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
                reply = client.chat.completions.create(model="gpt-4o", messages=messages,
                                                       tools=TOOLS).choices[0].message
            history += [{"role": "user", "content": msg.text},
                        {"role": "assistant", "content": reply.content}]
            span.set_attribute("output.value", reply.content)
    return {"reply": reply.content}
''',
    "gpsurgery/appointments.py": '''import os

import httpx
from opentelemetry import trace

tracer = trace.get_tracer("gpsurgery.appointments")
RECORDS_URL = os.environ.get("GP_RECORDS_URL", "https://records.ashgrove-surgery.example/api")
SLOTS_URL = os.environ.get("GP_SLOTS_URL", "https://slots.ashgrove-surgery.example/api")
BOOKING_URL = os.environ.get("GP_BOOKING_URL", "http://localhost:8090/api")


@tracer.start_as_current_span("find_patient")
def find_patient(date_of_birth, postcode):
    params = {"dob": date_of_birth, "postcode": postcode}
    return httpx.get(f"{RECORDS_URL}/patients/match", params=params, timeout=10).raise_for_status().json()


@tracer.start_as_current_span("find_slots")
def find_slots(clinician, reason):
    params = {"clinician": clinician, "reason": reason, "days": 7}
    return httpx.get(f"{SLOTS_URL}/slots", params=params, timeout=10).raise_for_status().json()


@tracer.start_as_current_span("book_slot")
def book_slot(patient_id, slot_id, reason):
    body = {"patient": patient_id, "slot": slot_id, "reason": reason, "channel": "online"}
    resp = httpx.post(f"{BOOKING_URL}/appointments", json=body, timeout=10)
    return resp.raise_for_status().json()
''',
    "gpsurgery/prompts.py": '''SYSTEM_PROMPT = (
    "You are the online receptionist for Ashgrove Surgery in Cheltenham. Find the patient's record with "
    "find_patient (date of birth and postcode), offer routine appointments from find_slots and book them "
    "with book_slot. Never give medical advice; for anything urgent, tell the patient to call 111 or 999. "
    "If a tool returns an error, say plainly that nothing was booked."
)

TOOLS = [
    {"type": "function", "function": {"name": "find_patient", "parameters": {"type": "object", "properties": {
        "date_of_birth": {"type": "string"}, "postcode": {"type": "string"}},
        "required": ["date_of_birth", "postcode"]}}},
    {"type": "function", "function": {"name": "find_slots", "parameters": {"type": "object", "properties": {
        "clinician": {"type": "string", "enum": ["gp", "nurse", "pharmacist"]}, "reason": {"type": "string"}},
        "required": ["clinician", "reason"]}}},
    {"type": "function", "function": {"name": "book_slot", "parameters": {"type": "object", "properties": {
        "patient_id": {"type": "string"}, "slot_id": {"type": "string"}, "reason": {"type": "string"}},
        "required": ["patient_id", "slot_id", "reason"]}}},
]
''',
}

BOXOFFICE = {
    "boxoffice/service.py": '''import json

from fastapi import FastAPI
from openai import OpenAI
from opentelemetry import trace
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from pydantic import BaseModel

from boxoffice.prompts import SYSTEM_PROMPT, TOOLS
from boxoffice.seating import hold_seats, seat_map

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("boxoffice")
client = OpenAI()
app = FastAPI(title="Old Vicarage Theatre box office assistant")
FUNCS = {"seat_map": seat_map, "hold_seats": hold_seats}
SESSIONS = {}


class Message(BaseModel):
    session: str
    text: str


def call_tool(name, args):
    try:
        return FUNCS[name](**args)
    except Exception as exc:  # the model tells the customer
        return {"error": str(exc)}


@app.post("/box-office/chat")
def box_office_chat(msg: Message):
    with tracer.start_as_current_span("box_office_turn") as span:
        span.set_attribute("session.id", msg.session)
        history = SESSIONS.setdefault(msg.session, [])
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                    {"role": "user", "content": msg.text}]
        while True:
            reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                                   tools=TOOLS).choices[0].message
            if not reply.tool_calls:
                break
            messages.append(reply.model_dump(exclude_none=True))
            for call in reply.tool_calls:
                result = call_tool(call.function.name, json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        history += [{"role": "user", "content": msg.text}, {"role": "assistant", "content": reply.content}]
        return {"reply": reply.content}
''',
    "boxoffice/seating.py": '''import os

import httpx
from opentelemetry import trace

tracer = trace.get_tracer("boxoffice.seating")
TICKETING = os.environ.get("TICKETING_API", "https://tickets.oldvicaragetheatre.example/api/v3")


@tracer.start_as_current_span("seat_map")
def seat_map(show, date, time=None):
    params = {"show": show, "date": date, **({"time": time} if time else {})}
    return httpx.get(f"{TICKETING}/performances/availability", params=params, timeout=10).json()


@tracer.start_as_current_span("hold_seats")
def hold_seats(performance_id, seats):
    body = {"performance": performance_id, "seats": [int(seat) for seat in seats], "minutes": 15}
    resp = httpx.post(f"{TICKETING}/holds", json=body, timeout=10)
    return resp.raise_for_status().json()
''',
    "boxoffice/prompts.py": '''SYSTEM_PROMPT = (
    "You are the box office assistant for the Old Vicarage Theatre in Bath. Check availability with "
    "seat_map and hold the customer's chosen seats with hold_seats for 15 minutes, then send them the "
    "checkout link. If a hold fails, say so and don't send a link."
)

TOOLS = [
    {"type": "function", "function": {"name": "seat_map", "parameters": {"type": "object", "properties": {
        "show": {"type": "string"}, "date": {"type": "string"}, "time": {"type": "string"}},
        "required": ["show", "date"]}}},
    {"type": "function", "function": {"name": "hold_seats", "parameters": {"type": "object", "properties": {
        "performance_id": {"type": "string"}, "seats": {"type": "array", "items": {"type": "string"}}},
        "required": ["performance_id", "seats"]}}},
]
''',
}

LESSONPLANS = {
    "lessonplans/app.py": '''import os

import mlflow
from flask import Flask, jsonify, request

from lessonplans.planner import plan_chat

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("staffroom-lesson-planner")
mlflow.openai.autolog()
app = Flask(__name__)


@app.post("/planner/message")
def message():
    body = request.get_json(force=True)
    return jsonify({"reply": plan_chat(body["teacher_id"], body["thread_id"], body["text"])})
''',
    "lessonplans/planner.py": '''import mlflow
from openai import OpenAI

from lessonplans.prompts import SYSTEM_PROMPT

client = OpenAI()
THREADS = {}


@mlflow.trace(name="plan_chat")
def plan_chat(teacher_id, thread_id, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": thread_id, "teacher": teacher_id})
    history = THREADS.setdefault(thread_id, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.5,
                                         max_tokens=450)
    reply = out.choices[0].message.content
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    return reply
''',
    "lessonplans/prompts.py": '''SYSTEM_PROMPT = (
    "You are Staffroom, a planning assistant for secondary school teachers in England. "
    "Write lesson plans that follow the National Curriculum, with timings for every activity, "
    "differentiation for mixed-ability groups, a plenary and a homework task. "
    "Write the whole plan in one reply so the teacher can print it."
)
''',
}

LOANAPPLY = {
    "loanapply/app.py": '''import mlflow
from flask import Flask, jsonify, request

from loanapply.agent import loan_assistant

mlflow.openai.autolog()
app = Flask(__name__)


@app.post("/support/chat")
def chat():
    body = request.get_json(force=True)
    return jsonify({"reply": loan_assistant(body["customer_id"], body["conversation_id"], body["text"])})
''',
    "loanapply/agent.py": '''import json

import mlflow
import requests
from openai import OpenAI

from loanapply.prompts import SYSTEM_PROMPT, TOOLS

client = OpenAI()
LENDING_API = "https://lending.fernbank.example/internal/v2"
MAX_STEPS = 6
CONVERSATIONS = {}


@mlflow.trace(name="check_application", span_type="TOOL")
def check_application(application_id):
    return requests.get(f"{LENDING_API}/applications/{application_id}/status", timeout=5).json()


@mlflow.trace(name="loan_assistant")
def loan_assistant(customer_id, conversation_id, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": conversation_id})
    history = CONVERSATIONS.setdefault(conversation_id, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    for _ in range(MAX_STEPS):
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                             tools=TOOLS).choices[0].message
        if not msg.tool_calls:
            break
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = check_application(**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    else:
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content
''',
    "loanapply/prompts.py": '''SYSTEM_PROMPT = (
    "You are the customer assistant for Fernbank Building Society's personal and car loans. "
    "Use check_application to get the status of a loan application. "
    "If the status is in_review, call check_application again until there is a decision "
    "before you answer, so customers get a final outcome. "
    "Never promise an approval or a rate."
)

TOOLS = [{"type": "function", "function": {
    "name": "check_application", "description": "Current status of a loan application.",
    "parameters": {"type": "object", "properties": {"application_id": {"type": "string"}},
                   "required": ["application_id"]}}}]
''',
}

FXBUREAU = {
    "fxbureau/handler.py": '''import json

import mlflow
from openai import OpenAI

from fxbureau.rates import TOOLS, get_rate, reserve_currency

mlflow.set_experiment("harbour-fx-assistant")
mlflow.openai.autolog()
client = OpenAI()
SYSTEM = ("You are the travel money assistant for Harbour FX, with branches in Bristol. Quote rates from "
          "get_rate only, with the amount the customer gets. Reserve click-and-collect orders with "
          "reserve_currency; the customer pays at the branch.")
FUNCS = {"get_rate": get_rate, "reserve_currency": reserve_currency}


def handler(event, context):
    body = json.loads(event["body"])
    with mlflow.start_span(name="travel_money_chat") as span:
        mlflow.update_current_trace(metadata={"mlflow.trace.session": body["session"]})
        span.set_attribute("app.user_message", body["text"])
        messages = [{"role": "system", "content": SYSTEM}, *body.get("history", []),
                    {"role": "user", "content": body["text"]}]
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                             tools=TOOLS).choices[0].message
        while msg.tool_calls:
            messages.append(msg.model_dump(exclude_none=True))
            for call in msg.tool_calls:
                result = FUNCS[call.function.name](**json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
            msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                                 tools=TOOLS).choices[0].message
        span.set_attribute("app.bot_reply", msg.content)
    return {"statusCode": 200, "body": json.dumps({"reply": msg.content})}
''',
    "fxbureau/rates.py": '''import logging
import os

import mlflow
import requests
from mlflow.entities import SpanEvent

log = logging.getLogger(__name__)
RATES_API = os.environ.get("RATES_API", "https://rates.harbourfx.example/v1")
ORDERS_API = os.environ.get("ORDERS_API", "https://orders.harbourfx.example/v1")
# sell rates, used while the rates feed is unavailable
FALLBACK_RATES = {"EUR": 1.1650, "USD": 1.2710, "CAD": 1.7320, "AUD": 1.9350, "TRY": 41.20}
TOOLS = [
    {"type": "function", "function": {"name": "get_rate", "parameters": {"type": "object", "properties": {
        "currency": {"type": "string"}}, "required": ["currency"]}}},
    {"type": "function", "function": {"name": "reserve_currency", "parameters": {
        "type": "object", "properties": {
            "currency": {"type": "string"}, "gbp": {"type": "number"}, "rate": {"type": "number"},
            "branch": {"type": "string"}, "collect_on": {"type": "string"}},
        "required": ["currency", "gbp", "rate", "branch", "collect_on"]}}},
]


@mlflow.trace(name="get_rate", span_type="TOOL")
def get_rate(currency):
    try:
        resp = requests.get(f"{RATES_API}/sell/GBP{currency}", timeout=2)
        resp.raise_for_status()
        return resp.json()
    except requests.RequestException as exc:
        mlflow.get_current_active_span().add_event(SpanEvent.from_exception(exc))
        log.warning("rates feed unavailable, using fallback for %s", currency)
        return {"pair": f"GBP{currency}", "rate": FALLBACK_RATES[currency]}


@mlflow.trace(name="reserve_currency", span_type="TOOL")
def reserve_currency(currency, gbp, rate, branch, collect_on):
    body = {"currency": currency, "gbp": gbp, "rate": rate, "branch": branch, "collect_on": collect_on}
    return requests.post(f"{ORDERS_API}/reservations", json=body, timeout=10).json()
''',
}

CINEMA = {
    "cinema/bot.py": '''import json

from flask import Flask, jsonify, request
from openai import OpenAI
from traceloop.sdk import Traceloop
from traceloop.sdk.decorators import workflow

from cinema.listings import TOOLS, book_seats, showtimes
from cinema.state import update_booking_state

Traceloop.init(app_name="roxy-cinema-chat")
client = OpenAI()
app = Flask(__name__)
SYSTEM = ("You are the booking assistant for the Roxy, an independent cinema in Hebden Bridge. Find "
          "showings with showtimes and book with book_seats for the number of tickets in the Booking. "
          "Standard tickets are 8.50 GBP.")
FUNCS = {"showtimes": showtimes, "book_seats": book_seats}
HISTORY = {}


@workflow(name="roxy_chat")
def roxy_chat(session, text):
    booking = update_booking_state(session, text)
    history = HISTORY.setdefault(session, [])
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "system", "content": "Booking: " + json.dumps(booking)},
                *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    while msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = FUNCS[call.function.name](**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                             tools=TOOLS).choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content


@app.post("/chat")
def chat():
    body = request.get_json(force=True)
    Traceloop.set_association_properties({"session_id": body["session"]})
    return jsonify({"reply": roxy_chat(body["session"], body["text"])})
''',
    "cinema/state.py": r'''import re

from traceloop.sdk.decorators import task

NUMBER = re.compile(r"\b(\d{1,2})\b")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
STATE = {}


@task(name="update_booking_state")
def update_booking_state(session, text):
    state = STATE.setdefault(session, {"tickets": None})
    lowered = text.lower()
    count = NUMBER.search(lowered)
    if count:
        state["tickets"] = int(count.group(1))
    else:
        spelled = next((n for word, n in WORDS.items() if re.search(rf"\b{word}\b", lowered)), None)
        if spelled:
            state["tickets"] = spelled
    return state
''',
    "cinema/listings.py": '''import os

import requests
from traceloop.sdk.decorators import tool

BOX_API = os.environ.get("ROXY_API", "https://tickets.roxyhebden.example/api")
TOOLS = [
    {"type": "function", "function": {"name": "showtimes", "parameters": {"type": "object", "properties": {
        "film": {"type": "string"}, "date": {"type": "string"}}, "required": ["film", "date"]}}},
    {"type": "function", "function": {"name": "book_seats", "parameters": {"type": "object", "properties": {
        "showing_id": {"type": "string"}, "tickets": {"type": "integer"}},
        "required": ["showing_id", "tickets"]}}},
]


@tool(name="showtimes")
def showtimes(film, date):
    return requests.get(f"{BOX_API}/showings", params={"film": film, "date": date}, timeout=5).json()


@tool(name="book_seats")
def book_seats(showing_id, tickets):
    body = {"showing": showing_id, "tickets": tickets, "type": "standard", "payment": "saved_card"}
    return requests.post(f"{BOX_API}/bookings", json=body, timeout=10).json()
''',
}

HRPOLICY = {
    "hrpolicy/bot.py": '''import os

import mlflow
from botbuilder.core import ActivityHandler, TurnContext
from openai import OpenAI

from hrpolicy.index import retrieve

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("people-team-bot")
mlflow.openai.autolog()
client = OpenAI()
SYSTEM = ("You are Ask People, the HR policy assistant for Pennine Water staff. Answer from the Policy "
          "extracts only, and say which policy an answer comes from.")
HISTORY = {}


class PeopleBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext):
        conversation = turn_context.activity.conversation.id
        reply = answer(conversation, turn_context.activity.text)
        await turn_context.send_activity(reply)


@mlflow.trace(name="policy_answer")
def answer(conversation, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": conversation})
    extracts = retrieve(text)
    history = HISTORY.setdefault(conversation, [])
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text},
                {"role": "system", "content": "Policy extracts:\\n\\n" + "\\n\\n".join(d.page_content
                                                                                     for d in extracts)}]
    reply = client.chat.completions.create(model="gpt-4o", messages=messages).choices[0].message.content
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    return reply
''',
    "hrpolicy/index.py": '''from pathlib import Path

import mlflow
from langchain_community.document_loaders import TextLoader
from langchain_community.vectorstores import Chroma
from langchain_openai import OpenAIEmbeddings
from langchain_text_splitters import MarkdownHeaderTextSplitter

POLICIES = Path("/srv/policies")
splitter = MarkdownHeaderTextSplitter([("##", "section")])

SOURCES = [
    "staff-handbook-2024.md",
    "parental-leave-2019.md",
    "hybrid-working-2024.md",
    "expenses-2023.md",
]

chunks = []
for name in SOURCES:
    for doc in TextLoader(str(POLICIES / name)).load():
        for chunk in splitter.split_text(doc.page_content):
            chunk.metadata["source"] = f"policies/{name}"
            chunks.append(chunk)

store = Chroma.from_documents(chunks, OpenAIEmbeddings(model="text-embedding-3-small"))


@mlflow.trace(name="retrieve_policies", span_type="RETRIEVER")
def retrieve(text):
    return store.similarity_search(text, k=2)
''',
}

HALLS = {
    "halls/server.py": '''from fastapi import FastAPI
from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.langchain import LangChainInstrumentor
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from pydantic import BaseModel

from halls.knowledge import search

OpenAIInstrumentor().instrument()
LangChainInstrumentor().instrument()
tracer = trace.get_tracer("halls")
client = OpenAI()
app = FastAPI(title="Accommodation Office assistant")
SYSTEM = ("You are the University of Westmoor Accommodation Office assistant for new students. Answer "
          "questions about halls, rents and contracts from the Documents only.")
HISTORY = {}


class Question(BaseModel):
    visitor: str
    text: str


@app.post("/accommodation/ask")
def ask(q: Question):
    with using_session(q.visitor), tracer.start_as_current_span("POST /accommodation/ask"):
        with tracer.start_as_current_span("halls_assistant") as span:
            span.set_attribute("openinference.span.kind", "AGENT")
            span.set_attribute("input.value", q.text)
            docs = search(q.text)
            history = HISTORY.setdefault(q.visitor, [])
            documents = "\\n\\n".join(d.page_content for d in docs)
            messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": q.text},
                        {"role": "system", "content": "Documents:\\n\\n" + documents}]
            reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message
            history += [{"role": "user", "content": q.text}, {"role": "assistant", "content": reply.content}]
            span.set_attribute("output.value", reply.content)
    return {"reply": reply.content}
''',
    "halls/knowledge.py": '''from pathlib import Path

from langchain_community.document_loaders import CSVLoader, TextLoader
from langchain_community.retrievers import BM25Retriever

DATA = Path(__file__).parent / "data"

docs = []
docs += TextLoader(str(DATA / "halls-guide-2024-25.md")).load()
docs += CSVLoader(str(DATA / "rents-2022-23.csv")).load()
docs += TextLoader(str(DATA / "contracts-and-deposits-2024-25.md")).load()

retriever = BM25Retriever.from_documents(docs, k=2)


def search(text):
    return retriever.invoke(text)
''',
}

APPS: dict[str, dict[str, str]] = {
    "f7_langtutor": LANGTUTOR,
    "f7_swimschool": SWIMSCHOOL,
    "f7_florist": FLORIST,
    "f7_stocktake": STOCKTAKE,
    "f7_timesheets": TIMESHEETS,
    "f7_removals": REMOVALS,
    "f7_motcentre": MOTCENTRE,
    "f7_partyplanner": PARTYPLANNER,
    "f7_gpsurgery": GPSURGERY,
    "f7_boxoffice": BOXOFFICE,
    "f7_lessonplans": LESSONPLANS,
    "f7_loanapply": LOANAPPLY,
    "f7_fxbureau": FXBUREAU,
    "f7_cinema": CINEMA,
    "f7_hrpolicy": HRPOLICY,
    "f7_halls": HALLS,
}

# --- helpers ------------------------------------------------------------------------------


def _prompt(files: dict[str, str], path: str, name: str = "SYSTEM_PROMPT") -> str:
    """The prompt a `NAME = ( "..." "..." )` block in an app file defines."""
    parts: list[str] = []
    for line in files[path].split(f"{name} = (", 1)[1].splitlines():
        parts += re.findall(r'"([^"]*)"', line)
        if line.rstrip().endswith(")"):
            break
    return "".join(parts)


def _template(files: dict[str, str], path: str, name: str) -> str:
    """A `NAME = "..."` string constant in an app file."""
    return re.search(rf'^{name} = "([^"]+)"', files[path], re.M).group(1)


def _lineno(files: dict[str, str], path: str, needle: str) -> int:
    hits = [i for i, text in enumerate(files[path].splitlines(), 1) if needle in text]
    assert len(hits) == 1, (path, needle, hits)
    return hits[0]


def _frame(files: dict[str, str], path: str, needle: str, function: str) -> str:
    """One traceback frame, as Python prints it, for the app line holding `needle`."""
    number = _lineno(files, path, needle)
    source = files[path].splitlines()[number - 1].strip()
    return f'  File "/srv/{path}", line {number}, in {function}\n    {source}\n'


def _lib(path: str, line: int, function: str, source: str) -> str:
    site = "/usr/local/lib/python3.12/site-packages"
    return f'  File "{site}/{path}", line {line}, in {function}\n    {source}\n'


def _traceback(frames: list[str], last: str) -> str:
    return "Traceback (most recent call last):\n" + "".join(frames) + last


MLFLOW_WRAPPER = _lib("mlflow/tracing/fluent.py", 271, "wrapper", "result = func(*args, **kwargs)")
OTEL_WRAPPER = _lib("opentelemetry/util/_decorator.py", 71, "sync_wrapper", "return func(*args, **kwargs)")
TRACELOOP_WRAPPER = _lib("traceloop/sdk/decorators/base.py", 183, "wrap", "res = fn(*args, **kwargs)")
REQUESTS_RAISE = _lib("requests/models.py", 1024, "raise_for_status",
                      "raise HTTPError(http_error_msg, response=self)")


def _wrap(turns: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Each turn under an HTTP handler span that records no inputs or outputs."""
    for turn in turns:
        turn["root"] = {"name": name, "type": "CHAIN", "inputs": {}, "children": [turn["root"]]}
    return turns


def _call(call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def _asked(call: dict[str, Any]) -> Msg:
    """The assistant message that carried a tool call, as the app appends it."""
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def _answered(call: dict[str, Any], result: Any) -> Msg:
    return {"role": "tool", "tool_call_id": call["id"], "content": json.dumps(result)}


def _tokens(messages: list[Msg]) -> int:
    return sum(len(str(m.get("content") or "")) for m in messages) // 4 + 8


def _openai_tool_request(messages: list[Msg], calls: list[dict[str, Any]], *, name: str = "Completions",
                         model: str = "gpt-4o-mini") -> Span:
    """A chat completion (OpenAI autolog shape) whose answer is one or more tool calls."""
    return {
        "name": name, "type": "CHAT_MODEL",
        "inputs": {"model": model, "messages": messages, "tools": [{"type": "function", "function": {
            "name": c["function"]["name"]}} for c in calls]},
        "outputs": {"object": "chat.completion", "model": model, "choices": [{
            "index": 0, "finish_reason": "tool_calls",
            "message": {"role": "assistant", "content": None, "tool_calls": calls}}],
            "usage": {"prompt_tokens": _tokens(messages), "completion_tokens": 21}},
    }


def _genai_tool_request(messages: list[Msg], calls: list[dict[str, Any]], *, name: str = "chat gpt-4o-mini",
                        model: str = "gpt-4o-mini") -> Span:
    """An OTel GenAI LLM span whose answer is a tool call."""
    return {
        "name": name, "type": "LLM", "inputs": {"messages": messages}, "outputs": {"tool_calls": calls},
        "attributes": {"gen_ai.operation.name": "chat", "gen_ai.system": "openai",
                       "gen_ai.request.model": model, "gen_ai.response.model": model,
                       "gen_ai.response.finish_reasons": ["tool_calls"],
                       "gen_ai.usage.input_tokens": _tokens(messages), "gen_ai.usage.output_tokens": 19},
    }


def _legacy_tool_request(messages: list[Msg], call: dict[str, Any], *, name: str = "openai.chat",
                         model: str = "gpt-4o-mini") -> Span:
    """An OpenLLMetry-style LLM span whose completion is a tool call (indexed gen_ai.* attributes)."""
    attrs: dict[str, Any] = {"llm.request.type": "chat", "gen_ai.system": "OpenAI",
                             "gen_ai.request.model": model, "gen_ai.response.model": model,
                             "gen_ai.usage.prompt_tokens": _tokens(messages),
                             "gen_ai.usage.completion_tokens": 24}
    for i, m in enumerate(messages):
        attrs[f"gen_ai.prompt.{i}.role"] = m["role"]
        attrs[f"gen_ai.prompt.{i}.content"] = str(m["content"])
    attrs.update({"gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.finish_reason": "tool_calls",
                  "gen_ai.completion.0.tool_calls.0.id": call["id"],
                  "gen_ai.completion.0.tool_calls.0.name": call["function"]["name"],
                  "gen_ai.completion.0.tool_calls.0.arguments": call["function"]["arguments"]})
    return {"name": name, "type": "LLM", "inputs": {"messages": messages},
            "outputs": {"tool_calls": [call]}, "attributes": attrs}


def _inputs(turns: list[dict[str, Any]], **fields: str) -> list[dict[str, Any]]:
    """Rename each root's `message` input the way the app's handler names its arguments."""
    for turn in turns:
        root = turn["root"]
        text = root["inputs"].pop("message")
        root["inputs"] = {**fields, "text": text}
    return turns


# --- class 1: pushback in ordinary words ------------------------------------------------------


def _langtutor_toronto_time() -> EvalCase:
    system = _prompt(LANGTUTOR, "langtutor/assistant.py", "SYSTEM")
    chat = _Chat(system, _openai_call, call_name="Completions", root_name="tutor_chat")

    def parse(text: str, result: dict[str, Any] | None) -> Span:
        return {"name": "parse_lesson_time", "type": "PARSER", "inputs": {"text": text}, "outputs": result}

    def requested(result: dict[str, Any]) -> Msg:
        return {"role": "system", "content": "Requested time: " + json.dumps(result)}

    q1 = ("Hi! I want to start learning Spanish, total beginner. I live in Toronto if that matters for "
          "scheduling.")
    chat.say(q1, "¡Hola! Welcome to Hablamos. Your first 25-minute lesson is a free trial with one of our "
                 "tutors, so you can see how it works before buying a pack. Which day and time would suit "
                 "you?",
             before=[parse(q1, None)])
    q2 = "Thursday at 4pm my time would be perfect"
    when = {"day": "Thursday", "start": "2024-11-07T16:00:00+00:00"}
    free = {"start": "2024-11-07T16:00:00+00:00", "minutes": 25, "tutors": [
        {"name": "Lucía Romero", "based_in": "Madrid", "free": True},
        {"name": "Mateo Díaz", "based_in": "Guadalajara", "free": False}]}
    call2 = _call("call_av1", "tutor_availability", {"start": when["start"]})
    chat.say(q2, "Good news: Lucía Romero, one of our tutors in Madrid, is free on Thursday 7 November at "
                 "4pm. She's lovely with complete beginners. Shall I book your trial with her?",
             before=[parse(q2, when),
                     _openai_tool_request([{"role": "system", "content": system}, *chat.history,
                                           {"role": "user", "content": q2}, requested(when)], [call2]),
                     tool_span("tutor_availability", {"student_id": "ST-20817", "start": when["start"]},
                               free)],
             context=[requested(when), _asked(call2), _answered(call2, free)])
    q3 = "Yes please!"
    args3 = {"tutor": "Lucía Romero", "start": "2024-11-07T16:00:00+00:00"}
    lesson = {"lesson_id": "HB-T-58213", "tutor": "Lucía Romero", "start": "2024-11-07T16:00:00+00:00",
              "minutes": 25, "join_url": "https://meet.hablamos.example/HB-T-58213"}
    call3 = _call("call_bk1", "book_trial", args3)
    chat.say(q3, "You're booked! Your free trial with Lucía is on Thursday 7 November at 4pm, 25 minutes. "
                 "Join from https://meet.hablamos.example/HB-T-58213; you'll get a reminder email an hour "
                 "before.",
             before=[parse(q3, None),
                     _openai_tool_request([{"role": "system", "content": system}, *chat.history,
                                           {"role": "user", "content": q3}], [call3]),
                     tool_span("book_trial", {"student_id": "ST-20817", **args3}, lesson)],
             context=[_asked(call3), _answered(call3, lesson)])
    q4 = "Do I need to prepare anything?"
    chat.say(q4, "Nothing at all! Find a quiet spot with headphones and a notebook. Lucía will start with "
                 "greetings and introducing yourself, and ask what you'd like to use Spanish for.",
             before=[parse(q4, None)])
    q5 = ("I clicked the link at 4 and sat there for 15 minutes and nobody came. Now there's an email from "
          "Lucía saying sorry I couldn't make it, she waited for me at 11 this morning?? I said 4pm MY time, "
          "I'm in Toronto.")
    chat.say(q5, "I'm so sorry. Your trial was booked for 4pm UK time, which was 11am in Toronto, instead of "
                 "4pm Toronto time (9pm in the UK). That's our mistake, not yours. I can book you a new free "
                 "trial at 4pm Toronto time; which day works for you?", before=[parse(q5, None)])
    q6 = "Same time next Thursday, and please make sure it's actually 4pm here this time"
    when6 = {"day": "Thursday", "start": "2024-11-14T16:00:00+00:00"}
    args6 = {"tutor": "Lucía Romero", "start": "2024-11-14T21:00:00+00:00"}
    lesson6 = {"lesson_id": "HB-T-58940", "tutor": "Lucía Romero", "start": "2024-11-14T21:00:00+00:00",
               "minutes": 25, "join_url": "https://meet.hablamos.example/HB-T-58940"}
    call6 = _call("call_bk2", "book_trial", args6)
    chat.say(q6, "Done: Thursday 14 November at 4pm Toronto time (9pm in the UK) with Lucía. Your new link "
                 "is https://meet.hablamos.example/HB-T-58940, and the reminder email will show the time in "
                 "Toronto time.",
             before=[parse(q6, when6),
                     _openai_tool_request([{"role": "system", "content": system}, *chat.history,
                                           {"role": "user", "content": q6}, requested(when6)], [call6]),
                     tool_span("book_trial", {"student_id": "ST-20817", **args6}, lesson6)],
             context=[requested(when6), _asked(call6), _answered(call6, lesson6)])
    return EvalCase(
        "language school books a Toronto student's '4pm my time' as 4pm London; the tutor waits at 11am",
        "input_misparsed", _inputs(chat.turns, student_id="ST-20817", chat_id="web-9c1e4"), root=2, symptom=5,
        app="f7_langtutor", code=("langtutor/scheduling.py", "tzinfo=SCHOOL_TZ)"),
        instrumentation="mlflow", tags=["fresh7", "class-1", "outside_evidence", "restated_value"],
    )


def _swimschool_saturday_class() -> EvalCase:
    chat = _Chat(_prompt(SWIMSCHOOL, "swimschool/prompts.py"), _genai_call, call_name="chat gpt-4o-mini",
                 root_name="lesson_chat")

    def tools(*pairs: tuple[str, dict[str, Any], Any]) -> dict[str, Any]:
        return {"before": [tool_span(name, args, result) for name, args, result in pairs],
                "context": [_tool_msg(name, result) for name, _args, result in pairs]}

    stage3 = {"stage": 3, "classes": [
        {"class_id": "MS-3-TUE-1700", "pool": "Moorside", "day": "Tuesday", "time": "17:00", "spaces": 3},
        {"class_id": "MS-3-THU-1730", "pool": "Moorside", "day": "Thursday", "time": "17:30", "spaces": 0}]}
    chat.say("Hi, my daughter Isla has just passed her Stage 2 badge. Where can she do Stage 3?",
             "Well done Isla! Stage 3 runs at Moorside on Tuesdays at 5pm (3 spaces left) and on Thursdays "
             "at 5:30pm (full at the moment). Lessons are 30 minutes, £7.20 each, paid termly.",
             **tools(("find_classes", {"stage": 3}, stage3)))
    chat.say("Tuesdays are tricky for us, and we're nearer Oakfield really. Is there anything at Oakfield at "
             "the weekend?",
             "Yes, Oakfield runs Stage 3 on Saturday mornings at 9:30. Would you like me to put Isla down "
             "for it?",
             **tools(("find_classes", {"stage": 3, "pool": "Oakfield"},
                      {"stage": 3, "pool": "Oakfield", "classes": []})))
    enrol = {"child": "Isla Mercer", "stage": 3, "pool": "Oakfield", "day": "Saturday", "time": "09:30"}
    chat.say("Oh brilliant, yes please. Isla Mercer, she's 7.",
             "Done! I've sent Isla's enrolment for Stage 3 at Oakfield, Saturdays at 9:30 (reference "
             "ENR-40718). The term fee is taken before her first lesson.",
             **tools(("enrol_child", enrol, {"request_id": "ENR-40718", "status": "received"})))
    chat.say("What does she need to bring?",
             "A swimming costume, a towel and a drink for afterwards. Goggles are fine, and long hair should "
             "be tied back or under a swim hat.")
    chat.say("And do parents stay on poolside or wait somewhere?",
             "Parents watch from the viewing gallery upstairs; only the teachers are on poolside during "
             "lessons. There's a café next to the gallery.")
    chat.say("We're at Oakfield now. Reception have never heard of a Stage 3 class on a Saturday, the only "
             "thing on at 9:30 is adult improvers. Isla's already in her costume.",
             "I'm really sorry. Oakfield doesn't run Stage 3 at the weekend, and I shouldn't have offered a "
             "class that the timetable didn't show. The nearest Stage 3 class with spaces is Tuesday at 5pm "
             "at Moorside. Would you like me to move Isla's request to that?")
    moorside = {"child": "Isla Mercer", "stage": 3, "pool": "Moorside", "day": "Tuesday", "time": "17:00"}
    chat.say("I suppose so. Tuesday it is",
             "Done: Isla's down for Stage 3 at Moorside on Tuesdays at 5pm (reference ENR-40731). Reception "
             "will cancel the Saturday request. Sorry again about this morning.",
             **tools(("enrol_child", moorside, {"request_id": "ENR-40731", "status": "received"})))
    return EvalCase(
        "swim school offers a Saturday class the timetable never had; the family turns up to adult improvers",
        "hallucinated_fact", with_attributes(chat.turns, "otel_genai"), root=2, symptom=6,
        app="f7_swimschool", code=("swimschool/prompts.py", "offer the usual Saturday morning slot"),
        instrumentation="otel_genai", tags=["fresh7", "class-1", "flat_disbelief", "outside_evidence"],
    )


def _florist_large_bouquet() -> EvalCase:
    system = _prompt(FLORIST, "florist/handler.py", "SYSTEM")
    extract_prompt = _prompt(FLORIST, "florist/extract.py", "EXTRACT")
    order: dict[str, Any] = {}

    def keep(history: list[Msg], _user: str) -> list[Msg]:
        return [{"role": "system", "content": "Order: " + json.dumps(order)}, *history]

    chat = _Chat(system, _openai_call, call_name="Completions", root_name="hedgerow_chat", keep=keep)

    def extract(text: str, details: dict[str, Any]) -> Span:
        messages = [{"role": "system", "content": extract_prompt}, {"role": "user", "content": text}]
        return {"name": "extract_details", "type": "UNKNOWN", "inputs": {"text": text}, "outputs": details,
                "children": [_openai_call(messages, json.dumps(details), name="Completions",
                                          model="gpt-4o-mini")]}

    def state(text: str, details: dict[str, Any]) -> list[Span]:
        first = not order
        if first:
            order.update({**details, "size": "standard", "vase": False, "card_message": ""})
        else:
            order.update({k: v for k, v in details.items() if v})
        return [extract(text, details),
                {"name": "start_order" if first else "update_order", "type": "UNKNOWN",
                 "inputs": {"session": "hf-7d2a91", "details": details}, "outputs": dict(order)}]

    q1 = ("Hi, could I order the large Summer Meadow bouquet for my mum? It's her 70th on Friday and she "
          "lives in Stroud.")
    chat.say(q1, "What a lovely way to mark her 70th! Summer Meadow, delivered on Friday 21 June in Stroud. "
                 "What's her name and full address, and would you like a card message?",
             before=state(q1, {"bouquet": "Summer Meadow", "size": "large", "delivery_date": "2024-06-21",
                               "town": "Stroud", "recipient": "mum"}))
    q2 = "Margaret Hale, Rose Cottage, 4 Butterrow Lane, Stroud GL5 2LU"
    chat.say(q2, "Thank you. And what would you like the card to say?",
             before=state(q2, {"recipient": "Margaret Hale",
                               "address": "Rose Cottage, 4 Butterrow Lane, Stroud GL5 2LU"}))
    q3 = "Happy 70th Mum, love from Jen, Dan and the girls xx"
    chat.say(q3, "Here's your order: Summer Meadow bouquet for Margaret Hale, Rose Cottage, 4 Butterrow "
                 "Lane, Stroud GL5 2LU, delivered on Friday 21 June, with the card 'Happy 70th Mum, love "
                 "from Jen, Dan and the girls xx'. That's £35 plus £5.95 delivery, £40.95 in total. Shall I "
                 "take it from your saved card?", before=state(q3, {"card_message": q3}))
    q4 = "Yes, saved card is fine"
    spans4 = state(q4, {})
    call = _call("call_po7", "place_order", {"payment": "saved_card"})
    paid = {"order_id": "HF-23817", "status": "paid", "total": 40.95, "delivery_date": "2024-06-21"}
    request = _openai_tool_request([{"role": "system", "content": system},
                                    *keep(chat.history, q4), {"role": "user", "content": q4}], [call])
    chat.say(q4, "All done! Order HF-23817 is paid and Margaret's flowers will arrive on Friday 21 June. "
                 "We'll text you when they've been delivered.",
             before=[*spans4, request,
                     tool_span("place_order", {"session": "hf-7d2a91", "payment": "saved_card"}, paid)],
             context=[_asked(call), _answered(call, paid)])
    q5 = ("Mum's sent me a photo. They're pretty but it's a little posy. I ordered the large one with the "
          "peonies in, the £55 one, for her 70th.")
    chat.say(q5, "I'm so sorry. Order HF-23817 went through as a standard Summer Meadow (£35) rather than "
             "the large one you asked for. The shop can send the large bouquet to Margaret tomorrow morning "
             "for the £20 difference, with the same card. Would you like that?",
             before=state(q5, {"size": "large"}))
    q6 = "Yes please, and it needs to get there before 11, we're taking her out for lunch"
    chat.say(q6, "I've passed it to the shop team with a note that it must arrive before 11am. They'll ring "
             "you within the hour to take the £20 difference and confirm the delivery time.",
             before=state(q6, {}))
    return EvalCase(
        "florist stores a new order with its default size over the 'large' the customer asked for; mum gets "
        "a posy",
        "state_corruption", _wrap(with_attributes(chat.turns, "custom"), "POST /orders/chat"), root=1,
        symptom=5, app="f7_florist", code=("florist/orders.py", "ORDERS[session] = {**details, **DEFAULTS}"),
        instrumentation="custom keys, wrapper root", tags=["fresh7", "class-1", "restated_value"],
    )


# --- class 2: a recorded failure among near-identical template replies ------------------------


def _stocktake_locked_bay() -> EvalCase:
    template = _template(STOCKTAKE, "stocktake/counts.py", "COUNTED")
    system = _prompt(STOCKTAKE, "stocktake/bot.py", "SYSTEM")
    url = "https://inventory.brightmoor.example/api/stores/0412/counts"
    message = f"423 Client Error: Locked for url: {url}"
    stack = _traceback([
        '  File "/usr/local/lib/python3.12/concurrent/futures/thread.py", line 58, in run\n'
        "    result = self.fn(*self.args, **self.kwargs)\n",
        TRACELOOP_WRAPPER,
        _frame(STOCKTAKE, "stocktake/counts.py", "resp.raise_for_status()", "record_count"),
        REQUESTS_RAISE,
    ], f"requests.exceptions.HTTPError: {message}\n")
    products = {
        "118204": "Dulux Trade Vinyl Matt Pure Brilliant White 5L",
        "118233": "Dulux Trade Vinyl Matt Magnolia 5L",
        "120077": "Crown Trade Clean Extreme Scrubbable Matt White 5L",
        "120081": "Crown Trade Fastflow Quick Dry Satin White 2.5L",
        "120112": "Ronseal Quick Drying Wood Stain Dark Oak 750ml",
        "120140": "Zinsser Bulls Eye 1-2-3 Primer 2.5L",
    }
    recorded: dict[str, dict[str, Any]] = {}
    sent: set[str] = set()
    turns: list[dict[str, Any]] = []

    def count(bay: str, qty: int, sku: str, *, locked: bool = False) -> None:
        text = f"{bay}: {qty} x {sku}"
        if not locked:
            recorded[bay] = {"sku": sku, "qty": qty}
        sent.add(bay)
        done = len(sent)
        reply = template.format(qty=qty, sku=sku, desc=products[sku], bay=bay, done=done, aisle=bay[:3])
        args = {"store": "0412", "bay": bay, "sku": sku, "qty": qty}
        if locked:
            record = tool_span("record_count.tool", args, error=message,
                               error_type="requests.exceptions.HTTPError")
            record["stacktrace"] = stack
        else:
            recorded_as = {"count_id": f"C-{bay}-{sku}", "status": "recorded"}
            record = tool_span("record_count.tool", args, recorded_as)
        details = tool_span("sku_details.tool", {"sku": sku}, {"sku": sku, "description": products[sku],
                                                             "aisle": "A07"})
        turns.append(chat_turn(text, reply, root_name="stocktake_turn.workflow", children=[record, details]))

    def ask(text: str, reply: str) -> None:
        counts = {"store": "0412", "aisle": "A07", "counted": dict(recorded),
                  "uncounted": [f"A07-0{i}" for i in range(1, 7) if f"A07-0{i}" not in recorded]}
        messages = [{"role": "system", "content": system},
                    {"role": "system", "content": "Aisle counts: " + str(counts)},
                    {"role": "user", "content": text}]
        turns.append(chat_turn(text, reply, root_name="stocktake_turn.workflow",
                               children=[tool_span("aisle_counts.tool", {"store": "0412"}, counts),
                                         _legacy_call(messages, reply, name="openai.chat", model="gpt-4o")]))

    ask("Starting the count on aisle 7 now, paints and wood finishes",
        "Thanks! Aisle 7 has six bays, A07-01 to A07-06, and none of them are counted yet today. Send each "
        "one as 'bay: qty x SKU', like A07-01: 6 x 123456.")
    count("A07-01", 24, "118204")
    count("A07-02", 40, "118233")
    count("A07-03", 18, "120077", locked=True)
    count("A07-04", 31, "120081")
    count("A07-05", 12, "120112")
    count("A07-06", 9, "120140")
    ask("Morning report's in and it says A07-03 wasn't counted, so 18 of the Crown Clean Extreme are showing "
        "as missing. I definitely did that bay",
        "You did send it: I replied 'Logged 18 x 120077' for A07-03, but the inventory system has no count "
        "for A07-03, so it never went in. The other five bays in aisle 7 are recorded. Please send A07-03 "
        "again and I'll log it.")
    return EvalCase(
        "stocktake bot logs every bay with the same template while the inventory API refused one count",
        "tool_failure_reported_as_success", with_attributes(turns, "otel_genai_legacy"), root=4, symptom=8,
        app="f7_stocktake", code=("stocktake/bot.py", "pool.submit(record_count, STORE, bay, sku, qty)"),
        instrumentation="otel_genai_legacy", tags=["fresh7", "class-2", "errored_span", "stacktrace"],
    )


def _timesheets_hours_minutes() -> EvalCase:
    template = _template(TIMESHEETS, "timesheets/entries.py", "LOGGED")
    submitted = _template(TIMESHEETS, "timesheets/store.py", "SUBMITTED")
    system = re.search(r'SYSTEM = "([^"]+)"', TIMESHEETS["timesheets/entries.py"]).group(1)
    user, week = "u-3381", "2024-06-14"
    total = 0.0
    turns: list[dict[str, Any]] = []

    def turn(text: str, reply: str | None, children: list[Span]) -> dict[str, Any]:
        return chat_turn(text, reply, root_name="log_time", inputs={"user": user, "week": week, "text": text},
                         children=children)

    def log(text: str, entry: dict[str, Any]) -> None:
        nonlocal total
        total += entry["hours"]
        reply = template.format(**entry, total=total)
        turns.append(turn(text, reply, [
            {"name": "parse_entry", "type": "PARSER", "inputs": {"text": text}, "outputs": entry},
            {"name": "add_entry", "type": "UNKNOWN",
             "inputs": {"user": user, "week": week, "entry": entry}}]))

    log("Mon 7.5h on ACME-22", {"day": "Monday", "hours": 7.5, "project": "ACME-22"})
    log("Tuesday 8 hours on ACME-22", {"day": "Tuesday", "hours": 8.0, "project": "ACME-22"})
    text = "Wednesday 7h45 on ACME-22"
    error = "could not convert string to float: '7h45'"
    parse_line = 'hours = float(m.group(2).rstrip("h"))'
    inner = [MLFLOW_WRAPPER, _frame(TIMESHEETS, "timesheets/entries.py", parse_line, "parse_entry")]
    crashed = turn(text, None, [{"name": "parse_entry", "type": "PARSER", "inputs": {"text": text},
                                 "error": error, "error_type": "ValueError",
                                 "stacktrace": _traceback(inner, f"ValueError: {error}\n")}])
    crashed["root"].update(error=error, error_type="ValueError", **{"raise": True}, stacktrace=_traceback([
        _frame(TIMESHEETS, "timesheets/web.py", "reply = log_time(", "message"),
        MLFLOW_WRAPPER,
        _frame(TIMESHEETS, "timesheets/entries.py", "entry = parse_entry(text)", "log_time"),
        *inner,
    ], f"ValueError: {error}\n"))
    turns.append(crashed)
    log("Thu 7.5h on BRIX-4", {"day": "Thursday", "hours": 7.5, "project": "BRIX-4"})
    log("Friday 6h on BRIX-4", {"day": "Friday", "hours": 6.0, "project": "BRIX-4"})
    done = submitted.format(week=week, total=total)
    turns.append(turn("submit it please", done, [
        {"name": "parse_entry", "type": "PARSER", "inputs": {"text": "submit it please"}, "outputs": None},
        {"name": "submit_week", "type": "UNKNOWN", "inputs": {"user": user, "week": week}, "outputs": done}]))
    q7 = "Hang on, 29? I did 36.75 hours this week. Where's Wednesday gone?"
    r7 = ("I can't see your individual entries from here, but a total of 29h suggests a day is missing. Ask "
          "your manager to send the timesheet back, then add Wednesday as 'Wednesday 7.75h on ACME-22'.")
    turns.append(turn(q7, r7, [
        {"name": "parse_entry", "type": "PARSER", "inputs": {"text": q7}, "outputs": None},
        _openai_call([{"role": "system", "content": system}, {"role": "user", "content": q7}], r7,
                     name="Completions", model="gpt-4o-mini")]))
    return EvalCase(
        "timesheet bot crashes on '7h45' between identical 'Logged' replies; the week is submitted short",
        "app_error", _wrap(turns, "POST /timesheet/message"), root=3, symptom=3, app="f7_timesheets",
        code=("timesheets/entries.py", parse_line),
        instrumentation="mlflow, wrapper root", tags=["fresh7", "class-2", "crash", "stacktrace"],
    )



# --- class 3: a value or constraint lost turns before the complaint ---------------------------


def _removals_one_postcode() -> EvalCase:
    system = _prompt(REMOVALS, "removals/api.py", "SYSTEM")
    move: dict[str, Any] | None = None

    def keep(history: list[Msg], _user: str) -> list[Msg]:
        return [{"role": "system", "content": "Move details: " + json.dumps(move)}, *history]

    chat = _Chat(system, _oi_call, call_name="ChatCompletion", root_name="removals_chat", model="gpt-4o",
                 keep=keep)
    q1 = ("Hi, we need a quote for moving a 3 bed semi from Headingley, LS6 3BN to Harrogate, HG1 4QP, on "
          "Friday 28th June.")
    move = {"origin": "LS6 3BN", "destination": "LS6 3BN", "bedrooms": 3, "date": "2024-06-28"}
    quote = {"quote_id": "Q-77120", "miles": 0, "vans": 1, "crew": 3, "hours": 6, "price": 780.0,
             "vat_included": True}
    chat.say(q1, "Thanks! For a 3-bed semi on Friday 28 June we'd send one Luton van and a crew of three for "
                 "about six hours. That's £780 including VAT, with blankets, furniture covers and mattress "
                 "bags included. Would you like any packing done?",
             before=[{"name": "parse_move", "type": "PARSER", "inputs": {"text": q1}, "outputs": dict(move)},
                     tool_span("quote_move", dict(move), quote)],
             context=[_tool_msg("quote_move", quote)])
    chat.say("What does packing cost?",
             "Our full packing service for a 3-bed is £320 and is done the day before; we bring all the "
             "boxes. If you'd rather pack most things yourselves, the fragile-only pack (kitchen, glass and "
             "ornaments) is £140.")
    chat.say("Just the fragile pack. The kitchen and a glass display cabinet are what I'm worried about",
             "Good choice. With the fragile pack that's £920 in total: £780 for the move plus £140, with the "
             "packing on Thursday 27 June. Shall I book it?")
    booking = {**move, "packing": "fragile", "name": "Priya Shah"}
    job = {"job_id": "AV-5521", "status": "confirmed", "crew_arrival": "08:00", "packing_date": "2024-06-27",
           "total": 920.0}
    chat.say("Yes, book it. Name's Priya Shah",
             "Booked! Job AV-5521: fragile packing on Thursday 27 June, and the crew arrives at 8am on "
             "Friday 28 June. £920 in total, with a £100 deposit due this week.",
             before=[tool_span("book_move", booking, job)], context=[_tool_msg("book_move", job)])
    chat.say("Can we leave the keys with you if our buyers get delayed?",
             "Sorry, we can't hold keys, but your estate agent can. If completion is delayed, we can keep "
             "your things loaded overnight in our secure yard for £95.")
    chat.say("The lads have loaded everything and now the driver says his sheet has us down as a local job, "
             "van back at the yard by 2, and Harrogate isn't on it anywhere. We're going to HG1 4QP! That's "
             "20 miles.",
             "I'm so sorry. Your booking went through with LS6 3BN as both the collection and the delivery "
             "address, so it was planned as a local move. Please ask the driver to ring the office on 0113 "
             "496 0321: they can re-plan the job for HG1 4QP today, and any extra distance charge is on "
             "us.")
    chat.say("Ok. Thank you", "Thanks for your patience, Priya, and good luck with the move!")
    return EvalCase(
        "removals quote reads one postcode for both ends of a Leeds to Harrogate move; the driver's sheet "
        "says local",
        "input_misparsed", with_attributes(chat.turns, "openinference"), root=1, symptom=6, app="f7_removals",
        code=("removals/parsing.py", "destination = to.group(1) if to else origin.group(1)"),
        instrumentation="openinference", tags=["fresh7", "class-3", "parser"],
    )


def _motcentre_first_mot() -> EvalCase:
    chat = _Chat(_prompt(MOTCENTRE, "motcentre/prompts.py"), _legacy_call, call_name="openai.chat",
                 root_name="garage_chat.workflow")
    car = {"vrm": "YE21KPV", "make": "KIA", "colour": "WHITE", "fuel": "HYBRID ELECTRIC",
           "first_registered": "2021-09", "year": 2021}
    chat.say("Hi, can I book my car in for a full service? It's a Kia Niro, YE21 KPV",
             "Of course! I've found your white 2021 Kia Niro hybrid. A full service is £189 and takes about "
             "three hours. Which week suits you?",
             before=[tool_span("vehicle_details.tool", {"vrm": "YE21KPV"}, car)],
             context=[_tool_msg("vehicle_details", car)])
    chat.say("Next week ideally. Does it need an MOT as well while it's in?",
             "Not yet! A car's first MOT is due four years after it was first registered, so with a first "
             "registration of September 2021 your Niro isn't due until September 2025. Just the service this "
             "time.")
    slots = {"job": "full_service", "slots": ["2024-10-21T08:00", "2024-10-22T08:00", "2024-10-24T13:00"]}
    chat.say("Great. What have you got next week?",
             "Next week I can do Monday 21 or Tuesday 22 October with drop-off at 8am, or Thursday 24 "
             "October at 1pm.",
             before=[tool_span("free_slots.tool", {"job": "full_service", "week_of": "2024-10-21"}, slots)],
             context=[_tool_msg("free_slots", slots)])
    args = {"vrm": "YE21KPV", "slot": "2024-10-22T08:00", "jobs": ["full_service"], "name": "Tom Barker",
            "phone": "07700900318"}
    booked = {"booking": "HG-11842", "status": "confirmed", "slot": "2024-10-22T08:00"}
    chat.say("Tuesday at 8. It's Tom Barker, 07700 900318",
             "Booked: HG-11842, full service on Tuesday 22 October, drop-off at 8am. We'll text you when "
             "it's ready to collect.",
             before=[tool_span("book_job.tool", args, booked)], context=[_tool_msg("book_job", booked)])
    chat.say("Can you text me a reminder when the MOT's due as well?",
             "Yes, I've noted a reminder for August 2025, a month before your Niro's first MOT is due in "
             "September 2025.")
    chat.say("Just renewing my insurance and the gov.uk checker says the MOT was due on 3 September and "
             "there's no MOT on record. So I've been driving about without one for six weeks? You said it "
             "wasn't due till next year.",
             "I'm really sorry. In England a car's first MOT is due three years after registration, not "
             "four, so your Niro's was due in September 2024. Please only drive it to a booked MOT. We can "
             "do the MOT on Tuesday alongside the service for £54.85.")
    both = {**args, "jobs": ["full_service", "mot"]}
    updated = {"booking": "HG-11842", "status": "updated", "slot": "2024-10-22T08:00", "jobs": both["jobs"]}
    chat.say("Yes add it to Tuesday please",
             "Done: HG-11842 on Tuesday 22 October is now a full service and an MOT, £243.85 in total.",
             before=[tool_span("book_job.tool", both, updated)], context=[_tool_msg("book_job", updated)])
    return EvalCase(
        "garage assistant says a 2021 car's first MOT is due in 2025; four turns on, gov.uk says it lapsed",
        "hallucinated_fact", _wrap(with_attributes(chat.turns, "otel_genai_legacy"), "POST /garage/chat"),
        root=2, symptom=6, app="f7_motcentre",
        code=("motcentre/prompts.py", "Work out when the MOT is due from the first registration date "
                                      "yourself"),
        instrumentation="otel_genai_legacy, wrapper root", tags=["fresh7", "class-3", "reply_origin"],
    )


PARTY_BUDGET = int(re.search(r"MAX_HISTORY_TOKENS = (\d+)", PARTYPLANNER["partyplanner/memory.py"]).group(1))


def _party_recent(history: list[Msg], _user: str) -> list[Msg]:
    """partyplanner/memory.py's recent(): the latest messages that fit the token budget."""
    kept: list[Msg] = []
    budget = PARTY_BUDGET
    for message in reversed(history):
        budget -= len(message["content"]) // 4
        if budget < 0:
            break
        kept.insert(0, message)
    return kept


def _partyplanner_gluten_free() -> EvalCase:
    chat = _Chat(_prompt(PARTYPLANNER, "partyplanner/prompts.py"), _openai_call, call_name="Completions",
                 root_name="party_chat", keep=_party_recent)
    for user, reply in [
        ("Hi! I'm planning my son Alfie's 7th birthday party in March, about 15 kids. He has coeliac disease "
         "so everything we serve has to be gluten free, cake included.",
         "Happy almost-birthday to Alfie! Noted: everything gluten free, cake included. To get started, "
         "what's he into at the moment?"),
        ("Dinosaurs. Absolutely obsessed.",
         "A dinosaur party it is! Send invitations shaped like dinosaur eggs, turn the room into a jungle "
         "with green balloons and paper vines, and give each child an explorer hat and a 'fossil hunter' "
         "badge as they arrive."),
        ("Love it. Any venue ideas round Cheltenham that won't break the bank?",
         "Church and village halls are the cheapest, usually £15 to £25 an hour; try Leckhampton or "
         "Prestbury. A soft play party room costs more, about £12 to £15 a child, but includes staff and the "
         "clean-up."),
        ("We've booked Leckhampton village hall. What games work for 7 year olds?",
         "Great choice! Try a dino egg hunt with painted stones, 'Dinosaur, dinosaur, what's the time?', a "
         "fossil dig in a sand tray with plastic bones, and pass the parcel with a dinosaur in every layer."),
        ("Perfect. Now food, what's easy to do for 15 kids?",
         "Keep it simple and finger-sized: mini sausage rolls, ham and cheese sandwiches cut into dinosaur "
         "shapes with a cookie cutter, cheese straws, veggie sticks with hummus and a fruit 'volcano' of "
         "grapes and melon. Allow 6 to 8 bits per child."),
        ("And for the cake?",
         "A volcano cake is a showstopper: a chocolate sponge dome from the supermarket's celebration range, "
         "orange and red icing running down the sides, and plastic dinosaurs round the base. Add a sparkler "
         "for the eruption!"),
        ("My sister's just read this and pointed out that sausage rolls, sandwiches, cheese straws and a "
         "supermarket sponge are all full of gluten. Alfie can't have any of that. It was the first thing I "
         "told you.",
         "I'm so sorry, you did. Gluten-free swaps: gluten-free sausage rolls, sandwiches on gluten-free "
         "bread, crisps and rice cakes labelled gluten free, and a volcano cake made with a gluten-free "
         "sponge mix. Check every label for the crossed-grain symbol."),
    ]:
        chat.say(user, reply)
    first = chat.turns[0]["root"]["inputs"]["message"]

    def saw_first(turn: int) -> bool:
        call = chat.turns[turn - 1]["root"]["children"][-1]
        return any(m["content"] == first for m in call["inputs"]["messages"])

    assert saw_first(4) and not saw_first(5), "the budget must drop turn 1 exactly at turn 5"
    return EvalCase(
        "party planner's history budget drops the coeliac constraint; the food ideas are all wheat",
        "context_window_dropped_constraint", _inputs(chat.turns, session="pp-41f0c2"), root=5, symptom=7,
        app="f7_partyplanner", code=("partyplanner/memory.py", f"MAX_HISTORY_TOKENS = {PARTY_BUDGET}"),
        instrumentation="mlflow", tags=["fresh7", "class-3", "window"],
    )


# --- class 4: a failed step whose own reply admits it -----------------------------------------


def _gpsurgery_booking_unreachable() -> EvalCase:
    chat = _Chat(_prompt(GPSURGERY, "gpsurgery/prompts.py"), _oi_call, call_name="ChatCompletion",
                 root_name="reception_turn", model="gpt-4o")
    message = "[Errno 111] Connection refused"
    stack = _traceback([
        OTEL_WRAPPER,
        _frame(GPSURGERY, "gpsurgery/appointments.py", 'resp = httpx.post(f"{BOOKING_URL}/appointments"',
               "book_slot"),
        _lib("httpx/_api.py", 319, "post", "return request("),
        _lib("httpx/_client.py", 1014, "_send_single_request",
             "response = transport.handle_request(request)"),
        _lib("httpx/_transports/default.py", 118, "map_httpcore_exceptions", "raise mapped_exc(message) from "
                                                                             "exc"),
    ], f"httpx.ConnectError: {message}\n")
    args = {"patient_id": "AGS-448120", "slot_id": "S-20241017-1020-OKO", "reason": "rash on arm for three "
                                                                                    "weeks"}
    failed = {"error": f"ConnectError: {message}"}

    def book() -> dict[str, Any]:
        span = tool_span("book_slot", args, error=message, error_type="httpx.ConnectError")
        span["stacktrace"] = stack
        return {"before": [span], "context": [_tool_msg("book_slot", failed)]}

    chat.say("Hello, I need to see a GP about a rash on my arm that hasn't gone away. It's been about three "
             "weeks.",
             "I'm sorry to hear that. I can book you a routine GP appointment. Could you give me your date "
             "of birth and postcode so I can find your record?")
    patient = {"patient_id": "AGS-448120", "name": "Hannah Royce", "registered": True}
    slots = {"slots": [
        {"slot_id": "S-20241017-1020-OKO", "start": "2024-10-17T10:20", "clinician": "Dr Okoro"},
        {"slot_id": "S-20241017-1540-LEW", "start": "2024-10-17T15:40", "clinician": "Dr Lewis"},
        {"slot_id": "S-20241018-0900-OKO", "start": "2024-10-18T09:00", "clinician": "Dr Okoro"}]}
    chat.say("12/08/1986, GL50 2JH",
             "Thanks, Hannah. The next routine GP appointments are Thursday 17 October at 10:20 with Dr "
             "Okoro, Thursday at 15:40 with Dr Lewis, or Friday 18 October at 9:00 with Dr Okoro. Which "
             "would you like?",
             before=[tool_span("find_patient", {"date_of_birth": "1986-08-12", "postcode": "GL50 2JH"},
                               patient),
                     tool_span("find_slots", {"clinician": "gp", "reason": "rash on arm for three weeks"},
                               slots)],
             context=[_tool_msg("find_patient", patient), _tool_msg("find_slots", slots)])
    chat.say("Thursday 10:20 please",
             "I'm sorry, I couldn't reach the appointment booking system just now, so the 10:20 with Dr "
             "Okoro isn't booked yet. Could you try again in a few minutes?", **book())
    chat.say("Tried again, can you book the 10:20 now?",
             "Sorry, Hannah, I still can't get through to the booking system, so nothing has been booked. "
             "Reception can book the 10:20 for you on 01242 500600 from 8am.", **book())
    chat.say("Ok, I'll ring them. Thanks anyway",
             "Thank you, and sorry for the trouble. If the rash spreads quickly or you feel unwell, call "
             "111.")
    return EvalCase(
        "GP surgery assistant cannot reach the booking service and says so; its URL defaults to localhost",
        "tool_failure", _wrap(with_attributes(chat.turns, "openinference"), "POST /patient/chat"), root=3,
        symptom=3, app="f7_gpsurgery", code=("gpsurgery/appointments.py", 'os.environ.get("GP_BOOKING_URL"'),
        instrumentation="openinference, wrapper root", tags=["fresh7", "class-4", "admitted", "stacktrace"],
    )


def _boxoffice_seat_labels() -> EvalCase:
    system = _prompt(BOXOFFICE, "boxoffice/prompts.py")
    chat = _Chat(system, _genai_call, call_name="chat gpt-4o-mini", root_name="box_office_turn")
    message = "invalid literal for int() with base 10: 'F12'"
    stack = _traceback([
        OTEL_WRAPPER,
        _frame(BOXOFFICE, "boxoffice/seating.py", '"seats": [int(seat) for seat in seats]', "hold_seats"),
    ], f"ValueError: {message}\n")
    performances = {"show": "Hamlet", "date": "2024-11-09", "performances": [
        {"performance_id": "HAM-20241109-1430", "time": "14:30",
         "available": {"stalls": ["F12", "F13", "J4", "J5"], "circle": ["B1", "B2"]}},
        {"performance_id": "HAM-20241109-1930", "time": "19:30",
         "available": {"stalls": ["F11", "F12", "F13", "K4", "K5"], "circle": ["C7"]}}],
        "prices": {"stalls": 32.0, "circle": 26.0}}
    chat.say("Hi, have you got any seats left for Hamlet on Saturday 9 November?",
             "Yes! On Saturday 9 November the 7:30pm performance has stalls seats F11, F12, F13, K4 and K5 "
             "(£32 each) and circle seat C7 (£26). The 2:30pm matinee has stalls F12, F13, J4 and J5, and "
             "circle B1 and B2.",
             before=[tool_span("seat_map", {"show": "Hamlet", "date": "2024-11-09"}, performances)],
             context=[_tool_msg("seat_map", performances)])

    def hold(user: str, performance: str, call_id: str, reply: str) -> None:
        args = {"performance_id": performance, "seats": ["F12", "F13"]}
        call = _call(call_id, "hold_seats", args)
        request = _genai_tool_request([{"role": "system", "content": system}, *chat.history,
                                       {"role": "user", "content": user}], [call])
        span = tool_span("hold_seats", args, error=message, error_type="ValueError")
        span["stacktrace"] = stack
        chat.say(user, reply, before=[request, span],
                 context=[_asked(call), _answered(call, {"error": message})])

    hold("Two together in the stalls for the evening please, F12 and F13", "HAM-20241109-1930", "call_h1",
         "I'm sorry, I wasn't able to hold F12 and F13 for the evening performance. The hold didn't go "
         "through on our system, so nothing is reserved and you haven't been charged. Shall I try again, or "
         "try other seats?")
    hold("Try the matinee then, same seats", "HAM-20241109-1430", "call_h2",
         "Sorry, that didn't work either: I couldn't hold F12 and F13 for the 2:30pm matinee, so there's "
         "still nothing reserved.")
    chat.say("Is your system broken? I'll just ring the box office",
             "It looks like seat holds aren't working from here at the moment, sorry. The box office is on "
             "01225 448800, open 10am to 6pm, and they can book F12 and F13 for you directly.")
    return EvalCase(
        "theatre assistant cannot hold seats and says so; the hold converts seat labels like F12 to integers",
        "tool_failure", with_attributes(chat.turns, "otel_genai"), root=2, symptom=2, app="f7_boxoffice",
        code=("boxoffice/seating.py", '"seats": [int(seat) for seat in seats]'),
        instrumentation="otel_genai", tags=["fresh7", "class-4", "admitted", "stacktrace"],
    )



# --- class 5: structural faults ---------------------------------------------------------------

PLAN_CUT = (
    "Year 8 Geography: Coastal erosion at Holderness (60 minutes)\n\nLearning objectives\n- Describe the "
    "four processes of coastal erosion: hydraulic action, abrasion, attrition and solution.\n- Explain why "
    "the Holderness coast is one of the fastest-eroding coastlines in Europe.\n- Weigh up whether the coast "
    "should be protected.\n\nStarter (5 min): Show the photo of the collapsed clifftop road at Skipsea. "
    "Students write three questions the photo raises; take two or three answers.\n\nActivity 1 (10 min): "
    "Teach the four erosion processes with the diagrams on slide 3. Students do a matching card sort in "
    "pairs. Support: picture cards. Stretch: add a UK example of each process.\n\nActivity 2 (12 min): Show "
    "the 4-minute BBC Bitesize clip on Holderness. Students fill in the note frame: rock type (boulder "
    "clay), rate of erosion (about 2 metres a year), causes, and effects on people. Support: partly "
    "completed frame. Stretch: explain why boulder clay erodes faster than the chalk at Flamborough "
    "Head.\n\nActivity 3 (15 min): Decision-making task. Students work in pairs as East Riding councillors "
    "deciding whether to protect Mappleton, Skipsea or neither, using the fact sheets on cost, number of "
    "homes and the effect of groynes further down the coast. Each pair"
)


def _lessonplans_cut_plan() -> EvalCase:
    chat = _Chat(_prompt(LESSONPLANS, "lessonplans/prompts.py"), _openai_call, call_name="Completions",
                 root_name="plan_chat")
    chat.say("Can you plan me a 60 minute Year 8 geography lesson on coastal erosion? Mixed ability, 28 in "
             "the class.",
             "Happy to! Would you like a particular stretch of coastline as the case study, and would you "
             "like a practical activity or a short video in it?")
    chat.say("Holderness as the case study, and a short video would be good. Please include a plenary and "
             "homework.", PLAN_CUT)
    chat.say("Thanks! Could you do me a worksheet for activity 2?",
             "Activity 2 worksheet: Holderness coast\n\n1. What type of rock is the Holderness coast made "
             "of?\n2. About how fast is the coast eroding each year?\n3. Name two causes of the erosion.\n4. "
             "Name two effects on people living there.\n5. Stretch: why does boulder clay erode faster than "
             "chalk?")
    chat.say("Just printing this for period 2 and the plan stops dead in the middle of activity 3, 'Each "
             "pair'. There's no plenary or homework anywhere. Can I have the rest?",
             "Sorry about that! Here's the rest from Activity 3: each pair presents its decision in one "
             "sentence, then the class votes.\n\nPlenary (8 min): Students write a 'postcard from 2050' from "
             "Skipsea explaining what happened to the coast and why.\n\nHomework: Write a 150-word letter to "
             "the East Riding council arguing for or against protecting Skipsea, using two facts from today.")
    chat.say("Got it, thanks, that'll do", "Good luck with period 2!")
    for i, turn in enumerate(chat.turns, 1):
        call = turn["root"]["children"][-1]
        call["inputs"].update(temperature=0.5, max_tokens=450)
        if i == 2:
            call["outputs"]["choices"][0]["finish_reason"] = "length"
            call["outputs"]["usage"]["completion_tokens"] = 450
    return EvalCase(
        "lesson plan is cut off at the token limit before the plenary; the teacher finds out while printing",
        "reply_truncated", _inputs(chat.turns, teacher_id="T-1187", thread_id="th-6b20e"), root=2, symptom=4,
        app="f7_lessonplans", code=("lessonplans/planner.py", "max_tokens=450"),
        instrumentation="mlflow", tags=["fresh7", "class-5", "truncation"],
    )


def _loanapply_status_loop() -> EvalCase:
    system = _prompt(LOANAPPLY, "loanapply/prompts.py")
    status = {"application_id": "CL-2024-118734", "product": "car loan", "status": "in_review",
              "stage": "affordability", "updated": "2024-10-15T09:12:41Z"}
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def turn(user: str, reply: str, *, loop: bool) -> None:
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user}]
        children: list[Span] = []
        if loop:
            for step in range(6):
                call = _call(f"call_{len(turns)}{step}s", "check_application",
                             {"application_id": "CL-2024-118734"})
                children.append(_openai_tool_request(list(messages), [call]))
                children.append(tool_span("check_application", {"application_id": "CL-2024-118734"}, status))
                messages += [_asked(call), _answered(call, status)]
        children.append(_openai_call(messages, reply, name="Completions", model="gpt-4o-mini"))
        turns.append(chat_turn(user, reply, root_name="loan_assistant", children=children,
                               inputs={"customer_id": "FB-2271904", "conversation_id": "cv-0e8813",
                                       "text": user}))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": reply}])

    turn("Hi, I applied for a car loan on Monday, reference CL-2024-118734. Any news yet?",
         "Your application CL-2024-118734 is still in review at the affordability stage. Is there anything "
         "else I can help with while you wait?", loop=True)
    turn("What do they look at in affordability?",
         "They compare your income with your regular outgoings and existing credit, using a credit search "
         "and sometimes your bank statements, to check the repayments will be comfortable. They may ask for "
         "a recent payslip.", loop=False)
    turn("Ok. Could you check it once more? The dealer wants to know by this afternoon.",
         "It's still in review at the affordability stage, last updated at 9:12 this morning. I'm afraid I "
         "can't speed it up from here.", loop=True)
    turn("That took well over a minute to come back with the same answer as before. Is it actually checking "
         "anything or just hanging?",
         "Sorry for the wait. The status is still 'in review' at the affordability stage. You'll get an "
         "email and a text as soon as there's a decision, usually within 2 to 3 working days of applying.",
         loop=False)
    return EvalCase(
        "loan assistant polls the same application status six times a turn because the prompt says to wait "
        "for a decision",
        "tool_loop", turns, root=1, symptom=4, app="f7_loanapply",
        code=("loanapply/prompts.py", "call check_application again until there is a decision"),
        instrumentation="mlflow", tags=["fresh7", "class-5", "tool_loop"],
    )


def _fxbureau_fallback_rate() -> EvalCase:
    system = _prompt(FXBUREAU, "fxbureau/handler.py", "SYSTEM")
    chat = _Chat(system, _openai_call, call_name="Completions", root_name="travel_money_chat")
    message = ("HTTPSConnectionPool(host='rates.harbourfx.example', port=443): Max retries exceeded with "
               "url: /v1/sell/GBPEUR (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection "
               "object at 0x7f3a2c1d5e50>, 'Connection to rates.harbourfx.example timed out. (connect "
               "timeout=2)'))")
    stack = _traceback([
        _frame(FXBUREAU, "fxbureau/rates.py", 'resp = requests.get(f"{RATES_API}/sell/GBP{currency}"',
               "get_rate"),
        _lib("requests/api.py", 73, "get", 'return request("get", url, params=params, **kwargs)'),
        _lib("requests/sessions.py", 703, "send", "r = adapter.send(request, **kwargs)"),
        _lib("requests/adapters.py", 688, "send", "raise ConnectTimeout(e, request=request)"),
    ], f"requests.exceptions.ConnectTimeout: {message}\n")
    fallback = {"pair": "GBPEUR", "rate": 1.165}
    rate = {"name": "get_rate", "type": "TOOL", "inputs": {"currency": "EUR"}, "outputs": fallback,
            "events": [{"name": "exception", "attributes": {
                "exception.type": "requests.exceptions.ConnectTimeout", "exception.message": message,
                "exception.stacktrace": stack, "exception.escaped": "False"}}]}
    chat.say("Hi, what's your euro rate today? I want about £600 worth for Portugal next week.",
             "Today's euro rate is 1.1650, so £600 gets you €699.00. You can reserve it here and collect "
             "from any of our branches.", before=[rate], context=[_tool_msg("get_rate", fallback)])
    args = {"currency": "EUR", "gbp": 600, "rate": 1.165, "branch": "Gloucester Road",
            "collect_on": "2024-05-16"}
    reserved = {"reservation": "HFX-88102", "status": "reserved", "collect_on": "2024-05-16",
                "branch": "Gloucester Road, Bristol BS7 8NU"}
    chat.say("Can I collect from the Gloucester Road branch on Thursday?",
             "Reserved: €699.00 for £600, reference HFX-88102, ready to collect at our Gloucester Road "
             "branch from 10am on Thursday 16 May. You pay when you collect.",
             before=[tool_span("reserve_currency", args, reserved)],
             context=[_tool_msg("reserve_currency", reserved)])
    chat.say("Do I need ID to collect?",
             "Yes, please bring photo ID (passport or driving licence) and your reference HFX-88102. The "
             "card you pay with must be in your name.")
    chat.say("At the counter now. The cashier says £600 gets me €685.20 at today's rate, and the board "
             "behind her says 1.1420. So where did 1.165 come from?",
             "I'm sorry. The branch is right: today's euro rate is 1.1420, so £600 gets you €685.20. The "
             "1.1650 I quoted wasn't today's rate. You can still change a different amount at the counter if "
             "you'd like.")
    chat.say("Fine, I'll take the 685", "Thank you, and enjoy Portugal!")
    return EvalCase(
        "travel money bot quotes a hard-coded fallback euro rate after the rates feed timed out inside an OK "
        "span",
        "silent_fallback", with_attributes(chat.turns, "custom"), root=1, symptom=4, app="f7_fxbureau",
        code=("fxbureau/rates.py", 'return {"pair": f"GBP{currency}", "rate": FALLBACK_RATES[currency]}'),
        instrumentation="custom keys", tags=["fresh7", "class-5", "silent_fallback", "stacktrace"],
    )


def _cinema_nephews_age() -> EvalCase:
    system = _prompt(CINEMA, "cinema/bot.py", "SYSTEM")
    booking: dict[str, Any] = {"tickets": None}

    def keep(history: list[Msg], _user: str) -> list[Msg]:
        return [{"role": "system", "content": "Booking: " + json.dumps(booking)}, *history]

    chat = _Chat(system, _legacy_call, call_name="openai.chat", root_name="roxy_chat.workflow", keep=keep)

    def state(text: str) -> Span:
        count = re.search(r"\b(\d{1,2})\b", text.lower())
        if count:
            booking["tickets"] = int(count.group(1))
        return {"name": "update_booking_state.task", "type": "UNKNOWN",
                "inputs": {"session": "roxy-5521a", "text": text}, "outputs": dict(booking)}

    q1 = "Hi, can I get tickets for The Wild Robot on Saturday afternoon? There's 3 of us"
    shows = {"film": "The Wild Robot", "date": "2024-10-19", "showings": [
        {"showing_id": "WR-1019-1310", "time": "13:10", "screen": "Screen 2"},
        {"showing_id": "WR-1019-1540", "time": "15:40", "screen": "Screen 1"}]}
    chat.say(q1, "The Wild Robot is showing on Saturday 19 October at 1:10pm in Screen 2 and at 3:40pm in "
                 "Screen 1. Which would you like?",
             before=[state(q1), tool_span("showtimes.tool", {"film": "The Wild Robot", "date": "2024-10-19"},
                                          shows)],
             context=[_tool_msg("showtimes", shows)])
    q2 = "The earlier one please"
    chat.say(q2, "Lovely, the 1:10pm showing in Screen 2. Shall I go ahead and book it?", before=[state(q2)])
    q3 = "Before I do, is it OK for a 12 year old? My nephew's coming and he gets a bit upset at sad films"
    chat.say(q3, "It's rated PG. There are a couple of sad moments, including a scene where a character "
                 "dies, but it's gentle overall and has a hopeful ending. Most 12-year-olds are fine with "
                 "it.",
             before=[state(q3)])
    q4 = "Ok great, book them please"
    spans = [state(q4)]
    args = {"showing_id": "WR-1019-1310", "tickets": 12}
    booked = {"booking_ref": "RX-44120", "tickets": 12, "seats": "F1-F12", "total": 102.0}
    call = _call("call_bs1", "book_seats", args)
    request = _legacy_tool_request([{"role": "system", "content": system}, *keep(chat.history, q4),
                                    {"role": "user", "content": q4}], call)
    chat.say(q4, "Booked! 12 tickets for The Wild Robot on Saturday 19 October at 1:10pm in Screen 2, seats "
                 "F1 to F12. £102.00 has been charged to your saved card; your reference is RX-44120.",
             before=[*spans, request, tool_span("book_seats.tool", args, booked)],
             context=[_asked(call), _answered(call, booked)])
    q5 = "12?! There are three of us, me, my son and my nephew. Why have I paid £102?"
    chat.say(q5, "I'm so sorry, the booking went through for 12 tickets instead of 3. I can't change a paid "
             "booking from here, but the box office can refund the 9 extra tickets (£76.50) and keep "
             "seats F1 to F3 for you: call 01422 842846, or ask at the kiosk on Saturday.",
             before=[state(q5)])
    q6 = "Ok, I'll ring them now"
    chat.say(q6, "Thank you, and sorry again for the trouble. Quote reference RX-44120 when you call.",
             before=[state(q6)])
    return EvalCase(
        "cinema bot's booking state takes the nephew's age as the ticket count; twelve seats are charged",
        "state_corruption", with_attributes(chat.turns, "otel_genai_legacy"), root=3, symptom=5,
        app="f7_cinema",
        code=("cinema/state.py", 'state["tickets"] = int(count.group(1))'),
        instrumentation="otel_genai_legacy", tags=["fresh7", "class-5", "state_overwrite"],
    )


# --- class 6: a stale source named by its loader ----------------------------------------------


def _policy(name: str, section: str, text: str) -> dict[str, Any]:
    return {"id": f"{name}#{section.lower().replace(' ', '-')}", "content": f"## {section}\n{text}",
            "metadata": {"source": f"policies/{name}", "section": section}}


MATERNITY_2019 = _policy("parental-leave-2019.md", "Enhanced maternity pay", (
    "Employees with 26 weeks' continuous service by the 15th week before the expected week of childbirth "
    "receive 12 weeks at full pay, followed by 27 weeks of Statutory Maternity Pay. Employees with less "
    "service receive Statutory Maternity Pay only."))
KIT_2019 = _policy("parental-leave-2019.md", "Keeping in touch days", (
    "You may work up to 10 keeping in touch (KIT) days during maternity leave without ending your leave. KIT "
    "days are paid at your normal daily rate and must be agreed with your line manager."))
NOTICE_2024 = _policy("staff-handbook-2024.md", "Telling us you're pregnant", (
    "Tell your line manager and the People team by the end of the 15th week before your baby is due, and "
    "send your MATB1 form as soon as your midwife gives it to you. Handbook effective 1 April 2024."))
RETURN_2024 = _policy("hybrid-working-2024.md", "Returning from family leave", (
    "You return on your usual hybrid pattern. You can ask for a phased return over up to four weeks, using "
    "annual leave or unpaid leave for the days you don't work. Policy effective 1 April 2024."))


def _hrpolicy_maternity_2019() -> EvalCase:
    chat = _Chat(_prompt(HRPOLICY, "hrpolicy/bot.py", "SYSTEM"), _openai_call, call_name="Completions",
                 root_name="policy_answer", model="gpt-4o")

    def say(user: str, reply: str, docs: list[dict[str, Any]]) -> None:
        extracts = {"role": "system",
                    "content": "Policy extracts:\n\n" + "\n\n".join(d["content"] for d in docs)}
        chat.say(user, reply, before=[retriever_span("retrieve_policies", user, docs)], context=[extracts])

    say("Hi, I'm pregnant (due in March!) and trying to plan ahead. What maternity pay does Pennine Water "
        "give?",
        "Congratulations! If you have 26 weeks' service by the 15th week before your due date, you get 12 "
        "weeks at full pay, followed by 27 weeks of Statutory Maternity Pay. (Source: Parental leave policy)",
        [MATERNITY_2019, NOTICE_2024])
    say("When do I need to tell my manager by?",
        "By the end of the 15th week before your due date, so for a March due date that's around late "
        "November. Tell your line manager and the People team, and send your MATB1 form once your midwife "
        "gives it to you. (Source: Staff handbook)", [NOTICE_2024, MATERNITY_2019])
    say("Can I do a few days in while I'm off, to keep up with things?",
        "Yes: you can work up to 10 keeping in touch (KIT) days, paid at your normal daily rate, as agreed "
        "with your line manager. (Source: Parental leave policy)", [KIT_2019, NOTICE_2024])
    say("And when I come back, can I go straight back to hybrid?",
        "Yes. You return on your usual hybrid pattern, and you can ask for a phased return over up to four "
        "weeks. (Source: Hybrid working policy)", [RETURN_2024, KIT_2019])
    say("Payroll have just sent me my maternity pay estimate and it says 26 weeks at full pay, then 13 weeks "
        "statutory. That's quite different from the 12 weeks you gave me. Which one's right?",
        "Thanks for checking with payroll. Their estimate is what you'll be paid: 26 weeks at full pay, then "
        "13 weeks of Statutory Maternity Pay. The 12 weeks I quoted came from an older version of the "
        "parental leave policy. Sorry for the confusion.", [MATERNITY_2019, NOTICE_2024])
    say("ok, good news then! thanks", "It is! Congratulations again, and ask me anytime.",
        [NOTICE_2024, KIT_2019])
    return EvalCase(
        "HR bot quotes maternity pay from a 2019 policy indexed beside the 2024 handbook; payroll's letter "
        "differs",
        "outdated_retrieval", _inputs(chat.turns, conversation="19:8f0c2e@thread.v2"), root=1, symptom=5,
        app="f7_hrpolicy", code=("hrpolicy/index.py", '"parental-leave-2019.md",'),
        instrumentation="mlflow", tags=["fresh7", "class-6", "dated_source"],
    )


def _hall(source: str, row: int, text: str) -> dict[str, Any]:
    return {"id": f"{source}:{row}" if row else source, "content": text,
            "metadata": {"source": f"/srv/halls/data/{source}", **({"row": row} if row else {})}}


HALLS_WHERE = _hall("halls-guide-2024-25.md", 0, (
    "# Halls guide 2024/25\n## Where our halls are\nBrunswick Court (en-suite, 412 rooms) is a 5-minute walk "
    "from the Engineering and Physical Sciences building. Mill Lane (en-suite and studios, 260 rooms) is 10 "
    "minutes away along the canal. Hatherley Park (shared bathrooms, catered) is on Park campus, 25 minutes "
    "by the U1 bus."))
HALLS_INCLUDED = _hall("halls-guide-2024-25.md", 0, (
    "## What's included\nAll rents include electricity, heating, water, Wi-Fi (up to 500 Mbps) and contents "
    "insurance. There is no deposit for university halls."))
HALLS_PAYING = _hall("contracts-and-deposits-2024-25.md", 0, (
    "## Room offers and paying rent\nRoom offers for 2024/25 are sent from mid-August once your place is "
    "confirmed, and must be accepted online within 7 days. Rent is paid in three instalments: October, "
    "January and April."))
RENT_BRUNSWICK = _hall("rents-2022-23.csv", 3, (
    "hall: Brunswick Court\nroom: En-suite\ncontract_weeks: 40\nweekly_rent_gbp: 148\nbills_included: yes"))
RENT_MILL = _hall("rents-2022-23.csv", 7, (
    "hall: Mill Lane\nroom: En-suite\ncontract_weeks: 42\nweekly_rent_gbp: 139\nbills_included: yes"))


def _halls_old_rents() -> EvalCase:
    chat = _Chat(_prompt(HALLS, "halls/server.py", "SYSTEM"), _oi_call, call_name="ChatCompletion",
                 root_name="halls_assistant")

    def say(user: str, reply: str, docs: list[dict[str, Any]]) -> None:
        chat.say(user, reply, before=[retriever_span("BM25Retriever", user, docs)], context=[_docs_msg(docs)])

    say("Hi, I'm starting Mechanical Engineering in September. Which halls are closest to the engineering "
        "building?",
        "Brunswick Court is the closest: a 5-minute walk from the Engineering and Physical Sciences "
        "building, and all its rooms are en-suite. Mill Lane is about 10 minutes away along the canal.",
        [HALLS_WHERE, HALLS_PAYING])
    say("How much is an en-suite at Brunswick Court?",
        "An en-suite at Brunswick Court is £148 a week on a 40-week contract, £5,920 for the year, with "
        "bills included.", [RENT_BRUNSWICK, HALLS_WHERE])
    say("And Mill Lane?",
        "A Mill Lane en-suite is £139 a week on a 42-week contract, £5,838 for the year, also with bills "
        "included.", [RENT_MILL, HALLS_WHERE])
    say("What's included in the rent?",
        "All rents include electricity, heating, water, Wi-Fi up to 500 Mbps and contents insurance, and "
        "there's no deposit for university halls.", [HALLS_INCLUDED, HALLS_PAYING])
    say("I've put Brunswick Court as my first choice then. When will I hear back?",
        "Room offers go out from mid-August once your place is confirmed, and you'll have 7 days to accept "
        "yours online.", [HALLS_PAYING, HALLS_WHERE])
    say("Just got my room offer for Brunswick Court and it says £172 a week for 2024/25. That's nearly a "
        "thousand pounds more over the year than you told me. Was the £148 wrong?",
        "I'm sorry. The rent in your offer is the right one for 2024/25; the £148 I gave you came from an "
        "older rent list. Your offer letter shows the full cost and the instalment dates.",
        [RENT_BRUNSWICK, HALLS_PAYING])
    say("Is Mill Lane still £139 then or has that gone up too?",
        "The only Mill Lane figure I have is the older £139, so it has probably gone up too. The current "
        "rents are on the accommodation portal under 'Halls and prices'.", [RENT_MILL, HALLS_WHERE])
    return EvalCase(
        "halls assistant quotes rents from a 2022-23 price list loaded beside the 2024-25 guide; the offer "
        "says £172",
        "outdated_retrieval", _wrap(with_attributes(chat.turns, "openinference"), "POST /accommodation/ask"),
        root=2, symptom=6, app="f7_halls", code=("halls/knowledge.py", "rents-2022-23.csv"),
        instrumentation="openinference, wrapper root", tags=["fresh7", "class-6", "data_source"],
    )



# --- healthy look-alikes ------------------------------------------------------------------------


def _driving_own_typo() -> EvalCase:
    chat = _Chat("You are the booking assistant for Clearway Driving School in Bradford. Book lessons with "
                 "lesson_slots and book_lessons. Lessons are 2 hours, 38 GBP each.",
                 _openai_call, call_name="Completions", root_name="clearway_chat")
    late = {"instructor": "Gary", "week_of": "2024-11-04",
            "free": ["2024-11-05T16:00", "2024-11-07T10:00", "2024-11-08T14:00"]}
    chat.say("Hi, my driving test is on 14 November at Heaton and I'd like two refresher lessons the week "
             "before.",
             "Happy to help you get ready! In the week of 4 November, Gary has Tuesday 5th at 4pm, Thursday "
             "7th at 10am and Friday 8th at 2pm. Which two would you like?",
             before=[tool_span("lesson_slots", {"week_of": "2024-11-04"}, late)],
             context=[_tool_msg("lesson_slots", late)])
    early = {"instructor": "Gary", "week_of": "2024-10-28",
             "free": ["2024-10-28T17:00", "2024-10-30T09:00", "2024-10-31T16:00"]}
    chat.say("Sorry, typo! My test is on the 4th of November, not the 14th. So the week before that please.",
             "No problem! In the week of 28 October, Gary has Monday 28th at 5pm, Wednesday 30th at 9am and "
             "Thursday 31st at 4pm. Which two would you like?",
             before=[tool_span("lesson_slots", {"week_of": "2024-10-28"}, early)],
             context=[_tool_msg("lesson_slots", early)])
    booked = {"bookings": ["CW-30917", "CW-30918"], "total": 76.0}
    chat.say("Wednesday and Thursday please",
             "Booked with Gary: Wednesday 30 October at 9am and Thursday 31 October at 4pm, 2 hours each, "
             "£76 in total (references CW-30917 and CW-30918). He'll pick you up from home as usual.",
             before=[tool_span("book_lessons", {"starts": ["2024-10-30T09:00", "2024-10-31T16:00"]}, booked)],
             context=[_tool_msg("book_lessons", booked)])
    chat.say("Perfect, thank you!", "Good luck on the 4th!")
    return EvalCase("healthy: learner corrects their own typo in the test date", None, chat.turns,
                    instrumentation="mlflow", tags=["fresh7", "healthy", "own_correction"])


def _bikeshop_no_thanks() -> EvalCase:
    chat = _Chat("You are the workshop assistant for Spokes & Sprockets in Norwich. Book services with "
                 "workshop_slots and book_service. Offer the Ride Care plan once per booking.",
                 _genai_call, call_name="chat gpt-4o-mini", root_name="workshop_chat")
    slots = {"service": "full", "free": ["2024-05-11T09:00", "2024-05-14T08:30"]}
    chat.say("Hi, can I book my bike in for a full service? It's a Trek FX 2 hybrid.",
             "Of course! A full service is £75 and takes up to two working days. The next drop-off slots are "
             "Saturday 11 May at 9am or Tuesday 14 May at 8:30am.",
             before=[tool_span("workshop_slots", {"service": "full"}, slots)],
             context=[_tool_msg("workshop_slots", slots)])
    booked = {"job": "SS-4410", "drop_off": "2024-05-11T09:00", "price": 75.0}
    chat.say("Saturday at 9 is great",
             "You're booked in: job SS-4410, drop-off Saturday 11 May at 9am, £75. Would you like to add our "
             "Ride Care plan for £5 a month? It includes two free safety checks a year and 10% off parts.",
             before=[tool_span("book_service", {"bike": "Trek FX 2", "service": "full",
                                                "drop_off": "2024-05-11T09:00"}, booked)],
             context=[_tool_msg("book_service", booked)])
    chat.say("No, thanks, just the service", "No problem at all. See you on Saturday!")
    chat.say("Do I need to clean it before I bring it in?",
             "No need, cleaning is part of the full service. Just take off any bags or lights you want to "
             "keep with you.")
    chat.say("Great, see you Saturday", "See you then!")
    return EvalCase("healthy: cyclist politely says 'no, thanks' to an add-on plan", None,
                    with_attributes(chat.turns, "otel_genai"), instrumentation="otel_genai",
                    tags=["fresh7", "healthy", "closing_no"])


def _pharmacy_retry() -> EvalCase:
    chat = _Chat("You are the assistant for Greenway Pharmacy. Check repeat prescriptions with "
                 "prescription_status.", _oi_call, call_name="ChatCompletion", root_name="pharmacy_chat")
    args = {"nhs_number": "9434765919"}
    ready = {"status": "ready", "items": ["Sertraline 50mg tablets x 28", "Omeprazole 20mg capsules x 28"],
             "branch": "Greenway Pharmacy, Kings Heath", "ready_since": "2024-09-10T14:20"}
    chat.say("Hi, is my repeat prescription ready yet? NHS number 943 476 5919",
             "Yes, it's ready to collect at Greenway Pharmacy, Kings Heath: Sertraline 50mg tablets (28) and "
             "Omeprazole 20mg capsules (28). It's been ready since 2:20pm today.",
             before=[tool_span("prescription_status", args, error="Read timed out. (read timeout=5)",
                               error_type="requests.exceptions.ReadTimeout"),
                     tool_span("prescription_status", args, ready)],
             context=[_tool_msg("prescription_status", ready)])
    chat.say("Can my partner pick it up for me?",
             "Yes. They'll need to give your name, address and date of birth at the counter.")
    chat.say("Lovely, what time do you close?", "We're open until 6:30pm today, Monday to Friday.")
    chat.say("Thanks, he'll be there by 5", "Great, it'll be waiting for him.")
    return EvalCase("healthy: prescription lookup times out once and the retry succeeds", None,
                    with_attributes(chat.turns, "openinference"), instrumentation="openinference",
                    tags=["fresh7", "healthy", "retried_tool"])


def _leisure_asked_twice() -> EvalCase:
    chat = _Chat("You are the assistant for Riverside Leisure Centre. Answer from the timetable.",
                 _legacy_call, call_name="openai.chat", root_name="leisure_chat.workflow")
    sunday = {"day": "Sunday", "opens": "08:00", "closes": "16:00",
              "sessions": [{"name": "Lane swimming", "start": "08:00", "end": "10:00"},
                           {"name": "Family fun swim", "start": "13:00", "end": "15:00"}]}
    chat.say("What time does the pool open on Sunday?",
             "On Sunday the pool opens at 8am and closes at 4pm. Lane swimming runs from 8 to 10am.",
             before=[tool_span("timetable.tool", {"day": "Sunday"}, sunday)],
             context=[_tool_msg("timetable", sunday)])
    chat.say("Is there a family swim too? Kids are 6 and 9",
             "Yes, the family fun swim is 1pm to 3pm on Sunday, with floats and the inflatable out. Children "
             "under 8 need an adult in the water with them.")
    chat.say("Sorry, what time did you say it opens on Sunday? My husband's asking, he wants to do some "
             "lengths before the family session",
             "It opens at 8am on Sunday, and lane swimming runs from 8 to 10am, so he'll have plenty of time "
             "before the family swim at 1pm.")
    chat.say("Perfect, thanks!", "Have a lovely swim!")
    return EvalCase("healthy: the same question asked twice for someone else", None,
                    with_attributes(chat.turns, "otel_genai_legacy"), instrumentation="otel_genai_legacy",
                    tags=["fresh7", "healthy", "repeat_question"])


def _nursery_long_templates() -> EvalCase:
    template = ("Added {qty} x {plant} ({pot}) at £{price:.2f} each, £{line:.2f}. Your basket now has "
                "{items} plants, £{total:.2f} in total. Orders over £50 get free delivery; otherwise "
                "delivery is £6.95. Reply with another plant, or say 'checkout' when you're done.")
    turns: list[dict[str, Any]] = []
    items, total = 0, 0.0
    for text, qty, plant, pot, price in [
        ("3 of the Hidcote lavender please, the 2 litre ones", 3, "Lavandula angustifolia 'Hidcote'",
         "2L pot", 6.99),
        ("2 x Salvia Caradonna", 2, "Salvia 'Caradonna'", "2L pot", 7.49),
        ("5 Geranium Rozanne in the 1L pots", 5, "Geranium 'Rozanne'", "1L pot", 5.25),
        ("and one Gertrude Jekyll rose", 1, "Rosa 'Gertrude Jekyll'", "4L pot", 19.99),
        ("4 catmint, Six Hills Giant", 4, "Nepeta 'Six Hills Giant'", "1L pot", 4.75),
    ]:
        line = round(qty * price, 2)
        items, total = items + qty, round(total + line, 2)
        reply = template.format(qty=qty, plant=plant, pot=pot, price=price, line=line, items=items,
                                total=total)
        turns.append(chat_turn(text, reply, root_name="basket_turn", children=[
            tool_span("add_to_basket", {"plant": plant, "pot": pot, "qty": qty},
                      {"line_total": line, "basket_items": items, "basket_total": total})]))
    done = (f"Your order of {items} plants comes to £{total:.2f} with free delivery. It will be dispatched "
            "on Monday and arrive within 3 working days, watered and wrapped.")
    turns.append(chat_turn("checkout", done, root_name="basket_turn", children=[
        tool_span("checkout", {"payment": "saved_card"}, {"order": "HN-70221", "total": total})]))
    return EvalCase("healthy: long, correct basket template replies at a plant nursery", None,
                    _wrap(with_attributes(turns, "custom"), "POST /shop/chat"),
                    instrumentation="custom keys, wrapper root", tags=["fresh7", "healthy", "templates"])


def cases() -> list[EvalCase]:
    return [
        _langtutor_toronto_time(),
        _swimschool_saturday_class(),
        _florist_large_bouquet(),
        _stocktake_locked_bay(),
        _timesheets_hours_minutes(),
        _removals_one_postcode(),
        _motcentre_first_mot(),
        _partyplanner_gluten_free(),
        _gpsurgery_booking_unreachable(),
        _boxoffice_seat_labels(),
        _lessonplans_cut_plan(),
        _loanapply_status_loop(),
        _fxbureau_fallback_rate(),
        _cinema_nephews_age(),
        _hrpolicy_maternity_2019(),
        _halls_old_rents(),
        _driving_own_typo(),
        _bikeshop_no_thanks(),
        _pharmacy_retry(),
        _leisure_asked_twice(),
        _nursery_long_templates(),
    ]
