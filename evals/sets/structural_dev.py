"""Structural-fault eval sessions, development split.

Classes 4-7 of the case brief: a first failure whose own reply admits it (class 4); structural
faults: truncation, tool loop, state overwrite, silent fallback, dated retrieval source, a hand-off
missing required fields (class 5); code correlation through a data source's URI (class 6); and
healthy look-alikes (class 7). Each faulty case names the line of its app that a developer would
change.
"""

from __future__ import annotations

import json
import re
from typing import Any

from turnback.demo.builder import chat_turn, llm_span, retriever_span, tool_span

from evals.cases import EvalCase, conversation, with_attributes, wrapped

# --- the apps behind the sessions ----------------------------------------------------------

PHARMACY = {
    "pharmacy/agent.py": '''import mlflow

from pharmacy.llm import call_llm
from pharmacy.rx_client import lookup_prescription, submit_refill

SYSTEM_PROMPT = (
    "You are the Elm Health pharmacy assistant. "
    "Help patients look up their prescriptions and request refills. "
    "If a tool returns an error, tell the patient plainly."
)
TOOLS = {"lookup_prescription": lookup_prescription, "submit_refill": submit_refill}


@mlflow.trace(span_type="AGENT")
def handle_message(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    while True:
        reply = call_llm(messages, tools=list(TOOLS))
        if not reply.tool_calls:
            return reply.content
        for call in reply.tool_calls:
            try:
                result = TOOLS[call.name](**call.arguments)
            except Exception as exc:  # the model sees the error and tells the patient
                result = {"error": str(exc)}
            messages.append({"role": "tool", "name": call.name, "content": str(result)})
''',
    "pharmacy/rx_client.py": '''import os

import mlflow
import requests

RX_API = os.environ.get("RX_API", "https://rx.pharmacy.internal")
PRESCRIPTIONS_URL = f"{RX_API}/v2/prescriptions"
REFILL_URL = f"{RX_API}/v1/refills"
TIMEOUT_S = 5


@mlflow.trace(span_type="TOOL")
def lookup_prescription(rx_number):
    resp = requests.get(f"{PRESCRIPTIONS_URL}/{rx_number}", timeout=TIMEOUT_S)
    resp.raise_for_status()
    data = resp.json()
    return {
        "drug": data["drug_name"],
        "refills_left": data["refills_remaining"],
        "store": data["store_slug"],
    }


@mlflow.trace(span_type="TOOL")
def submit_refill(rx_number, store):
    resp = requests.post(REFILL_URL, json={"rx": rx_number, "store": store}, timeout=TIMEOUT_S)
    resp.raise_for_status()
    body = resp.json()
    return {"status": "submitted", "ready_by": body["ready_by"], "request_id": body["id"]}
''',
    "pharmacy/llm.py": '''import json
from types import SimpleNamespace

import mlflow
from openai import OpenAI

client = OpenAI()
TOOL_SCHEMAS = {
    "lookup_prescription": {"rx_number": {"type": "string"}},
    "submit_refill": {"rx_number": {"type": "string"}, "store": {"type": "string"}},
}


@mlflow.trace(span_type="CHAT_MODEL")
def call_llm(messages, tools=()):
    specs = [
        {"type": "function", "function": {
            "name": name,
            "parameters": {"type": "object", "properties": TOOL_SCHEMAS[name]},
        }}
        for name in tools
    ]
    response = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, tools=specs or None,
    )
    message = response.choices[0].message
    calls = [
        SimpleNamespace(name=c.function.name, arguments=json.loads(c.function.arguments))
        for c in message.tool_calls or []
    ]
    return SimpleNamespace(content=message.content, tool_calls=calls)
''',
}

GROCER = {
    "grocer/agent.py": r'''import re

import mlflow

from grocer import cart, coupons
from grocer.llm import call_llm

SYSTEM_PROMPT = (
    "You are FreshCart's shopping assistant. Manage the customer's cart, coupons, "
    "checkout and delivery slot. Say so honestly when something fails."
)
TOOLS = {
    "add_to_cart": cart.add_to_cart,
    "apply_coupon": coupons.apply_coupon,
    "checkout": cart.checkout,
    "set_delivery_slot": cart.set_delivery_slot,
}
DAYS = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"


@mlflow.trace(span_type="MEMORY")
def remember_delivery(message, before):
    """Only an explicit delivery request changes the stored slot."""
    after = dict(before)
    if re.search(r"\b(deliver|move|change|switch)\b", message, re.I):
        day = re.search(DAYS, message, re.I)
        if day:
            after["delivery_day"] = day.group(1).capitalize()
    return after


@mlflow.trace(span_type="CHAIN")
def run_turn(session, message):
    session["delivery"] = remember_delivery(message, session.get("delivery", {}))
    return call_llm(session, message, tools=TOOLS)
''',
    "grocer/cart.py": '''import mlflow

from grocer import db


class CartLocked(Exception):
    pass


def lock(cart_id, reason):
    db.carts.update_one({"_id": cart_id}, {"$set": {"lock": reason}})


def unlock(cart_id):
    db.carts.update_one({"_id": cart_id}, {"$unset": {"lock": ""}})


def total(cart_id):
    items = db.carts.find_one({"_id": cart_id})["items"]
    return round(sum(i["price"] * i["qty"] for i in items), 2)


@mlflow.trace(span_type="TOOL")
def add_to_cart(cart_id, sku, qty):
    price = db.products.find_one({"sku": sku})["price"]
    item = {"sku": sku, "qty": qty, "price": price}
    db.carts.update_one({"_id": cart_id}, {"$push": {"items": item}})
    return {"ok": True, "total_eur": total(cart_id)}


@mlflow.trace(span_type="TOOL")
def checkout(cart_id):
    doc = db.carts.find_one({"_id": cart_id})
    if doc.get("lock"):
        raise CartLocked(f"cart {cart_id} is locked (reason: {doc['lock']})")
    order_id = db.orders.insert_one({"cart": cart_id, "total": total(cart_id)}).inserted_id
    return {"order_id": str(order_id), "status": "placed"}


@mlflow.trace(span_type="TOOL")
def set_delivery_slot(cart_id, day, window):
    db.carts.update_one({"_id": cart_id}, {"$set": {"slot": {"day": day, "window": window}}})
    return {"ok": True}
''',
    "grocer/coupons.py": '''from datetime import datetime, timezone

import mlflow

from grocer import cart, db


@mlflow.trace(span_type="TOOL")
def apply_coupon(cart_id, code):
    cart.lock(cart_id, reason="promotion")
    coupon = db.coupons.find_one({"code": code.upper()})
    if coupon is None:
        cart.unlock(cart_id)
        return {"applied": False, "reason": "unknown code"}
    now = datetime.now(timezone.utc)
    if coupon["expires_at"] < now:
        cart.unlock(cart_id)
        return {"applied": False, "reason": "expired"}
    discount = round(cart.total(cart_id) * coupon["percent"] / 100, 2)
    db.carts.update_one({"_id": cart_id}, {"$set": {"discount": discount, "coupon": code}})
    cart.unlock(cart_id)
    return {"applied": True, "discount_eur": discount}
''',
}

TRIPPLAN = {
    "tripplan/agent.py": '''import mlflow

from tripplan.llm import call_llm
from tripplan.store import load_history, save_exchange

SYSTEM_PROMPT = (
    "You are Wayfarer, a friendly trip planner. "
    "When asked for an itinerary, give a complete day-by-day plan covering every day of the trip."
)


@mlflow.trace(span_type="CHAIN")
def plan_chat(session_id, message):
    history = load_history(session_id)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    response = call_llm(messages)
    reply = response.choices[0].message.content
    save_exchange(session_id, message, reply)
    return reply
''',
    "tripplan/llm.py": '''import mlflow
from openai import OpenAI

client = OpenAI()
MODEL = "gpt-4o-mini"


@mlflow.trace(span_type="CHAT_MODEL")
def call_llm(messages):
    """One completion for the planner; the caller reads choices[0]."""
    return client.chat.completions.create(
        model=MODEL,
        messages=messages,
        temperature=0.4,
        max_tokens=350,
    )


def count_tokens(text):
    # rough estimate used by the admin dashboard
    return max(1, len(text) // 4)


def describe():
    return {"model": MODEL, "provider": "openai"}
''',
    "tripplan/store.py": '''import json
from pathlib import Path

STORE = Path("/var/lib/tripplan/sessions")


def _path(session_id):
    return STORE / f"{session_id}.json"


def load_history(session_id):
    path = _path(session_id)
    if not path.exists():
        return []
    return json.loads(path.read_text())


def save_exchange(session_id, message, reply):
    history = load_history(session_id)
    history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    STORE.mkdir(parents=True, exist_ok=True)
    _path(session_id).write_text(json.dumps(history))
''',
}

CALENDAR = {
    "calendar_bot/agent.py": '''import json

import mlflow

from calendar_bot.llm import call_llm
from calendar_bot.tools import create_event, find_free_slot

MAX_STEPS = 6
TOOLS = {"find_free_slot": find_free_slot, "create_event": create_event}
GAVE_UP = "I'm sorry, I wasn't able to finish - I hit my step limit while checking calendars."


@mlflow.trace(span_type="AGENT")
def run_agent(messages):
    for _ in range(MAX_STEPS):
        message = call_llm(messages, tools=list(TOOLS))
        if not message.tool_calls:
            return message.content
        messages.append(message)
        for call in message.tool_calls:
            args = json.loads(call.function.arguments)
            result = TOOLS[call.function.name](**args)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    return GAVE_UP
''',
    "calendar_bot/tools.py": '''import mlflow

from calendar_bot import gcal


@mlflow.trace(span_type="TOOL")
def find_free_slot(attendees, date, after="09:00", duration_min=60):
    busy = []
    for person in attendees:
        # private calendars come back as one busy block for the whole day
        busy += gcal.busy_blocks(person, date)
    slots = gcal.free_windows(busy, date, after=after, length_min=duration_min)
    if not slots:
        return {"slots": [], "note": "Calendars are still syncing - call find_free_slot again."}
    return {"slots": slots[:3]}


@mlflow.trace(span_type="TOOL")
def create_event(title, attendees, start, end):
    event = gcal.insert_event(title=title, attendees=attendees, start=start, end=end)
    return {"event_id": event["id"], "status": "invites_sent"}
''',
}

TELCO = {
    "telco/state.py": r'''import json
import re

import mlflow

from telco import redis_client

PLANS = ["Unlimited 5G", "Unlimited", "Basic", "Data 20GB"]
PLAN_RE = re.compile("|".join(re.escape(p) for p in PLANS), re.I)


def load_state(session_id):
    raw = redis_client.get(f"telco:state:{session_id}")
    return json.loads(raw) if raw else {}


def save_state(session_id, state):
    redis_client.set(f"telco:state:{session_id}", json.dumps(state), ex=3600)


@mlflow.trace(span_type="MEMORY")
def update_state(state, message):
    state = dict(state)
    match = PLAN_RE.search(message)
    if match:
        mentioned = next(p for p in PLANS if p.lower() == match.group(0).lower())
        state["plan"] = mentioned
    if re.search(r"\b(confirm|go ahead)\b", message, re.I):
        state["confirmed"] = True
    return state
''',
    "telco/agent.py": '''import mlflow

from telco.llm import call_llm
from telco.state import load_state, save_state, update_state
from telco.tools import change_plan

SYSTEM_PROMPT = (
    "You are the Kestrel Mobile assistant. Help customers compare and change plans. "
    "Only change a plan once the customer confirms."
)


@mlflow.trace(span_type="CHAIN")
def run_turn(session_id, message):
    state = update_state(load_state(session_id), message)
    if state.get("confirmed") and state.get("plan"):
        change_plan(state["line"], state["plan"], effective="next_cycle")
        state["confirmed"] = False
    save_state(session_id, state)
    return call_llm(SYSTEM_PROMPT, state, message)
''',
    "telco/tools.py": '''from datetime import date

import mlflow
import requests

BSS_URL = "https://bss.kestrel.internal/api/subscriptions"


def _next_cycle():
    today = date.today()
    return date(today.year + today.month // 12, today.month % 12 + 1, 1).isoformat()


@mlflow.trace(span_type="TOOL")
def change_plan(line, plan, effective="next_cycle"):
    when = _next_cycle() if effective == "next_cycle" else effective
    resp = requests.post(f"{BSS_URL}/{line}/plan", json={"plan": plan, "effective": when}, timeout=10)
    resp.raise_for_status()
    return {"status": "scheduled", "plan": plan, "effective": when}
''',
}

FX = {
    "fxbot/rates.py": '''import logging

import mlflow
import requests
from mlflow.entities import SpanEvent

log = logging.getLogger(__name__)
RATES_URL = "https://api.rates.example.com/latest"
DEFAULT_RATE = 1.0


class RateAPIError(Exception):
    pass


def _fetch(base, quote):
    resp = requests.get(RATES_URL, params={"base": base, "symbols": quote}, timeout=3)
    if resp.status_code != 200:
        raise RateAPIError(f"rates API: {resp.status_code} {resp.reason}")
    return resp.json()["rates"][quote]


@mlflow.trace(span_type="TOOL")
def get_fx_rate(base, quote):
    span = mlflow.get_current_active_span()
    try:
        rate = _fetch(base, quote)
    except RateAPIError as exc:
        span.add_event(SpanEvent.from_exception(exc))
        log.warning("rate lookup failed, using default: %s", exc)
        rate = DEFAULT_RATE
    return {"pair": f"{base}/{quote}", "rate": rate}
''',
    "fxbot/agent.py": '''import mlflow

from fxbot.llm import call_llm
from fxbot.rates import get_fx_rate
from fxbot.transfers import create_transfer

SYSTEM_PROMPT = (
    "You are Brightwire's money-transfer assistant. "
    "Quote conversions with get_fx_rate and send money with create_transfer."
)
TOOLS = {"get_fx_rate": get_fx_rate, "create_transfer": create_transfer}


@mlflow.trace(span_type="CHAIN")
def run_turn(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    while True:
        reply = call_llm(messages, tools=TOOLS)
        if not reply.tool_calls:
            return reply.content
        for call in reply.tool_calls:
            result = TOOLS[call.name](**call.arguments)
            messages.append({"role": "tool", "name": call.name, "content": str(result)})
''',
}

HELPDESK = {
    "helpdesk/retrieval.py": '''import mlflow

from helpdesk.vector_store import store


@mlflow.trace(span_type="RETRIEVER")
def search_policies(query, k=4):
    hits = store.similarity_search(query, k=k)
    return [
        {"id": h.id, "page_content": h.text, "metadata": h.metadata}
        for h in hits
        if h.metadata.get("kind") == "policy"
    ]


def build_context(hits):
    """The policy text the answer must be grounded in."""
    if not hits:
        return "No policy found."
    hits = sorted(hits, key=lambda h: h["metadata"]["doc_id"])
    best = hits[0]
    return f"{best['metadata']['title']}:\\n{best['page_content']}"
''',
    "helpdesk/agent.py": '''import mlflow

from helpdesk.llm import call_llm
from helpdesk.retrieval import build_context, search_policies

SYSTEM_PROMPT = (
    "You are Soundhaus customer support. Answer policy questions only from the policy "
    "given below, and be concise."
)
POLICY_WORDS = ("refund", "return", "warranty", "exchange")


@mlflow.trace(span_type="CHAIN")
def answer(history, message):
    system = SYSTEM_PROMPT
    if any(word in message.lower() for word in POLICY_WORDS):
        hits = search_policies(message)
        system = f"{SYSTEM_PROMPT}\\n\\nPolicy:\\n{build_context(hits)}"
    messages = [{"role": "system", "content": system}, *history,
                {"role": "user", "content": message}]
    return call_llm(messages)
''',
}

ROUTER = {
    "router/triage.py": '''import mlflow

from router import billing
from router.accounts import lookup_account
from router.llm import call_llm, classify_intent, summarize_issue

SYSTEM_PROMPT = (
    "You are the Lumen Cloud front-desk assistant. Answer account questions; "
    "send billing problems to the billing agent."
)


@mlflow.trace(span_type="AGENT")
def handle_turn(session, message):
    if session.get("agent") == "billing":
        return billing.handle(session, message)
    intent = classify_intent(message)
    if intent == "billing":
        session["agent"] = "billing"
        return handoff_to_billing(session, message)
    if account_id := session.get("account_id"):
        session["account"] = lookup_account(account_id)
    return call_llm(SYSTEM_PROMPT, session, message)


@mlflow.trace(span_type="AGENT")
def handoff_to_billing(session, message):
    summary = summarize_issue(message)
    return billing.start({"issue": summary}, session)
''',
    "router/billing.py": '''import mlflow

from router.invoices import issue_refund, lookup_invoices
from router.llm import call_llm

BILLING_PROMPT = (
    "You are the Lumen Cloud billing specialist. Look up invoices before answering. "
    "If you do not have the account id, ask the customer for it."
)


@mlflow.trace(name="billing_agent", span_type="AGENT")
def start(handoff, session):
    session["billing"] = {"account_id": handoff.get("account_id"), "issue": handoff["issue"]}
    try:
        invoices = lookup_invoices(handoff.get("account_id"), month=None)
    except ValueError as exc:
        invoices = {"error": str(exc)}
    return call_llm(BILLING_PROMPT, {"issue": handoff["issue"], "invoices": invoices}, "")


@mlflow.trace(name="billing_agent", span_type="AGENT")
def handle(session, message):
    state = session["billing"]
    state["account_id"] = state["account_id"] or extract_account_id(message)
    if "refunds" not in state:
        invoices = lookup_invoices(state["account_id"], month=None)
        duplicates = [i for i in invoices if i["duplicate_of"]]
        state["refunds"] = [issue_refund(i["id"]) for i in duplicates]
    return call_llm(BILLING_PROMPT, state, message)


def extract_account_id(message):
    import re

    match = re.search(r"AC-\\d{5}", message)
    return match.group(0) if match else None
''',
}

FREIGHT = {
    "freight/rates_loader.py": '''import json

import boto3
import mlflow

RATES_URI = "s3://acme-freight-kb/rates/rates_v1.json"
_s3 = boto3.client("s3")
_cache = {}


def _read_json(uri):
    bucket, key = uri.removeprefix("s3://").split("/", 1)
    return json.loads(_s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def rate_card():
    if "card" not in _cache:
        _cache["card"] = _read_json(RATES_URI)
    return _cache["card"]


@mlflow.trace(span_type="RETRIEVER")
def fetch_rate_card(origin, destination):
    card = rate_card()
    lane = card["lanes"][f"{origin}-{destination}"]
    text = f"{lane['label']}: EUR {lane['per_pallet']} per pallet, transit {lane['days']} days"
    metadata = {"doc_uri": RATES_URI, "version": card["version"], "published": card["published"]}
    return [{"id": f"{origin}-{destination}", "page_content": text, "metadata": metadata}]
''',
    "freight/agent.py": '''import mlflow

from freight.booking import create_shipment
from freight.llm import call_llm
from freight.rates_loader import fetch_rate_card

SYSTEM_PROMPT = (
    "You are the Acme Freight quoting assistant. Quote lane prices from the rate card "
    "and book shipments when the customer asks."
)
TOOLS = {"fetch_rate_card": fetch_rate_card, "create_shipment": create_shipment}


@mlflow.trace(span_type="CHAIN")
def run_turn(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    while True:
        reply = call_llm(messages, tools=TOOLS)
        if not reply.tool_calls:
            return reply.content
        for call in reply.tool_calls:
            result = TOOLS[call.name](**call.arguments)
            messages.append({"role": "tool", "name": call.name, "content": str(result)})
''',
}

APPS: dict[str, dict[str, str]] = {
    "str_pharmacy": PHARMACY,
    "str_grocer": GROCER,
    "str_tripplan": TRIPPLAN,
    "str_calendar": CALENDAR,
    "str_telco": TELCO,
    "str_fx": FX,
    "str_helpdesk": HELPDESK,
    "str_router": ROUTER,
    "str_freight": FREIGHT,
}


# --- span helpers ---------------------------------------------------------------------------


def _prompt(files: dict[str, str], path: str, name: str = "SYSTEM_PROMPT") -> str:
    """The prompt a `NAME = ( "..." "..." )` block in an app file defines."""
    block = files[path].split(f"{name} = (", 1)[1].split("\n)", 1)[0]
    return "".join(re.findall(r'"([^"]*)"', block))


def _requests_tool(messages: list[dict[str, Any]], name: str, args: dict[str, Any],
                   *, span: str = "call_llm", call_id: str = "call_1") -> dict[str, Any]:
    """A chat-model call whose answer is a tool call (OpenAI chat-completions shape)."""
    return {
        "name": span, "type": "CHAT_MODEL",
        "inputs": {"model": "gpt-4o-mini", "messages": messages},
        "outputs": {"choices": [{
            "message": {"role": "assistant", "content": None, "tool_calls": [{
                "id": call_id, "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)}}]},
            "finish_reason": "tool_calls"}]},
    }


def _final_llm(turn: dict[str, Any]) -> dict[str, Any]:
    return turn["root"]["children"][-1]


def _insert_tool_request(turn: dict[str, Any], name: str, args: dict[str, Any]) -> None:
    """Put a tool-requesting model call in front of the turn's first child."""
    messages = _final_llm(turn)["inputs"]["messages"]
    turn["root"]["children"].insert(0, _requests_tool(messages, name, args))


# --- the cases ------------------------------------------------------------------------------


def _refill_endpoint_retired() -> EvalCase:
    turns = conversation([
        ("Hi, I need to refill my lisinopril, Rx number 4471902.",
         "I found your prescription: Lisinopril 10 mg, 2 refills left, filled at the Elm Street "
         "pharmacy. Shall I request a refill there?"),
        ("Yes please, same store.",
         "I'm sorry, the pharmacy's refill system returned an error, so I couldn't submit the refill "
         "request just now."),
        ("Ok. I run out tomorrow though. When could I pick it up?",
         "Refills are usually ready within 24 hours, so you should be able to pick it up at Elm Street "
         "tomorrow afternoon."),
        ("I'm at the counter now and they have no refill request for me at all. What happened?",
         "I'm sorry, the refill request was never submitted because of the error yesterday. "
         "I can try again now."),
    ], system=_prompt(PHARMACY, "pharmacy/agent.py"), root_name="handle_message", children={
        1: [tool_span("lookup_prescription", {"rx_number": "4471902"},
                      {"drug": "Lisinopril 10mg", "refills_left": 2, "store": "elm-street"})],
        2: [tool_span("submit_refill", {"rx_number": "4471902", "store": "elm-street"},
                      error="410 Client Error: Gone for url: https://rx.pharmacy.internal/v1/refills",
                      error_type="HTTPError")],
    })
    _insert_tool_request(turns[0], "lookup_prescription", {"rx_number": "4471902"})
    _insert_tool_request(turns[1], "submit_refill", {"rx_number": "4471902", "store": "elm-street"})
    return EvalCase(
        "pharmacy refill endpoint retired, failure admitted, pickup promised later", "tool_failure",
        with_attributes(turns, "openinference"), root=2, symptom=4, app="str_pharmacy",
        code=("pharmacy/rx_client.py", 'REFILL_URL = f"{RX_API}/v1/refills"'),
        instrumentation="openinference", tags=["structural", "class-4", "admitted_failure"],
    )


def _coupon_keyerror_locks_cart() -> EvalCase:
    turns = conversation([
        ("Add 2 cartons of oat milk and a dozen eggs to my cart.",
         "Added 2 x oat milk (1 L) and 12 free-range eggs. Your cart total is EUR 11.40."),
        ("Apply my coupon SPRING10.",
         "Sorry, something went wrong on our side while applying SPRING10, so I couldn't apply it."),
        ("Never mind the coupon, just check out please.",
         "I'm sorry, checkout failed: your cart is currently locked, so I couldn't place the order."),
        ("Fine, I'll try again later.", "Okay! Your items are still saved in your cart."),
    ], system=_prompt(GROCER, "grocer/agent.py"), root_name="run_turn", children={
        1: [tool_span("add_to_cart", {"cart_id": "c-88", "sku": "oat-1l", "qty": 2},
                      {"ok": True, "total_eur": 5.98}),
            tool_span("add_to_cart", {"cart_id": "c-88", "sku": "eggs-12", "qty": 1},
                      {"ok": True, "total_eur": 11.4})],
        2: [tool_span("apply_coupon", {"cart_id": "c-88", "code": "SPRING10"},
                      error="KeyError: 'expires_at'", error_type="KeyError")],
        3: [tool_span("checkout", {"cart_id": "c-88"},
                      error="cart c-88 is locked (reason: promotion)", error_type="CartLocked")],
    })
    for turn in turns:
        turn["root"]["children"].insert(0, {
            "name": "remember_delivery", "type": "MEMORY",
            "inputs": {"message": turn["root"]["inputs"]["message"], "before": {}}, "outputs": {}})
    return EvalCase(
        "coupon crash leaves the cart locked, checkout fails next", "app_error",
        wrapped(with_attributes(turns, "custom")), root=2, symptom=3, app="str_grocer",
        code=("grocer/coupons.py", 'if coupon["expires_at"] < now:'),
        instrumentation="custom keys, wrapper root", tags=["structural", "class-4", "admitted_failure"],
    )


KYOTO_CUT = (
    "Day 1 (Apr 3): Arrive, check in, and walk the Philosopher's Path at sunset; dinner at a Pontocho "
    "izakaya.\nDay 2 (Apr 4): Fushimi Inari at sunrise before the crowds, then Tofuku-ji; lunch at "
    "Nishiki Market and an evening stroll through Gion.\nDay 3 (Apr 5): Arashiyama bamboo grove early, "
    "Tenryu-ji's garden, then a shojin ryori lunch at"
)


def _itinerary_cut_by_max_tokens() -> EvalCase:
    turns = conversation([
        ("Hi! We're going to Kyoto from April 3 to April 6.",
         "Lovely - early April is cherry-blossom season in Kyoto! What do you enjoy most when you travel?"),
        ("Temples and food. Can you make a day-by-day plan for all four days?", KYOTO_CUT),
        ("Your plan stops in the middle of day 3 and there's no day 4 at all.",
         "Sorry about that! Day 3 continued: lunch at Shigetsu inside Tenryu-ji, then the Okochi Sanso "
         "villa. Day 4 (Apr 6): Kinkaku-ji in the morning, Daitoku-ji's sub-temples, and a farewell "
         "kaiseki dinner in Gion."),
        ("Perfect, that's all I needed. Thanks!", "Enjoy Kyoto and the blossoms!"),
    ], system=_prompt(TRIPPLAN, "tripplan/agent.py"), root_name="plan_chat")
    for i, turn in enumerate(turns):
        out = _final_llm(turn)["outputs"]
        out["choices"][0]["finish_reason"] = "length" if i == 1 else "stop"
        out["usage"] = {"prompt_tokens": 90 + 120 * i, "completion_tokens": 350 if i == 1 else 60 + 10 * i}
        out["model"] = "gpt-4o-mini-2024-07-18"
    return EvalCase(
        "itinerary cut off by max_tokens", "reply_truncated", turns, root=2, symptom=3,
        app="str_tripplan", code=("tripplan/llm.py", "max_tokens=350"),
        instrumentation="mlflow", tags=["structural", "class-5", "truncation"],
    )


def _free_slot_loop() -> EvalCase:
    args = {"attendees": ["priya@northwind.io", "tom@northwind.io", "me@northwind.io"],
            "date": "2024-05-14", "after": "13:00", "duration_min": 60}
    empty = {"slots": [], "note": "Calendars are still syncing - call find_free_slot again."}
    system = ("You are Northwind's scheduling assistant. Use find_free_slot and create_event to "
              "arrange meetings.")
    first = [{"role": "system", "content": system},
             {"role": "user",
              "content": "Can you set up a one-hour meeting with Priya and Tom next Tuesday?"}]
    t1_reply = "Sure! Next Tuesday is May 14. Would you prefer the morning or the afternoon?"
    history = [*first, {"role": "assistant", "content": t1_reply},
               {"role": "user", "content": "Afternoon, any time after 1pm."}]
    loop: list[dict[str, Any]] = []
    messages = list(history)
    for step in range(6):
        loop.append(_requests_tool(list(messages), "find_free_slot", args, call_id=f"call_{step}"))
        loop.append(tool_span("find_free_slot", args, empty))
        messages += [{"role": "assistant", "content": "", "tool_calls": [
            {"id": f"call_{step}", "function": {"name": "find_free_slot", "arguments": json.dumps(args)}}]},
            {"role": "tool", "tool_call_id": f"call_{step}", "content": json.dumps(empty)}]
    gave_up = "I'm sorry, I wasn't able to finish - I hit my step limit while checking calendars."
    book = {"title": "Sync with Priya and Tom", "attendees": args["attendees"],
            "start": "2024-05-14T15:00", "end": "2024-05-14T16:00"}
    t3_user = "Tom says he's free at 3pm. Just book 3pm to 4pm then."
    t3_msgs = [*history, {"role": "assistant", "content": gave_up}, {"role": "user", "content": t3_user}]
    t3_reply = "Booked: 'Sync with Priya and Tom', Tuesday May 14, 15:00-16:00. Invites are out."
    turns = [
        chat_turn(first[1]["content"], t1_reply, root_name="run_agent",
                  children=[llm_span(first, t1_reply, name="call_llm")]),
        chat_turn(history[-1]["content"], gave_up, root_name="run_agent", children=loop),
        chat_turn(t3_user, t3_reply, root_name="run_agent", children=[
            _requests_tool(t3_msgs, "create_event", book),
            tool_span("create_event", book, {"event_id": "evt_81ac", "status": "invites_sent"}),
            llm_span(t3_msgs, t3_reply, name="call_llm")]),
        chat_turn("Thanks!", "You're welcome - have a good meeting!", root_name="run_agent",
                  children=[llm_span([*t3_msgs, {"role": "assistant", "content": t3_reply},
                                      {"role": "user", "content": "Thanks!"}],
                                     "You're welcome - have a good meeting!", name="call_llm")]),
    ]
    return EvalCase(
        "find_free_slot called six times with the same arguments", "tool_loop",
        wrapped(turns), root=2, symptom=2, app="str_calendar",
        code=("calendar_bot/tools.py", "call find_free_slot again"),
        instrumentation="mlflow, wrapper root", tags=["structural", "class-5", "tool_loop"],
    )


def _plan_overwritten_by_mums_plan() -> EvalCase:
    states = [
        ({"line": "+44 7700 900123"}, {"line": "+44 7700 900123", "plan": "Unlimited 5G"}),
        ({"line": "+44 7700 900123", "plan": "Unlimited 5G"}, {"line": "+44 7700 900123", "plan": "Basic"}),
        ({"line": "+44 7700 900123", "plan": "Basic"},
         {"line": "+44 7700 900123", "plan": "Basic", "confirmed": True}),
        ({"line": "+44 7700 900123", "plan": "Basic", "confirmed": False},
         {"line": "+44 7700 900123", "plan": "Basic", "confirmed": False}),
    ]
    pairs = [
        ("Hi, I'd like to upgrade my line to Unlimited 5G.",
         "Unlimited 5G is GBP 30/month with unlimited data and 5G speeds. Shall I switch your line "
         "+44 7700 900123 to it?"),
        ("What's the difference with Basic? My mum is thinking of getting Basic.",
         "Basic is GBP 10/month with 5 GB of data on 4G; Unlimited 5G gives unlimited data on 5G."),
        ("Makes sense. OK, go ahead and confirm my upgrade.",
         "Done! Your line +44 7700 900123 will switch to Basic on June 1."),
        ("Basic?! I asked for Unlimited 5G for me. Basic was for my mum.",
         "I'm so sorry about that - I'll put your line on Unlimited 5G instead."),
    ]
    children = {
        i: [{"name": "update_state", "type": "MEMORY", "inputs": {"state": before, "message": user},
             "outputs": after}]
        for i, ((before, after), (user, _)) in enumerate(zip(states, pairs, strict=True), 1)
    }
    children[3].append(tool_span("change_plan", {"line": "+44 7700 900123", "plan": "Basic",
                                                 "effective": "next_cycle"},
                                 {"status": "scheduled", "plan": "Basic", "effective": "2024-06-01"}))
    turns = conversation(pairs, system=_prompt(TELCO, "telco/agent.py"), root_name="run_turn",
                         children=children)
    return EvalCase(
        "requested plan overwritten by a plan named for someone else", "state_corruption",
        with_attributes(turns, "otel_genai_legacy"), root=2, symptom=4, app="str_telco",
        code=("telco/state.py", 'state["plan"] = mentioned'),
        instrumentation="otel_genai_legacy", tags=["structural", "class-5", "state_overwrite"],
    )


def _fx_rate_defaults_to_one() -> EvalCase:
    rate_span = tool_span("get_fx_rate", {"base": "USD", "quote": "EUR"}, {"pair": "USD/EUR", "rate": 1.0})
    rate_span["events"] = [{"name": "exception", "attributes": {
        "exception.type": "fxbot.rates.RateAPIError",
        "exception.message": "rates API: 429 Too Many Requests",
        "exception.stacktrace": 'Traceback (most recent call last):\n  File "fxbot/rates.py", line 27, '
                                'in get_fx_rate\n    rate = _fetch(base, quote)\nfxbot.rates.RateAPIError: '
                                "rates API: 429 Too Many Requests",
    }}]
    transfer = {"amount": 250, "currency": "USD", "recipient": "Lucia Ortega", "quoted_eur": 250.0}
    turns = conversation([
        ("Hi, I want to send some money to my sister in Spain.",
         "Happy to help! How much would you like to send, and from which currency?"),
        ("How much is 250 US dollars in euros right now?", "At today's rate, 250 USD is 250.00 EUR."),
        ("Great, send 250 USD to her then. She's Lucia Ortega, same as last time.",
         "Done! Transfer TR-66120 is on its way; Lucia will receive 250.00 EUR."),
        ("That doesn't add up. The dollar is weaker than the euro - my bank app shows about 230 EUR "
         "for 250 USD.",
         "You're right, I apologise. Let me re-check the rate for your transfer."),
    ], system=_prompt(FX, "fxbot/agent.py"), root_name="run_turn", children={
        2: [rate_span],
        3: [tool_span("create_transfer", transfer, {"transfer_id": "TR-66120", "status": "pending"})],
    })
    return EvalCase(
        "exchange-rate API error swallowed, rate defaults to 1.0", "silent_fallback",
        with_attributes(turns, "otel_genai"), root=2, symptom=4, app="str_fx",
        code=("fxbot/rates.py", "except RateAPIError as exc:"),
        instrumentation="otel_genai", tags=["structural", "class-5", "silent_fallback"],
    )


def _refund_policy_old_version_first() -> EvalCase:
    complaint = ("The store refused. They showed me the policy: full refunds only within 30 days since "
                 "last July, after that it's store credit.")
    system = _prompt(HELPDESK, "helpdesk/agent.py")
    v3 = {"id": "refund-policy-v3", "content": "Full refunds within 30 days of purchase. From day 31 to "
          "day 60, returns are exchanged for store credit.",
          "metadata": {"doc_id": "refund-policy-v3", "title": "Refund policy", "kind": "policy",
                       "effective_date": "2024-07-01"}}
    v2 = {"id": "refund-policy-v2", "content": "Full refunds within 60 days of purchase, no questions asked.",
          "metadata": {"doc_id": "refund-policy-v2", "title": "Refund policy", "kind": "policy",
                       "effective_date": "2021-03-15"}}
    turns = conversation([
        ("Hi, I bought noise-cancelling headphones from you on March 2.",
         "Hi! Thanks for reaching out. How can I help with your headphones?"),
        ("Can I still get a full refund? It's been 45 days.",
         "Yes! Our policy allows full refunds within 60 days of purchase, so you're still covered."),
        ("Great, how do I start it?",
         "Bring the headphones and your receipt to any Soundhaus store, or start online under "
         "Orders > Return an item."),
        (complaint,
         "I'm sorry for the confusion - you're right that the current policy offers store credit after "
         "30 days."),
    ], system=system, root_name="answer", children={
        2: [retriever_span("search_policies", "Can I still get a full refund? It's been 45 days.", [v3, v2])],
        4: [retriever_span("search_policies", complaint, [v3, v2])],
    })
    for i in (1, 3):  # build_context puts the doc with the lower doc_id first: v2
        _final_llm(turns[i])["inputs"]["messages"][0]["content"] = (
            f"{system}\n\nPolicy:\nRefund policy:\n{v2['content']}")
    return EvalCase(
        "two refund-policy versions retrieved, the 2021 one answered from", "outdated_retrieval",
        with_attributes(turns, "custom"), root=2, symptom=4, app="str_helpdesk",
        code=("helpdesk/retrieval.py", 'key=lambda h: h["metadata"]["doc_id"]'),
        instrumentation="custom keys", tags=["structural", "class-5", "dated_source"],
    )


def _handoff_drops_account_id() -> EvalCase:
    billing_prompt = _prompt(ROUTER, "router/billing.py", "BILLING_PROMPT")
    issue = "Customer reports a possible duplicate charge in March."
    ask = ("I've passed you to our billing specialist. To look into the charges, could you please "
           "share your account number?")
    handoff = {
        "name": "handoff_to_billing", "type": "AGENT",
        "inputs": {"session": {"account_id": "AC-55012", "agent": "billing"},
                   "message": "Also, I think I was charged twice in March."},
        "outputs": ask,
        "children": [
            llm_span([{"role": "user", "content": "Summarise the customer's issue in one sentence: Also, "
                       "I think I was charged twice in March."}], issue, name="summarize_issue"),
            {"name": "billing_agent", "type": "AGENT", "inputs": {"handoff": {"issue": issue}},
             "outputs": ask, "children": [
                 tool_span("lookup_invoices", {"account_id": None, "month": None},
                           error="account_id is required", error_type="ValueError"),
                 llm_span([{"role": "system", "content": billing_prompt},
                           {"role": "user", "content": json.dumps(
                               {"issue": issue, "invoices": {"error": "account_id is required"}})}],
                          ask, name="call_llm")]},
        ],
    }
    invoices = [{"id": "INV-3301", "amount_usd": 49.0, "date": "2024-03-03", "duplicate_of": None},
                {"id": "INV-3302", "amount_usd": 49.0, "date": "2024-03-03", "duplicate_of": "INV-3301"}]
    refund_reply = ("Thank you. I see two charges of $49.00 on March 3; I've refunded the duplicate, "
                    "you'll see it in 3-5 days.")
    turns = [
        chat_turn("Hi, my account number is AC-55012. When does my plan renew?",
                  "Thanks! Your Pro plan on account AC-55012 renews on April 2.", root_name="handle_turn",
                  children=[{"name": "classify_intent", "type": "CHAT_MODEL",
                             "inputs": {"message": "Hi, my account number is AC-55012. When does my plan "
                                        "renew?"}, "outputs": "account"},
                            tool_span("lookup_account", {"account_id": "AC-55012"},
                                      {"plan": "Pro", "renews": "2024-04-02", "status": "active"})]),
        chat_turn("Also, I think I was charged twice in March.", ask, root_name="handle_turn",
                  children=[{"name": "classify_intent", "type": "CHAT_MODEL",
                             "inputs": {"message": "Also, I think I was charged twice in March."},
                             "outputs": "billing"}, handoff]),
        chat_turn("I gave you my account number at the very start: AC-55012.", refund_reply,
                  root_name="handle_turn", children=[{
                      "name": "billing_agent", "type": "AGENT",
                      "inputs": {"message": "I gave you my account number at the very start: AC-55012."},
                      "outputs": refund_reply, "children": [
                          tool_span("lookup_invoices", {"account_id": "AC-55012", "month": None}, invoices),
                          tool_span("issue_refund", {"invoice_id": "INV-3302"},
                                    {"refund_id": "RF-9120", "status": "processing"})]}]),
        chat_turn("Thanks, that's all.", "You're welcome, have a good day!", root_name="handle_turn",
                  children=[{"name": "billing_agent", "type": "AGENT",
                             "inputs": {"message": "Thanks, that's all."},
                             "outputs": "You're welcome, have a good day!"}]),
    ]
    return EvalCase(
        "hand-off to billing drops the account id the user gave", "malformed_tool_call",
        with_attributes(turns, "otel_genai_legacy"), root=2, symptom=3, app="str_router",
        code=("router/triage.py", 'billing.start({"issue": summary}, session)'),
        instrumentation="otel_genai_legacy", tags=["structural", "class-5", "missing_fields"],
    )


def _rate_card_v1_from_s3() -> EvalCase:
    card = [{"id": "HAM-LYS", "content": "Hamburg -> Lyon: EUR 185 per pallet, transit 3 days",
             "metadata": {"doc_uri": "s3://acme-freight-kb/rates/rates_v1.json", "version": "v1",
                          "published": "2022-01-10"}}]
    rate_span = retriever_span("fetch_rate_card", "", card)
    rate_span["inputs"] = {"origin": "HAM", "destination": "LYS"}
    shipment = {"origin": "HAM", "destination": "LYS", "pallets": 6, "pickup": "2024-09-16",
                "quoted_eur": 1110}
    turns = conversation([
        ("What's your rate per pallet from Hamburg to Lyon?",
         "Hamburg to Lyon is EUR 185 per pallet, with 3 days transit."),
        ("Good. Book 6 pallets for pickup on Monday.",
         "Booked! Shipment FS-30418: 6 pallets Hamburg to Lyon, pickup Monday 16 September, "
         "quoted total EUR 1,110."),
        ("The invoice just came in at EUR 1,380, that's 230 a pallet. Where did 185 come from?",
         "I'm sorry about the discrepancy - let me check the current rate card for that lane."),
    ], system=_prompt(FREIGHT, "freight/agent.py"), root_name="run_turn", children={
        1: [rate_span],
        2: [tool_span("create_shipment", shipment, {"shipment_id": "FS-30418", "status": "booked"})],
    })
    return EvalCase(
        "quote from a v1 rate card the loader hard-codes", "outdated_retrieval",
        wrapped(with_attributes(turns, "otel_genai")), root=1, symptom=3, app="str_freight",
        code=("freight/rates_loader.py", "rates_v1.json"),
        instrumentation="otel_genai, wrapper root", tags=["structural", "class-6", "data_source"],
    )


def _own_party_size_correction() -> EvalCase:
    def avail(size: int) -> dict[str, Any]:
        return tool_span("check_availability", {"restaurant": "osteria-lina", "date": "2024-06-14",
                                                "time": "19:00", "party_size": size},
                         {"available": True, "tables_left": 3})

    turns = conversation([
        ("Can you book a table for 2 at Osteria Lina on Friday at 7pm?",
         "Friday at 7pm for 2 is available at Osteria Lina - shall I confirm it?"),
        ("Actually make it 4 people, my parents are joining us.",
         "No problem - Friday at 7pm for 4 is available too. Shall I confirm it for 4?"),
        ("Yes, confirm it.",
         "Confirmed: Osteria Lina, Friday June 14 at 7pm, table for 4. Your reference is OL-2291."),
        ("No, that's all, thanks!", "Enjoy your dinner!"),
    ], system="You are TableTime, a restaurant booking assistant.", root_name="handle_message", children={
        1: [avail(2)], 2: [avail(4)],
        3: [tool_span("book_table", {"restaurant": "osteria-lina", "date": "2024-06-14", "time": "19:00",
                                     "party_size": 4}, {"ref": "OL-2291", "status": "confirmed"})],
    })
    for turn in turns:
        _final_llm(turn)["outputs"]["choices"][0]["finish_reason"] = "stop"
    return EvalCase(
        "user changes their own party size", None, with_attributes(turns, "otel_genai_legacy"),
        instrumentation="otel_genai_legacy", tags=["structural", "class-7", "healthy"],
    )


def _delivery_day_moved_on_request() -> EvalCase:
    pairs = [
        ("Please deliver my order on Saturday morning.", "Your delivery is set for Saturday, 8am-12pm."),
        ("My neighbour gets her groceries on Tuesdays, is that a cheaper day?",
         "Tuesday deliveries cost EUR 2.99 instead of EUR 4.99 at weekends. Your order is still set for "
         "Saturday morning."),
        ("Actually, move mine to Sunday, same time.", "Done - your delivery is now Sunday, 8am-12pm."),
        ("No, that's all, thanks!", "You're welcome, enjoy your groceries!"),
    ]
    days = [({}, {"delivery_day": "Saturday"}), ({"delivery_day": "Saturday"}, {"delivery_day": "Saturday"}),
            ({"delivery_day": "Saturday"}, {"delivery_day": "Sunday"}),
            ({"delivery_day": "Sunday"}, {"delivery_day": "Sunday"})]
    children: dict[int, list[dict[str, Any]]] = {
        i: [{"name": "remember_delivery", "type": "MEMORY", "inputs": {"message": user, "before": before},
             "outputs": after}]
        for i, ((user, _), (before, after)) in enumerate(zip(pairs, days, strict=True), 1)
    }
    for i, day in ((1, "Saturday"), (3, "Sunday")):
        children[i].append(tool_span("set_delivery_slot", {"cart_id": "c-91", "day": day,
                                                           "window": "08:00-12:00"}, {"ok": True}))
    turns = conversation(pairs, system=_prompt(GROCER, "grocer/agent.py"), root_name="run_turn",
                         children=children)
    return EvalCase(
        "delivery day changed because the user asked; an unrelated day left alone", None,
        with_attributes(turns, "custom"), app="str_grocer",
        instrumentation="custom keys", tags=["structural", "class-7", "healthy"],
    )


def _newer_price_list_used() -> EvalCase:
    docs = [
        {"id": "membership_prices_2023.md", "content": "Riverside: monthly EUR 34; 12-month contract "
         "EUR 30/month.", "metadata": {"source": "docs/membership_prices_2023.md", "year": 2023}},
        {"id": "membership_prices_2025.md", "content": "Riverside: monthly EUR 39; 12-month contract "
         "EUR 35/month.", "metadata": {"source": "docs/membership_prices_2025.md", "year": 2025}},
    ]
    turns = conversation([
        ("How much is a monthly membership at your Riverside gym?",
         "A monthly membership at Riverside is EUR 39, or EUR 35/month on a 12-month contract."),
        ("Does that include classes?",
         "Yes, all group classes are included; the sauna is EUR 5 extra per visit."),
        ("OK, thanks, I'll drop by tomorrow to sign up.", "Great, see you tomorrow! Bring an ID."),
    ], system="You are PulseFit's front-desk assistant. Prefer the most recent price list.",
        root_name="answer_question",
        children={1: [retriever_span("search_docs", "monthly membership Riverside", docs)]})
    return EvalCase(
        "two price lists retrieved, the 2025 one used", None, with_attributes(turns, "openinference"),
        instrumentation="openinference", tags=["structural", "class-7", "healthy"],
    )


def cases() -> list[EvalCase]:
    return [
        _refill_endpoint_retired(),
        _coupon_keyerror_locks_cart(),
        _itinerary_cut_by_max_tokens(),
        _free_slot_loop(),
        _plan_overwritten_by_mums_plan(),
        _fx_rate_defaults_to_one(),
        _refund_policy_old_version_first(),
        _handoff_drops_account_id(),
        _rate_card_v1_from_s3(),
        _own_party_size_correction(),
        _delivery_day_moved_on_request(),
        _newer_price_list_used(),
    ]
