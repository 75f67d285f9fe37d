"""Labelled sessions written as a fifth locked split (`fresh5`), now part of dev.

Written from the fault classes of the case brief alone, without running the engine on them and
without reading its code: pushback in ordinary words (class 1), a recorded failure among
near-identical template replies (class 2), a value or constraint lost turns before the complaint
(class 3), a failed step whose own reply admits it (class 4), structural faults (class 5), a stale
source named by its loader (class 6) and healthy look-alikes. Each faulty session has its own small
app; `code` names the line a developer would change. Apps are prefixed `f5_` so they never collide
with other splits' apps. Never scored while writing. Scored once as the engine stood (root 11/16,
healthy blamed 0/5, category 13/16, code 8/16), then moved to dev and tuned on.
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

TYREFIT = {
    "tyrefit/app.py": '''import os

import mlflow
from flask import Flask, jsonify, request

from tyrefit.assistant import tyre_chat

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("kerbside-tyres-assistant")
mlflow.openai.autolog()

app = Flask(__name__)


@app.post("/assistant/message")
def message():
    body = request.get_json(force=True)
    return jsonify({"reply": tyre_chat(body["visitor_id"], body["text"])})
''',
    "tyrefit/assistant.py": '''import json

import mlflow
from openai import OpenAI

from tyrefit.garage import TOOLS, call_tool
from tyrefit.prompts import SYSTEM_PROMPT

client = OpenAI()
HISTORY = {}


@mlflow.trace(name="tyre_chat")
def tyre_chat(visitor_id, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": visitor_id})
    history = HISTORY.setdefault(visitor_id, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    while True:
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
        if not msg.tool_calls:
            break
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = call_tool(call.function.name, json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content
''',
    "tyrefit/garage.py": '''import os

import mlflow
import requests

API = os.environ.get("GARAGE_API", "https://api.kerbsidetyres.example/v1")
HEADERS = {"X-Api-Key": os.environ.get("GARAGE_API_KEY", "")}


def _tool(name, description, **props):
    schema = {"type": "object", "properties": {k: {"type": v} for k, v in props.items()}}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": schema}}


TOOLS = [
    _tool("lookup_vehicle", "Make, model and fitted tyre sizes for a UK registration.", vrm="string"),
    _tool("stock_for_size", "Tyres in stock for a size, with fitted prices.", size="string"),
    _tool("available_slots", "Free fitting slots at a branch on a date.", branch="string", date="string"),
    _tool("book_fitting", "Book a fitting.", vrm="string", branch="string", slot="string", size="string",
          brand="string", pattern="string", qty="integer"),
    _tool("amend_booking", "Change the tyres on an existing booking.", booking_ref="string", size="string",
          pattern="string"),
]


@mlflow.trace(span_type="TOOL")
def lookup_vehicle(vrm):
    return requests.get(f"{API}/vehicles/{vrm}", headers=HEADERS, timeout=5).json()


@mlflow.trace(span_type="TOOL")
def stock_for_size(size):
    return requests.get(f"{API}/stock", params={"size": size}, headers=HEADERS, timeout=5).json()


@mlflow.trace(span_type="TOOL")
def available_slots(branch, date):
    url = f"{API}/branches/{branch}/slots"
    return requests.get(url, params={"date": date}, headers=HEADERS, timeout=5).json()


@mlflow.trace(span_type="TOOL")
def book_fitting(**booking):
    return requests.post(f"{API}/bookings", json=booking, headers=HEADERS, timeout=10).json()


@mlflow.trace(span_type="TOOL")
def amend_booking(booking_ref, **changes):
    return requests.patch(f"{API}/bookings/{booking_ref}", json=changes, headers=HEADERS, timeout=10).json()


def call_tool(name, args):
    return globals()[name](**args)
''',
    "tyrefit/prompts.py": '''SYSTEM_PROMPT = (
    "You are the online assistant for Kerbside Tyres, a mobile and in-branch tyre fitter in Sussex. "
    "Use lookup_vehicle on the registration to find the car. "
    "If the lookup has no tyre size, give the most common size for that model "
    "so the customer is not held up. "
    "Quote fitted prices from stock_for_size and book with book_fitting. Keep replies short."
)
''',
}

PARKPERMIT = {
    "parkpermit/server.py": '''import os

from fastapi import FastAPI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pydantic import BaseModel

from parkpermit.agent import permit_turn

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(os.environ["OTLP_ENDPOINT"])))
trace.set_tracer_provider(provider)
OpenAIInstrumentor().instrument(tracer_provider=provider)

app = FastAPI(title="Resident permits assistant")


class Incoming(BaseModel):
    resident_id: str
    chat_id: str
    text: str


@app.post("/permits/chat")
def chat(msg: Incoming):
    with using_session(msg.chat_id):
        return {"reply": permit_turn(msg.resident_id, msg.chat_id, msg.text)}
''',
    "parkpermit/agent.py": '''import json
import re

from openai import OpenAI
from opentelemetry import trace

from parkpermit.residents import issue_permit, load_resident, save_vehicle, zone_for

tracer = trace.get_tracer("parkpermit.agent")
client = OpenAI()
PLATE = re.compile(r"\\b([A-Z]{2}[0-9O]{2}\\s?[A-Z]{3})\\b", re.I)
SYSTEM = ("You are the city council's resident parking permit assistant. Use the resident record for "
          "vehicle and zone details. Check the address with zone_for before issuing with issue_permit. "
          "Permits are virtual and linked to the registration.")
TOOLS = [
    {"type": "function", "function": {"name": "zone_for", "parameters": {
        "type": "object", "properties": {"postcode": {"type": "string"}}, "required": ["postcode"]}}},
    {"type": "function", "function": {"name": "issue_permit", "parameters": {
        "type": "object", "properties": {"resident_id": {"type": "string"}, "zone": {"type": "string"},
                                         "months": {"type": "integer"}},
        "required": ["resident_id", "zone"]}}},
]
FUNCS = {"zone_for": zone_for, "issue_permit": issue_permit}
HISTORY = {}


@tracer.start_as_current_span("permit_turn")
def permit_turn(resident_id, chat_id, text):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", text)
    plate = PLATE.search(text)
    if plate:
        save_vehicle(resident_id, plate.group(1), text[plate.end():].strip(" ,."))
    history = HISTORY.setdefault(chat_id, [])
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "system", "content": "Resident record: " + json.dumps(load_resident(resident_id))},
                *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    while msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = FUNCS[call.function.name](**json.loads(call.function.arguments))
            content = json.dumps(result, default=str)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    span.set_attribute("output.value", msg.content)
    return msg.content
''',
    "parkpermit/residents.py": '''"""Resident records for the permit assistant (Postgres)."""

import os
from datetime import date

import psycopg
from opentelemetry import trace

tracer = trace.get_tracer("parkpermit.residents")
conn = psycopg.connect(os.environ["PERMITS_DSN"], autocommit=True)


def _compact(raw):
    return "".join(ch for ch in raw.upper() if ch.isalnum())


@tracer.start_as_current_span("save_vehicle")
def save_vehicle(resident_id, raw_vrm, description=""):
    # people type the letter O for a zero on plates, so store the digit
    vrm = _compact(raw_vrm).replace("O", "0")
    conn.execute("UPDATE residents SET vrm = %s, vehicle = %s WHERE id = %s", (vrm, description, resident_id))
    return {"resident_id": resident_id, "vrm": vrm, "vehicle": description}


def load_resident(resident_id):
    row = conn.execute("SELECT id, name, address, postcode, vrm, vehicle FROM residents WHERE id = %s",
                       (resident_id,)).fetchone()
    return dict(zip(("id", "name", "address", "postcode", "vrm", "vehicle"), row))


@tracer.start_as_current_span("zone_for")
def zone_for(postcode):
    row = conn.execute("SELECT zone FROM zone_postcodes WHERE postcode = %s", (postcode,)).fetchone()
    return {"zone": row[0] if row else None, "eligible": bool(row)}


@tracer.start_as_current_span("issue_permit")
def issue_permit(resident_id, zone, months=12):
    vrm = load_resident(resident_id)["vrm"]
    start = date.today()
    permit = conn.execute(
        "INSERT INTO permits (resident_id, vrm, zone, starts, months) "
        "VALUES (%s, %s, %s, %s, %s) RETURNING id",
        (resident_id, vrm, zone, start, months)).fetchone()[0]
    return {"permit_id": permit, "vrm": vrm, "zone": zone, "starts": start.isoformat()}
''',
}

GRIDPOWER = {
    "gridpower/service.py": '''from fastapi import FastAPI
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from pydantic import BaseModel

from gridpower.assistant import sparrow_reply

OpenAIInstrumentor().instrument()
app = FastAPI(title="Sparrow Energy assistant")


class Message(BaseModel):
    account: str
    conversation: str
    text: str


@app.post("/v2/assistant")
def assistant(msg: Message):
    return {"reply": sparrow_reply(msg.account, msg.conversation, msg.text)}
''',
    "gridpower/assistant.py": '''import json

import httpx
from openai import OpenAI
from opentelemetry import trace

from gridpower.prompts import SYSTEM_PROMPT

tracer = trace.get_tracer("gridpower")
client = OpenAI()
ACCOUNTS = "https://accounts.sparrow-energy.example/internal"
HISTORY = {}


@tracer.start_as_current_span("get_account")
def get_account(account):
    return httpx.get(f"{ACCOUNTS}/accounts/{account}/summary", timeout=5).json()


@tracer.start_as_current_span("sparrow_reply")
def sparrow_reply(account, conversation, text):
    span = trace.get_current_span()
    span.set_attribute("session.id", conversation)
    history = HISTORY.setdefault(conversation, [])
    summary = get_account(account)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": text},
                {"role": "tool", "name": "get_account", "content": json.dumps(summary)}]
    out = client.chat.completions.create(model="gpt-4o", messages=messages, temperature=0.3)
    reply = out.choices[0].message.content
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    return reply
''',
    "gridpower/prompts.py": '''SYSTEM_PROMPT = (
    "You are Sparrow, the customer assistant for Sparrow Energy, a UK electricity supplier. "
    "Use get_account for the customer's tariff, meter and payment details. "
    "The account API does not return unit rates, so quote unit rates and standing charges "
    "from your own knowledge of our price list. "
    "Keep answers short and friendly, and never tell customers to call us."
)
''',
}

REGISTRAR = {
    "registrar/handler.py": '''import mlflow

from registrar.enrol import reply_for

mlflow.set_experiment("registrar-bot")
mlflow.openai.autolog()


def lambda_handler(event, context):
    body = event["body"]
    with mlflow.start_span(name="registrar_turn") as span:
        mlflow.update_current_trace(metadata={"mlflow.trace.session": body["conversation_id"]})
        span.set_attribute("app.user_message", body["text"])
        reply = reply_for(body["student_id"], body["text"])
        span.set_attribute("app.bot_reply", reply)
    return {"statusCode": 200, "body": {"reply": reply}}
''',
    "registrar/enrol.py": '''import json
import logging
import re

import mlflow
import requests
from openai import OpenAI

from registrar.sis import add_module, catalogue_entry, current_modules

log = logging.getLogger(__name__)
client = OpenAI()

ENROLLED = "You're enrolled in {code} {title} ({credits} credits, {slot}). Anything else to add?"
MODULE_CODE = re.compile(r"\\b([A-Z]{2}\\d{4})\\b")
SYSTEM = ("You are the Registry's module enrolment assistant for undergraduates. Use the student's current "
          "enrolments to answer. To enrol, the student sends a module code.")


def reply_for(student_id, text):
    match = MODULE_CODE.search(text.upper())
    if match:
        return enrol(student_id, match.group(1))
    return answer_question(student_id, text)


@mlflow.trace(name="enrol")
def enrol(student_id, code):
    module = catalogue_entry(code)
    try:
        add_module(student_id, code)
    except requests.HTTPError as exc:
        log.warning("SIS rejected %s for %s: %s", code, student_id, exc)
    return ENROLLED.format(**module)


@mlflow.trace(name="answer_question")
def answer_question(student_id, text):
    modules = current_modules(student_id)
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "system", "content": "Current enrolments: " + json.dumps(modules)},
                {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0)
    return out.choices[0].message.content
''',
    "registrar/sis.py": '''import os

import mlflow
import requests

SIS = os.environ.get("SIS_URL", "https://sis.internal.example.ac.uk/api/v2")
session = requests.Session()
session.headers["Authorization"] = f"Bearer {os.environ.get('SIS_TOKEN', '')}"


@mlflow.trace(name="catalogue_entry", span_type="TOOL")
def catalogue_entry(code):
    return session.get(f"{SIS}/catalogue/{code}", timeout=5).json()


@mlflow.trace(name="add_module", span_type="TOOL")
def add_module(student_id, code):
    resp = session.post(f"{SIS}/students/{student_id}/enrolments", json={"module": code}, timeout=5)
    resp.raise_for_status()
    return resp.json()


@mlflow.trace(name="current_modules", span_type="TOOL")
def current_modules(student_id):
    return session.get(f"{SIS}/students/{student_id}/enrolments", params={"term": "S2"}, timeout=5).json()
''',
}

SKIPASS = {
    "skipass/api.py": '''import json

from fastapi import FastAPI
from openai import OpenAI
from openinference.instrumentation import using_session
from opentelemetry import trace
from pydantic import BaseModel

from skipass.basket import BASKETS, add_pass

tracer = trace.get_tracer("skipass")
client = OpenAI()
app = FastAPI(title="Lift pass helper")
EXTRACT = ("Extract the skier from the message as JSON: name, birth_date (YYYY-MM-DD or null), days, area. "
           "Reuse days and area from earlier skiers when the message says same pass. Return {} if no skier.")


class Turn(BaseModel):
    session: str
    text: str


@tracer.start_as_current_span("extract_skier")
def extract_skier(session, text):
    earlier = json.dumps(BASKETS.get(session, []))
    out = client.chat.completions.create(model="gpt-4o-mini", response_format={"type": "json_object"},
                                         messages=[{"role": "system", "content": EXTRACT},
                                                   {"role": "system", "content": "Basket: " + earlier},
                                                   {"role": "user", "content": text}])
    return json.loads(out.choices[0].message.content)


@app.post("/passes/chat")
def chat(turn: Turn):
    with using_session(turn.session), tracer.start_as_current_span("pass_assistant") as span:
        span.set_attribute("openinference.span.kind", "AGENT")
        span.set_attribute("input.value", turn.text)
        skier = extract_skier(turn.session, turn.text)
        if skier:
            reply = add_pass(BASKETS.setdefault(turn.session, []), skier)
        else:
            reply = answer(turn.session, turn.text)
        span.set_attribute("output.value", reply)
        return {"reply": reply}


def answer(session, text):
    messages = [{"role": "system", "content": "You help families buy lift passes. Basket: "
                 + json.dumps(BASKETS.get(session, []))}, {"role": "user", "content": text}]
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message.content
''',
    "skipass/basket.py": '''from datetime import date

from opentelemetry import trace

from skipass.pricing import PRICES, band_for_age

tracer = trace.get_tracer("skipass.basket")
SEASON_START = date(2024, 12, 7)
BASKETS = {}
ADDED = "Added a {days}-day {area} pass for {name} ({band}): EUR {price:.2f}. Basket total EUR {total:.2f}."


def age_on(day, born):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@tracer.start_as_current_span("add_pass")
def add_pass(basket, skier):
    born = date.fromisoformat(skier["birth_date"])
    band = band_for_age(age_on(SEASON_START, born))
    price = PRICES[skier["area"]][band][skier["days"]]
    basket.append({**skier, "band": band, "price": price})
    total = sum(item["price"] for item in basket)
    return ADDED.format(days=skier["days"], area=skier["area"], name=skier["name"], band=band, price=price,
                        total=total)
''',
    "skipass/pricing.py": '''# 2024/25 public prices in EUR, by area, age band and number of days.
PRICES = {
    "Paradiski": {
        "adult": {1: 74.0, 3: 212.0, 6: 389.0},
        "youth": {1: 63.0, 3: 180.0, 6: 331.0},
        "child": {1: 59.0, 3: 170.0, 6: 311.0},
        "under 5": {1: 0.0, 3: 0.0, 6: 0.0},
    },
    "La Plagne": {
        "adult": {1: 61.0, 3: 176.0, 6: 322.0},
        "youth": {1: 52.0, 3: 150.0, 6: 274.0},
        "child": {1: 49.0, 3: 141.0, 6: 258.0},
        "under 5": {1: 0.0, 3: 0.0, 6: 0.0},
    },
}


def band_for_age(age):
    if age < 5:
        return "under 5"
    if age < 13:
        return "child"
    if age < 18:
        return "youth"
    return "adult"
''',
}

TIMBERYARD = {
    "timberyard/chat.py": r'''import json

import requests
from flask import Flask, jsonify, request
from openai import OpenAI
from traceloop.sdk import Traceloop
from traceloop.sdk.decorators import tool, workflow

from timberyard.prompts import SYSTEM_PROMPT
from timberyard.quote import materials_for, parse_dimensions

Traceloop.init(app_name="timberyard-assistant")
client = OpenAI()
app = Flask(__name__)
YARD_API = "https://yard.aireborough-timber.example/api"
TOOLS = [{"type": "function", "function": {
    "name": "place_order", "description": "Place a delivery order for the customer's account.",
    "parameters": {"type": "object", "properties": {
        "lines": {"type": "array", "items": {"type": "object"}}, "delivery_date": {"type": "string"}},
        "required": ["lines", "delivery_date"]}}}]
HISTORY = {}


@tool(name="place_order")
def place_order(account, lines, delivery_date):
    body = {"account": account, "lines": lines, "delivery_date": delivery_date}
    return requests.post(f"{YARD_API}/orders", json=body, timeout=10).json()


@workflow(name="yard_chat")
def yard_chat(account, chat_id, text):
    history = HISTORY.setdefault(chat_id, [])
    extra = []
    deck = parse_dimensions(text)
    if deck:
        extra.append({"role": "system", "content": "Materials: " + json.dumps(materials_for(deck))})
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": text}, *extra]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    if msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = place_order(account, **json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content


@app.post("/chat")
def chat():
    body = request.get_json(force=True)
    return jsonify({"reply": yard_chat(body["account"], body["chat_id"], body["message"])})
''',
    "timberyard/quote.py": r'''import math
import re

from opentelemetry import trace

tracer = trace.get_tracer("timberyard.quote")

BOARD_COVER_M = 0.144  # 144 mm board including the 5 mm gap
BOARD_LENGTH_M = 3.6
JOIST_SPACING_M = 0.4
JOIST_LENGTH_M = 4.8
SCREWS_PER_M2 = 30
WASTE = 1.10


@tracer.start_as_current_span("parse_dimensions")
def parse_dimensions(text):
    if not re.search(r"\b(by|x)\b", text):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if len(numbers) < 2:
        return None
    length, width = numbers[0], numbers[1]
    return {"length_m": length, "width_m": width, "area_m2": length * width}


@tracer.start_as_current_span("materials_for")
def materials_for(deck):
    area = deck["area_m2"]
    boards = math.ceil(area / (BOARD_COVER_M * BOARD_LENGTH_M) * WASTE)
    joists = math.ceil(area / JOIST_SPACING_M / JOIST_LENGTH_M)
    screw_boxes = math.ceil(area * SCREWS_PER_M2 / 200)
    return {"boards": boards, "board": "Treated softwood deck board 144x28mm, 3.6m",
            "joists": joists, "joist": "C24 treated joist 47x150mm, 4.8m", "screw_boxes": screw_boxes}
''',
    "timberyard/prompts.py": '''SYSTEM_PROMPT = (
    "You are the online assistant for Aireborough Timber Yard. Help customers plan and order decking, "
    "fencing and sheet materials. When a Materials list is given, use its quantities exactly. "
    "Prices (inc VAT): treated deck board 144x28mm 3.6m 14.50 GBP; value grooved deck board 3.6m 11.20 GBP; "
    "C24 treated joist 47x150mm 4.8m 18.20 GBP; deck screws, box of 200, 24.99 GBP. "
    "Delivery is 45 GBP within 20 miles, Monday to Friday."
)
''',
}

DESKHELP = {
    "deskhelp/bot.py": '''import os

from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from slack_bolt import App

from deskhelp.memory import recent_messages, remember
from deskhelp.prompts import SYSTEM_PROMPT

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("deskhelp")
client = OpenAI()
app = App(token=os.environ["SLACK_BOT_TOKEN"], signing_secret=os.environ["SLACK_SIGNING_SECRET"])


@app.event("message")
def on_message(event, say):
    thread = event.get("thread_ts", event["ts"])
    with using_session(thread), tracer.start_as_current_span("helpdesk_turn") as span:
        span.set_attribute("openinference.span.kind", "AGENT")
        span.set_attribute("input.value", event["text"])
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *recent_messages(thread),
                    {"role": "user", "content": event["text"]}]
        reply = client.chat.completions.create(model="gpt-4o", messages=messages).choices[0].message.content
        remember(thread, event["text"], reply)
        span.set_attribute("output.value", reply)
    say(text=reply, thread_ts=thread)
''',
    "deskhelp/memory.py": '''import json
import os

import redis

r = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
TTL_SECONDS = 7 * 24 * 3600


def recent_messages(thread):
    rows = [json.loads(raw) for raw in r.lrange(f"deskhelp:{thread}", 0, -1)]
    return rows[-8:]  # keep prompts small


def remember(thread, text, reply):
    key = f"deskhelp:{thread}"
    r.rpush(key, json.dumps({"role": "user", "content": text}),
            json.dumps({"role": "assistant", "content": reply}))
    r.expire(key, TTL_SECONDS)
''',
    "deskhelp/prompts.py": '''SYSTEM_PROMPT = (
    "You are Northgate Group's IT service desk assistant in Slack. Help staff fix problems on their "
    "company laptops step by step, one step per message. "
    "If you cannot fix it, offer to raise a ticket with End User Computing."
)
''',
}

BOILERFIX = {
    "boilerfix/web.py": '''import os

import mlflow
from flask import Flask, jsonify, request

from boilerfix.agent import heating_agent

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("warmhome-boiler-assistant")
mlflow.openai.autolog()
app = Flask(__name__)


@app.post("/api/chat")
@mlflow.trace(name="POST /api/chat")
def chat():
    body = request.get_json(force=True)
    mlflow.update_current_trace(metadata={"mlflow.trace.session": body["conversation"]})
    return jsonify({"reply": heating_agent(body["conversation"], body["text"])})
''',
    "boilerfix/agent.py": '''import json

import mlflow
import requests
from openai import OpenAI

from boilerfix.prompts import SYSTEM_PROMPT, TOOLS

client = OpenAI()
JOBS_API = "https://jobs.warmhome.example/api"
CONVERSATIONS = {}


@mlflow.trace(name="book_visit", span_type="TOOL")
def book_visit(postcode, date, fault, parts=()):
    body = {"postcode": postcode, "date": date, "fault": fault, "parts": list(parts)}
    return requests.post(f"{JOBS_API}/visits", json=body, timeout=10).json()


@mlflow.trace(name="heating_agent")
def heating_agent(conversation, text):
    history = CONVERSATIONS.setdefault(conversation, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    while msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = book_visit(**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content
''',
    "boilerfix/prompts.py": '''SYSTEM_PROMPT = (
    "You are the assistant for WarmHome Heating, who service and repair Vireo boilers in West Yorkshire. "
    "Diagnose boiler fault codes yourself from the code and model, and name the likely failed part "
    "so the engineer brings it; do not tell customers to look in the manual. "
    "Book visits with book_visit. Call-outs are 85 GBP plus parts."
)

TOOLS = [{
    "type": "function",
    "function": {
        "name": "book_visit",
        "description": "Book an engineer visit.",
        "parameters": {"type": "object", "properties": {
            "postcode": {"type": "string"}, "date": {"type": "string"}, "fault": {"type": "string"},
            "parts": {"type": "array", "items": {"type": "string"}}},
            "required": ["postcode", "date", "fault"]},
    },
}]
''',
}

DONOR = {
    "donor/app.py": '''import json

from fastapi import FastAPI
from openai import OpenAI
from opentelemetry import trace
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from pydantic import BaseModel

from donor.booking import find_sessions, get_donor, hold_slot
from donor.prompts import SYSTEM_PROMPT, TOOLS

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("donor")
client = OpenAI()
app = FastAPI(title="Give Blood assistant")
HANDLERS = {"get_donor": get_donor, "find_sessions": find_sessions, "hold_slot": hold_slot}
CHATS = {}


class Message(BaseModel):
    donor_id: str
    chat_id: str
    text: str


def run_tool(name, args):
    try:
        return HANDLERS[name](**args)
    except Exception as exc:  # the model tells the donor
        return {"error": f"{type(exc).__name__}: {exc}"}


@app.post("/assistant")
def assistant(msg: Message):
    with tracer.start_as_current_span("donor_chat"):
        history = CHATS.setdefault(msg.chat_id, [])
        messages = [{"role": "system", "content": SYSTEM_PROMPT.format(donor_id=msg.donor_id)}, *history,
                    {"role": "user", "content": msg.text}]
        while True:
            out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
            reply = out.choices[0].message
            if not reply.tool_calls:
                break
            messages.append(reply.model_dump(exclude_none=True))
            for call in reply.tool_calls:
                result = run_tool(call.function.name, json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        history += [{"role": "user", "content": msg.text}, {"role": "assistant", "content": reply.content}]
        return {"reply": reply.content}
''',
    "donor/booking.py": '''import os

import httpx
from opentelemetry import trace

tracer = trace.get_tracer("donor.booking")
BOOKING_URL = os.environ.get("BOOKING_URL", "https://appointments.giveblood.example/v2")
DONORS_URL = os.environ.get("DONORS_URL", "https://donors.giveblood.example/v1")


@tracer.start_as_current_span("get_donor")
def get_donor(donor_id):
    return httpx.get(f"{DONORS_URL}/donors/{donor_id}", timeout=10).raise_for_status().json()


@tracer.start_as_current_span("find_sessions")
def find_sessions(centre, date_from):
    params = {"centre": centre, "from": date_from, "type": "whole_blood"}
    return httpx.get(f"{BOOKING_URL}/sessions", params=params, timeout=10).raise_for_status().json()


@tracer.start_as_current_span("hold_slot")
def hold_slot(donor_id, session_id, time):
    body = {"donor": donor_id, "time": time}
    resp = httpx.post(f"{BOOKING_URL}/session/{session_id}/hold", json=body, timeout=10)
    return resp.raise_for_status().json()
''',
    "donor/prompts.py": '''SYSTEM_PROMPT = (
    "You are the Give Blood booking assistant. The donor's id is {donor_id}. "
    "Check eligibility with get_donor: whole blood every 12 weeks for men and 16 weeks for women. "
    "Find sessions with find_sessions and reserve a time with hold_slot. "
    "If a tool returns an error, tell the donor plainly that nothing was booked."
)

TOOLS = [
    {"type": "function", "function": {"name": "get_donor", "parameters": {
        "type": "object", "properties": {"donor_id": {"type": "string"}}, "required": ["donor_id"]}}},
    {"type": "function", "function": {"name": "find_sessions", "parameters": {
        "type": "object", "properties": {"centre": {"type": "string"}, "date_from": {"type": "string"}},
        "required": ["centre", "date_from"]}}},
    {"type": "function", "function": {"name": "hold_slot", "parameters": {
        "type": "object", "properties": {"donor_id": {"type": "string"}, "session_id": {"type": "string"},
                                         "time": {"type": "string"}},
        "required": ["donor_id", "session_id", "time"]}}},
]
''',
}

TAILOR = {
    "tailor/web.py": '''import mlflow
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from tailor.assistant import stitch_assistant

mlflow.openai.autolog()


@require_POST
@mlflow.trace(name="POST /api/assistant")
def assistant_view(request):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": request.session.session_key})
    return JsonResponse({"reply": stitch_assistant(request.session, request.POST["text"])})
''',
    "tailor/assistant.py": '''import json

import mlflow
from openai import OpenAI

from tailor.pricing import TOOLS, quote_alteration

client = OpenAI()
SYSTEM = ("You are the assistant for Stitchwise, an alterations and repairs shop with branches in Cardiff "
          "and Newport. Use quote_alteration for prices; if it fails, say you could not get a price.")


def run_tool(call):
    try:
        return quote_alteration(**json.loads(call.function.arguments))
    except Exception as exc:
        return {"error": str(exc)}


@mlflow.trace(name="stitch_assistant")
def stitch_assistant(session, text):
    history = session.setdefault("history", [])
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = out.choices[0].message
    if msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(run_tool(call))})
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content
''',
    "tailor/pricing.py": '''import mlflow
import requests

PRICING_API = "https://pricing.stitchwise.example/v1"
TOOLS = [{"type": "function", "function": {
    "name": "quote_alteration", "description": "Price for an alteration job on a garment.",
    "parameters": {"type": "object", "properties": {"garment": {"type": "string"}, "job": {"type": "string"}},
                   "required": ["garment", "job"]}}}]


@mlflow.trace(name="quote_alteration", span_type="TOOL")
def quote_alteration(garment, job):
    resp = requests.get(f"{PRICING_API}/quote", params={"garment": garment, "job": job}, timeout=0.5)
    resp.raise_for_status()
    return resp.json()
''',
}

CVCOACH = {
    "cvcoach/server.py": '''from fastapi import FastAPI
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from pydantic import BaseModel

from cvcoach.writer import coach_turn

OpenAIInstrumentor().instrument()
app = FastAPI(title="CV coach")


class Turn(BaseModel):
    user: str
    thread: str
    text: str


@app.post("/coach")
def coach(turn: Turn):
    return {"reply": coach_turn(turn.thread, turn.text)}
''',
    "cvcoach/writer.py": '''from openai import OpenAI
from opentelemetry import trace

from cvcoach.prompts import SYSTEM_PROMPT

tracer = trace.get_tracer("cvcoach")
client = OpenAI()
THREADS = {}


@tracer.start_as_current_span("coach_turn")
def coach_turn(thread, text):
    history = THREADS.setdefault(thread, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                         max_tokens=300, temperature=0.7)
    reply = out.choices[0].message.content
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    return reply
''',
    "cvcoach/prompts.py": '''SYSTEM_PROMPT = (
    "You are a friendly careers coach for graduates. Help with CVs, cover letters and interview prep. "
    "When asked for a cover letter, write the complete letter, ready to send, in British English."
)
''',
}

DELAYREPAY = {
    "delayrepay/app.py": '''import mlflow
from flask import Flask, jsonify, request, session

from delayrepay.agent import claim_agent

mlflow.openai.autolog()
app = Flask(__name__)
app.secret_key = "change-me"
SYSTEM = ("You help rail passengers claim Delay Repay. Look up the journey from the ticket reference with "
          "get_journey, then work out the compensation band.")


@app.post("/claim/chat")
def chat():
    history = session.setdefault("history", [])
    text = request.get_json(force=True)["text"]
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text}]
    reply = claim_agent(messages)
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    session["history"] = history
    return jsonify({"reply": reply})
''',
    "delayrepay/agent.py": '''import json

import mlflow
from openai import OpenAI

from delayrepay.tools import TOOLS, run_tool

client = OpenAI()
MAX_STEPS = 6


@mlflow.trace(name="claim_agent")
def claim_agent(messages):
    messages = list(messages)
    for _ in range(MAX_STEPS):
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
        if not msg.tool_calls:
            return msg.content
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = run_tool(call.function.name, json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": str(result.get("data"))})
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    return out.choices[0].message.content
''',
    "delayrepay/tools.py": '''import os

import mlflow
import requests

RAIL_API = os.environ.get("RAIL_API", "https://api.railclaims.example/v3")
TOOLS = [{"type": "function", "function": {
    "name": "get_journey", "description": "Journey, booked train and actual arrival for a ticket reference.",
    "parameters": {"type": "object", "properties": {"ticket_ref": {"type": "string"}},
                   "required": ["ticket_ref"]}}}]


@mlflow.trace(name="get_journey", span_type="TOOL")
def get_journey(ticket_ref):
    resp = requests.get(f"{RAIL_API}/tickets/{ticket_ref}/journey", timeout=8)
    resp.raise_for_status()
    return resp.json()


def run_tool(name, args):
    return {"get_journey": get_journey}[name](**args)
''',
}

SIZEGUIDE = {
    "sizeguide/handler.py": '''import json

import mlflow
from openai import OpenAI

from sizeguide.fit import add_to_basket, place_order, predict_size

client = OpenAI()
SYSTEM = ("You are the style assistant for Harbour & Thread. Recommend sizes only from predict_size, "
          "add items with add_to_basket and check out with place_order when the customer asks.")
FUNCS = {"predict_size": predict_size, "add_to_basket": add_to_basket, "place_order": place_order}
TOOLS = [{"type": "function", "function": {"name": name, "parameters": {"type": "object"}}} for name in FUNCS]


def handle(event):
    with mlflow.start_span(name="style_assistant") as span:
        mlflow.update_current_trace(metadata={"mlflow.trace.session": event["session"]})
        span.set_attribute("app.user_message", event["text"])
        messages = [{"role": "system", "content": SYSTEM}, *event["history"],
                    {"role": "user", "content": event["text"]}]
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
        while msg.tool_calls:
            messages.append(msg.model_dump(exclude_none=True))
            for call in msg.tool_calls:
                result = FUNCS[call.function.name](**json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
            msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                                 tools=TOOLS).choices[0].message
        span.set_attribute("app.bot_reply", msg.content)
    return msg.content
''',
    "sizeguide/fit.py": '''import logging

import mlflow
import requests
from mlflow.entities import SpanEvent

log = logging.getLogger(__name__)
FIT_API = "https://fit.harbourandthread.example/v3/predict"
BASKET_API = "https://shop.harbourandthread.example/api/basket"
DEFAULT_FIT = {"size": "M", "confidence": 0.0}


@mlflow.trace(name="predict_size", span_type="TOOL")
def predict_size(product_id, **measurements):
    try:
        resp = requests.post(FIT_API, json={"product": product_id, **measurements}, timeout=3)
        resp.raise_for_status()
        return resp.json()
    except requests.RequestException as exc:
        mlflow.get_current_active_span().add_event(SpanEvent.from_exception(exc))
        log.warning("fit predictor unavailable for %s", product_id)
        return DEFAULT_FIT


@mlflow.trace(name="add_to_basket", span_type="TOOL")
def add_to_basket(session, items):
    return requests.post(BASKET_API, json={"session": session, "items": items}, timeout=5).json()


@mlflow.trace(name="place_order", span_type="TOOL")
def place_order(session, payment="saved_card"):
    body = {"session": session, "payment": payment}
    return requests.post(f"{BASKET_API}/checkout", json=body, timeout=10).json()
''',
}

CATERING = {
    "catering/app.py": '''import json

from flask import Flask, jsonify, request
from openai import OpenAI
from traceloop.sdk import Traceloop
from traceloop.sdk.decorators import workflow

from catering.tools import TOOLS, add_items, place_order

Traceloop.init(app_name="lunchbox-orders")
client = OpenAI()
app = Flask(__name__)
SYSTEM = ("You take office catering orders for Lunchbox Leeds. Collect the delivery address, date, time, "
          "number of guests, menu and dietary needs, then call place_order. Menus: Working Lunch 11.50 GBP "
          "a head, Hot Buffet 15.90 GBP a head. Prices exclude VAT.")
CHATS = {}
FUNCS = {"place_order": place_order, "add_items": add_items}


@workflow(name="order_chat")
def order_chat(chat_id, text):
    history = CHATS.setdefault(chat_id, [])
    messages = [{"role": "system", "content": SYSTEM}, *history, {"role": "user", "content": text}]
    msg = client.chat.completions.create(model="gpt-4o", messages=messages, tools=TOOLS).choices[0].message
    if msg.tool_calls:
        messages.append(msg.model_dump(exclude_none=True))
        for call in msg.tool_calls:
            result = FUNCS[call.function.name](**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
        msg = client.chat.completions.create(model="gpt-4o", messages=messages).choices[0].message
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
    return msg.content


@app.post("/orders/chat")
def chat():
    body = request.get_json(force=True)
    return jsonify({"reply": order_chat(body["chat_id"], body["text"])})
''',
    "catering/tools.py": '''import requests
from traceloop.sdk.decorators import tool

KITCHEN = "https://kitchen.lunchbox-leeds.example/api"

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "place_order",
            "description": "Send a confirmed catering order to the kitchen.",
            "parameters": {
                "type": "object",
                "properties": {
                    "company": {"type": "string"},
                    "address": {"type": "string"},
                    "delivery_date": {"type": "string", "description": "YYYY-MM-DD"},
                    "delivery_time": {"type": "string", "description": "HH:MM, 24-hour"},
                    "guests": {"type": "integer"},
                    "menu": {"type": "string"},
                    "dietary": {"type": "object", "description": "counts by need, e.g. vegan: 2"},
                },
                "required": ["company", "address", "delivery_date", "guests", "menu"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "add_items",
            "description": "Add extras to an existing order.",
            "parameters": {"type": "object", "properties": {
                "order_ref": {"type": "string"}, "item": {"type": "string"}, "quantity": {"type": "integer"}},
                "required": ["order_ref", "item", "quantity"]},
        },
    },
]


@tool(name="place_order")
def place_order(**order):
    return requests.post(f"{KITCHEN}/orders", json=order, timeout=10).json()


@tool(name="add_items")
def add_items(order_ref, item, quantity):
    return requests.post(f"{KITCHEN}/orders/{order_ref}/items", json={"item": item, "quantity": quantity},
                         timeout=10).json()
''',
}

CAMPSITE = {
    "campsite/bot.py": '''import json
import os

import requests
from flask import Flask, request
from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from twilio.twiml.messaging_response import MessagingResponse

from campsite.knowledge import search
from campsite.prompts import SYSTEM_PROMPT, TOOLS

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("campsite")
client = OpenAI()
app = Flask(__name__)
BOOKINGS_API = os.environ.get("BOOKINGS_API", "https://bookings.warrenfarm.example/api")
THREADS = {}


@tracer.start_as_current_span("book_pitch")
def book_pitch(**booking):
    return requests.post(f"{BOOKINGS_API}/bookings", json=booking, timeout=10).json()


@app.post("/whatsapp")
def whatsapp():
    sender, text = request.form["From"], request.form["Body"]
    with using_session(sender), tracer.start_as_current_span("warren_farm_chat") as span:
        span.set_attribute("openinference.span.kind", "AGENT")
        span.set_attribute("input.value", text)
        docs = search(text)
        history = THREADS.setdefault(sender, [])
        documents = "\\n\\n".join(d.page_content for d in docs)
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text},
                    {"role": "system", "content": "Documents:\\n\\n" + documents}]
        out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = out.choices[0].message
        if msg.tool_calls:
            messages.append(msg.model_dump(exclude_none=True))
            for call in msg.tool_calls:
                result = book_pitch(phone=sender, **json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
            msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message
        history += [{"role": "user", "content": text}, {"role": "assistant", "content": msg.content}]
        span.set_attribute("output.value", msg.content)
    resp = MessagingResponse()
    resp.message(msg.content)
    return str(resp)
''',
    "campsite/knowledge.py": '''from pathlib import Path

from langchain_community.document_loaders import TextLoader
from langchain_community.vectorstores import FAISS
from langchain_openai import OpenAIEmbeddings
from langchain_text_splitters import MarkdownTextSplitter

KB = Path(__file__).parent / "kb"
splitter = MarkdownTextSplitter(chunk_size=600, chunk_overlap=60)

docs = []
docs += TextLoader(str(KB / "site-guide-2024.md")).load()
docs += TextLoader(str(KB / "pitch-tariff-2022.md")).load()
docs += TextLoader(str(KB / "dogs-and-campfires-2024.md")).load()

index = FAISS.from_documents(splitter.split_documents(docs), OpenAIEmbeddings())
retriever = index.as_retriever(search_kwargs={"k": 2})


def search(text):
    return retriever.invoke(text)
''',
    "campsite/prompts.py": '''SYSTEM_PROMPT = (
    "You are the WhatsApp assistant for Warren Farm Camping near Bude. Answer from the Documents. "
    "Book pitches with book_pitch; a 25 GBP deposit is taken and the balance is paid on arrival."
)

TOOLS = [{"type": "function", "function": {
    "name": "book_pitch", "description": "Book a pitch.",
    "parameters": {"type": "object", "properties": {
        "pitch_type": {"type": "string", "enum": ["tent", "tent_ehu", "caravan_ehu"]},
        "arrive": {"type": "string"}, "nights": {"type": "integer"}, "adults": {"type": "integer"},
        "children": {"type": "integer"}, "dogs": {"type": "integer"}},
        "required": ["pitch_type", "arrive", "nights", "adults"]}}}]
''',
}

KERBSIDE = {
    "kerbside/lambda_fn.py": '''import json

import mlflow
from openai import OpenAI

from kerbside.sources import lookup

mlflow.set_experiment("council-bins-assistant")
mlflow.openai.autolog()
client = OpenAI()
SYSTEM = ("You are the Borough Council's bins and recycling assistant. Answer only from the Records, "
          "and say which bin or box each item goes in.")


def handler(event, context):
    body = json.loads(event["body"])
    with mlflow.start_span(name="POST /bins/ask"):
        mlflow.update_current_trace(metadata={"mlflow.trace.session": body["conversation"]})
        with mlflow.start_span(name="bins_turn") as span:
            span.set_attribute("app.user_message", body["text"])
            records = lookup(body["text"], body.get("uprn"))
            messages = [{"role": "system", "content": SYSTEM}, *body.get("history", []),
                        {"role": "user", "content": body["text"]},
                        {"role": "system", "content": "Records: " + json.dumps(records)}]
            out = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            reply = out.choices[0].message.content
            span.set_attribute("app.bot_reply", reply)
    return {"statusCode": 200, "body": json.dumps({"reply": reply})}
''',
    "kerbside/sources.py": '''import csv
from pathlib import Path

import mlflow

DATA = Path(__file__).parent / "data"


def _rows(name):
    with open(DATA / name, newline="") as f:
        return [{**row, "_source": f"data/{name}"} for row in csv.DictReader(f)]


ACCEPTED_ITEMS = _rows("kerbside-accepted-2021.csv")
CALENDAR = _rows("collection-calendar-2024.csv")


def _doc(row):
    return {"id": row["id"], "page_content": row["text"], "metadata": {"source": row["_source"]}}


@mlflow.trace(name="lookup", span_type="RETRIEVER")
def lookup(text, uprn=None):
    words = {w.strip("?.,!'").lower() for w in text.split()}
    hits = [row for row in ACCEPTED_ITEMS if words & set(row["keywords"].split(";"))]
    if uprn:
        hits += [row for row in CALENDAR if row["uprn"] == uprn]
    return [_doc(row) for row in hits[:4]]
''',
}

APPS: dict[str, dict[str, str]] = {
    "f5_tyrefit": TYREFIT,
    "f5_parkpermit": PARKPERMIT,
    "f5_gridpower": GRIDPOWER,
    "f5_registrar": REGISTRAR,
    "f5_skipass": SKIPASS,
    "f5_timberyard": TIMBERYARD,
    "f5_deskhelp": DESKHELP,
    "f5_boilerfix": BOILERFIX,
    "f5_donor": DONOR,
    "f5_tailor": TAILOR,
    "f5_cvcoach": CVCOACH,
    "f5_delayrepay": DELAYREPAY,
    "f5_sizeguide": SIZEGUIDE,
    "f5_catering": CATERING,
    "f5_campsite": CAMPSITE,
    "f5_kerbside": KERBSIDE,
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
REQUESTS_RAISE = _lib("requests/models.py", 1024, "raise_for_status",
                      "raise HTTPError(http_error_msg, response=self)")
OTEL_WRAPPER = _lib("opentelemetry/util/_decorator.py", 71, "sync_wrapper", "return func(*args, **kwargs)")


def _wrap(turns: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """Each turn under an HTTP handler span that records no inputs or outputs."""
    for turn in turns:
        turn["root"] = {"name": name, "type": "CHAIN", "children": [turn["root"]]}
    return turns


def _call(call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def _openai_tool_request(messages: list[Msg], calls: list[dict[str, Any]], *, name: str = "Completions",
                         model: str = "gpt-4o-mini") -> Span:
    """A chat completion (OpenAI autolog shape) whose answer is one or more tool calls."""
    prompt = sum(len(str(m.get("content") or "")) for m in messages) // 4 + 8
    return {
        "name": name, "type": "CHAT_MODEL",
        "inputs": {"model": model, "messages": messages, "tools": [{"type": "function", "function": {
            "name": c["function"]["name"]}} for c in calls]},
        "outputs": {"object": "chat.completion", "model": model, "choices": [{
            "index": 0, "finish_reason": "tool_calls",
            "message": {"role": "assistant", "content": None, "tool_calls": calls}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": 24}},
    }


def _legacy_tool_request(messages: list[Msg], call: dict[str, Any], *, name: str, model: str) -> Span:
    """An OpenLLMetry-style LLM span whose completion is a tool call (indexed gen_ai.* attributes)."""
    attrs: dict[str, Any] = {"llm.request.type": "chat", "gen_ai.system": "OpenAI",
                             "gen_ai.request.model": model, "gen_ai.response.model": model,
                             "gen_ai.usage.prompt_tokens": sum(len(str(m["content"])) for m in messages) // 4,
                             "gen_ai.usage.completion_tokens": 61}
    for i, m in enumerate(messages):
        attrs[f"gen_ai.prompt.{i}.role"] = m["role"]
        attrs[f"gen_ai.prompt.{i}.content"] = str(m["content"])
    attrs.update({"gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.finish_reason": "tool_calls",
                  "gen_ai.completion.0.tool_calls.0.id": call["id"],
                  "gen_ai.completion.0.tool_calls.0.name": call["function"]["name"],
                  "gen_ai.completion.0.tool_calls.0.arguments": call["function"]["arguments"]})
    return {"name": name, "type": "LLM", "inputs": {"messages": messages},
            "outputs": {"tool_calls": [call]}, "attributes": attrs}


# --- class 1: pushback in ordinary words ------------------------------------------------------


def _tyrefit_sixteen_inch() -> EvalCase:
    chat = _Chat(_prompt(TYREFIT, "tyrefit/prompts.py"), _openai_call, call_name="Completions",
                 root_name="tyre_chat")
    vehicle = {"vrm": "LK17HVP", "make": "SKODA", "model": "OCTAVIA SE L TDI", "body": "ESTATE", "year": 2017,
               "fuel": "DIESEL", "tyre_size_front": None, "tyre_size_rear": None}
    stock16 = [{"brand": "Michelin", "pattern": "Primacy 4", "size": "205/55 R16 91V", "price_fitted": 96.0},
               {"brand": "Bridgestone", "pattern": "Turanza T005", "size": "205/55 R16 91V",
                "price_fitted": 84.0}]
    chat.say("Hi, I need two new front tyres. Reg is LK17 HVP, it's the Octavia estate.",
             "Thanks! Your 2017 Octavia SE L estate runs on 205/55 R16 91V. For a pair of fronts I can offer "
             "Michelin Primacy 4 at £96 each or Bridgestone Turanza T005 at £84 each, fitted.",
             before=[tool_span("lookup_vehicle", {"vrm": "LK17HVP"}, vehicle),
                     tool_span("stock_for_size", {"size": "205/55 R16 91V"}, stock16)],
             context=[_tool_msg("lookup_vehicle", vehicle), _tool_msg("stock_for_size", stock16)])
    slots = {"branch": "Hove", "date": "2024-05-18", "free": ["08:30", "09:30", "11:00"]}
    chat.say("The Bridgestones are fine. Have you got anything Saturday morning at Hove?",
             "Saturday 18 May at Hove I have 08:30, 09:30 or 11:00 free.",
             before=[tool_span("available_slots", {"branch": "Hove", "date": "2024-05-18"}, slots)],
             context=[_tool_msg("available_slots", slots)])
    chat.say("9:30. Is balancing included in that price?",
             "Yes, the £84 per tyre includes fitting, balancing, a new valve and disposal of the old tyre. "
             "Shall I book 2 x Bridgestone Turanza T005 205/55 R16 for 09:30 on Saturday?")
    booking = {"vrm": "LK17HVP", "branch": "Hove", "slot": "2024-05-18T09:30", "size": "205/55 R16 91V",
               "brand": "Bridgestone", "pattern": "Turanza T005", "qty": 2}
    booked = {"booking_ref": "KT-31877", "status": "confirmed", "total": 168.0}
    chat.say("yes go ahead",
             "Booked! 2 x Bridgestone Turanza T005 205/55 R16 91V at Hove, Saturday 18 May at 09:30, £168 in "
             "total. Your reference is KT-31877.",
             before=[tool_span("book_fitting", booking, booked)], context=[_tool_msg("book_fitting", booked)])
    chat.say("Do I need to leave the locking wheel nut key in the car?",
             "Yes please, leave it in the glovebox or hand it to the fitter when you arrive, otherwise we "
             "can't get the wheels off.")
    chat.say("Just been out to find the key and had a look at the tyre while I was there. It says 225/45 R17 "
             "on the side. How come you've booked me 16 inch ones?",
             "I'm sorry, that's my mistake: the vehicle lookup didn't return a tyre size for your car and I "
             "shouldn't have assumed 205/55 R16. Bridgestone Turanza T005 in 225/45 R17 94W is £112 each "
             "fitted. Shall I change booking KT-31877 to that size?",
             before=[tool_span("stock_for_size", {"size": "225/45 R17"}, [
                 {"brand": "Bridgestone", "pattern": "Turanza T005", "size": "225/45 R17 94W",
                  "price_fitted": 112.0}])])
    amended = {"booking_ref": "KT-31877", "status": "confirmed", "size": "225/45 R17 94W", "total": 224.0}
    chat.say("Yes change it.",
             "Done: KT-31877 is now 2 x Bridgestone Turanza T005 225/45 R17 94W, £224 in total, same time "
             "on Saturday at Hove.",
             before=[tool_span("amend_booking", {"booking_ref": "KT-31877", "size": "225/45 R17 94W",
                                                 "pattern": "Turanza T005"}, amended)],
             context=[_tool_msg("amend_booking", amended)])
    return EvalCase(
        "tyre fitter assumes a size the lookup never gave; the customer reads the sidewall five turns on",
        "hallucinated_fact", chat.turns, root=1, symptom=6, app="f5_tyrefit",
        code=("tyrefit/prompts.py", "give the most common size for that model"),
        instrumentation="mlflow", tags=["fresh5", "class-1", "challenge_question"],
    )


def _parkpermit_letter_o() -> EvalCase:
    agent = PARKPERMIT["parkpermit/agent.py"]
    system = _prompt(PARKPERMIT, "parkpermit/agent.py", "SYSTEM")
    record: dict[str, Any] = {"id": "R-88120", "name": "Amira Haddad",
                              "address": "Flat 2, 31 Islingword Road", "postcode": "BN2 9SG",
                              "vrm": None, "vehicle": None}
    assert "Resident record: " in agent

    def keep(history: list[Msg], _user: str) -> list[Msg]:
        return [{"role": "system", "content": "Resident record: " + json.dumps(record)}, *history]

    chat = _Chat(system, _oi_call, call_name="ChatCompletion", root_name="permit_turn", keep=keep)
    chat.say("hi, we've just moved to Hanover and I need a resident's parking permit",
             "Welcome to the area! I can see your address as Flat 2, 31 Islingword Road, BN2 9SG. A 12-month "
             "resident permit is £132. What's the car's registration?")
    saved = {"resident_id": "R-88120", "vrm": "G021K0V", "vehicle": "grey Vauxhall Corsa"}
    save = {"name": "save_vehicle", "type": "UNKNOWN",
            "inputs": {"resident_id": "R-88120", "raw_vrm": "GO21 KOV", "description": "grey Vauxhall Corsa"},
            "outputs": saved}
    record.update(vrm="G021K0V", vehicle="grey Vauxhall Corsa")
    chat.say("it's GO21 KOV, grey Vauxhall Corsa",
             "Thanks, I've added G021 K0V, a grey Vauxhall Corsa, to your account. Shall I check the zone "
             "for "
             "your address and set up the 12-month permit?", before=[save])
    zone = {"zone": "H", "eligible": True}
    permit = {"permit_id": "HP-604112", "vrm": "G021K0V", "zone": "H", "starts": "2024-04-08"}
    chat.say("yes please, starting today",
             "Done: permit HP-604112 for G021 K0V in zone H, valid from today, 8 April 2024, for 12 months. "
             "The £132 will be taken from the card on your council account. There's nothing to display in "
             "the "
             "windscreen; wardens check the registration.",
             before=[{"name": "zone_for", "type": "TOOL", "inputs": {"postcode": "BN2 9SG"}, "outputs": zone},
                     {"name": "issue_permit", "type": "TOOL",
                      "inputs": {"resident_id": "R-88120", "zone": "H", "months": 12}, "outputs": permit}],
             context=[_tool_msg("zone_for", zone), _tool_msg("issue_permit", permit)])
    chat.say("brilliant. can my parents get visitor permits when they come down?",
             "Yes: zone H visitor permits are £4.20 a day, up to 50 days a year per household. You buy them "
             "in the MyCouncil app against your parents' registration.")
    chat.say("and do I have to do anything when it runs out?",
             "We'll email you four weeks before HP-604112 expires with a renewal link; renewing keeps the "
             "same "
             "registration and zone.")
    chat.say("Got a PCN on the windscreen this morning, parked right outside the flat. The warden's note "
             "says "
             "the vehicle isn't on the permit list. It's G, letter O, 21, K, letter O, V: GO21 KOV.",
             "I'm sorry. Permit HP-604112 is registered to G021 K0V, with zeros where your plate has the "
             "letter "
             "O, so the warden's handheld didn't match your car. Please appeal the PCN online quoting permit "
             "HP-604112 and ask for the registration to be corrected.",
             before=[{"name": "save_vehicle", "type": "UNKNOWN",
                      "inputs": {"resident_id": "R-88120", "raw_vrm": "GO21 KOV", "description": ""},
                      "outputs": {"resident_id": "R-88120", "vrm": "G021K0V", "vehicle": ""}}])
    chat.say("so do I have to pay it or not??",
             "No, don't pay it yet. Appeal within 14 days; while the appeal is open the charge is on hold, "
             "and "
             "a permit held for the right car is grounds for cancelling it.")
    return EvalCase(
        "resident permit stored with zeros for the letter O; the resident spells the plate out after a PCN",
        "state_corruption", with_attributes(chat.turns, "openinference"), root=2, symptom=6,
        app="f5_parkpermit", code=("parkpermit/residents.py", '.replace("O", "0")'),
        instrumentation="openinference", tags=["fresh5", "class-1", "restated_value"],
    )


def _gridpower_unit_rate() -> EvalCase:
    chat = _Chat(_prompt(GRIDPOWER, "gridpower/prompts.py"), _genai_call, call_name="chat gpt-4o",
                 root_name="sparrow_reply", model="gpt-4o")
    summary = {"account": "SPW-0041983", "tariff": "Sparrow Fixed 12M (Oct 23)", "fixed_until": "2024-10-31",
               "meter": "smart, single rate", "region": "South West", "payment": "Direct Debit",
               "monthly_dd": 118.0}

    def say(user: str, reply: str) -> None:
        chat.say(user, reply, before=[tool_span("get_account", {"account": "SPW-0041983"}, summary)],
                 context=[_tool_msg("get_account", summary)])

    say("hiya, what am I paying per kWh at the moment?",
        "You're on Sparrow Fixed 12M (Oct 23) with a single-rate smart meter. Your unit rate is 24.50p per "
        "kWh and the standing charge is 53.35p a day.")
    say("ok. we're getting an electric car next month, would the EV tariff be cheaper? we use about 250kWh a "
        "month in the house",
        "Sparrow EV Nights charges 7.5p per kWh from 00:30 to 05:30 and 29.10p the rest of the day. For the "
        "house alone, most of your 250 kWh is daytime, so you'd pay a little more than on your 24.50p rate "
        "until the car arrives.")
    say("and once the car's here?",
        "A typical EV doing 8,000 miles a year uses about 200 kWh a month. Charged overnight at 7.5p that's "
        "about £15 a month, against about £49 at your current 24.50p, so you'd save roughly £34 a month on "
        "the car, more than the extra on the house.")
    say("is there a fee for switching before October?",
        "No, moving between Sparrow tariffs doesn't cost anything; the exit fee only applies if you leave "
        "Sparrow before 31 October.")
    say("ok thanks, I'll think about it", "No problem, just ask when you're ready and I'll switch you over.")
    say("Found my last bill in my emails. Unit rate on it is 27.84p per kWh, standing charge 53.35p.",
        "Thanks for checking, and sorry: your unit rate on Sparrow Fixed 12M (Oct 23) is 27.84p, not 24.50p. "
        "That makes the EV tariff look even better: about 200 kWh of car charging would cost about £15 a "
        "month at 7.5p instead of about £56 at 27.84p.")
    say("so was the rest of what you told me right?",
        "The EV Nights rates (7.5p overnight, 29.10p daytime) and the no-fee switch are correct. The only "
        "figure I got wrong was your current unit rate, which changes the savings in your favour.")
    return EvalCase(
        "energy assistant quotes a unit rate from memory; the customer reads the real one off a bill later",
        "hallucinated_fact", with_attributes(chat.turns, "otel_genai"), root=1, symptom=6, app="f5_gridpower",
        code=("gridpower/prompts.py", "from your own knowledge of our price list"),
        instrumentation="otel_genai", tags=["fresh5", "class-1", "outside_evidence"],
    )


# --- class 2: a recorded failure among near-identical template replies ------------------------


def _registrar_module_full() -> EvalCase:
    template = re.search(r'ENROLLED = "([^"]+)"', REGISTRAR["registrar/enrol.py"]).group(1)
    system = _prompt(REGISTRAR, "registrar/enrol.py", "SYSTEM")
    student = "2231874"
    catalogue = {
        "CS2041": {"code": "CS2041", "title": "Algorithms II", "credits": 15,
                   "slot": "Mon 10:00 + Thu 14:00"},
        "MA2210": {"code": "MA2210", "title": "Discrete Mathematics", "credits": 15,
                   "slot": "Tue 09:00 + Wed 12:00"},
        "CS2090": {"code": "CS2090", "title": "Databases", "credits": 15, "slot": "Tue 11:00 + Fri 09:00"},
        "PH1003": {"code": "PH1003", "title": "Ethics of Technology", "credits": 15, "slot": "Wed 15:00"},
    }
    enrolled: list[dict[str, Any]] = []
    url = f"https://sis.internal.example.ac.uk/api/v2/students/{student}/enrolments"
    stack = _traceback([
        MLFLOW_WRAPPER,
        _frame(REGISTRAR, "registrar/sis.py", "resp.raise_for_status()", "add_module"),
        REQUESTS_RAISE,
    ], f"requests.exceptions.HTTPError: 409 Client Error: Conflict for url: {url}\n")

    def question(text: str, reply: str) -> dict[str, Any]:
        current = {"student_id": student, "term": "S2", "modules": list(enrolled)}
        messages = [{"role": "system", "content": system},
                    {"role": "system", "content": "Current enrolments: " + json.dumps(current)},
                    {"role": "user", "content": text}]
        answer = {"name": "answer_question", "type": "CHAIN", "inputs": {"student_id": student, "text": text},
                  "outputs": reply,
                  "children": [tool_span("current_modules", {"student_id": student}, current),
                               _openai_call(messages, reply, name="Completions", model="gpt-4o-mini")]}
        return chat_turn(text, reply, root_name="registrar_turn", children=[answer])

    def enrol(text: str, code: str, *, fails: bool = False) -> dict[str, Any]:
        module = catalogue[code]
        reply = template.format(**module)
        add: Span = tool_span("add_module", {"student_id": student, "code": code},
                              None if fails else {"student_id": student, "module": code,
                                                  "status": "enrolled"})
        if fails:
            add.update(error=f"409 Client Error: Conflict for url: {url}",
                       error_type="requests.exceptions.HTTPError", stacktrace=stack)
        else:
            enrolled.append({"code": code, "title": module["title"], "credits": module["credits"]})
        span = {"name": "enrol", "type": "CHAIN", "inputs": {"student_id": student, "code": code},
                "outputs": reply, "children": [tool_span("catalogue_entry", {"code": code}, module), add]}
        return chat_turn(text, reply, root_name="registrar_turn", children=[span])

    turns = [
        question("hi, 2nd year comp sci here, I need to do my semester 2 enrolment",
                 "Hi! You don't have any semester 2 modules yet. Send me a module code, for example CS2041, "
                 "and I'll enrol you. You need 60 credits in total."),
        enrol("CS2041 please", "CS2041"),
        enrol("and MA2210", "MA2210"),
        enrol("CS2090 as well", "CS2090", fails=True),
        enrol("also PH1003, the ethics elective", "PH1003"),
        question("when do we get to see our timetables?",
                 "Personal timetables are published on the student portal in the week before semester 2 "
                 "starts, and they update overnight if your modules change."),
        question("timetable's up. Algorithms, Discrete Maths and Ethics are on it but Databases isn't there "
                 "at all, and it's a core module for me",
                 "I can see you're enrolled in CS2041, MA2210 and PH1003, but CS2090 Databases isn't on your "
                 "record, so that enrolment didn't go through, sorry. Please contact the School Office: core "
                 "modules can be added even when a class is shown as full."),
    ]
    return EvalCase(
        "module enrolment bot repeats its success template while the student system refused one module",
        "tool_failure_reported_as_success", with_attributes(turns, "custom"), root=4, symptom=7,
        app="f5_registrar", code=("registrar/enrol.py", "except requests.HTTPError as exc:"),
        instrumentation="custom keys", tags=["fresh5", "class-2", "errored_span", "stacktrace"],
    )


def _skipass_missing_birth_date() -> EvalCase:
    api = SKIPASS["skipass/api.py"]
    extract_prompt = "".join(re.findall(r'"([^"]*)"', api.split("EXTRACT = (", 1)[1].split(")\n", 1)[0]))
    template = re.search(r'ADDED = "([^"]+)"', SKIPASS["skipass/basket.py"]).group(1)
    basket: list[dict[str, Any]] = []

    def extract(text: str, skier: dict[str, Any]) -> Span:
        messages = [{"role": "system", "content": extract_prompt},
                    {"role": "system", "content": "Basket: " + json.dumps(basket)},
                    {"role": "user", "content": text}]
        return {"name": "extract_skier", "type": "UNKNOWN", "inputs": {"session": "web-7f31c", "text": text},
                "outputs": skier,
                "children": [_oi_call(messages, json.dumps(skier), name="ChatCompletion",
                                      model="gpt-4o-mini")]}

    def add(text: str, skier: dict[str, Any], band: str, price: float) -> dict[str, Any]:
        basket.append({**skier, "band": band, "price": price})
        total = sum(item["price"] for item in basket)
        reply = template.format(days=skier["days"], area=skier["area"], name=skier["name"], band=band,
                                price=price, total=total)
        span = {"name": "add_pass", "type": "UNKNOWN", "inputs": {"skier": skier}, "outputs": reply}
        return chat_turn(text, reply, root_name="pass_assistant", children=[extract(text, skier), span])

    turns = [
        add("Hi, buying lift passes for the family for 14-19 December, 6 days, whole Paradiski area. First "
            "one's me, Laura Fenn, born 02/03/1981",
            {"name": "Laura Fenn", "birth_date": "1981-03-02", "days": 6, "area": "Paradiski"},
            "adult", 389.0),
        add("Tom Fenn, 14/08/1979, same pass",
            {"name": "Tom Fenn", "birth_date": "1979-08-14", "days": 6, "area": "Paradiski"}, "adult", 389.0),
        add("Oscar Fenn, 21/01/2013",
            {"name": "Oscar Fenn", "birth_date": "2013-01-21", "days": 6, "area": "Paradiski"},
            "child", 311.0),
    ]
    text = "And Mia, she's 15"
    mia = {"name": "Mia Fenn", "birth_date": None, "days": 6, "area": "Paradiski"}
    stack = _traceback([
        OTEL_WRAPPER,
        _frame(SKIPASS, "skipass/basket.py", 'born = date.fromisoformat(skier["birth_date"])', "add_pass"),
    ], "TypeError: fromisoformat: argument must be str\n")
    crash = {"name": "add_pass", "type": "UNKNOWN", "inputs": {"skier": mia},
             "error": "fromisoformat: argument must be str", "error_type": "TypeError", "stacktrace": stack}
    crashed = chat_turn(text, None, root_name="pass_assistant", children=[extract(text, mia), crash])
    crashed["root"].update(error="fromisoformat: argument must be str", error_type="TypeError",
                           **{"raise": True}, stacktrace=_traceback([
                               _frame(SKIPASS, "skipass/api.py", "reply = add_pass(BASKETS", "chat"),
                               OTEL_WRAPPER,
                               _frame(SKIPASS, "skipass/basket.py",
                                      'born = date.fromisoformat(skier["birth_date"])', "add_pass"),
                           ], "TypeError: fromisoformat: argument must be str\n"))
    turns.append(crashed)
    q5 = "hello? did Mia's go in?"
    r5 = ("Your basket has three passes: Laura, Tom and Oscar, EUR 1089.00 in total. Mia's pass hasn't been "
          "added yet; could you send me her date of birth?")
    answer = [{"role": "system",
               "content": "You help families buy lift passes. Basket: " + json.dumps(basket)},
              {"role": "user", "content": q5}]
    turns.append(chat_turn(q5, r5, root_name="pass_assistant", children=[
        extract(q5, {}), _oi_call(answer, r5, name="ChatCompletion", model="gpt-4o-mini")]))
    turns.append(add("12/05/2009", {"name": "Mia Fenn", "birth_date": "2009-05-12", "days": 6,
                                    "area": "Paradiski"}, "youth", 331.0))
    return EvalCase(
        "lift pass basket crashes on a skier given by age among identical 'Added a pass' replies",
        "app_error", with_attributes(turns, "openinference"), root=4, symptom=4, app="f5_skipass",
        code=("skipass/basket.py", 'born = date.fromisoformat(skier["birth_date"])'),
        instrumentation="openinference", tags=["fresh5", "class-2", "crash", "stacktrace"],
    )


# --- class 3: a value or constraint lost turns before the complaint ---------------------------


def _timberyard_decimal_dimensions() -> EvalCase:
    chat = _Chat(_prompt(TIMBERYARD, "timberyard/prompts.py"), _legacy_call, call_name="openai.chat",
                 root_name="yard_chat")

    def parse(text: str, result: dict[str, Any] | None) -> Span:
        return {"name": "parse_dimensions", "type": "PARSER", "inputs": {"text": text}, "outputs": result}

    q1 = "Hi, pricing up a softwood deck for the back garden, it'll be 4.8 by 3 metres. What do I need?"
    deck = {"length_m": 4, "width_m": 8, "area_m2": 32}
    materials = {"boards": 68, "board": "Treated softwood deck board 144x28mm, 3.6m", "joists": 17,
                 "joist": "C24 treated joist 47x150mm, 4.8m", "screw_boxes": 5}
    chat.say(q1, "For your deck you'll need 68 treated deck boards (144 x 28 mm, 3.6 m), 17 C24 joists "
             "(47 x 150 mm, 4.8 m) and 5 boxes of 200 deck screws. That already includes 10% for cuts and "
             "waste.",
             before=[parse(q1, deck), {"name": "materials_for", "type": "UNKNOWN", "inputs": {"deck": deck},
                                       "outputs": materials}],
             context=[{"role": "system", "content": "Materials: " + json.dumps(materials)}])
    for user, reply in [
        ("What would that lot come to?",
         "68 boards at £14.50 = £986.00, 17 joists at £18.20 = £309.40 and 5 boxes of screws at £24.99 = "
         "£124.95. That's £1,420.35 including VAT."),
        ("Ouch. Is there anything cheaper than those boards?",
         "Our value grooved deck board is £11.20 per 3.6 m length. Using those, the 68 boards come to "
         "£761.60 and the total to £1,195.95."),
        ("Go with the value ones. Can you deliver on Thursday?",
         "Yes, we deliver Monday to Friday, so Thursday 6 June is fine. Delivery is £45 within 20 miles and "
         "the driver offloads at the kerb."),
    ]:
        chat.say(user, reply, before=[parse(user, None)])
    q5 = "Great, order it all on my account please, Thursday delivery."
    lines = [{"item": "Value grooved deck board 3.6m", "qty": 68, "price": 11.20},
             {"item": "C24 treated joist 47x150mm 4.8m", "qty": 17, "price": 18.20},
             {"item": "Deck screws, box of 200", "qty": 5, "price": 24.99},
             {"item": "Delivery", "qty": 1, "price": 45.00}]
    order = {"order": "TY-20931", "total": 1240.95, "delivery": "2024-06-06 07:00-13:00"}
    chat.say(q5, "Ordered! TY-20931: 68 value deck boards, 17 joists, 5 boxes of screws and delivery, "
             "£1,240.95 in total. It'll arrive on Thursday 6 June between 7am and 1pm.",
             before=[parse(q5, None), tool_span("place_order.tool", {"account": "AT-20417", "lines": lines,
                                                                     "delivery_date": "2024-06-06"}, order)],
             context=[_tool_msg("place_order", order)])
    q6 = "Delivery came, cheers. Quick one, do I need to treat the cut ends?"
    chat.say(q6, "Yes: brush an end-grain preserver onto every cut end, even on treated timber, because the "
             "treatment doesn't go all the way through. A 1 litre tin does the whole job.",
             before=[parse(q6, None)])
    q7 = ("Deck's finished and it looks great, but there are 37 boards and 9 joists on the drive that I "
          "never "
          "touched. Did you work it out for a bigger deck?")
    chat.say(q7, "I'm sorry. Your 4.8 m by 3 m deck was read as 4 m by 8 m, 32 m² instead of 14.4 m², so "
                 "every "
             "quantity came out about twice what you needed. Uncut stock can come back within 30 days for a "
             "refund; I can book a collection.", before=[parse(q7, None)])
    return EvalCase(
        "timber yard reads 4.8 by 3 as 4 by 8 and over-orders; the customer counts the leftovers after the "
        "build",
        "input_misparsed", with_attributes(chat.turns, "otel_genai_legacy"), root=1, symptom=7,
        app="f5_timberyard", code=("timberyard/quote.py", r're.findall(r"\d+", text)'),
        instrumentation="otel_genai_legacy", tags=["fresh5", "class-3", "parser"],
    )


def _deskhelp_no_admin_rights() -> EvalCase:
    chat = _Chat(_prompt(DESKHELP, "deskhelp/prompts.py"), _oi_call, call_name="ChatCompletion",
                 root_name="helpdesk_turn", model="gpt-4o", keep=lambda history, _user: history[-8:])
    for user, reply in [
        ("Hi, my work MacBook keeps dropping off the GlobalProtect VPN every 10 minutes or so. It's a "
         "managed "
         "laptop and I'm not an admin on it, so I can't install anything myself.",
         "Thanks, that helps. Let's start simple: does it drop both on your home Wi-Fi and when you're "
         "tethered to your phone?"),
        ("Both, I tried my phone hotspot this morning too",
         "OK, so it's not your router. Which GlobalProtect version is it? Click the globe in the menu bar, "
         "then the three dots, then About."),
        ("6.0.4-31",
         "Thanks. Does the drop happen when the Mac sleeps or the screen locks, or while you're actively "
         "using it?"),
        ("While I'm working, usually in the middle of a Teams call",
         "Got it. In GlobalProtect open Settings > Troubleshooting, set logging to Debug, wait for the next "
         "drop, then tell me the last few lines of the PanGPS log."),
        ("It says 'tunnel keep-alive timeout, disconnecting' and then 'portal reconnect ok'",
         "That's the keep-alive bug in GlobalProtect 6.0.4 on macOS Sonoma. It's fixed in 6.0.7 and later."),
        ("So how do I get 6.0.7?",
         "Download the 6.0.7 macOS package from the portal at vpn.northgate-group.com, open it, and when "
         "macOS "
         "asks for an administrator name and password, enter yours to allow the install. Then restart."),
        ("It's asking for an admin password. I said right at the start that I'm not an admin on this laptop.",
         "Sorry about that. Without admin rights, please check Self Service (the Northgate app in your "
         "Applications folder) for GlobalProtect 6.0.7; it installs without a password."),
        ("Self Service only has 6.0.4.",
         "Then End User Computing will need to publish 6.0.7. Please raise a Software Request in the IT "
         "portal "
         "asking them to push GlobalProtect 6.0.7 to your Mac, and mention the keep-alive disconnects."),
        ("done, ticket's in. thanks", "You're welcome! Once 6.0.7 appears in Self Service, install it and "
                                     "restart, and the drops should stop."),
    ]:
        chat.say(user, reply)
    return EvalCase(
        "IT desk bot tells a non-admin to enter an admin password once the first message left its history",
        "context_window_dropped_constraint", with_attributes(chat.turns, "openinference"), root=6, symptom=7,
        app="f5_deskhelp", code=("deskhelp/memory.py", "rows[-8:]"),
        instrumentation="openinference", tags=["fresh5", "class-3", "window"],
    )


def _boilerfix_fault_code() -> EvalCase:
    system = _prompt(BOILERFIX, "boilerfix/prompts.py")
    chat = _Chat(system, _openai_call, call_name="Completions", root_name="heating_agent")
    chat.say("Hi, our boiler's stopped doing heating and hot water. It's a Vireo Combi 30. Can someone "
             "come out?",
             "Sorry to hear that! Is there a fault code on the display? It'll be a letter and a number, like "
             "F28.")
    chat.say("It says F22",
             "F22 on the Vireo Combi 30 means the flue sensor has tripped, usually because something is "
             "blocking "
             "the flue terminal outside. Check nothing is covering it, then press reset.")
    chat.say("Flue's clear, nothing on it. Reset didn't help",
             "Then the flue sensor itself has most likely failed. It's a standard part, so an engineer can "
             "usually replace it in one visit. Would you like me to book one?")
    q4 = "Yes please, tomorrow if possible. 27 Ferndale Road, LS6 2QT"
    args = {"postcode": "LS6 2QT", "date": "2024-11-14", "fault": "F22 flue sensor fault",
            "parts": ["flue sensor VC30-FS"]}
    job = {"job": "BF-77120", "date": "2024-11-14", "window": "08:00-12:00", "call_out": 85.0}
    call = _call("call_b1", "book_visit", args)
    request = _openai_tool_request([{"role": "system", "content": system}, *chat.history,
                                    {"role": "user", "content": q4}], [call])
    chat.say(q4, "Booked: job BF-77120, tomorrow (Thursday 14 November) between 8am and 12pm. The engineer "
             "will bring a replacement flue sensor. The call-out is £85 plus parts.",
             before=[request, tool_span("book_visit", args, job)],
             context=[{"role": "assistant", "content": None, "tool_calls": [call]},
                      {"role": "tool", "tool_call_id": "call_b1", "content": json.dumps(job)}])
    chat.say("Thanks. Anything I should do before they come?",
             "Just make sure the boiler and the flue outside are easy to reach, and keep pets out of the "
             "way.")
    chat.say("The engineer's been. He topped up the pressure from the filling loop and it fired straight up. "
             "Said F22 is just low water pressure on these, and he'd been sent out with a flue sensor for "
             "nothing. So we're paying £85 for a two minute job?",
             "I'm sorry. F22 on the Vireo Combi 30 is low water pressure, not a flue fault, and I should "
             "have "
             "told you how to top up the pressure yourself before booking a visit.")
    chat.say("Can you refund the call-out then?",
             "I've passed job BF-77120 to the customer team with a note that the visit was booked on my "
             "wrong "
             "diagnosis; they'll be in touch about refunding the £85 within two working days.")
    for turn in chat.turns:
        root = turn["root"]
        root["inputs"] = {"conversation": "c-51d09a", "text": root["inputs"]["message"]}
    return EvalCase(
        "boiler assistant misreads a fault code, an engineer is sent with the wrong part four turns later",
        "hallucinated_fact", _wrap(chat.turns, "POST /api/chat"), root=2, symptom=6, app="f5_boilerfix",
        code=("boilerfix/prompts.py", "Diagnose boiler fault codes yourself"),
        instrumentation="mlflow, wrapper root", tags=["fresh5", "class-3", "reply_origin"],
    )


# --- class 4: a failed step whose own reply admits it -----------------------------------------


def _donor_hold_404() -> EvalCase:
    system = _prompt(DONOR, "donor/prompts.py").format(donor_id="D-3318820")
    chat = _Chat(system, _genai_call, call_name="chat gpt-4o-mini", root_name="donor_chat")
    donor = {"donor_id": "D-3318820", "sex": "F", "last_donation": "2024-03-28", "blood_group": "O-",
             "deferrals": []}
    chat.say("Hi, I gave blood 10 weeks ago, am I allowed to donate again yet?",
             "Not quite yet: women can give whole blood every 16 weeks, and your last donation was on 28 "
             "March, "
             "so you can donate again from Thursday 18 July.",
             before=[tool_span("get_donor", {"donor_id": "D-3318820"}, donor)],
             context=[_tool_msg("get_donor", donor)])
    url = "https://appointments.giveblood.example/v2/session/LDS-0720-AM/hold"
    message = (f"Client error '404 Not Found' for url '{url}'\nFor more information check: "
               "https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/404")
    stack = _traceback([
        OTEL_WRAPPER,
        _frame(DONOR, "donor/booking.py", "/session/{session_id}/hold", "hold_slot"),
        _lib("httpx/_models.py", 829, "raise_for_status",
             "raise HTTPStatusError(message, request=request, response=self)"),
    ], f"httpx.HTTPStatusError: {message}\n")

    def hold(time: str) -> Span:
        span = tool_span("hold_slot", {"donor_id": "D-3318820", "session_id": "LDS-0720-AM", "time": time},
                         error=message, error_type="httpx.HTTPStatusError")
        span["stacktrace"] = stack
        return span

    failed = {"error": f"HTTPStatusError: {message}"}
    sessions = [{"session_id": "LDS-0720-AM", "centre": "Leeds Donor Centre", "date": "2024-07-20",
                 "times": ["09:15", "09:45", "10:30"]}]
    chat.say("Ah ok. Can you book me in at the Leeds Donor Centre for the first Saturday I'm allowed?",
             "There's a session at Leeds Donor Centre on Saturday 20 July with 09:15, 09:45 and 10:30 "
             "free, but "
             "I couldn't get through to the booking system to reserve a time, so nothing is booked yet. "
             "Could you try again in a little while?",
             before=[tool_span("find_sessions", {"centre": "Leeds Donor Centre", "date_from": "2024-07-18"},
                               sessions), hold("09:15")],
             context=[_tool_msg("find_sessions", sessions), _tool_msg("hold_slot", failed)])
    chat.say("Trying again now, 09:45 please",
             "Sorry, I still couldn't reserve 09:45: the booking system returned an error again, so you're "
             "not "
             "booked in.", before=[hold("09:45")], context=[_tool_msg("hold_slot", failed)])
    chat.say("Is it down for everyone? The app shows loads of slots",
             "The app books through a different route, so it may well work. If you book there, you'll get a "
             "confirmation email straight away.")
    chat.say("fine, I'll use the app", "Thank you, and thanks for donating again!")
    return EvalCase(
        "blood donor assistant cannot hold a slot and says so; the hold call uses a path the API never had",
        "tool_failure", with_attributes(chat.turns, "otel_genai"), root=2, symptom=2, app="f5_donor",
        code=("donor/booking.py", "/session/{session_id}/hold"),
        instrumentation="otel_genai", tags=["fresh5", "class-4", "admitted", "stacktrace"],
    )


def _tailor_price_timeout() -> EvalCase:
    system = _prompt(TAILOR, "tailor/assistant.py", "SYSTEM")
    chat = _Chat(system, _openai_call, call_name="Completions", root_name="stitch_assistant")
    chat.say("Hi, do you take in the waist on suit trousers?",
             "Yes, we take in and let out suit trouser waists at both branches, usually ready in 5 working "
             "days.")
    chat.say("They're wool with a half lining, is that a problem?",
             "Not at all, lined wool trousers are routine for us; the lining is adjusted along with the "
             "waist.")
    message = ("HTTPSConnectionPool(host='pricing.stitchwise.example', port=443): Read timed out. "
               "(read timeout=0.5)")
    stack = _traceback([
        MLFLOW_WRAPPER,
        _frame(TAILOR, "tailor/pricing.py", "timeout=0.5", "quote_alteration"),
        _lib("requests/api.py", 73, "get", 'return request("get", url, params=params, **kwargs)'),
        _lib("requests/sessions.py", 703, "send", "r = adapter.send(request, **kwargs)"),
        _lib("requests/adapters.py", 713, "send", "raise ReadTimeout(e, request=request)"),
    ], f"requests.exceptions.ReadTimeout: {message}\n")
    args = {"garment": "wool suit trousers, half lined", "job": "take in waist 3cm; shorten hem 2cm"}

    def quote(q: str, call_id: str, reply: str) -> None:
        call = _call(call_id, "quote_alteration", args)
        request = _openai_tool_request([{"role": "system", "content": system}, *chat.history,
                                        {"role": "user", "content": q}], [call])
        failed = tool_span("quote_alteration", args, error=message,
                           error_type="requests.exceptions.ReadTimeout")
        failed["stacktrace"] = stack
        chat.say(q, reply, before=[request, failed],
                 context=[{"role": "assistant", "content": None, "tool_calls": [call]},
                          {"role": "tool", "tool_call_id": call_id,
                           "content": json.dumps({"error": message})}])

    quote("How much to take them in about 3cm at the waist and take the hems up 2cm?", "call_q1",
          "Sorry, I couldn't get a price from our pricing system just now, so I can't quote that yet. Please "
          "try again in a few minutes, or the Cardiff or Newport branch can price it on the spot.")
    quote("Can you try again?", "call_q2",
          "I'm sorry, the pricing system still isn't responding, so I can't give you a price for the waist "
          "and hems.")
    chat.say("ok I'll just take them into Newport on Saturday then",
             "Good plan: the Newport branch is open 9am to 5:30pm on Saturdays and no appointment is needed.")
    for turn in chat.turns:
        root = turn["root"]
        root["inputs"] = {"session": "<SessionStore: 8f2k1x>", "text": root["inputs"]["message"]}
    return EvalCase(
        "alterations assistant cannot price a job twice and says so; the price call gives up after half a "
        "second",
        "tool_failure", _wrap(chat.turns, "POST /api/assistant"), root=3, symptom=3, app="f5_tailor",
        code=("tailor/pricing.py", "timeout=0.5"),
        instrumentation="mlflow, wrapper root", tags=["fresh5", "class-4", "admitted", "stacktrace"],
    )


# --- class 5: structural faults ---------------------------------------------------------------

LETTER_CUT = (
    "Dear Ms Okafor,\n\n"
    "I am writing to apply for the Junior Data Analyst role at Brightwell Housing. I graduated in "
    "Mathematics "
    "from the University of Sheffield this summer, and I would love to use data to improve the homes and "
    "services your tenants rely on.\n\n"
    "During a six-month placement with Leeds City Council, I built Power BI dashboards for the housing "
    "repairs team. I pulled job data from their repairs system with SQL, cleaned it, and turned it into "
    "weekly "
    "views of open jobs, repeat visits and time to fix. The part I enjoyed most was sitting down with "
    "surveyors and team leaders who had never used a dashboard, finding out which questions they actually "
    "needed answered, and presenting the numbers as a story they could act on. One report on repeat damp and "
    "mould visits helped the team move three estates up their planned works list.\n\n"
    "Outside work, I volunteer as treasurer for my running club, keeping the accounts for 140 members and "
    "explaining our finances at the AGM to people who are not analysts. It has taught me to keep careful "
    "records and to make numbers clear and honest.\n\n"
    "I am particularly"
)


def _cvcoach_letter_cut() -> EvalCase:
    chat = _Chat(_prompt(CVCOACH, "cvcoach/prompts.py"), _genai_call, call_name="chat gpt-4o-mini",
                 root_name="coach_turn")
    chat.say("can you help me write a cover letter? it's for a Junior Data Analyst job at Brightwell "
             "Housing. "
             "I've got a maths degree from Sheffield, did a 6 month placement at Leeds City Council building "
             "Power BI dashboards for the housing repairs team, and I do the accounts for my running club "
             "as a "
             "volunteer",
             "Of course! Do you have a name to address it to, and is there anything in the job advert you'd "
             "especially like the letter to speak to?")
    chat.say("It's to Sarah Okafor, Head of Insight. The advert goes on about SQL, turning data into "
             "stories for "
             "non-technical people, and their tenant satisfaction work. Can you write the whole thing "
             "please?",
             LETTER_CUT)
    chat.say("amazing, thank you!! sending it now",
             "Good luck! Let me know if you'd like help preparing for an interview.")
    chat.say("Sarah just emailed back asking if my letter got cut off, because it ends on 'I am "
             "particularly'. "
             "I've reread it and it does. so embarrassing",
             "I'm so sorry, the letter was cut off before the end. Here's the rest, to follow 'I am "
             "particularly': \"drawn to Brightwell's tenant satisfaction work, because my damp and mould "
             "report "
             "showed me how much better decisions get when residents' experience is in the data. I would "
             "welcome the chance to discuss how I could help. Yours sincerely,\" followed by your name.")
    chat.say("ok I've sent her the ending. can we do some interview prep?",
             "Absolutely. Let's start with a classic: tell me about a time you explained data to someone "
             "without a technical background. Give me your answer and I'll help you shape it.")
    for i, turn in enumerate(chat.turns):
        attrs = turn["root"]["children"][-1]["attributes"]
        attrs.update({"gen_ai.request.max_tokens": 300, "gen_ai.request.temperature": 0.7})
        if i == 1:
            attrs.update({"gen_ai.response.finish_reasons": ["length"], "gen_ai.usage.output_tokens": 300})
    return EvalCase(
        "cover letter stops mid-sentence at the token limit; the recruiter points it out two turns later",
        "reply_truncated", with_attributes(chat.turns, "otel_genai"), root=2, symptom=4, app="f5_cvcoach",
        code=("cvcoach/writer.py", "max_tokens=300"),
        instrumentation="otel_genai", tags=["fresh5", "class-5", "truncation"],
    )


def _delayrepay_none_result() -> EvalCase:
    system = _prompt(DELAYREPAY, "delayrepay/app.py", "SYSTEM")
    journey = {"ticket_ref": "TRN-88213-KX", "journey": {
        "from": "York", "to": "London Kings Cross", "operator": "LNER", "date": "2024-09-12",
        "booked_departure": "07:31", "scheduled_arrival": "09:22", "actual_arrival": "10:09",
        "delay_minutes": 47, "fare_paid": 86.20, "ticket_type": "Anytime Single"}}
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def turn(user: str, reply: str, looped: bool) -> None:
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user}]
        convo = list(messages)
        children: list[Span] = []
        if looped:
            for step in range(6):
                call = _call(f"call_j{len(turns)}{step}", "get_journey", {"ticket_ref": "TRN-88213-KX"})
                children.append(_openai_tool_request(list(convo), [call]))
                children.append(tool_span("get_journey", {"ticket_ref": "TRN-88213-KX"}, journey))
                convo += [{"role": "assistant", "content": None, "tool_calls": [call]},
                          {"role": "tool", "tool_call_id": call["id"], "content": "None"}]
        children.append(_openai_call(convo, reply, name="Completions", model="gpt-4o-mini"))
        turns.append(chat_turn(user, reply, root_name="claim_agent", inputs={"messages": messages},
                               children=children))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": reply}])

    turn("My train from York to Kings Cross on Thursday was 47 minutes late. Can I claim anything?",
         "Yes: on LNER, a delay of 30 to 59 minutes gets you 50% of a single fare back. Send me your ticket "
         "reference and I'll check the journey.", looped=False)
    turn("TRN-88213-KX",
         "Could you double-check the ticket reference? I wasn't able to confirm the journey details from it. "
         "It's printed at the top of your e-ticket.", looped=True)
    turn("That IS the reference, I've copied it straight off the e-ticket. TRN-88213-KX",
         "Thanks. I'm still not getting the journey details for TRN-88213-KX. Could you tell me the date, "
         "the "
         "train time and what you paid, and I'll work out the claim from those?", looped=True)
    turn("Thursday 12th, the 07:31 from York, £86.20 Anytime single. This is going round in circles",
         "Sorry for the runaround. For a 47 minute delay you're due 50% of £86.20, so £43.10. Claim at "
         "lner.co.uk/delay-repay within 28 days with a photo of your ticket.", looped=False)
    return EvalCase(
        "delay repay agent fetches the same journey six times a turn because the result never reaches it",
        "tool_loop", turns, root=2, symptom=3, app="f5_delayrepay",
        code=("delayrepay/agent.py", 'str(result.get("data"))'),
        instrumentation="mlflow", tags=["fresh5", "class-5", "tool_loop"],
    )


def _sizeguide_default_fit() -> EvalCase:
    system = _prompt(SIZEGUIDE, "sizeguide/handler.py", "SYSTEM")
    chat = _Chat(system, _openai_call, call_name="Completions", root_name="style_assistant")
    url = "https://fit.harbourandthread.example/v3/predict"
    stack = _traceback([
        _frame(SIZEGUIDE, "sizeguide/fit.py", "resp.raise_for_status()", "predict_size"),
        REQUESTS_RAISE,
    ], f"requests.exceptions.HTTPError: 502 Server Error: Bad Gateway for url: {url}\n")
    shirt_args = {"product_id": "PORTHLEVEN-LINEN-SHIRT-W", "height_cm": 160, "chest_cm": 82,
                  "fit": "relaxed"}
    fallback = {"name": "predict_size", "type": "TOOL", "inputs": shirt_args,
                "outputs": {"size": "M", "confidence": 0.0},
                "events": [{"name": "exception", "attributes": {
                    "exception.type": "requests.exceptions.HTTPError",
                    "exception.message": f"502 Server Error: Bad Gateway for url: {url}",
                    "exception.stacktrace": stack, "exception.escaped": "False"}}]}
    chat.say("hi, what size would I be in the Porthleven linen shirt? I'm 160cm, 82cm chest, I like it a bit "
             "relaxed but not huge",
             "For the Porthleven linen shirt with a relaxed fit, I'd recommend a size M.",
             before=[fallback], context=[_tool_msg("predict_size", {"size": "M", "confidence": 0.0})])
    chinos = {"size": "8 Short", "confidence": 0.91}
    chat.say("and the Mullion chinos? waist 66, inside leg 74",
             "In the Mullion chinos you'd be a size 8 Short.",
             before=[tool_span("predict_size", {"product_id": "MULLION-CHINO-W", "waist_cm": 66,
                                                "inside_leg_cm": 74}, chinos)],
             context=[_tool_msg("predict_size", chinos)])
    basket = {"items": [{"product": "PORTHLEVEN-LINEN-SHIRT-W", "colour": "sage", "size": "M", "price": 59.0},
                        {"product": "MULLION-CHINO-W", "colour": "stone", "size": "8 Short", "price": 45.0}],
              "total": 104.0}
    chat.say("perfect, add both please. shirt in the sage",
             "Added the Porthleven linen shirt in sage (M, £59) and the Mullion chinos (8 Short, £45). Your "
             "basket total is £104.",
             before=[tool_span("add_to_basket", {"session": "s-20c77", "items": [
                 {"product": "PORTHLEVEN-LINEN-SHIRT-W", "colour": "sage", "size": "M"},
                 {"product": "MULLION-CHINO-W", "colour": "stone", "size": "8 Short"}]}, basket)],
             context=[_tool_msg("add_to_basket", basket)])
    order = {"order": "HT-552071", "total": 104.0, "delivery": "Thursday 13 June"}
    chat.say("checkout with my saved card",
             "Order HT-552071 is placed, £104 on your saved card, and should arrive on Thursday 13 June.",
             before=[tool_span("place_order", {"session": "s-20c77", "payment": "saved_card"}, order)],
             context=[_tool_msg("place_order", order)])
    chat.say("Arrived today. Chinos are spot on but the shirt is enormous, the shoulder seams sit halfway "
             "to my "
             "elbows. The chart on the swing tag says M is for a 92-96cm chest??",
             "I'm sorry! With an 82cm chest you'd be an XS in the Porthleven shirt, or an S if you want it "
             "roomier. You can exchange it for free.")
    chat.say("S please, I still want it a bit relaxed",
             "Use the free returns label in your parcel and choose 'Exchange: size S'. We'll send the S in "
             "sage "
             "as soon as the M is scanned at the post office.")
    return EvalCase(
        "size assistant recommends the default size after the fit service failed inside an OK span",
        "silent_fallback", with_attributes(chat.turns, "custom"), root=1, symptom=5, app="f5_sizeguide",
        code=("sizeguide/fit.py", "return DEFAULT_FIT"),
        instrumentation="custom keys", tags=["fresh5", "class-5", "silent_fallback", "stacktrace"],
    )


def _catering_no_delivery_time() -> EvalCase:
    system = _prompt(CATERING, "catering/app.py", "SYSTEM")
    chat = _Chat(system, _legacy_call, call_name="openai.chat", root_name="order_chat", model="gpt-4o")
    chat.say("Hi, I'd like to order lunch for our team away day on Friday 14 June. 40 people.",
             "Lovely! Where should we deliver, and what time would you like lunch to arrive?")
    chat.say("Unit 4, Canal Wharf, Leeds LS11 5PS, we're on the 2nd floor. Lunch at 12:30 please.",
             "Perfect, 12:30 on Friday 14 June. For 40 people I'd suggest our Working Lunch: sandwiches, "
             "wraps, "
             "two salads and a fruit platter at £11.50 a head. Any dietary needs?")
    chat.say("6 vegetarian, 2 vegan, 1 gluten free",
             "Noted: 6 vegetarian, 2 vegan and 1 gluten free, all labelled separately. That's £460 + VAT "
             "for 40. "
             "Shall I place the order? I'll just need the company name for the invoice.")
    q4 = "Yes please, it's Fernhill Analytics"
    args = {"company": "Fernhill Analytics", "address": "Unit 4, Canal Wharf, Leeds LS11 5PS (2nd floor)",
            "delivery_date": "2024-06-14", "guests": 40, "menu": "Working Lunch",
            "dietary": {"vegetarian": 6, "vegan": 2, "gluten free": 1}}
    result = {"order_ref": "CC-70314", "status": "confirmed", "delivery_date": "2024-06-14",
              "delivery_window": "07:30-08:30", "total_ex_vat": 460.0}
    call = _call("call_po1", "place_order", args)
    request = _legacy_tool_request([{"role": "system", "content": system}, *chat.history,
                                    {"role": "user", "content": q4}], call,
                                   name="openai.chat", model="gpt-4o")
    chat.say(q4, "Done! Order CC-70314 is confirmed: Working Lunch for 40 (6 vegetarian, 2 vegan, 1 gluten "
             "free) on Friday 14 June to Unit 4, Canal Wharf, 2nd floor. £460 + VAT, invoiced to Fernhill "
             "Analytics.",
             before=[request, tool_span("place_order.tool", args, result)],
             context=[{"role": "assistant", "content": None, "tool_calls": [call]},
                      {"role": "tool", "tool_call_id": "call_po1", "content": json.dumps(result)}])
    q5 = "Could we add brownies for everyone?"
    add = {"order_ref": "CC-70314", "item": "chocolate brownie", "quantity": 40}
    added = {"order_ref": "CC-70314", "added": "40 x chocolate brownie", "total_ex_vat": 548.0}
    call5 = _call("call_ai1", "add_items", add)
    request5 = _legacy_tool_request([{"role": "system", "content": system}, *chat.history,
                                     {"role": "user", "content": q5}], call5,
                                    name="openai.chat", model="gpt-4o")
    chat.say(q5, "Added 40 chocolate brownies at £2.20 each to CC-70314. New total £548 + VAT.",
             before=[request5, tool_span("add_items.tool", add, added)],
             context=[{"role": "assistant", "content": None, "tool_calls": [call5]},
                      {"role": "tool", "tool_call_id": "call_ai1", "content": json.dumps(added)}])
    chat.say("Reception just rang, your driver's downstairs with all our food and it's 8am. Nobody's in "
             "till 10 "
             "and it'll be sitting out for hours. It was meant to come at 12:30!",
             "I'm really sorry. The order reached the kitchen without your 12:30 time, so it went out on the "
             "morning run. I've flagged CC-70314 to the kitchen manager for a fresh delivery at 12:30 at no "
             "charge.")
    return EvalCase(
        "catering order placed without the delivery time the customer gave; food turns up at breakfast",
        "malformed_tool_call", with_attributes(chat.turns, "otel_genai_legacy"), root=4, symptom=6,
        app="f5_catering",
        code=("catering/tools.py", '"required": ["company", "address", "delivery_date", "guests", "menu"]'),
        instrumentation="otel_genai_legacy", tags=["fresh5", "class-5", "missing_field"],
    )


# --- class 6: a stale source named by its loader ----------------------------------------------

TARIFF_2022 = {"id": "pitch-tariff-2022.md#peak", "content": (
    "## Peak season (18 July - 31 August)\nTent pitch, no electric: 24 GBP per night. Tent pitch with "
    "electric "
    "hook-up: 31 GBP per night. Prices include 2 adults; extra adult 8 GBP, child (4-15) 4 GBP. Dogs 3 GBP "
    "per "
    "night."), "metadata": {"source": "campsite/kb/pitch-tariff-2022.md", "season": "2022"}}
ARRIVING_2024 = {"id": "site-guide-2024.md#arriving", "content": (
    "## Arriving\nCheck-in is from 1pm and departure is by 11am. Reception is open 9am to 6pm; late arrivals "
    "collect a welcome pack from the box by the gate. The farm shop opens at 8am."),
    "metadata": {"source": "campsite/kb/site-guide-2024.md", "season": "2024"}}
DOGS_2024 = {"id": "dogs-and-campfires-2024.md#dogs", "content": (
    "## Dogs\nDogs are welcome on all pitches, two per pitch at most, 3.50 GBP per dog per night. Dogs must "
    "be on a lead at all times on site; the dog walk is the field beyond the stream."),
    "metadata": {"source": "campsite/kb/dogs-and-campfires-2024.md", "season": "2024"}}


def _campsite_old_tariff() -> EvalCase:
    chat = _Chat(_prompt(CAMPSITE, "campsite/prompts.py"), _oi_call, call_name="ChatCompletion",
                 root_name="warren_farm_chat")

    def say(user: str, reply: str, docs: list[dict[str, Any]], after: list[Span] | None = None,
            extra: list[Msg] | None = None) -> None:
        chat.say(user, reply, before=[retriever_span("VectorStoreRetriever", user, docs), *(after or [])],
                 context=[_docs_msg(docs), *(extra or [])])

    say("Hi, how much is a tent pitch with electric hook-up for 2 adults, 3 nights in August?",
        "In August a tent pitch with electric hook-up is £31 a night including 2 adults, so £93 for 3 "
        "nights.",
        [TARIFF_2022, ARRIVING_2024])
    say("Are dogs allowed? We've got a spaniel",
        "Yes, spaniels are very welcome! It's £3.50 per dog per night, and dogs need to be on a lead on "
        "site. "
        "There's a dog walk in the field beyond the stream.", [DOGS_2024, TARIFF_2022])
    booking = {"pitch_type": "tent_ehu", "arrive": "2024-08-09", "nights": 3, "adults": 2, "dogs": 1}
    booked = {"booking": "WF-24-1187", "status": "confirmed", "deposit_taken": 25.0}
    say("Lovely, can you book us in from the 9th to the 12th of August then?",
        "Booked! WF-24-1187: tent pitch with electric hook-up, Friday 9 to Monday 12 August, 2 adults and 1 "
        "dog. We've taken the £25 deposit; the balance of £78.50 (£93 pitch plus £10.50 for the dog, less "
        "the "
        "deposit) is paid on arrival.", [TARIFF_2022, DOGS_2024],
        after=[tool_span("book_pitch", {"phone": "whatsapp:+447700900412", **booking}, booked)],
        extra=[_tool_msg("book_pitch", booked)])
    say("What time can we arrive on the Friday?",
        "Check-in is from 1pm. Reception is open until 6pm; if you're later than that, your welcome pack "
        "will "
        "be in the box by the gate.", [ARRIVING_2024, TARIFF_2022])
    say("We're at reception. The lady says electric pitches are £42 a night in August, so £126 plus the dog, "
        "and she showed me the price board. That's not what you told me.",
        "I'm sorry for the confusion. Reception's price board is the current one, so the £31 a night I "
        "quoted "
        "was out of date. With the dog and the £25 deposit already paid, the balance is £111.50.",
        [TARIFF_2022, ARRIVING_2024])
    say("ok. is the shop open in the morning?",
        "Yes, the farm shop opens at 8am, with fresh bread and milk.", [ARRIVING_2024, DOGS_2024])
    return EvalCase(
        "campsite bot prices a pitch from a 2022 tariff next to 2024 guides; the price board disagrees on "
        "arrival",
        "outdated_retrieval", with_attributes(chat.turns, "openinference"), root=1, symptom=5,
        app="f5_campsite", code=("campsite/knowledge.py", "pitch-tariff-2022.md"),
        instrumentation="openinference", tags=["fresh5", "class-6", "dated_source"],
    )


def _kerbside_glass_2021() -> EvalCase:
    system = _prompt(KERBSIDE, "kerbside/lambda_fn.py", "SYSTEM")
    calendar = {"id": "cal-100062270418", "content": (
        "18 Marlow Close: blue bin (recycling) fortnightly on Tuesday, next 9 April 2024; black bin "
        "fortnightly "
        "on Tuesday, next 16 April 2024; green box (glass) every four weeks on Tuesday, next 16 April 2024."),
        "metadata": {"source": "data/collection-calendar-2024.csv"}}

    def item(row_id: str, text: str) -> dict[str, Any]:
        return {"id": row_id, "content": text, "metadata": {"source": "data/kerbside-accepted-2021.csv"}}

    glass = item("acc-031", "Glass bottles and jars: blue bin. Rinse them and take the lids off.")
    pizza = item("acc-058", "Pizza boxes: blue bin if clean; tear off greasy parts and put them in the "
                            "black bin.")
    batteries = item("acc-007", "Batteries: not in any bin. Take them to a household recycling centre or a "
                                "supermarket battery bank.")
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def say(user: str, reply: str, docs: list[dict[str, Any]]) -> None:
        records = [{"id": d["id"], "page_content": d["content"], "metadata": d["metadata"]} for d in docs]
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user},
                    {"role": "system", "content": "Records: " + json.dumps(records)}]
        turns.append(chat_turn(user, reply, root_name="bins_turn", children=[
            retriever_span("lookup", user, docs), _openai_call(messages, reply, name="Completions",
                                                               model="gpt-4o-mini")]))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": reply}])

    say("what day is my recycling collected? 18 Marlow Close",
        "Your blue recycling bin is collected every other Tuesday; the next collection is Tuesday 9 April. "
        "Your "
        "black bin goes out on the alternate Tuesdays, next on 16 April.", [calendar])
    say("can glass go in the blue one?",
        "Yes, glass bottles and jars go in your blue bin. Give them a rinse and take the lids off first.",
        [glass, calendar])
    say("and pizza boxes?",
        "Clean pizza boxes go in the blue bin; tear off any greasy parts and put those in the black bin.",
        [pizza, calendar])
    say("what about old batteries",
        "Batteries can't go in any of your bins. Take them to a household recycling centre or a supermarket "
        "battery bank.", [batteries, calendar])
    say("Blue bin wasn't emptied this morning. There's a sticker on the lid saying glass isn't collected "
        "in the "
        "blue bin any more and goes in the green box. So which is it?",
        "Sorry for the mix-up. The sticker is right: glass now goes in your green box, which is collected "
        "every four weeks on a Tuesday. Take the glass out of the blue bin and it will be emptied next time.",
        [glass, calendar])
    say("ok. when does the green box go out?",
        "Your green box is collected every four weeks on Tuesday; the next collection is Tuesday 16 April.",
        [calendar])
    return EvalCase(
        "council bins bot answers from a 2021 accepted-items list beside a 2024 calendar; the crew leaves "
        "a sticker",
        "outdated_retrieval", _wrap(with_attributes(turns, "custom"), "POST /bins/ask"), root=2, symptom=5,
        app="f5_kerbside", code=("kerbside/sources.py", '_rows("kerbside-accepted-2021.csv")'),
        instrumentation="custom keys, wrapper root", tags=["fresh5", "class-6", "data_source"],
    )


# --- healthy look-alikes ------------------------------------------------------------------------


def _salon_thats_all() -> EvalCase:
    chat = _Chat("You are the booking assistant for Shear Bliss hair salon in Didsbury. Book with book_slot.",
                 _openai_call, call_name="Completions", root_name="salon_chat")
    free = {"stylist": "Jess", "date": "2024-06-13", "free": ["14:00", "16:30"]}
    chat.say("Can I get a cut and blow dry with Jess on Thursday afternoon?",
             "Jess has 2pm and 4:30pm free on Thursday 13 June.",
             before=[tool_span("free_slots", {"stylist": "Jess", "date": "2024-06-13"}, free)],
             context=[_tool_msg("free_slots", free)])
    booked = {"ref": "SB-4471", "service": "Cut & blow dry", "stylist": "Jess", "start": "2024-06-13T16:30",
              "price": 48.0}
    chat.say("4:30 please",
             "You're booked with Jess on Thursday 13 June at 4:30pm for a cut and blow dry, £48. Your "
             "reference "
             "is SB-4471.",
             before=[tool_span("book_slot", {"stylist": "Jess", "start": "2024-06-13T16:30",
                                             "service": "Cut & blow dry"}, booked)],
             context=[_tool_msg("book_slot", booked)])
    chat.say("Do I need to pay anything up front?",
             "No deposit needed: you pay at the salon after your appointment. If you need to cancel, "
             "please give "
             "us 24 hours' notice. Anything else I can help with?")
    chat.say("No, that's all, thanks", "Lovely, see you on Thursday!")
    return EvalCase("healthy: salon booking that ends with 'no, that's all'", None, chat.turns,
                    instrumentation="mlflow", tags=["fresh5", "healthy", "closing_no"])


def _prints_own_correction() -> EvalCase:
    chat = _Chat("You are the order assistant for Snapdragon Prints. Use the album and basket tools.",
                 _openai_call, call_name="Completions", root_name="prints_chat")
    album = {"album": "Crete 2024", "photos": 36}
    chat.say("I'd like prints of my album 'Crete 2024', 6x4 glossy, one of each",
             "That's 36 photos from 'Crete 2024' as 6x4 glossy prints at 15p each, £5.40 in total. Shall I "
             "add "
             "them to your basket?",
             before=[tool_span("get_album", {"name": "Crete 2024"}, album)],
             context=[_tool_msg("get_album", album)])
    chat.say("Oh wait, sorry, I meant 7x5 not 6x4. My mistake.",
             "No problem! 36 7x5 glossy prints are 35p each, £12.60 in total. Add them to your basket?")
    basket = {"items": [{"album": "Crete 2024", "size": "7x5", "finish": "glossy", "qty": 36, "price": 12.60},
                        {"photo": "IMG_4410", "size": "10x8", "finish": "glossy", "qty": 1, "price": 2.50}],
              "total": 15.10}
    chat.say("Yes. And can I have the sunset one, IMG_4410, as a 10x8 as well?",
             "Added: 36 x 7x5 glossy prints (£12.60) and a 10x8 glossy of IMG_4410 (£2.50). Basket total "
             "£15.10.",
             before=[tool_span("add_to_basket", {"items": [
                 {"album": "Crete 2024", "size": "7x5", "finish": "glossy", "qty": 36},
                 {"photo": "IMG_4410", "size": "10x8", "finish": "glossy", "qty": 1}]}, basket)],
             context=[_tool_msg("add_to_basket", basket)])
    updated = {"photo": "IMG_4410", "size": "10x8", "finish": "matte", "price": 2.50, "total": 15.10}
    chat.say("actually make the sunset one matte, I've changed my mind",
             "Done, the 10x8 of IMG_4410 is now matte. The total stays at £15.10.",
             before=[tool_span("update_item", {"photo": "IMG_4410", "finish": "matte"}, updated)],
             context=[_tool_msg("update_item", updated)])
    chat.say("great, thanks", "You're welcome! Check out whenever you're ready.")
    return EvalCase("healthy: customer corrects their own print size and finish", None,
                    with_attributes(chat.turns, "custom"), instrumentation="custom keys",
                    tags=["fresh5", "healthy", "own_correction"])


def _observatory_curious() -> EvalCase:
    chat = _Chat("You are the visitor assistant for Kielder Ridge Observatory. Be accurate about astronomy.",
                 _oi_call, call_name="ChatCompletion", root_name="observatory_chat")
    events = {"events": [{"date": "2024-10-05", "title": "Saturn and the Autumn Sky", "price": 14.0},
                         {"date": "2024-10-19", "title": "Andromeda Night", "price": 14.0}]}
    chat.say("Hi, are there any stargazing evenings in October?",
             "Yes, two: 'Saturn and the Autumn Sky' on Saturday 5 October and 'Andromeda Night' on "
             "Saturday 19 "
             "October, both £14 per person.",
             before=[tool_span("list_events", {"month": "2024-10"}, events)],
             context=[_tool_msg("list_events", events)])
    chat.say("How come Saturn's the one for autumn?",
             "Saturn was at opposition on 8 September this year, with Earth between it and the Sun, so "
             "it's at "
             "its brightest and up most of the night. In October it's still high in the south in the "
             "evening.")
    chat.say("Oh interesting. And how come the rings look so thin in photos at the moment?",
             "We're heading for a ring-plane crossing: in March 2025 Earth passes through the plane of "
             "Saturn's "
             "rings, so we see them almost edge-on. This autumn they're tilted only a few degrees towards "
             "us, "
             "so they look like a thin line.")
    chat.say("Really? So will they vanish completely?",
             "Almost. Around March 2025 they'll be close to invisible in small telescopes, though Saturn "
             "is near "
             "the Sun then and hard to see anyway. They open up again over the following years.")
    booked = {"booking": "KRO-1052", "event": "Saturn and the Autumn Sky", "tickets": 2, "total": 28.0}
    chat.say("Cool, book 2 for the 5th then",
             "Booked: 2 tickets for 'Saturn and the Autumn Sky' on Saturday 5 October, £28, reference "
             "KRO-1052. "
             "Doors open at 7:30pm; bring warm layers!",
             before=[tool_span("book_event", {"date": "2024-10-05", "tickets": 2}, booked)],
             context=[_tool_msg("book_event", booked)])
    return EvalCase("healthy: curious 'how come' questions at an observatory", None,
                    with_attributes(chat.turns, "openinference"), instrumentation="openinference",
                    tags=["fresh5", "healthy", "curious_question"])


def _locker_retry() -> EvalCase:
    chat = _Chat("You help customers collect parcels from Parcelbay lockers. Look up codes with "
                 "get_locker_code.",
                 _openai_call, call_name="Completions", root_name="locker_help")
    code = {"parcel": "PB7731904", "locker": "Hyde Park Road Co-op, door 14", "code": "482915",
            "collect_by": "2024-06-20"}
    args = {"parcel": "PB7731904"}
    chat.say("Hi, my parcel's meant to be in the locker at the Co-op on Hyde Park Road, what's the code? "
             "Tracking number PB7731904",
             "Your parcel is behind door 14 of the locker at the Hyde Park Road Co-op. Your collection "
             "code is "
             "482915; please collect it by Thursday 20 June.",
             before=[tool_span("get_locker_code", args, error="locker service returned 503",
                               error_type="LockerServiceError"),
                     tool_span("get_locker_code", args, code)],
             context=[_tool_msg("get_locker_code", code)])
    chat.say("Can my flatmate collect it instead?",
             "Yes, anyone with the code can open the door, so just pass 482915 on to them.")
    chat.say("got it open, cheers", "Great, enjoy your parcel!")
    for turn in chat.turns:
        root = turn["root"]
        root["inputs"] = {"text": root["inputs"]["message"]}
    return EvalCase("healthy: locker code lookup fails once, the retry succeeds", None,
                    _wrap(chat.turns, "POST /webhook/chat"), instrumentation="mlflow, wrapper root",
                    tags=["fresh5", "healthy", "retried_tool"])


def _parking_grumpy() -> EvalCase:
    chat = _Chat("You are the assistant for Airside Parking at Manchester Airport. Use get_booking.",
                 _genai_call, call_name="chat gpt-4o-mini", root_name="parking_chat")
    booking = {"ref": "MP-55310", "car_park": "Long Stay B", "vrm": "YD19 RXA", "entry_code": "MP55310",
               "from": "2024-07-02T05:30", "to": "2024-07-09T23:00"}
    chat.say("whats the code for the barrier at long stay. booking MP-55310",
             "For booking MP-55310 at Long Stay B, the barrier reads your number plate (YD19 RXA). If it "
             "doesn't "
             "open, enter MP55310 on the keypad. Your booking runs from 05:30 on 2 July to 23:00 on 9 July.",
             before=[tool_span("get_booking", {"ref": "MP-55310"}, booking)],
             context=[_tool_msg("get_booking", booking)])
    chat.say("m56 is a car park itself this morning. absolute joke. wheres the shuttle stop",
             "Sorry about the traffic! The shuttle stop is at the front of Long Stay B, next to the ticket "
             "office. "
             "Buses run every 10 to 12 minutes to Terminals 1, 2 and 3.")
    chat.say("how long to T1. this airport is useless",
             "About 8 minutes to Terminal 1; it's the first stop.")
    chat.say("and coming back at 11pm? if the flight isn't late which it will be",
             "The shuttle runs 24 hours, every 10 to 12 minutes until midnight and every 20 minutes "
             "overnight, "
             "from the shuttle stop outside each terminal.")
    chat.say("fine.", "Have a good trip!")
    return EvalCase("healthy: terse, grumpy traveller annoyed at traffic, not at the answers", None,
                    with_attributes(chat.turns, "otel_genai"), instrumentation="otel_genai",
                    tags=["fresh5", "healthy", "rude_unrelated"])


def cases() -> list[EvalCase]:
    return [
        _tyrefit_sixteen_inch(),
        _parkpermit_letter_o(),
        _gridpower_unit_rate(),
        _registrar_module_full(),
        _skipass_missing_birth_date(),
        _timberyard_decimal_dimensions(),
        _deskhelp_no_admin_rights(),
        _boilerfix_fault_code(),
        _donor_hold_404(),
        _tailor_price_timeout(),
        _cvcoach_letter_cut(),
        _delayrepay_none_result(),
        _sizeguide_default_fit(),
        _catering_no_delivery_time(),
        _campsite_old_tariff(),
        _kerbside_glass_2021(),
        _salon_thats_all(),
        _prints_own_correction(),
        _observatory_curious(),
        _locker_retry(),
        _parking_grumpy(),
    ]
