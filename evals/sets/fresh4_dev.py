"""Labelled sessions written as a fourth locked split (`fresh4`), now part of dev.

Written from the fault classes of the case brief alone, without running the engine on them and
without reading its code: pushback in ordinary words (class 1), a recorded failure among look-alike
template replies (class 2), a value or constraint lost turns before the complaint (class 3), a
failure the reply admits (class 4), structural faults (class 5), a stale source named by its loader
(class 6) and healthy look-alikes. Each faulty session has its own small app; `code` names the line
a developer would change. Apps are prefixed `f4_` so they never collide with other splits' apps.
Scored once as the engine stood (root 10/16, healthy blamed 0/5, category 12/16, code 4/16),
then moved to dev and tuned on.
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

LEDGERLY = {
    "ledgerly/server.py": '''import os

from fastapi import FastAPI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pydantic import BaseModel

from ledgerly.assistant import answer

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(os.environ["OTLP_ENDPOINT"])))
trace.set_tracer_provider(provider)
OpenAIInstrumentor().instrument(tracer_provider=provider)

app = FastAPI(title="Ledgerly")


class Question(BaseModel):
    text: str
    conversation_id: str


@app.post("/v1/ask")
def ask(q: Question):
    with using_session(q.conversation_id):
        return {"answer": answer(q.conversation_id, q.text)}
''',
    "ledgerly/assistant.py": '''from openai import OpenAI
from opentelemetry import trace

from ledgerly.prompts import SYSTEM_PROMPT
from ledgerly.store import append_turn, get_turns

tracer = trace.get_tracer("ledgerly")
client = OpenAI()


@tracer.start_as_current_span("ledgerly_answer")
def answer(conversation_id, text):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", text)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *get_turns(conversation_id),
                {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.2)
    reply = out.choices[0].message.content
    append_turn(conversation_id, text, reply)
    span.set_attribute("output.value", reply)
    return reply
''',
    "ledgerly/prompts.py": '''"""Prompts for Ledgerly, the bookkeeping helper for sole traders."""

SYSTEM_PROMPT = (
    "You are Ledgerly, a friendly bookkeeping assistant for UK sole traders and freelancers. "
    "Answer from your own knowledge of UK tax rules and give exact figures; "
    "do not send users to HMRC or an accountant, they pay us so they don't have to. "
    "Use plain English and short paragraphs."
)

EXPENSE_CATEGORIES = [
    "Office costs",
    "Travel",
    "Clothing (uniforms only)",
    "Staff costs",
    "Things you buy to sell on",
    "Financial costs",
    "Marketing",
    "Training",
]
''',
}

FINBOWL = {
    "finbowl/app.py": '''import os

import mlflow
from flask import Flask, jsonify, request

from finbowl.chat import reply_to

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.set_experiment("finbowl-shop-assistant")
mlflow.openai.autolog()

app = Flask(__name__)


@app.post("/chat")
@mlflow.trace(name="POST /chat")
def chat():
    body = request.get_json(force=True)
    return jsonify({"reply": reply_to(body["session"], body["message"])})
''',
    "finbowl/chat.py": '''import mlflow
from openai import OpenAI

from finbowl.prompts import SYSTEM_PROMPT

client = OpenAI()
_sessions = {}


@mlflow.trace(name="shop_assistant")
def reply_to(session_id, message):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    history = _sessions.setdefault(session_id, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": message}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.5)
    reply = out.choices[0].message.content
    history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    return reply
''',
    "finbowl/prompts.py": '''SYSTEM_PROMPT = (
    "You are the assistant of Finbowl Aquatics, a fish and aquarium shop in Bristol. "
    "Customers want clear answers, so always give a specific number of fish a tank can hold "
    "and never say it depends. "
    "Suggest products we stock when it helps."
)

OPENING_HOURS = "Mon-Sat 10:00-18:00, Sun 11:00-16:00"
''',
}

KEYNOTE = {
    "keynote/api.py": '''from fastapi import FastAPI
from pydantic import BaseModel

from keynote.registration import handle_message

app = FastAPI(title="DevConf registration bot")


class Msg(BaseModel):
    conversation: str
    text: str


@app.post("/bot")
def bot(msg: Msg):
    return {"reply": handle_message(msg.conversation, msg.text)}
''',
    "keynote/registration.py": '''from keynote.attendees import save_attendee, load_attendee
from keynote.llm import complete
from keynote.tracing import traced


@traced("registration_turn")
def handle_message(conversation, text):
    attendee = load_attendee(conversation)
    if attendee is None:
        attendee = save_attendee(conversation, text)
    return complete(conversation, text, attendee)
''',
    "keynote/prompts.py": '''SYSTEM_PROMPT = (
    "You are the DevConf Dublin 2024 registration assistant. Use the attendee record for names and badges. "
    "The conference runs 12-13 September at the Convention Centre Dublin."
)
''',
    "keynote/attendees.py": '''import re
import unicodedata

from keynote.db import attendees
from keynote.tracing import traced

EMAIL_RE = re.compile(r"[\\w.+-]+@[\\w-]+\\.[\\w.]+")


def _badge_safe(name):
    # the badge printer only has a Latin-1 font
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


@traced("save_attendee", kind="MEMORY")
def save_attendee(conversation, text):
    email = EMAIL_RE.search(text).group(0)
    name = text.split(email)[0].split(".")[-1].strip(" ,")
    record = {"name": _badge_safe(name), "email": email, "event": "devconf-dublin-2024"}
    attendees.upsert(conversation, record)
    return record


def load_attendee(conversation):
    return attendees.get(conversation)
''',
}

GRITGYM = {
    "gritgym/handler.py": '''from gritgym.booking import book_class, find_slot
from gritgym.intents import classify
from gritgym.llm import small_talk
from gritgym.templates import BOOKED
from gritgym.tracing import span


@span("gym_bot_turn")
def handle(member_id, text):
    intent = classify(text)
    if intent["name"] != "book_class":
        return small_talk(member_id, text)
    slot = find_slot(intent["class"], intent["day"], intent["time"])
    result = book_class(member_id, slot["class_id"])
    member_log(member_id, slot, result)
    return BOOKED.format(**slot)


def member_log(member_id, slot, result):
    print(f"booking {member_id} {slot['class_id']} -> {result}")
''',
    "gritgym/booking.py": '''import os

import requests

from gritgym.tracing import span

BASE = os.environ.get("GLOFOX_URL", "https://api.clubsoft.example/v2")


@span("find_slot", kind="TOOL")
def find_slot(name, day, time):
    resp = requests.get(f"{BASE}/classes", params={"name": name, "day": day, "time": time}, timeout=5)
    return resp.json()["classes"][0]


@span("book_class", kind="TOOL")
def book_class(member_id, class_id):
    resp = requests.post(f"{BASE}/bookings", json={"member": member_id, "class": class_id}, timeout=5)
    return resp.json()
''',
    "gritgym/templates.py": '''"""Reply templates for the booking flow."""

BOOKED = "You're in! {class_name} with Coach {coach}, {day_label} {start}, {room}."

CANCELLED = "Done, you're off {class_name} on {day_label}."
''',
}

SHELFIE = {
    "shelfie/bot.py": '''import os

import mlflow
from fastapi import FastAPI
from pydantic import BaseModel

from shelfie.llm import chat
from shelfie.renewals import renew_item, wants_renewal

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
mlflow.openai.autolog()
app = FastAPI()


class ChatIn(BaseModel):
    patron: str
    session: str
    message: str


@app.post("/chat")
@mlflow.trace(name="POST /chat")
def post_chat(body: ChatIn):
    return {"reply": handle(body.patron, body.session, body.message)}


@mlflow.trace(name="library_chat")
def handle(patron, session, message):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session})
    item = wants_renewal(patron, message)
    if item is not None:
        return renew_item(patron, item)
    return chat(session, message)
''',
    "shelfie/renewals.py": '''from datetime import date

import mlflow

from shelfie.lms import loans_for, renew

RENEWED = "Renewed: '{title}' is now due back on {due}."


def format_due(iso):
    return date.fromisoformat(iso).strftime("%A %-d %B")


@mlflow.trace(name="wants_renewal", span_type="PARSER")
def wants_renewal(patron, message):
    if "renew" not in message.lower():
        return None
    lowered = message.lower()
    for loan in loans_for(patron):
        if any(word in lowered for word in loan["title"].lower().split() if len(word) > 3):
            return loan
    return None


@mlflow.trace(name="renew_item")
def renew_item(patron, item):
    result = renew(patron, item["barcode"])
    due = format_due(result["due_date"])
    return RENEWED.format(title=item["title"], due=due)
''',
    "shelfie/lms.py": '''import os

import mlflow
import requests

LMS = os.environ.get("LMS_URL", "https://lms.northshire-libraries.example/api")


@mlflow.trace(name="loans_for", span_type="TOOL")
def loans_for(patron):
    return requests.get(f"{LMS}/patrons/{patron}/loans", timeout=5).json()["loans"]


@mlflow.trace(name="renew", span_type="TOOL")
def renew(patron, barcode):
    # inter-library loans come back from the ILL gateway with "due" instead of "due_date"
    resp = requests.post(f"{LMS}/patrons/{patron}/loans/{barcode}/renew", timeout=5)
    resp.raise_for_status()
    return resp.json()
''',
}

ROAMLY = {
    "roamly/server.py": '''from flask import Flask, request
from traceloop.sdk import Traceloop

from roamly.planner import plan_turn

Traceloop.init(app_name="roamly", disable_batch=False)
app = Flask(__name__)


@app.post("/api/message")
def message():
    body = request.get_json(force=True)
    Traceloop.set_association_properties({"session_id": body["trip_id"]})
    return {"reply": plan_turn(body["trip_id"], body["text"])}
''',
    "roamly/planner.py": '''from openai import OpenAI
from traceloop.sdk.decorators import workflow

from roamly.memory import recent, remember
from roamly.prompts import SYSTEM_PROMPT

client = OpenAI()


@workflow(name="plan_turn")
def plan_turn(trip_id, text):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *recent(trip_id),
                {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o", messages=messages)
    reply = out.choices[0].message.content
    remember(trip_id, text, reply)
    return reply
''',
    "roamly/memory.py": '''import json

import redis

r = redis.Redis()
MAX_HISTORY = 8  # keeps prompts small and cheap


def _key(trip_id):
    return f"roamly:{trip_id}:messages"


def recent(trip_id):
    messages = [json.loads(m) for m in r.lrange(_key(trip_id), 0, -1)]
    return messages[-MAX_HISTORY:]


def remember(trip_id, text, reply):
    r.rpush(_key(trip_id), json.dumps({"role": "user", "content": text}),
            json.dumps({"role": "assistant", "content": reply}))
''',
    "roamly/prompts.py": '''SYSTEM_PROMPT = (
    "You are Roamly, a travel planner. Give concrete suggestions with names, "
    "how to get there and roughly how long it takes. Be enthusiastic but brief."
)
''',
}

MEALMATE = {
    "mealmate/chat.py": '''import mlflow
from openai import OpenAI

from mealmate.prompts import SYSTEM_PROMPT
from mealmate.summary import compact

mlflow.openai.autolog()
client = OpenAI()
HISTORY = {}


@mlflow.trace(name="planner_turn")
def planner_turn(household, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": household})
    history = compact(HISTORY.setdefault(household, []))
    HISTORY[household] = history
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    out = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    reply = out.choices[0].message.content
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    return reply
''',
    "mealmate/summary.py": '''from openai import OpenAI

from mealmate.prompts import SUMMARY_PROMPT

client = OpenAI()
COMPACT_AFTER = 8


def compact(history):
    """Replace a long history with a short summary so prompts stay cheap."""
    if len(history) < COMPACT_AFTER:
        return history
    transcript = "\\n".join(f"{m['role']}: {m['content']}" for m in history)
    out = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "system", "content": SUMMARY_PROMPT}, {"role": "user", "content": transcript}],
    )
    return [{"role": "system", "content": "Earlier in this chat: " + out.choices[0].message.content}]
''',
    "mealmate/prompts.py": '''SYSTEM_PROMPT = (
    "You are Mealmate, a weekly dinner planner for busy families. "
    "Suggest one dinner at a time with a short ingredient list and the cooking time."
)

SUMMARY_PROMPT = (
    "Summarise this conversation in two sentences. "
    "Mention the meals already planned and the days they are for."
)
''',
}

HAULWISE = {
    "haulwise/assistant.py": '''import json

from openai import OpenAI
from opentelemetry import trace

from haulwise.bookings import book_move
from haulwise.extract import extract_move
from haulwise.pricing import quote_move
from haulwise.prompts import SYSTEM_PROMPT
from haulwise.store import load, save

tracer = trace.get_tracer("haulwise")
client = OpenAI()


@tracer.start_as_current_span("quote_assistant")
def quote_assistant(chat_id, text):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", text)
    state = load(chat_id)
    state["move"] = extract_move(text, state.get("move", {}))
    extra = []
    lowered = text.lower()
    if "quote" in lowered or "how much" in lowered or "book" in lowered:
        extra.append({"role": "system", "content": f"Quote: {quote_move(state['move'])}"})
    if "book it" in lowered:
        booking = book_move(chat_id, state["move"])
        extra.append({"role": "tool", "name": "book_move", "content": json.dumps(booking)})
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *state.get("history", []),
                {"role": "user", "content": text}, *extra]
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message.content
    state.setdefault("history", []).extend([{"role": "user", "content": text},
                                            {"role": "assistant", "content": reply}])
    save(chat_id, state)
    span.set_attribute("output.value", reply)
    return reply
''',
    "haulwise/extract.py": '''import re

from opentelemetry import trace

tracer = trace.get_tracer("haulwise")
FLOOR_RE = re.compile(r"(\\d+)(?:st|nd|rd|th)\\s+floor", re.I)
BEDROOMS_RE = re.compile(r"(\\d+)[- ]bed", re.I)


@tracer.start_as_current_span("extract_move")
def extract_move(text, move):
    trace.get_current_span().set_attribute("openinference.span.kind", "CHAIN")
    lowered = text.lower()
    move = dict(move)
    if m := BEDROOMS_RE.search(text):
        move["bedrooms"] = int(m.group(1))
    if m := FLOOR_RE.search(text):
        move["floor_from"] = int(m.group(1))
        move["lift"] = "lift" in lowered or "elevator" in lowered
    if "ground floor" in lowered:
        move["floor_to"] = 0
    return move
''',
    "haulwise/pricing.py": '''BASE_BY_BEDROOMS = {1: 420, 2: 590, 3: 780, 4: 990}
STAIRS_PER_FLOOR = 50


def quote_move(move):
    price = BASE_BY_BEDROOMS.get(move.get("bedrooms", 2), 590)
    if not move.get("lift", True):
        price += STAIRS_PER_FLOOR * (move.get("floor_from", 0) + move.get("floor_to", 0))
    return {"total_gbp": price, "crew": 3, "van": "7.5t"}
''',
    "haulwise/prompts.py": '''SYSTEM_PROMPT = (
    "You are the quote assistant of Haulwise Removals in Edinburgh. "
    "Give the total from the quote tool, never change it, and keep replies short."
)
''',
}

REPEATLY = {
    "repeatly/agent.py": '''from repeatly.llm import respond
from repeatly.surgery_client import get_repeat_items, request_repeat
from repeatly.tracing import span


@span("repeat_request_turn")
def turn(patient, text, history):
    tool_result = None
    if not patient.get("pending_items"):
        tool_result = get_repeat_items(patient["id"])
        patient["pending_items"] = tool_result["items"]
    elif "yes" in text.lower():
        try:
            tool_result = request_repeat(patient, patient["pending_items"])
        except Exception as exc:
            tool_result = {"error": str(exc)}
    return respond(text, history, patient, tool_result)
''',
    "repeatly/surgery_client.py": '''import os

import requests

from repeatly.tracing import span

EMIS_URL = os.environ.get("EMIS_URL", "https://gp-connect.example.nhs.uk/repeat")


@span("get_repeat_items", kind="TOOL")
def get_repeat_items(patient_id):
    return requests.get(f"{EMIS_URL}/items", params={"patient": patient_id}, timeout=10).json()


@span("request_repeat", kind="TOOL")
def request_repeat(patient, items):
    payload = {
        "nhs_number": patient["nhs_number"],
        "practice_ods": patient["practice_ods"],
        "items": [{"dmd_code": i["dmd_code"], "quantity": i["quantity"]} for i in items],
        "pharmacy_ods": patient["nominated_pharmacy"],
    }
    resp = requests.post(EMIS_URL, json=payload, timeout=10)
    resp.raise_for_status()
    return resp.json()
''',
    "repeatly/prompts.py": '''SYSTEM_PROMPT = (
    "You are Repeatly, helping patients of Meadowbank Surgery order repeat prescriptions. "
    "Tell the patient honestly whether the request reached the surgery. "
    "Repeat prescriptions are usually ready at the nominated pharmacy two working days after the surgery "
    "receives the request."
)
''',
}

TOASTY = {
    "toasty/chat.py": '''import mlflow

from toasty.llm import generate
from toasty.prompts import SYSTEM_PROMPT

HISTORY = {}


@mlflow.trace(name="speech_chat")
def speech_chat(session_id, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    history = HISTORY.setdefault(session_id, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    reply = generate(messages)
    history += [{"role": "user", "content": text}, {"role": "assistant", "content": reply}]
    return reply
''',
    "toasty/llm.py": '''import mlflow
from openai import OpenAI

mlflow.openai.autolog()
client = OpenAI()


def generate(messages):
    out = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=messages,
        temperature=0.8,
        max_tokens=350,
    )
    return out.choices[0].message.content
''',
    "toasty/prompts.py": '''SYSTEM_PROMPT = (
    "You are Toasty, you help people write wedding speeches. Ask for names and stories first, "
    "then write the full speech in a warm, funny voice. A best man speech runs 4-6 minutes."
)
''',
}

CLAIMSY = {
    "claimsy/agent.py": '''import json

from openai import OpenAI

from claimsy.prompts import STEP_LIMIT_REPLY, SYSTEM_PROMPT
from claimsy.tools import TOOLS, run_tool
from claimsy.tracing import tracer

client = OpenAI()
MAX_STEPS = 6


@tracer.start_as_current_span("claims_agent")
def claims_agent(history, text):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    scratch = []
    for _ in range(MAX_STEPS):
        response = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
        msg = response.choices[0].message
        if not msg.tool_calls:
            return msg.content
        for call in msg.tool_calls:
            result = run_tool(call.function.name, json.loads(call.function.arguments))
            scratch.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    return STEP_LIMIT_REPLY
''',
    "claimsy/tools.py": '''from claimsy.backend import claims_api
from claimsy.tracing import tracer

TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_claim_status",
        "description": "Look up the status of a home insurance claim",
        "parameters": {"type": "object", "properties": {"claim_ref": {"type": "string"}},
                       "required": ["claim_ref"]},
    },
}]


def run_tool(name, args):
    with tracer.start_as_current_span(name):
        return claims_api.status(args["claim_ref"])
''',
    "claimsy/prompts.py": '''SYSTEM_PROMPT = (
    "You are the claims assistant of Hollybrook Home Insurance. "
    "Use get_claim_status to answer questions about a claim."
)

STEP_LIMIT_REPLY = (
    "Sorry, I'm having trouble finding that information right now. Please try again in a few minutes."
)
''',
}

HARBOURVIEW = {
    "harbourview/bot.py": '''import mlflow

from harbourview.llm import answer
from harbourview.state import load_state, update_state
from harbourview.tools import book_room


@mlflow.trace(name="POST /chat")
def post_chat(body):
    return {"reply": concierge(body["session"], body["text"])}


@mlflow.trace(name="concierge")
def concierge(session, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session})
    state = update_state(load_state(session), text)
    booking = None
    if "book it" in text.lower() or "go ahead" in text.lower():
        booking = book_room(state)
    return answer(session, text, state, booking)
''',
    "harbourview/state.py": '''import re
from datetime import date

import mlflow

from harbourview.store import get, put

DATE_RE = re.compile(r"(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+(may|june|july))?", re.I)
MONTHS = {"may": 5, "june": 6, "july": 7}


def _dates(text, default_month):
    found = []
    for day, month in DATE_RE.findall(text):
        month_no = MONTHS.get(month.lower(), default_month) if month else default_month
        if 1 <= int(day) <= 31:
            found.append(date(2024, month_no, int(day)).isoformat())
    return found


@mlflow.trace(name="update_state", span_type="MEMORY")
def update_state(state, text):
    state = dict(state)
    dates = _dates(text, 5)
    if dates:
        state["check_in"] = dates[0]
    if m := re.search(r"(\\d+) nights?", text):
        state["nights"] = int(m.group(1))
    put(state)
    return state


def load_state(session):
    return get(session) or {"session": session}
''',
    "harbourview/tools.py": '''import mlflow
import requests


@mlflow.trace(name="book_room", span_type="TOOL")
def book_room(state):
    payload = {"room": state.get("room", "double"), "check_in": state["check_in"], "nights": state["nights"]}
    return requests.post("https://pms.harbourview.example/bookings", json=payload, timeout=8).json()
''',
}

SENDHOME = {
    "sendhome/agent.py": '''from openai import OpenAI
from traceloop.sdk.decorators import workflow

from sendhome.prompts import SYSTEM_PROMPT
from sendhome.rates import get_rate
from sendhome.transfers import create_transfer

client = OpenAI()


@workflow(name="remit_turn")
def remit_turn(history, text, customer):
    context = []
    if "how much" in text.lower() or "rate" in text.lower():
        context.append({"role": "system", "content": f"Rate: {get_rate('EUR', 'PHP')}"})
    if "send it" in text.lower():
        context.append({"role": "system", "content": f"Transfer: {create_transfer(customer, text)}"})
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text},
                *context]
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message.content
''',
    "sendhome/rates.py": '''import logging

import httpx
from traceloop.sdk.decorators import task

log = logging.getLogger(__name__)
RATES_URL = "https://fx.sendhome.internal/v1/rates"
# last reviewed when we launched the Philippines corridor
FALLBACK_RATES = {("EUR", "PHP"): 62.40, ("EUR", "INR"): 90.10, ("EUR", "NGN"): 1180.0}


@task(name="get_rate")
def get_rate(base, quote):
    try:
        resp = httpx.get(RATES_URL, params={"base": base, "quote": quote}, timeout=1.5)
        resp.raise_for_status()
        return {"pair": f"{base}/{quote}", "rate": resp.json()["mid"]}
    except httpx.TimeoutException:
        log.warning("fx timeout for %s/%s", base, quote)
        return {"pair": f"{base}/{quote}", "rate": FALLBACK_RATES[(base, quote)]}
''',
    "sendhome/prompts.py": '''SYSTEM_PROMPT = (
    "You are the SendHome assistant. Quote what the recipient gets using the rate given, "
    "after our flat 2.99 EUR fee. Keep it short."
)
''',
}

SPLASH = {
    "splash/assistant.py": '''from openai import OpenAI
from opentelemetry import trace

from splash.prompts import SYSTEM_PROMPT
from splash.retrieval import build_context, search_leaflets

tracer = trace.get_tracer("splash")
client = OpenAI()


@tracer.start_as_current_span("leisure_assistant")
def leisure_assistant(history, text):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", text)
    context = build_context(search_leaflets(text))
    messages = [{"role": "system", "content": SYSTEM_PROMPT + "\\n\\n" + context}, *history,
                {"role": "user", "content": text}]
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message.content
    span.set_attribute("output.value", reply)
    return reply
''',
    "splash/retrieval.py": '''import chromadb
from opentelemetry import trace

tracer = trace.get_tracer("splash")
collection = chromadb.PersistentClient("/var/lib/splash/chroma").get_collection("leaflets")


@tracer.start_as_current_span("search_leaflets")
def search_leaflets(query, k=3):
    trace.get_current_span().set_attribute("openinference.span.kind", "RETRIEVER")
    res = collection.query(query_texts=[query], n_results=k)
    return [{"id": i, "content": d, "metadata": m, "score": 1 - dist}
            for i, d, m, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0],
                                     res["distances"][0])]


def build_context(hits):
    if not hits:
        return ""
    top = hits[0]
    return f"Leaflet ({top['metadata']['source']}):\\n{top['content']}"
''',
    "splash/prompts.py": '''SYSTEM_PROMPT = (
    "You are the assistant of Riverside Leisure Centre. Answer from the leaflet below; "
    "if the leaflet does not say, ask the customer to call reception on 01632 960 417."
)
''',
}

ISLAFERRY = {
    "islaferry/kb_loader.py": '''"""Builds the assistant's vector index from the markdown knowledge base."""
from pathlib import Path

from langchain_community.vectorstores import FAISS
from langchain_openai import OpenAIEmbeddings
from langchain_text_splitters import MarkdownTextSplitter

KB = Path(__file__).parent / "kb"
SOURCES = [
    "kb/fares-2024.md",
    "kb/vehicles-and-pets.md",
    "kb/timetable-winter-2022-23.md",
    "kb/port-facilities.md",
]


def build_index():
    splitter = MarkdownTextSplitter(chunk_size=800, chunk_overlap=80)
    docs = []
    for rel in SOURCES:
        text = (KB.parent / rel).read_text()
        for chunk in splitter.create_documents([text], metadatas=[{"doc_uri": rel}]):
            docs.append(chunk)
    index = FAISS.from_documents(docs, OpenAIEmbeddings(model="text-embedding-3-small"))
    index.save_local("/var/lib/islaferry/index")
    return len(docs)
''',
    "islaferry/assistant.py": '''from langchain_community.vectorstores import FAISS
from langchain_openai import OpenAIEmbeddings
from openai import OpenAI

from islaferry.prompts import SYSTEM_PROMPT
from islaferry.tracing import tracer

client = OpenAI()
index = FAISS.load_local("/var/lib/islaferry/index", OpenAIEmbeddings(model="text-embedding-3-small"),
                         allow_dangerous_deserialization=True)


def search_kb(query):
    with tracer.start_as_current_span("search_kb"):
        return index.similarity_search(query, k=2)


@tracer.start_as_current_span("ferry_assistant")
def ferry_assistant(history, text):
    docs = search_kb(text)
    context = {"role": "system", "content": "Documents:\\n\\n" + "\\n\\n".join(d.page_content for d in docs)}
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text},
                context]
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message.content
''',
    "islaferry/prompts.py": '''SYSTEM_PROMPT = (
    "You are the travel assistant of Isla Ferries, sailing Oban to Craignure. "
    "Answer from the documents. Times are local."
)
''',
}

PAWLINE = {
    "pawline/agent.py": '''import json

import mlflow
from openai import OpenAI

from pawline.prompts import SYSTEM_PROMPT
from pawline.tools import TOOLS, escalate_to_vet

mlflow.openai.autolog()
client = OpenAI()


@mlflow.trace(name="pawline_turn")
def pawline_turn(session, history, text):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session})
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": text}]
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    msg = response.choices[0].message
    if msg.tool_calls:
        call = msg.tool_calls[0]
        result = escalate_to_vet(**json.loads(call.function.arguments))
        messages += [msg, {"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)}]
        msg = client.chat.completions.create(model="gpt-4o-mini", messages=messages).choices[0].message
    return msg.content
''',
    "pawline/tools.py": '''import mlflow
import requests

TRIAGE_URL = "https://triage.pawline.example/queue"

TOOLS = [{
    "type": "function",
    "function": {
        "name": "escalate_to_vet",
        "description": "Put the pet on the triage vet's call-back queue",
        "parameters": {
            "type": "object",
            "properties": {
                "pet_name": {"type": "string"},
                "species": {"type": "string"},
                "symptoms": {"type": "string"},
                "owner_phone": {"type": "string"},
            },
            "required": ["pet_name", "species", "symptoms"],
        },
    },
}]


@mlflow.trace(name="escalate_to_vet", span_type="TOOL")
def escalate_to_vet(pet_name, species, symptoms, owner_phone=None):
    payload = {"pet": pet_name, "species": species, "symptoms": symptoms, "callback": owner_phone}
    return requests.post(TRIAGE_URL, json=payload, timeout=5).json()
''',
    "pawline/prompts.py": '''SYSTEM_PROMPT = (
    "You are Pawline, the out-of-hours helpline of Brookside Vets. Ask about symptoms, "
    "and escalate anything urgent to the triage vet, who calls the owner back within 30 minutes."
)
''',
}

APPS = {
    "f4_ledgerly": LEDGERLY,
    "f4_finbowl": FINBOWL,
    "f4_keynote": KEYNOTE,
    "f4_gritgym": GRITGYM,
    "f4_shelfie": SHELFIE,
    "f4_roamly": ROAMLY,
    "f4_mealmate": MEALMATE,
    "f4_haulwise": HAULWISE,
    "f4_repeatly": REPEATLY,
    "f4_toasty": TOASTY,
    "f4_claimsy": CLAIMSY,
    "f4_harbourview": HARBOURVIEW,
    "f4_sendhome": SENDHOME,
    "f4_splash": SPLASH,
    "f4_islaferry": ISLAFERRY,
    "f4_pawline": PAWLINE,
}


# --- span helpers ---------------------------------------------------------------------------


def _prompt(files: dict[str, str], path: str, name: str = "SYSTEM_PROMPT") -> str:
    """The prompt a `NAME = ( "..." "..." )` block in an app file defines."""
    block = files[path].split(f"{name} = (", 1)[1].split("\n)", 1)[0]
    return "".join(re.findall(r'"([^"]*)"', block))


def _lineno(files: dict[str, str], path: str, needle: str) -> int:
    return next(i for i, text in enumerate(files[path].splitlines(), 1) if needle in text)


def _frame(files: dict[str, str], path: str, needle: str, function: str) -> str:
    """One traceback frame, as Python prints it, for the app line holding `needle`."""
    number = _lineno(files, path, needle)
    source = files[path].splitlines()[number - 1].strip()
    return f'  File "/srv/{path}", line {number}, in {function}\n    {source}\n'


def _traceback(frames: list[str], last: str) -> str:
    return "Traceback (most recent call last):\n" + "".join(frames) + last


def _call(call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def _openai_tool_request(messages: list[Msg], name: str, args: dict[str, Any], *, call_id: str,
                         span: str = "Completions", model: str = "gpt-4o-mini") -> Span:
    """A chat completion (OpenAI autolog shape) whose answer is a tool call."""
    return {
        "name": span, "type": "CHAT_MODEL",
        "inputs": {"model": model, "messages": messages},
        "outputs": {"object": "chat.completion", "model": model, "choices": [{
            "index": 0, "finish_reason": "tool_calls",
            "message": {"role": "assistant", "content": None, "tool_calls": [_call(call_id, name, args)]}}]},
    }


def _genai_tool_request(messages: list[Msg], name: str, args: dict[str, Any], *, call_id: str,
                        span: str = "chat gpt-4o-mini", model: str = "gpt-4o-mini") -> Span:
    """An OTel GenAI LLM span whose answer is a tool call."""
    return {
        "name": span, "type": "LLM", "inputs": {"messages": messages},
        "outputs": {"tool_calls": [_call(call_id, name, args)]},
        "attributes": {"gen_ai.operation.name": "chat", "gen_ai.system": "openai",
                       "gen_ai.request.model": model, "gen_ai.response.model": model,
                       "gen_ai.response.finish_reasons": ["tool_calls"],
                       "gen_ai.usage.input_tokens": sum(len(str(m.get("content"))) for m in messages) // 4,
                       "gen_ai.usage.output_tokens": 24},
    }


def _assistant_call(call_id: str, name: str, args: dict[str, Any]) -> Msg:
    return {"role": "assistant", "content": None, "tool_calls": [_call(call_id, name, args)]}


def _tool_reply(call_id: str, result: Any) -> Msg:
    return {"role": "tool", "tool_call_id": call_id, "content": json.dumps(result)}


def _base(chat: _Chat, user: str) -> list[Msg]:
    kept = chat.keep(chat.history, user) if chat.keep else list(chat.history)
    return [{"role": "system", "content": chat.system}, *kept, {"role": "user", "content": user}]


# --- class 1: pushback in ordinary words ---------------------------------------------------


def _ledgerly_vat_threshold() -> EvalCase:
    chat = _Chat(_prompt(LEDGERLY, "ledgerly/prompts.py"), _oi_call, call_name="ChatCompletion",
                 root_name="ledgerly_answer")
    chat.say("just gone freelance (graphic design) - do i have to do VAT?",
             "Not straight away. You only have to register for VAT once your taxable turnover goes over the "
             "registration threshold in any rolling 12-month period. Below that, registering is optional, "
             "though some freelancers do it voluntarily if most of their clients are VAT-registered.")
    chat.say("whats the threshold",
             "The VAT registration threshold is 85,000 GBP of taxable turnover in a rolling 12 months.")
    chat.say("ok so i invoiced roughly 87k in the last 12 months, mostly to one agency. so I'm over?",
             "Yes. At around 87,000 GBP you're over the 85,000 GBP threshold, so you must register within 30 "
             "days of the end of the month you went over it, and charge 20% VAT from your effective date of "
             "registration.")
    chat.say("ugh. how do i register",
             "Online with your Government Gateway user ID: choose 'Register for VAT', enter your business "
             "details and turnover, and your VAT number usually arrives within about 30 working days. Keep "
             "invoicing in the meantime and add the VAT once the number comes through.")
    chat.say("hold on, my mate says it went up to 90k, and the gov.uk page literally says £90,000 from "
             "1 April 2024. so do I actually need to register or not??",
             "You're right, and I'm sorry: the threshold has been 90,000 GBP since 1 April 2024. With about "
             "87,000 GBP over the last 12 months you don't have to register yet, though you can choose to. "
             "Keep an eye on your rolling total each month.")
    return EvalCase(
        "bookkeeping bot states an old VAT threshold, a freelancer quotes the gov.uk figure four turns later",
        "hallucinated_fact", with_attributes(chat.turns, "openinference"), root=2, symptom=5,
        app="f4_ledgerly",
        code=("ledgerly/prompts.py", "Answer from your own knowledge of UK tax rules and give exact figures"),
        instrumentation="openinference", tags=["fresh4", "class-1", "outside_evidence"],
    )


def _finbowl_neon_count() -> EvalCase:
    chat = _Chat(_prompt(FINBOWL, "finbowl/prompts.py"), _openai_call, call_name="Completions",
                 root_name="shop_assistant")
    chat.say("hi! getting a 20L tank for my daughter's birthday, she wants a betta. anything else that can "
             "go in with it?",
             "A betta is a great first fish! In a 20-litre tank a nerite snail or two make good tank mates: "
             "they're peaceful and keep the glass clean.")
    chat.say("she really likes the neon tetras tho. how many neons could go in with him?",
             "In a 20-litre tank you can keep the betta with 12 neon tetras. Neons are peaceful, and a group "
             "of 12 will school nicely in the middle of the tank.")
    chat.say("nice. what do they all eat",
             "Give the 12 neons a small pinch of micro flakes twice a day and the betta 3-4 pellets twice a "
             "day. Our Tetra Min micro flakes (4.50 EUR) and Hikari Betta Bio-Gold (6.90 EUR) cover both.")
    chat.say("12 neons in 20 litres. yeah, right.",
             "You're right to push back, I'm sorry: 20 litres is far too small for a shoal of neons. They "
             "need at least 60 litres and a group of 8 or more, and they may nip at a betta's fins. In a "
             "20-litre tank the betta is best on its own, perhaps with a nerite snail.")
    chat.say("ok so just the betta then. which heater for 20L?",
             "A 25W adjustable heater suits 20 litres; the Eheim Jager 25W (19.90 EUR) holds the 25-27 "
             "degrees a betta likes.")
    return EvalCase(
        "aquarium shop bot crams 12 neons into a 20-litre tank; flat disbelief two turns later",
        "hallucinated_fact", wrapped(chat.turns), root=2, symptom=4, app="f4_finbowl",
        code=("finbowl/prompts.py", "always give a specific number of fish a tank can hold"),
        instrumentation="mlflow, wrapper root", tags=["fresh4", "class-1", "disbelief"],
    )


def _keynote_badge_name() -> EvalCase:
    chat = _Chat(_prompt(KEYNOTE, "keynote/prompts.py"), _openai_call, call_name="Completions",
                 root_name="registration_turn")
    q1 = "Hi, register me for DevConf Dublin please. Siobhán Ní Bhriain, siobhan.nibhriain@tessellate.ie"
    record = {"name": "Siobhan Ni Bhriain", "email": "siobhan.nibhriain@tessellate.ie",
              "event": "devconf-dublin-2024", "company": "Tessellate"}

    def attendee_msg() -> Msg:
        return {"role": "system", "content": "Attendee record: " + json.dumps(record)}

    def loaded() -> Span:
        return {"name": "load_attendee", "type": "MEMORY", "inputs": {"conversation": "c-7f3a91"},
                "outputs": record}

    chat.say(q1, "You're registered for DevConf Dublin, 12-13 September at the Convention Centre! Your "
             "confirmation is on its way to siobhan.nibhriain@tessellate.ie.",
             before=[{"name": "save_attendee", "type": "MEMORY",
                      "inputs": {"conversation": "c-7f3a91", "text": q1}, "outputs": record}],
             context=[attendee_msg()])
    workshop = {"workshop": "Kubernetes in Production", "day": "2024-09-13", "start": "10:00",
                "room": "Liffey B", "status": "added"}
    q2 = "Can I sign up for the kubernetes workshop on day 2 as well?"
    chat.say(q2, "Done: you're on 'Kubernetes in Production' on Friday 13 September, 10:00-12:30 in Liffey "
             "Room B. Workshops are free for registered attendees.",
             before=[loaded(), tool_span("add_workshop", {"email": record["email"], "workshop": "k8s-prod"},
                                         workshop)],
             context=[attendee_msg(), _tool_msg("add_workshop", workshop)])
    chat.say("great. what will my badge say? want to check they've got my company right",
             "Your badge will read: Siobhan Ni Bhriain, Tessellate. Badges are printed on the day; collect "
             "yours at the registration desk from 08:00.", before=[loaded()], context=[attendee_msg()])
    chat.say("Company's right, but that's not how my name is spelt. It's Siobhán Ní Bhriain, with the fadas "
             "on the a and the i.",
             "Sorry about that! I've sent the correct spelling, Siobhán Ní Bhriain, to the registration team "
             "so your badge is printed with the fadas.", before=[loaded()], context=[attendee_msg()])
    return EvalCase(
        "conference registration stores the attendee name with its accents stripped; she spells it out",
        "state_corruption", with_attributes(chat.turns, "custom"), root=1, symptom=4, app="f4_keynote",
        code=("keynote/attendees.py", 'encode("ascii", "ignore")'),
        instrumentation="custom keys", tags=["fresh4", "class-1", "restated_value"],
    )


# --- class 2: a recorded failure among look-alike template replies --------------------------


def _gritgym_full_class() -> EvalCase:
    slots = [
        {"class_id": "C-40211", "class_name": "Spin", "coach": "Ade", "day_label": "Tue 14 May",
         "start": "18:30", "room": "Studio 2"},
        {"class_id": "C-40263", "class_name": "Reformer Pilates", "coach": "Hana", "day_label": "Thu 16 May",
         "start": "19:00", "room": "Studio 1"},
        {"class_id": "C-40290", "class_name": "HIIT Circuit", "coach": "Mo", "day_label": "Sat 18 May",
         "start": "09:00", "room": "Main Hall"},
    ]
    template = "You're in! {class_name} with Coach {coach}, {day_label} {start}, {room}."
    results = [
        {"booking_id": "B-771902", "status": "confirmed", "class": "C-40211"},
        {"booking_id": "B-771955", "status": "confirmed", "class": "C-40263"},
        {"error": {"code": "CLASS_FULL", "message": "Class C-40290 (HIIT Circuit 2024-05-18 09:00) is full",
                   "waitlist_open": True}},
    ]
    turns: list[dict[str, Any]] = []
    history: list[Msg] = []
    system = "You are the Grit Gym assistant. Be upbeat and brief."

    def booked(text: str, cls: str, day: str, time: str, i: int) -> None:
        reply = template.format(**slots[i])
        turns.append(chat_turn(text, reply, root_name="gym_bot_turn", children=[
            {"name": "classify", "type": "PARSER", "inputs": {"text": text},
             "outputs": {"name": "book_class", "class": cls, "day": day, "time": time}},
            tool_span("find_slot", {"name": cls, "day": day, "time": time}, slots[i]),
            tool_span("book_class", {"member_id": "M-11873", "class_id": slots[i]["class_id"]}, results[i]),
        ]))
        history.extend([{"role": "user", "content": text}, {"role": "assistant", "content": reply}])

    def talk(text: str, reply: str, extra: list[Span] | None = None) -> None:
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": text}]
        turns.append(chat_turn(text, reply, root_name="gym_bot_turn", children=[
            {"name": "classify", "type": "PARSER", "inputs": {"text": text}, "outputs": {"name": "other"}},
            *(extra or []), _genai_call(messages, reply, name="chat gpt-4o-mini", model="gpt-4o-mini")]))
        history.extend([{"role": "user", "content": text}, {"role": "assistant", "content": reply}])

    booked("book me into spin tue 6.30pm pls", "spin", "tue", "18:30", 0)
    booked("and pilates thurs at 7", "pilates", "thu", "19:00", 1)
    booked("and the hiit sat 9am", "hiit", "sat", "09:00", 2)
    talk("what should i bring to hiit? first time",
         "Bring a water bottle, a towel and trainers with good grip. Mo starts with a 10-minute warm-up, so "
         "arrive 5 minutes early and let him know it's your first class!")
    mine = {"bookings": [{"class": "Spin", "when": "2024-05-14 18:30"},
                         {"class": "Reformer Pilates", "when": "2024-05-16 19:00"}]}
    talk("Just got to the main hall and Mo says I'm not on his list and the class is full??",
         "I'm really sorry! Your account shows Spin on Tuesday and Pilates on Thursday, but no HIIT booking: "
         "it looks like Saturday's class was already full. I can put you on the waitlist for next Saturday.",
         [tool_span("list_bookings", {"member_id": "M-11873"}, mine)])
    return EvalCase(
        "gym bot confirms a full HIIT class with the same template as two real bookings",
        "tool_failure_reported_as_success", with_attributes(turns, "otel_genai"), root=3, symptom=5,
        app="f4_gritgym", code=("gritgym/handler.py", "return BOOKED.format(**slot)"),
        instrumentation="otel_genai", tags=["fresh4", "class-2", "error_payload"],
    )


def _shelfie_ill_renewal_crash() -> EvalCase:
    files = SHELFIE
    loans = [
        {"barcode": "31182004417", "title": "Wolf Hall", "due_date": "2024-06-07"},
        {"barcode": "31182009921", "title": "Flour Water Salt Yeast", "due_date": "2024-06-07"},
        {"barcode": "ILL-55120", "title": "The Overstory", "due_date": "2024-06-07", "source": "ILL"},
    ]
    template = "Renewed: '{title}' is now due back on {due}."
    turns: list[dict[str, Any]] = []

    def renewal(text: str, i: int, result: dict[str, Any], reply: str | None, **error: Any) -> dict[str, Any]:
        renew_span: Span = {"name": "renew_item", "type": "UNKNOWN",
                            "inputs": {"patron": "P-220481", "item": loans[i]},
                            "children": [tool_span("renew", {"patron": "P-220481",
                                                             "barcode": loans[i]["barcode"]}, result)]}
        if reply is not None:
            renew_span["outputs"] = reply
        else:
            renew_span.update(error)
        return chat_turn(text, reply, root_name="library_chat", children=[
            {"name": "wants_renewal", "type": "PARSER", "inputs": {"patron": "P-220481", "message": text},
             "outputs": loans[i],
             "children": [tool_span("loans_for", {"patron": "P-220481"}, {"loans": loans})]},
            renew_span])

    for i, text in enumerate(["can you renew wolf hall please",
                              "and renew the bread one too, Flour Water Salt Yeast"]):
        result = {"barcode": loans[i]["barcode"], "status": "renewed", "due_date": "2024-06-21"}
        turns.append(renewal(text, i, result, template.format(title=loans[i]["title"],
                                                              due="Friday 21 June")))
    stack = _traceback([
        _frame(files, "shelfie/bot.py", 'return {"reply": handle(body.patron, body.session, body.message)}',
               "post_chat"),
        _frame(files, "shelfie/bot.py", "return renew_item(patron, item)", "handle"),
        _frame(files, "shelfie/renewals.py", 'due = format_due(result["due_date"])', "renew_item"),
    ], "KeyError: 'due_date'\n")
    error = {"error": "'due_date'", "error_type": "KeyError", "stacktrace": stack}
    crashed = renewal("can you renew The Overstory as well", 2,
                      {"barcode": "ILL-55120", "status": "renewed", "due": "2024-06-21",
                       "via": "ILL gateway"},
                      None, **error)
    crashed["root"].update(error=error["error"], error_type="KeyError", stacktrace=stack, **{"raise": True})
    turns.append(crashed)
    system = "You are the Northshire Libraries assistant. Use the patron's loans to answer."
    q4 = "hello?? did that last one go through or not"
    renewed = {"loans": [{**loans[0], "due_date": "2024-06-21"}, {**loans[1], "due_date": "2024-06-21"},
                         {**loans[2], "due_date": "2024-06-21"}]}
    r4 = ("Sorry for the silence! Yes, 'The Overstory' is renewed and now due back on Friday 21 June, "
          "same as your other two books.")
    messages = [{"role": "system", "content": system}, {"role": "user", "content": q4},
                _tool_msg("loans_for", renewed)]
    turns.append(chat_turn(q4, r4, root_name="library_chat", children=[
        {"name": "wants_renewal", "type": "PARSER", "inputs": {"patron": "P-220481", "message": q4},
         "outputs": None},
        tool_span("loans_for", {"patron": "P-220481"}, renewed),
        _openai_call(messages, r4, name="Completions", model="gpt-4o-mini")]))
    turns.append(chat_turn("ok great thanks thats all", "You're welcome, happy reading!",
                           root_name="library_chat", children=[
                               {"name": "wants_renewal", "type": "PARSER",
                                "inputs": {"patron": "P-220481", "message": "ok great thanks thats all"},
                                "outputs": None}]))
    return EvalCase(
        "library renewals: the inter-library loan crashes on a missing key after two template renewals",
        "app_error", wrapped(turns), root=3, symptom=3, app="f4_shelfie",
        code=("shelfie/renewals.py", 'format_due(result["due_date"])'),
        instrumentation="mlflow, wrapper root", tags=["fresh4", "class-2", "stacktrace"],
    )


# --- class 3: a value or constraint lost turns before the complaint --------------------------


def _roamly_wheelchair_window() -> EvalCase:
    chat = _Chat(_prompt(ROAMLY, "roamly/prompts.py"), _legacy_call, call_name="openai.chat",
                 root_name="plan_turn", model="gpt-4o", keep=lambda history, _user: history[-8:])
    chat.say("Planning 4 days in Lisbon in October with my mum. She uses a wheelchair, so everything we do "
             "has to be step-free.",
             "Lovely trip! Lisbon is hilly but very doable step-free if we plan around it, and I'll keep "
             "every suggestion wheelchair-accessible. Where would you like to start: where to stay, getting "
             "around, or things to see?")
    chat.say("where should we stay?",
             "Stay in Baixa or along Avenida da Liberdade, the flattest parts of the city. The Hotel Avenida "
             "Palace and the Lutecia Smart Design Hotel both have step-free entrances and adapted rooms.")
    chat.say("how do we get from the airport",
             "The Metro red line from the airport has lifts at every station; change to the blue line at Sao "
             "Sebastiao for Restauradores, about 35 minutes. An adapted taxi costs around 25 EUR and takes "
             "20 minutes.")
    chat.say("good lunch spot near the river?",
             "Time Out Market at Cais do Sodre is flat and step-free with accessible toilets, or try the "
             "terraces at Doca de Santo Amaro, a 10-minute taxi ride along the river.")
    chat.say("and something for an evening?",
             "A sunset sail on the Tagus from Doca de Santo Amaro: Lisboa Sailing's catamaran has a boarding "
             "ramp and space for a wheelchair. Two hours, about 40 EUR each.")
    chat.say("what about a day trip out of lisbon?",
             "Sintra is a must! Take the train from Rossio (40 minutes), then walk up the forest trail to "
             "the Moorish Castle: about 45 minutes uphill on cobbled paths and stone steps, but the views "
             "from the ramparts are unforgettable. Finish with a travesseiro pastry at Piriquita.")
    chat.say("She's in a wheelchair. How exactly is she getting up a castle trail full of steps?",
             "I'm sorry, that was a bad suggestion for your mum. Cascais is a better day trip: a flat "
             "40-minute train along the coast from Cais do Sodre, then a level seafront promenade to Boca "
             "do Inferno, with accessible cafes along the way.")
    return EvalCase(
        "trip planner's 8-message history window drops the step-free requirement from turn 1",
        "context_window_dropped_constraint", with_attributes(chat.turns, "otel_genai_legacy"), root=6,
        symptom=7, app="f4_roamly", code=("roamly/memory.py", "return messages[-MAX_HISTORY:]"),
        instrumentation="otel_genai_legacy", tags=["fresh4", "class-3", "window"],
    )


def _mealmate_summary_drops_halal() -> EvalCase:
    system = _prompt(MEALMATE, "mealmate/prompts.py")
    summary_prompt = _prompt(MEALMATE, "mealmate/prompts.py", "SUMMARY_PROMPT")
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def say(user: str, reply: str, summary: str | None = None) -> None:
        nonlocal history
        spans: list[Span] = []
        if len(history) >= 8:
            transcript = "\n".join(f"{m['role']}: {m['content']}" for m in history)
            spans.append(_openai_call([{"role": "system", "content": summary_prompt},
                                       {"role": "user", "content": transcript}], summary or "",
                                      name="Completions", model="gpt-4o-mini"))
            history = [{"role": "system", "content": "Earlier in this chat: " + (summary or "")}]
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user}]
        spans.append(_openai_call(messages, reply, name="Completions", model="gpt-4o-mini"))
        turns.append(chat_turn(user, reply, root_name="planner_turn", children=spans))
        history = [*history, {"role": "user", "content": user}, {"role": "assistant", "content": reply}]

    say("Hi! Need dinner ideas for the week for 2 adults + 2 kids (6 and 9). We're halal, so no pork and no "
        "alcohol in the cooking please.",
        "Got it: a family of four, halal, no pork and no alcohol. Monday: chicken shawarma traybake with "
        "peppers and red onion, with flatbreads and garlic yoghurt. 35 minutes.")
    say("tuesday something quicker, we have swimming",
        "Tuesday: beef and broccoli stir-fry with egg noodles, 20 minutes. Use halal beef strips and a "
        "splash of soy sauce.")
    say("wednesday veggie pls",
        "Wednesday: sweet potato and chickpea curry with rice. 30 minutes, and leftovers freeze well.")
    say("kids want pasta on thursday",
        "Thursday: spaghetti with beef meatballs in tomato sauce, 30 minutes. Let the kids roll the "
        "meatballs!")
    say("and friday? something a bit special, it's my husband's birthday",
        "Happy birthday to him! Friday: pork tenderloin with a cider and mustard cream sauce, crispy roast "
        "potatoes and green beans. 45 minutes, and it feels like a restaurant dish.",
        summary="The user is planning family dinners for two adults and two children. Planned so far: Monday "
                "chicken shawarma traybake, Tuesday beef and broccoli stir-fry, Wednesday sweet potato and "
                "chickpea curry, Thursday spaghetti with beef meatballs.")
    say("pork?? and cider?? we're halal, I said that right at the start",
        "I'm so sorry, you did. For Friday try slow-roast lamb shoulder with pomegranate, herby couscous and "
        "roast carrots instead: 3 hours in the oven, 20 minutes hands-on.")
    return EvalCase(
        "meal planner's history summary leaves out the halal requirement; pork with cider for Friday",
        "context_window_dropped_constraint", turns, root=5, symptom=6, app="f4_mealmate",
        code=("mealmate/prompts.py", "Mention the meals already planned and the days they are for."),
        instrumentation="mlflow", tags=["fresh4", "class-3", "summary"],
    )


def _haulwise_no_lift() -> EvalCase:
    chat = _Chat(_prompt(HAULWISE, "haulwise/prompts.py"), _oi_call, call_name="ChatCompletion",
                 root_name="quote_assistant")

    def extract(text: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return {"name": "extract_move", "type": "CHAIN", "inputs": {"text": text, "move": before},
                "outputs": after, "attributes": {"openinference.span.kind": "CHAIN"}}

    q1 = "hi, need a quote for moving a 2-bed flat from Leith to Portobello on Sat 14 June"
    m1 = {"bedrooms": 2}
    chat.say(q1, "Happy to help! Which floor is the flat you're moving out of, is there a lift, and what's "
             "the new place like?", before=[extract(q1, {}, m1)])
    q2 = "We're on the 3rd floor, no lift unfortunately. New place is a ground floor flat."
    m2 = {"bedrooms": 2, "floor_from": 3, "lift": True, "floor_to": 0}
    chat.say(q2, "Thanks, noted: third floor to a ground-floor flat. Anything bulky, like a piano or an "
             "American-style fridge?", before=[extract(q2, m1, m2)])
    quote = {"total_gbp": 590, "crew": 3, "van": "7.5t"}
    q3 = "Just a big corner sofa. How much roughly?"
    chat.say(q3, "For a 2-bed move from Leith to Portobello on Saturday 14 June, with a crew of 3 and a "
             "7.5-tonne van, the total is 590 GBP, sofa included.",
             before=[extract(q3, m2, m2), tool_span("quote_move", {"move": m2}, quote)],
             context=[{"role": "system", "content": f"Quote: {quote}"}])
    booking = {"ref": "HW-20417", "status": "booked", "date": "2024-06-14", "arrival": "08:00",
               "total_gbp": 590}
    q4 = "ok book it"
    chat.say(q4, "Booked! Saturday 14 June, a crew of 3 arriving at 8am, 590 GBP (ref HW-20417). A "
             "confirmation email is on its way.",
             before=[extract(q4, m2, m2), tool_span("quote_move", {"move": m2}, quote),
                     tool_span("book_move", {"chat_id": "hw-chat-5581", "move": m2}, booking)],
             context=[{"role": "system", "content": f"Quote: {quote}"}, _tool_msg("book_move", booking)])
    q5 = "do you supply boxes?"
    chat.say(q5, "Yes, we drop off 30 flat-pack boxes and two rolls of tape for free two days before the "
             "move.", before=[extract(q5, m2, m2)])
    q6 = ("your crew manager just phoned, says the price is wrong cos it's a 3rd floor walk-up and there's a "
          "150 quid stairs charge. I literally told you there's no lift")
    chat.say(q6, "I'm sorry, you did tell me. With our stairs charge of 50 GBP a floor, your move comes to "
             "740 GBP; I've asked the office to update booking HW-20417.", before=[extract(q6, m2, m2)])
    return EvalCase(
        "removals parser reads 'no lift' as a lift; the crew's stairs charge surfaces four turns later",
        "input_misparsed", with_attributes(chat.turns, "openinference"), root=2, symptom=6,
        app="f4_haulwise", code=("haulwise/extract.py", 'move["lift"] = "lift" in lowered'),
        instrumentation="openinference", tags=["fresh4", "class-3", "parser"],
    )


# --- class 4: a failure the reply admits, followed by later problems ------------------------


def _repeatly_prescription_rejected() -> EvalCase:
    chat = _Chat(_prompt(REPEATLY, "repeatly/prompts.py"), _openai_call, call_name="Completions",
                 root_name="repeat_request_turn")
    items = [{"name": "Sertraline 100mg tablets", "dmd_code": "39732311000001104", "quantity": 28},
             {"name": "Omeprazole 20mg gastro-resistant capsules", "dmd_code": "39733211000001101",
              "quantity": 28}]
    q1 = "hi I need my repeat sertraline 100mg and my omeprazole"
    repeats = {"patient": "Jamie Okafor", "items": items, "nominated_pharmacy": "Boots, 14 Westgate"}
    chat.say(q1, "I can see both on your repeat list: Sertraline 100mg tablets (28) and Omeprazole 20mg "
             "capsules (28). Shall I send the request to Meadowbank Surgery for collection at Boots, 14 "
             "Westgate?", before=[tool_span("get_repeat_items", {"patient_id": "PT-88120"}, repeats)],
             context=[_tool_msg("get_repeat_items", repeats)])
    error = ("400 Client Error: Bad Request for url: https://gp-connect.example.nhs.uk/repeat "
             "(nhs_number: must be 10 digits)")
    stack = _traceback([
        _frame(REPEATLY, "repeatly/agent.py", "tool_result = request_repeat(patient, patient[", "turn"),
        _frame(REPEATLY, "repeatly/surgery_client.py", "resp.raise_for_status()", "request_repeat"),
        '  File "/usr/local/lib/python3.11/site-packages/requests/models.py", line 1021, in '
        "raise_for_status\n    raise HTTPError(http_error_msg, response=self)\n",
    ], f"requests.exceptions.HTTPError: {error}\n")
    sent = {"nhs_number": "485 777 3456", "practice_ods": "B82044",
            "items": [{"dmd_code": i["dmd_code"], "quantity": i["quantity"]} for i in items],
            "pharmacy_ods": "FQ512"}
    failed = tool_span("request_repeat", {"payload": sent}, error=error,
                       error_type="requests.exceptions.HTTPError")
    failed["stacktrace"] = stack
    chat.say("yes please", "Sorry, I couldn't send your request to the surgery just now: their system "
             "returned an error. Please try again in a little while.",
             before=[failed], context=[{"role": "system", "content": json.dumps({"tool_result":
                                                                                 {"error": error}})}])
    chat.say("ok. will it be ready at boots on thursday? I run out friday",
             "Yes, repeat prescriptions are usually ready at your nominated pharmacy two working days after "
             "the request, so it should be waiting for you at Boots on Westgate by Thursday.")
    chat.say("I'm at Boots now and they've got nothing for me. They rang the surgery and the surgery says no "
             "request came in this week",
             "I'm really sorry. Your request on Tuesday never reached the surgery because of that error, and "
             "I shouldn't have said it would be ready. Please ask the pharmacist for an emergency supply, "
             "and I can try sending the request again now.")
    return EvalCase(
        "repeat prescription rejected by the surgery system (NHS number with spaces), admitted, then "
        "promised for Thursday anyway", "tool_failure",
        wrapped(with_attributes(chat.turns, "custom")), root=2, symptom=4, app="f4_repeatly",
        code=("repeatly/surgery_client.py", '"nhs_number": patient["nhs_number"],'),
        instrumentation="custom keys, wrapper root", tags=["fresh4", "class-4", "stacktrace"],
    )


# --- class 5: structural faults ---------------------------------------------------------------

SPEECH_CUT = (
    "Good evening, everyone! For those who don't know me, I'm Dan, Tom's younger brother, and for the "
    "next five minutes, his best man. Tom asked me to keep this short, so naturally I've prepared forty "
    "minutes of material.\n\nFirst, Priya: thank you for marrying him. Truly. You should know what you're "
    "getting. Tom met Priya at a pub quiz in Manchester, where his team lost because he was absolutely "
    "certain that the capital of Australia was Sydney. He argued with the quizmaster. He argued with the "
    "answer sheet. Priya's team won, and she came over to say, very kindly, 'It's Canberra.' Tom has been "
    "trying to win that argument ever since, which is how I knew this was love.\n\nNow, Tom is a man of "
    "great enthusiasm and very little attention to detail. A few years ago he bought tickets to see his "
    "favourite band, booked a hotel, and drove three hours to Cardiff, singing the whole way. The gig was "
    "in Carlisle. He rang me from a car park outside the Principality Stadium and said, 'Dan, I think the "
    "band has"
)


def _toasty_speech_cut() -> EvalCase:
    chat = _Chat(_prompt(TOASTY, "toasty/prompts.py"), _openai_call, call_name="Completions",
                 root_name="speech_chat")
    chat.say("I'm best man at my brother Tom's wedding next month and I need a speech. help",
             "Congratulations! Tell me the bride's name, how they met, a funny story or two about Tom, and "
             "anything heartfelt you'd like to say, and I'll write the whole speech.")
    chat.say("Bride is Priya. They met at a pub quiz in Manchester, Tom's team lost cos he insisted the "
             "capital of Australia was Sydney and Priya's team won. Funny story: he once drove 3 hours to "
             "Cardiff for a gig that was in Carlisle. Heartfelt bit: he looked after me when Dad was ill and "
             "I was 15. About 5 mins please, full speech", SPEECH_CUT)
    chat.say("it just stops in the middle of the Carlisle bit?? where's the rest, there's no Dad part or "
             "toast",
             "Sorry about that! Here's the rest: \"...'Dan, I think the band has moved.' But here's the "
             "thing about Tom. When Dad was ill, and I was fifteen, Tom drove me to school every morning, "
             "cooked every tea and never once let me see he was scared. Priya, you're marrying the kindest "
             "man I know. So please raise your glasses: to Tom and Priya!\"")
    chat.say("perfect that's it, thanks!", "Good luck on the day, you'll be brilliant!")
    for i, turn in enumerate(chat.turns):
        call = turn["root"]["children"][-1]
        call["inputs"]["max_tokens"] = 350
        if i == 1:
            call["outputs"]["choices"][0]["finish_reason"] = "length"
            call["outputs"]["usage"]["completion_tokens"] = 350
    return EvalCase(
        "best man speech cut off mid-story by the completion limit", "reply_truncated", chat.turns,
        root=2, symptom=3, app="f4_toasty", code=("toasty/llm.py", "max_tokens=350"),
        instrumentation="mlflow", tags=["fresh4", "class-5", "truncation"],
    )


def _claimsy_status_loop() -> EvalCase:
    system = _prompt(CLAIMSY, "claimsy/prompts.py")
    step_limit = _prompt(CLAIMSY, "claimsy/prompts.py", "STEP_LIMIT_REPLY")
    status = {"claim_ref": "HB-2291-0476", "status": "awaiting_loss_adjuster", "peril": "escape of water",
              "opened": "2024-05-02", "adjuster_visit": "2024-06-04", "handler": "R. Shah"}
    args = {"claim_ref": "HB-2291-0476"}
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def answer(user: str, reply: str) -> None:
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user}]
        turns.append(chat_turn(user, reply, root_name="claims_agent", children=[
            _genai_call(messages, reply, name="chat gpt-4o-mini", model="gpt-4o-mini")]))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": reply}])

    def looping(user: str, call_prefix: str) -> None:
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user}]
        spans: list[Span] = []
        for step in range(6):
            spans.append(_genai_tool_request(messages, "get_claim_status", args,
                                             call_id=f"{call_prefix}{step}"))
            spans.append(tool_span("get_claim_status", args, status))
        turns.append(chat_turn(user, step_limit, root_name="claims_agent", children=spans))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": step_limit}])

    answer("hi, I claimed for water damage (burst pipe in the bathroom) about 3 weeks ago and haven't heard "
           "a thing",
           "Sorry to hear that. Could you give me your claim reference? It starts with HB and it's in your "
           "claim confirmation email.")
    looping("HB-2291-0476", "call_7Qa")
    looping("Try again later?? I've been trying for three weeks. Can you just look it up, the ref is "
            "HB-2291-0476", "call_9Xk")
    answer("this is useless. what's the phone number",
           "I'm sorry. You can reach our claims team on 0345 600 2291, Monday to Friday 8am-8pm; quote "
           "HB-2291-0476.")
    return EvalCase(
        "claims agent calls the same status lookup six times a turn; results never reach the model",
        "tool_loop", with_attributes(turns, "otel_genai"), root=2, symptom=2, app="f4_claimsy",
        code=("claimsy/agent.py", "scratch.append("),
        instrumentation="otel_genai", tags=["fresh4", "class-5", "tool_loop"],
    )


def _harbourview_date_overwritten() -> EvalCase:
    chat = _Chat("You are the concierge of the Harbourview Hotel, Oban. Use the booking state and tools. "
                 "A double room is 145 GBP a night including breakfast for two.",
                 _openai_call, call_name="Completions", root_name="concierge")

    def state(text: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return {"name": "update_state", "type": "MEMORY", "inputs": {"state": before, "text": text},
                "outputs": after}

    def state_msg(s: dict[str, Any]) -> Msg:
        return {"role": "system", "content": "Booking state: " + json.dumps(s)}

    q1 = "Hi, a double room from Fri 17th May for 2 nights please, for me and my partner"
    s1 = {"session": "hv-3c81", "check_in": "2024-05-17", "nights": 2}
    free = {"room": "double", "check_in": "2024-05-17", "nights": 2, "available": True, "rate_gbp": 145}
    chat.say(q1, "Lovely! A double room is free from Friday 17 May for 2 nights, 145 GBP a night with "
             "breakfast for two. Shall I book it?",
             before=[state(q1, {"session": "hv-3c81"}, s1), tool_span("check_availability",
                                                                      {"room": "double", **s1}, free)],
             context=[state_msg(s1), _tool_msg("check_availability", free)])
    q2 = "is breakfast included?"
    chat.say(q2, "Yes, a full Scottish or continental breakfast for both of you, served 7:00-10:00.",
             before=[state(q2, s1, s1)], context=[state_msg(s1)])
    q3 = "and is there parking at the hotel?"
    chat.say(q3, "Yes, free parking on site; just give reception your registration at check-in.",
             before=[state(q3, s1, s1)], context=[state_msg(s1)])
    q4 = "Is anything on in town around the 24th? My sister might come up that weekend"
    s4 = {**s1, "check_in": "2024-05-24"}
    chat.say(q4, "The Oban Harbour Jazz Festival runs 24-26 May, with free open-air sets on the North Pier "
             "and evening shows at the Corran Halls for about 18 GBP.",
             before=[state(q4, s1, s4)], context=[state_msg(s4)])
    q5 = "sounds fun! ok go ahead and book the room"
    booking = {"ref": "HV-88213", "status": "confirmed", "room": "double", "check_in": "2024-05-24",
               "check_out": "2024-05-26", "total_gbp": 290}
    chat.say(q5, "Booked! A double room from Friday 24 to Sunday 26 May, 290 GBP with breakfast (ref "
             "HV-88213). See you soon!",
             before=[state(q5, s4, s4), tool_span("book_room", {"room": "double", "check_in": "2024-05-24",
                                                                "nights": 2}, booking)],
             context=[state_msg(s4), _tool_msg("book_room", booking)])
    q6 = "24th?? we're coming on the 17th, the 24th was my sister"
    chat.say(q6, "I'm so sorry! I'll move booking HV-88213 to Friday 17 to Sunday 19 May for you.",
             before=[state(q6, s4, s4)], context=[state_msg(s4)])
    return EvalCase(
        "hotel state takes the date from a question about the sister's visit as the check-in date",
        "state_corruption", wrapped(chat.turns), root=4, symptom=6, app="f4_harbourview",
        code=("harbourview/state.py", 'state["check_in"] = dates[0]'),
        instrumentation="mlflow, wrapper root", tags=["fresh4", "class-5", "state_overwrite"],
    )


def _sendhome_fallback_rate() -> EvalCase:
    chat = _Chat(_prompt(SENDHOME, "sendhome/prompts.py"), _legacy_call, call_name="openai.chat",
                 root_name="remit_turn")
    stack = _traceback([
        _frame(SENDHOME, "sendhome/rates.py", "resp = httpx.get(RATES_URL", "get_rate"),
        '  File "/usr/local/lib/python3.11/site-packages/httpx/_api.py", line 195, in get\n'
        "    return request(\n",
        '  File "/usr/local/lib/python3.11/site-packages/httpx/_transports/default.py", line 86, in '
        "map_httpcore_exceptions\n    raise mapped_exc(message) from exc\n",
    ], "httpx.ReadTimeout: The read operation timed out\n")
    rate = {"name": "get_rate", "type": "TOOL", "inputs": {"base": "EUR", "quote": "PHP"},
            "outputs": {"pair": "EUR/PHP", "rate": 62.4},
            "events": [{"name": "exception", "attributes": {
                "exception.type": "httpx.ReadTimeout", "exception.message": "The read operation timed out",
                "exception.stacktrace": stack, "exception.escaped": "False"}}]}
    q1 = "how much would my mum get in the philippines if I send 200 euro?"
    chat.say(q1, "After our 2.99 EUR fee, 197.01 EUR is converted at 62.40, so your mum would receive "
             "12,293.42 PHP.", before=[rate],
             context=[{"role": "system", "content": "Rate: {'pair': 'EUR/PHP', 'rate': 62.4}"}])
    chat.say("does it go to her gcash?", "Yes, we can pay out straight to a GCash wallet; I'll just need her "
             "GCash mobile number.")
    q3 = "ok send it, her gcash is 0917 555 0142"
    transfer = {"transfer_id": "SH-7734120", "status": "submitted", "send_eur": 200, "fee_eur": 2.99,
                "payout": "gcash", "wallet": "09175550142"}
    chat.say(q3, "Done! 200 EUR is on its way to GCash 0917 555 0142 (transfer SH-7734120). It usually "
             "arrives within minutes.",
             before=[tool_span("create_transfer", {"customer": "C-50917", "text": q3}, transfer)],
             context=[{"role": "system", "content": f"Transfer: {transfer}"}])
    chat.say("she got 11,781 pesos, not the 12,293 you told me. where did the other 500 go??",
             "I'm sorry about the difference. Transfers are converted at the live rate when they're sent, "
             "and the 62.40 rate I quoted you wasn't the current one. Nothing beyond the 2.99 EUR fee was "
             "deducted.")
    return EvalCase(
        "remittance quote uses a hard-coded fallback FX rate after a silent timeout",
        "silent_fallback", with_attributes(chat.turns, "otel_genai_legacy"), root=1, symptom=4,
        app="f4_sendhome", code=("sendhome/rates.py", "FALLBACK_RATES[(base, quote)]"),
        instrumentation="otel_genai_legacy", tags=["fresh4", "class-5", "silent_fallback", "stacktrace"],
    )


def _splash_old_timetable() -> EvalCase:
    prompt = _prompt(SPLASH, "splash/prompts.py")
    old = {"id": "pool-timetable-autumn-2023", "content": "Main pool, Tuesday: 07:00-09:00 lane swimming "
           "(slow, medium, fast); 09:00-12:00 public swim; 16:00-18:00 lessons.",
           "metadata": {"source": "leaflets/pool-timetable-autumn-2023.pdf", "term": "Autumn 2023",
                        "updated": "2023-08-29"}}
    new = {"id": "pool-timetable-autumn-2024", "content": "Main pool, Tuesday: 07:00-08:00 Riverside Otters "
           "swimming club (pool closed to the public); 08:00-10:00 lane swimming (slow, medium, fast); "
           "10:00-12:00 public swim.",
           "metadata": {"source": "leaflets/pool-timetable-autumn-2024.pdf", "term": "Autumn 2024",
                        "updated": "2024-08-27"}}
    prices = {"id": "prices-2024", "content": "Swimming is pay as you go, no booking needed: adult 5.20 GBP, "
              "junior 3.10 GBP; free with Riverside Active membership.",
              "metadata": {"source": "leaflets/prices-2024.pdf", "term": "2024-25", "updated": "2024-04-01"}}
    pool = {"id": "facilities", "content": "The main pool is 25 metres with 6 lanes; the learner pool is "
            "12 metres and 0.9 metres deep.",
            "metadata": {"source": "leaflets/facilities.pdf", "updated": "2022-01-10"}}
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def say(user: str, reply: str, hits: list[dict[str, Any]]) -> None:
        top = hits[0]
        system = f"{prompt}\n\nLeaflet ({top['metadata']['source']}):\n{top['content']}"
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": user}]
        turns.append(chat_turn(user, reply, root_name="leisure_assistant", children=[
            retriever_span("search_leaflets", user, hits),
            _oi_call(messages, reply, name="ChatCompletion", model="gpt-4o-mini")]))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": reply}])

    say("what time is lane swimming on tuesday mornings?",
        "Lane swimming on Tuesday mornings is 07:00-09:00 in the main pool, with slow, medium and fast "
        "lanes.",
        [old, new, prices])
    say("do i need to book or just turn up?",
        "Just turn up: swimming is pay as you go at 5.20 GBP for adults, or free with a Riverside Active "
        "membership.", [prices, old])
    say("is it a 25m pool?", "Yes, the main pool is 25 metres with 6 lanes.", [pool, prices])
    say("I'm at reception at 7 and they say a swimming club has the pool till 8 this term. lanes only open "
        "at 8",
        "Sorry about that! This term Tuesday lane swimming runs 08:00-10:00, after the Riverside Otters club "
        "session. The leaflet I used was last year's.", [new, old])
    return EvalCase(
        "leisure centre answers from the autumn-2023 timetable ranked above the autumn-2024 one",
        "outdated_retrieval", with_attributes(turns, "openinference"), root=1, symptom=4, app="f4_splash",
        code=("splash/retrieval.py", "top = hits[0]"),
        instrumentation="openinference", tags=["fresh4", "class-5", "dated_source"],
    )


def _pawline_no_callback_number() -> EvalCase:
    chat = _Chat(_prompt(PAWLINE, "pawline/prompts.py"), _openai_call, call_name="Completions",
                 root_name="pawline_turn")
    chat.say("my cat mochi keeps throwing up since this morning and won't eat anything. I'm Dana, "
             "07700 900461",
             "I'm sorry Mochi's poorly, Dana. How old is she, is she drinking more or less than usual, and "
             "has she had any diarrhoea or seemed very tired?")
    q2 = "she's 14. drinking loads actually, and she's been hiding under the bed all afternoon"
    args = {"pet_name": "Mochi", "species": "cat",
            "symptoms": "Vomiting since this morning, not eating, drinking a lot, hiding; 14 years old"}
    queued = {"queued": True, "ticket": "TR-5521", "position": 2, "callback": None}
    first = _base(chat, q2)
    chat.say(q2, "I've passed Mochi's details to our triage vet, who'll call you back within 30 minutes. "
             "Keep her somewhere quiet and warm in the meantime.",
             before=[_openai_tool_request(first, "escalate_to_vet", args, call_id="call_m0ch1"),
                     tool_span("escalate_to_vet", args, queued)],
             context=[_assistant_call("call_m0ch1", "escalate_to_vet", args),
                      _tool_reply("call_m0ch1", queued)])
    chat.say("thank you. should I take her water away so she stops being sick?",
             "No, keep fresh water down: an older cat who's drinking more than usual can dehydrate quickly. "
             "Offer small amounts often rather than a full bowl.")
    chat.say("It's been well over an hour and nobody has rung. Did they even get my number?",
             "I'm so sorry, Dana. The request reached the triage vet without your phone number, so they had "
             "no way to call you. Please ring the out-of-hours line on 01632 960 800 now and quote TR-5521.")
    return EvalCase(
        "vet helpline hands off to triage without the owner's phone number the schema never required",
        "malformed_tool_call", chat.turns, root=2, symptom=4, app="f4_pawline",
        code=("pawline/tools.py", '"required": ["pet_name", "species", "symptoms"]'),
        instrumentation="mlflow", tags=["fresh4", "class-5", "missing_fields"],
    )


# --- class 6: a stale source named by its loader ---------------------------------------------


def _islaferry_winter_timetable() -> EvalCase:
    chat = _Chat(_prompt(ISLAFERRY, "islaferry/prompts.py"), _genai_call, call_name="chat gpt-4o-mini",
                 root_name="ferry_assistant")
    timetable = {"id": "timetable-winter-2022-23#2", "content": "Winter timetable (October to March). Oban "
                 "to Craignure, Monday to Saturday: 07:15, 09:55, 12:00, 14:00, 16:30. Sunday: 09:55, 13:00, "
                 "16:30. Crossing time 46 minutes.",
                 "metadata": {"doc_uri": "kb/timetable-winter-2022-23.md"}}
    vehicles = {"id": "vehicles-and-pets#1", "content": "Vehicles up to 7 metres: cars 19.80 GBP, "
                "campervans 5-7 m 49.50 GBP, each way; passengers 7.80 GBP. Dogs travel free and stay in the "
                "vehicle or the pet area on the car deck.",
                "metadata": {"doc_uri": "kb/vehicles-and-pets.md"}}

    def kb(query: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
        return {"before": [retriever_span("search_kb", query, docs)], "context": [_docs_msg(docs)]}

    q1 = "Whats the last ferry from Oban to Craignure on a Saturday in January?"
    chat.say(q1, "The last sailing from Oban to Craignure on a winter Saturday is at 16:30; the crossing "
             "takes 46 minutes.", **kb(q1, [timetable, vehicles]))
    q2 = "can i take my campervan? its 6.5m"
    chat.say(q2, "Yes: a 6.5-metre campervan is 49.50 GBP each way, plus 7.80 GBP per passenger.",
             **kb(q2, [vehicles]))
    q3 = "and the dog?"
    chat.say(q3, "Dogs travel free. She can stay in the campervan or in the pet area on the car deck.",
             **kb(q3, [vehicles]))
    q4 = ("Just got to the terminal in Oban and the board says the last one today went at 15:45. "
          "there's no 16:30??")
    chat.say(q4, "I'm sorry, it looks like my timetable wasn't current. Please check with the ticket office "
             "for the next sailing tomorrow morning.", **kb(q4, [timetable]))
    return EvalCase(
        "ferry assistant quotes the 2022-23 winter timetable its index loader still lists",
        "outdated_retrieval", with_attributes(chat.turns, "otel_genai"), root=1, symptom=4,
        app="f4_islaferry", code=("islaferry/kb_loader.py", '"kb/timetable-winter-2022-23.md",'),
        instrumentation="otel_genai", tags=["fresh4", "class-6", "data_source"],
    )


# --- healthy look-alikes ----------------------------------------------------------------------


def _bike_rental_own_change() -> EvalCase:
    first = {"ref": "RB-3301", "bikes": 2, "type": "e-bike", "start": "2024-06-08T09:00",
             "end": "2024-06-08T17:00", "price_eur": 70}
    moved = {**first, "start": "2024-06-08T10:00"}
    turns = [
        chat_turn("hi can I rent 2 e-bikes for saturday 9am to 5pm?",
                  "Reserved: 2 e-bikes on Saturday 8 June, 9:00-17:00, 70 EUR for the day (ref RB-3301).",
                  root_name="rental_chat",
                  children=[tool_span("reserve_bikes", {"bikes": 2, "type": "e-bike",
                                                        "start": "2024-06-08T09:00",
                                                        "end": "2024-06-08T17:00"}, first)]),
        chat_turn("actually sorry, make it 10am, we won't make it for 9",
                  "No problem: RB-3301 now starts at 10:00 on Saturday, until 17:00, same 70 EUR day rate.",
                  root_name="rental_chat",
                  children=[tool_span("update_reservation", {"ref": "RB-3301", "start": "2024-06-08T10:00"},
                                      moved)]),
        chat_turn("do they come with locks and helmets?",
                  "Yes, every bike has a lock, and helmets are free on request at pick-up.",
                  root_name="rental_chat"),
        chat_turn("no that's all, thanks!", "Enjoy the ride!", root_name="rental_chat"),
    ]
    return EvalCase(
        "healthy: renter moves their own start time, then that's all", None,
        with_attributes(turns, "custom"), instrumentation="custom keys", tags=["fresh4", "healthy"],
    )


def _zoo_curious_question() -> EvalCase:
    chat = _Chat("You are the Westmoor Zoo assistant. Use the price tool for ticket prices.", _genai_call,
                 call_name="chat gpt-4o-mini", root_name="zoo_assistant")
    prices = {"date": "2024-07-14", "adult_eur": 24, "child_3_15_eur": 14, "online_discount": 0.1}
    chat.say("how much are tickets for 2 adults and a 7 year old on sunday?",
             "Adults are 24 EUR and children aged 3-15 are 14 EUR, so 62 EUR for the three of you on Sunday, "
             "or 55.80 EUR if you buy online.",
             before=[tool_span("get_prices", {"date": "2024-07-14"}, prices)],
             context=[_tool_msg("get_prices", prices)])
    chat.say("why is it cheaper online?",
             "Booking online helps us plan staff and keeps the gate queues short, so we pass the saving on "
             "as 10% off.")
    chat.say("can we bring our own food?",
             "Yes, there are picnic tables by the lake and next to the play barn; just no glass, please.")
    chat.say("no, that's all, thanks", "You're welcome, enjoy your Sunday at the zoo!")
    return EvalCase(
        "healthy: a curious 'why' about online prices, then no, that's all", None,
        with_attributes(chat.turns, "otel_genai"), instrumentation="otel_genai", tags=["fresh4", "healthy"],
    )


def _pizza_payment_retry() -> EvalCase:
    chat = _Chat("You are the ordering assistant of Forno Rosso. Report exactly what the tools return.",
                 _openai_call, call_name="Completions", root_name="order_chat")
    order = {"order": "PZ-5512", "items": ["Margherita (large)", "Garlic bread"], "total_eur": 18.5,
             "address": "22 Elm Road"}
    chat.say("large margherita and garlic bread for delivery to 22 Elm Road please",
             "A large Margherita and garlic bread, 18.50 EUR, delivered to 22 Elm Road. Shall I charge the "
             "card ending 4412?",
             before=[tool_span("create_order", {"items": ["margherita-l", "garlic-bread"],
                                                "address": "22 Elm Road"}, order)],
             context=[_tool_msg("create_order", order)])
    args = {"order": "PZ-5512", "card": "****4412", "amount_eur": 18.5}
    paid = {"status": "paid", "order": "PZ-5512", "eta_minutes": 35}
    gateway = "502 Bad Gateway from payments.fornorosso.example"
    chat.say("yes", "Paid with the card ending 4412. Order PZ-5512 will be with you in about 35 minutes.",
             before=[tool_span("charge_card", args, error=gateway, error_type="PaymentGatewayError"),
                     tool_span("charge_card", args, paid)],
             context=[_tool_msg("charge_card", {"error": gateway}), _tool_msg("charge_card", paid)])
    chat.say("great thx", "Enjoy your pizza!")
    return EvalCase(
        "healthy: card payment hits a 502, is retried and goes through, reported correctly", None,
        chat.turns, instrumentation="mlflow", tags=["fresh4", "healthy"],
    )


def _comedy_sold_out() -> EvalCase:
    chat = _Chat("You are the box office assistant of The Laughing Crow comedy club.", _oi_call,
                 call_name="ChatCompletion", root_name="box_office")
    friday = {"show": "Late Show", "date": "2024-03-15", "time": "22:00", "available": 0, "waitlist": True}
    saturday = {"show": "Saturday Showcase", "date": "2024-03-16", "time": "20:00", "available": 14,
                "price_eur": 22}
    chat.say("any tickets left for friday's late show?",
             "Sorry, Friday's late show is sold out. Saturday's 8pm showcase has 14 seats left at 22 EUR, or "
             "I can add you to Friday's waitlist.",
             before=[tool_span("check_availability", {"date": "2024-03-15", "show": "late"}, friday),
                     tool_span("check_availability", {"date": "2024-03-16"}, saturday)],
             context=[_tool_msg("check_availability", friday), _tool_msg("check_availability", saturday)])
    booked = {"ref": "CC-1182", "seats": 2, "total_eur": 44, "status": "confirmed"}
    chat.say("ah shame. saturday 8pm then, 2 tickets",
             "Booked: 2 seats for Saturday's showcase at 8pm, 44 EUR (ref CC-1182). Doors open at 7:15.",
             before=[tool_span("book_tickets", {"date": "2024-03-16", "time": "20:00", "seats": 2}, booked)],
             context=[_tool_msg("book_tickets", booked)])
    chat.say("cheers", "Enjoy the show!")
    return EvalCase(
        "healthy: an honest sold-out answer and an alternative the customer takes", None,
        with_attributes(chat.turns, "openinference"), instrumentation="openinference",
        tags=["fresh4", "healthy"],
    )


def _plant_shop_names() -> EvalCase:
    chat = _Chat("You are a friendly small-business helper. Brainstorm, then ask what the user thinks.",
                 _openai_call, call_name="Completions", root_name="brainstorm")
    chat.say("I'm opening a small plant shop in Leeds, can you suggest some names?",
             "Here are a few: Leaf & Loam, The Potting Bench, Fern & Fig, Sprout Co., Greenhouse Leeds. "
             "Which of these do you like, and what feel are you going for?")
    chat.say("honestly I don't like any of them, they all sound a bit twee. something more modern?",
             "Fair enough! More modern: Stem, Verde Studio, Plant Room, Canopy, Node. Short names also make "
             "a cleaner sign and Instagram handle.")
    chat.say("Canopy is nice. how do I check nobody in Leeds is using it?",
             "Search the name on Companies House and the UK trademark register, then check Instagram and "
             "whether canopy-leeds.co.uk or a similar domain is free.")
    chat.say("ok will do, thanks", "Good luck with the shop!")
    return EvalCase(
        "healthy: user dislikes the names the assistant asked their opinion on", None,
        wrapped(chat.turns), instrumentation="mlflow, wrapper root", tags=["fresh4", "healthy"],
    )


def cases() -> list[EvalCase]:
    return [
        _ledgerly_vat_threshold(),
        _finbowl_neon_count(),
        _keynote_badge_name(),
        _gritgym_full_class(),
        _shelfie_ill_renewal_crash(),
        _roamly_wheelchair_window(),
        _mealmate_summary_drops_halal(),
        _haulwise_no_lift(),
        _repeatly_prescription_rejected(),
        _toasty_speech_cut(),
        _claimsy_status_loop(),
        _harbourview_date_overwritten(),
        _sendhome_fallback_rate(),
        _splash_old_timetable(),
        _pawline_no_callback_number(),
        _islaferry_winter_timetable(),
        _bike_rental_own_change(),
        _zoo_curious_question(),
        _pizza_payment_retry(),
        _comedy_sold_out(),
        _plant_shop_names(),
    ]
