"""Structural-fault eval sessions: the LOCKED TEST SPLIT.

These cases were written without reading the engine's code (signals, judges, nodes) and must
never be tuned on: do not change the engine to make a case here pass, and do not edit a label
after seeing the engine's answer. Use `evals.sets.structural_dev` for development.

Classes 4-7 of the case brief: a first failure whose own reply admits it (class 4); structural
faults: truncation, tool loop, state overwrite, silent fallback, dated retrieval source, a tool
call missing required fields (class 5); code correlation through a data source's URI (class 6);
and healthy look-alikes (class 7).
"""

from __future__ import annotations

import json
import re
from typing import Any

from turnback.demo.builder import chat_turn, retriever_span, tool_span

from evals.cases import EvalCase, conversation, with_attributes, wrapped

# --- the apps behind the sessions ----------------------------------------------------------

SEATMAP = {
    "airline/seats.py": '''import mlflow
import requests

SEAT_API = "https://seats.partner-gds.example/v3"
SEAT_API_TIMEOUT = 0.5  # seconds


@mlflow.trace(span_type="TOOL")
def get_seat_map(booking_ref, flight):
    resp = requests.get(f"{SEAT_API}/seatmap", params={"pnr": booking_ref, "flight": flight},
                        timeout=SEAT_API_TIMEOUT)
    resp.raise_for_status()
    seats = resp.json()["seats"]
    return {
        "current": resp.json()["assigned"],
        "available_windows": [s["id"] for s in seats if s["free"] and s["window"] and s["row"] <= 16],
    }


@mlflow.trace(span_type="TOOL")
def change_seat(booking_ref, seat):
    resp = requests.post(f"{SEAT_API}/assign", json={"pnr": booking_ref, "seat": seat},
                         timeout=SEAT_API_TIMEOUT)
    resp.raise_for_status()
    return {"status": "changed", "seat": seat}


@mlflow.trace(span_type="TOOL")
def check_in(booking_ref):
    resp = requests.post(f"{SEAT_API}/checkin", json={"pnr": booking_ref}, timeout=10)
    resp.raise_for_status()
    body = resp.json()
    return {"status": "checked_in", "seat": body["seat"], "boarding_pass": body["bp_url"]}
''',
    "airline/agent.py": '''import mlflow

from airline.llm import call_llm
from airline.seats import change_seat, check_in, get_seat_map

SYSTEM_PROMPT = (
    "You are SkyAlpine's travel assistant. Help passengers with seats and check-in. "
    "If a tool fails, say so and tell the passenger their current seat."
)
TOOLS = {"get_seat_map": get_seat_map, "change_seat": change_seat, "check_in": check_in}


@mlflow.trace(span_type="CHAIN")
def run_turn(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    while True:
        reply = call_llm(messages, tools=TOOLS)
        if not reply.tool_calls:
            return reply.content
        for call in reply.tool_calls:
            try:
                result = TOOLS[call.name](**call.arguments)
            except Exception as exc:
                result = {"error": f"{type(exc).__name__}: {exc}"}
            messages.append({"role": "tool", "name": call.name, "content": str(result)})
''',
}

LEASEBOT = {
    "lease/summarize.py": '''import mlflow
from openai import OpenAI

client = OpenAI()
MODEL = "gpt-4.1-mini"
MAX_SUMMARY_TOKENS = 200
SYSTEM_PROMPT = (
    "You are LeaseLens. Summarise residential leases for tenants: rent, deposit, term, pets, "
    "early termination and repairs. Answer follow-up questions from the lease text."
)


@mlflow.trace(span_type="LLM")
def call_model(lease_text, history, question):
    response = client.responses.create(
        model=MODEL,
        instructions=SYSTEM_PROMPT,
        input=[{"role": "user", "content": lease_text}, *history,
               {"role": "user", "content": question}],
        max_output_tokens=MAX_SUMMARY_TOKENS,
    )
    return response.output_text


@mlflow.trace(span_type="TOOL")
def extract_pdf_text(file):
    from pypdf import PdfReader

    reader = PdfReader(file)
    return "\\n".join(page.extract_text() or "" for page in reader.pages)
''',
    "lease/server.py": '''from fastapi import FastAPI
from pydantic import BaseModel

import mlflow
from lease.summarize import call_model, extract_pdf_text

app = FastAPI()
SESSIONS = {}


class Message(BaseModel):
    session_id: str
    text: str
    file: str | None = None


@app.post("/chat")
@mlflow.trace(name="handle_message", span_type="CHAIN")
def handle_message(msg: Message):
    session = SESSIONS.setdefault(msg.session_id, {"lease": "", "history": []})
    if msg.file:
        session["lease"] = extract_pdf_text(msg.file)
    reply = call_model(session["lease"], session["history"], msg.text)
    session["history"] += [{"role": "user", "content": msg.text},
                           {"role": "assistant", "content": reply}]
    return {"reply": reply}
''',
}

PARCEL = {
    "parcel/agent.py": '''import json

import mlflow

from parcel.llm import call_llm
from parcel.tools import track_parcel

MAX_TOOL_CALLS = 3
SYSTEM_PROMPT = (
    "You are Lumen Home's delivery assistant. Use track_parcel to answer delivery questions. "
    "If a parcel's status is not final, call track_parcel again until it is before answering."
)


@mlflow.trace(name="delivery_agent", span_type="AGENT")
def delivery_agent(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    calls = 0
    while True:
        reply = call_llm(messages, allow_tools=calls < MAX_TOOL_CALLS)
        if not reply.tool_calls:
            return reply.content
        for call in reply.tool_calls:
            calls += 1
            result = track_parcel(**json.loads(call.arguments))
            messages.append({"role": "tool", "name": "track_parcel", "content": json.dumps(result)})
''',
    "parcel/tools.py": '''import mlflow
import requests

CARRIER_API = "https://api.carrier-hub.example/v1/track"
FINAL = {"delivered", "returned_to_sender", "lost"}


@mlflow.trace(span_type="TOOL")
def track_parcel(tracking_number):
    resp = requests.get(CARRIER_API, params={"number": tracking_number}, timeout=5)
    resp.raise_for_status()
    body = resp.json()
    events = body.get("events", [])
    return {
        "tracking_number": tracking_number,
        "status": body["status"],
        "final": body["status"] in FINAL,
        "last_scan": events[-1]["time"] if events else None,
        "carrier": body.get("carrier", "unknown"),
    }
''',
}

HOTEL = {
    "hotel/slots.py": r'''import re
from datetime import date

import mlflow

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DATE_RE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (\d{1,2})\b", re.I)
ROOM_RE = re.compile(r"\b(single|double|twin|suite)\b", re.I)


def parse_date(match):
    month = MONTHS.index(match.group(1).lower()[:3]) + 1
    today = date.today()
    year = today.year if month >= today.month else today.year + 1
    return date(year, month, int(match.group(2))).isoformat()


@mlflow.trace(span_type="MEMORY")
def update_slots(slots, message):
    slots = dict(slots)
    found = DATE_RE.search(message)
    if found:
        slots["check_in"] = parse_date(found)
    rest = DATE_RE.sub("", message)
    room = ROOM_RE.search(rest)
    if room:
        slots["room"] = room.group(1).lower()
    nights = re.search(r"\b(\d{1,2})\b", rest)
    if nights:
        slots["nights"] = int(nights.group(1))
    return slots
''',
    "hotel/agent.py": '''import mlflow

from hotel.llm import call_llm
from hotel.slots import update_slots
from hotel.tools import book_room, check_rates, hotel_facilities

SYSTEM_PROMPT = (
    "You are the Harbor Hotels booking assistant. Use the booking slots you are given, "
    "quote prices with check_rates and book with book_room once the guest agrees."
)
TOOLS = {"check_rates": check_rates, "book_room": book_room, "hotel_facilities": hotel_facilities}


@mlflow.trace(span_type="CHAIN")
def run_turn(session, message):
    session["slots"] = update_slots(session.get("slots", {}), message)
    messages = [
        {"role": "system", "content": f"{SYSTEM_PROMPT}\\nSlots: {session['slots']}"},
        *session["history"],
        {"role": "user", "content": message},
    ]
    reply = call_llm(messages, tools=TOOLS)
    session["history"] += [{"role": "user", "content": message},
                           {"role": "assistant", "content": reply}]
    return reply
''',
    "hotel/tools.py": '''import mlflow

from hotel import pms


@mlflow.trace(span_type="TOOL")
def check_rates(hotel, check_in, nights, room):
    rate = pms.nightly_rate(hotel, room, check_in)
    return {"hotel": hotel, "room": room, "nightly_usd": rate, "total_usd": rate * nights}


@mlflow.trace(span_type="TOOL")
def book_room(hotel, check_in, nights, room, guest="guest"):
    rate = pms.nightly_rate(hotel, room, check_in)
    ref = pms.create_reservation(hotel=hotel, room=room, check_in=check_in, nights=nights, guest=guest)
    return {"status": "confirmed", "ref": ref, "total_usd": rate * nights}


@mlflow.trace(span_type="TOOL")
def hotel_facilities(hotel):
    return pms.facilities(hotel)
''',
}

SHOPDESK = {
    "shop/shipping.py": '''import httpx
import mlflow
from mlflow.entities import SpanEvent

CARRIER_URL = "https://rates.parcelnet.example/v2/quote"
DEFAULT_SHIPPING_EUR = 4.99
WAREHOUSE = "Eindhoven, NL"


@mlflow.trace(span_type="TOOL")
def quote_shipping(sku, destination):
    span = mlflow.get_current_active_span()
    payload = {"from": WAREHOUSE, "to": destination, "sku": sku}
    try:
        resp = httpx.post(CARRIER_URL, json=payload, timeout=2.0)
        resp.raise_for_status()
        quote = resp.json()
        return {"price_eur": quote["amount"], "carrier": quote["service"], "eta_days": quote["eta"]}
    except httpx.TimeoutException as exc:
        span.add_event(SpanEvent("fallback_used", {
            "reason": repr(exc), "timeout_s": 2.0, "default_price_eur": DEFAULT_SHIPPING_EUR,
        }))
        return {"price_eur": DEFAULT_SHIPPING_EUR, "carrier": "standard", "eta_days": "3-5"}
''',
    "shop/returns.py": '''import mlflow
from pydantic import BaseModel

from shop import rma


class CreateReturn(BaseModel):
    order_id: str
    item_sku: str
    reason: str


RETURN_TOOL = {
    "type": "function",
    "function": {
        "name": "create_return",
        "description": "Start a return for one item of an order and email a prepaid label.",
        "parameters": {
            "type": "object",
            "properties": {"order_id": {"type": "string"}, "reason": {"type": "string"}},
            "required": ["order_id", "reason"],
        },
    },
}


@mlflow.trace(span_type="TOOL")
def create_return(**arguments):
    request = CreateReturn(**arguments)
    label = rma.open_return(request.order_id, request.item_sku, request.reason)
    return {"rma": label["rma"], "label_url": label["url"]}
''',
    "shop/agent.py": '''import json

import mlflow

from shop.llm import call_llm
from shop.orders import place_order
from shop.returns import RETURN_TOOL, create_return
from shop.shipping import quote_shipping

SYSTEM_PROMPT = (
    "You are Hollow Oak Furniture's shop assistant. Quote shipping, place orders and "
    "start returns with the tools provided."
)
TOOLS = {"quote_shipping": quote_shipping, "place_order": place_order, "create_return": create_return}


@mlflow.trace(span_type="CHAIN")
def run_turn(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    for _ in range(4):
        reply = call_llm(messages, tools=[RETURN_TOOL, *TOOLS])
        if not reply.tool_calls:
            return reply.content
        for call in reply.tool_calls:
            try:
                result = TOOLS[call.name](**json.loads(call.arguments))
            except Exception as exc:  # let the model recover
                result = {"error": str(exc)}
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    return "Sorry, I couldn't complete that."
''',
}

PRICING = {
    "pricing_bot/kb.py": '''from pathlib import Path

import mlflow
from rank_bm25 import BM25Okapi

KB_DIR = Path(__file__).parent / "kb"


def load_documents():
    docs = []
    for path in sorted(KB_DIR.glob("pricing_*.md")):
        docs.append({"id": path.name, "text": path.read_text(), "source": f"kb/{path.name}"})
    for path in sorted(KB_DIR.glob("faq_*.md")):
        docs.append({"id": path.name, "text": path.read_text(), "source": f"kb/{path.name}"})
    return docs


DOCS = load_documents()
INDEX = BM25Okapi([d["text"].lower().split() for d in DOCS])


@mlflow.trace(span_type="RETRIEVER")
def search_kb(query, k=2):
    scores = INDEX.get_scores(query.lower().split())
    ranked = sorted(range(len(DOCS)), key=lambda i: -scores[i])[:k]
    return [
        {"id": DOCS[i]["id"], "page_content": DOCS[i]["text"],
         "metadata": {"source": DOCS[i]["source"]}}
        for i in ranked
    ]
''',
    "pricing_bot/agent.py": '''import mlflow

from pricing_bot.kb import search_kb
from pricing_bot.llm import call_llm

SYSTEM_PROMPT = (
    "You are the Tallyhub sales assistant. Answer pricing questions from the documents below "
    "and show your arithmetic."
)


@mlflow.trace(name="sales_assistant", span_type="AGENT")
def sales_assistant(history, message):
    docs = search_kb(message)
    context = "\\n\\n".join(f"[{d['metadata']['source']}]\\n{d['page_content']}" for d in docs)
    messages = [
        {"role": "system", "content": f"{SYSTEM_PROMPT}\\n\\n{context}"},
        *history,
        {"role": "user", "content": message},
    ]
    return call_llm(messages)
''',
}

VISA = {
    "visa/loader.py": '''import mlflow
from langchain_community.document_loaders import PyPDFLoader
from langchain_community.vectorstores import FAISS
from langchain_openai import OpenAIEmbeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

RULES_PDF = "/srv/kb/visa_rules_2019.pdf"
INDEX_DIR = "/srv/kb/index"
_store = None


def build_index():
    pages = PyPDFLoader(RULES_PDF).load()
    chunks = RecursiveCharacterTextSplitter(chunk_size=800, chunk_overlap=80).split_documents(pages)
    store = FAISS.from_documents(chunks, OpenAIEmbeddings())
    store.save_local(INDEX_DIR)
    return store


def get_store():
    global _store
    if _store is None:
        _store = build_index()
    return _store


@mlflow.trace(span_type="RETRIEVER")
def retrieve_rules(query, k=3):
    return get_store().similarity_search(query, k=k)
''',
    "visa/agent.py": '''import mlflow

from visa.llm import call_llm
from visa.loader import retrieve_rules

SYSTEM_PROMPT = (
    "You are Passage, a visa information assistant. Answer from the rules excerpts provided, "
    "stating fees, validity and number of entries."
)


@mlflow.trace(span_type="CHAIN")
def answer(history, message):
    docs = retrieve_rules(message)
    excerpts = "\\n---\\n".join(d.page_content for d in docs)
    messages = [
        {"role": "system", "content": f"{SYSTEM_PROMPT}\\n\\nRules:\\n{excerpts}"},
        *history,
        {"role": "user", "content": message},
    ]
    return call_llm(messages)
''',
}

BISTRO = {
    "bistro/menu_data.py": '''import csv
from pathlib import Path

import mlflow

DATA_DIR = Path(__file__).parent / "data"
ALLERGEN_FILE = DATA_DIR / "allergens_spring.csv"
MENU_FILE = DATA_DIR / "menu_current.csv"


def _rows(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


@mlflow.trace(span_type="RETRIEVER")
def lookup_allergens(dish):
    rows = [r for r in _rows(ALLERGEN_FILE) if dish.lower() in r["dish"].lower()]
    return [
        {
            "id": r["dish_id"],
            "page_content": f"{r['dish']} - allergens: {r['allergens']}. Contains nuts: {r['nuts']}.",
            "metadata": {"source": f"data/{ALLERGEN_FILE.name}", "row": int(r["row"]),
                         "menu_season": r["season"]},
        }
        for r in rows
    ]


def todays_menu():
    return [r["dish"] for r in _rows(MENU_FILE)]
''',
    "bistro/agent.py": '''import mlflow

from bistro.bookings import reserve_table
from bistro.llm import call_llm
from bistro.menu_data import lookup_allergens

SYSTEM_PROMPT = (
    "You are the host at Bistro Verre. Take table reservations and answer menu and allergen "
    "questions from the allergen sheet only."
)
TOOLS = {"reserve_table": reserve_table, "lookup_allergens": lookup_allergens}


@mlflow.trace(span_type="CHAIN")
def chat(history, message):
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
    "str_seatmap": SEATMAP,
    "str_leasebot": LEASEBOT,
    "str_parcel": PARCEL,
    "str_hotel": HOTEL,
    "str_shopdesk": SHOPDESK,
    "str_pricing": PRICING,
    "str_visa": VISA,
    "str_bistro": BISTRO,
}


# --- span helpers ---------------------------------------------------------------------------


def _prompt(files: dict[str, str], path: str) -> str:
    """The prompt a `SYSTEM_PROMPT = ( "..." "..." )` block in an app file defines."""
    block = files[path].split("SYSTEM_PROMPT = (", 1)[1].split("\n)", 1)[0]
    return "".join(re.findall(r'"([^"]*)"', block))


def _requests_tool(messages: list[dict[str, Any]], name: str, args: dict[str, Any],
                   *, call_id: str = "call_1") -> dict[str, Any]:
    """A chat-model call whose answer is a tool call (OpenAI chat-completions shape)."""
    return {
        "name": "call_llm", "type": "CHAT_MODEL",
        "inputs": {"model": "gpt-4o-mini", "messages": messages},
        "outputs": {"choices": [{
            "message": {"role": "assistant", "content": None, "tool_calls": [{
                "id": call_id, "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)}}]},
            "finish_reason": "tool_calls"}]},
    }


def _final_llm(turn: dict[str, Any]) -> dict[str, Any]:
    return turn["root"]["children"][-1]


def _messages(turn: dict[str, Any]) -> list[dict[str, Any]]:
    return _final_llm(turn)["inputs"]["messages"]


# --- the cases ------------------------------------------------------------------------------


def _seat_change_timeout() -> EvalCase:
    booking = "KD9QW2"
    turns = conversation([
        ("I'm on flight LX318 tomorrow, booking ref KD9QW2. Can I move to a window seat near the front?",
         "You're currently in 32E. Window seats 14A and 15F near the front are free - which would you like?"),
        ("14A please.",
         "Sorry - the airline's seat system didn't respond, so I couldn't move you to 14A. You're still "
         "in seat 32E."),
        ("Ugh. OK, just check me in then, I'll sort the seat out later.",
         "You're checked in for LX318 in seat 32E. Your boarding pass is in your email."),
        ("Now the app says seat changes are closed after check-in! So I'm stuck in 32E?",
         "I'm sorry - once you're checked in, seat changes can only be made at the gate."),
    ], system=_prompt(SEATMAP, "airline/agent.py"), root_name="run_turn", children={
        1: [tool_span("get_seat_map", {"booking_ref": booking, "flight": "LX318"},
                      {"current": "32E", "available_windows": ["14A", "15F"]})],
        2: [tool_span("change_seat", {"booking_ref": booking, "seat": "14A"},
                      error="HTTPSConnectionPool(host='seats.partner-gds.example', port=443): Read timed "
                            "out. (read timeout=0.5)", error_type="ReadTimeout")],
        3: [tool_span("check_in", {"booking_ref": booking},
                      {"status": "checked_in", "seat": "32E",
                       "boarding_pass": "https://skyalpine.example/bp/KD9QW2"})],
    })
    for turn, (name, args) in zip(turns, [("get_seat_map", {"booking_ref": booking, "flight": "LX318"}),
                                          ("change_seat", {"booking_ref": booking, "seat": "14A"}),
                                          ("check_in", {"booking_ref": booking})], strict=False):
        turn["root"]["children"].insert(0, _requests_tool(_messages(turn), name, args))
    return EvalCase(
        "seat change times out (admitted), check-in then locks the old seat", "tool_failure",
        wrapped(with_attributes(turns, "otel_genai")), root=2, symptom=4, app="str_seatmap",
        code=("airline/seats.py", "SEAT_API_TIMEOUT = 0.5"),
        instrumentation="otel_genai, wrapper root", tags=["structural", "class-4", "admitted_failure"],
    )


LEASE_CUT = (
    "Key terms of your lease:\n- Rent: EUR 1,450 per month, due on the 1st.\n- Deposit: EUR 2,900, "
    "returned within 30 days of move-out.\n- Term: 12 months from 1 September 2024.\n- Pets: allowed with "
    "the landlord's written consent.\n- Early termination: the tenant must give"
)


def _lease_summary_cut() -> EvalCase:
    system = _prompt(LEASEBOT, "lease/summarize.py")
    pairs = [
        ("Here's my lease, lease_unit5B.pdf. Can you summarise the key terms?", LEASE_CUT),
        ("It cuts off at early termination. How much notice do I have to give?",
         "Sorry, my summary was cut short. Early termination needs two months' written notice, plus a fee "
         "of one month's rent."),
        ("OK. And who pays for repairs?",
         "Minor repairs under EUR 150 are the tenant's; structural repairs and appliances are the "
         "landlord's."),
        ("Thanks, that's everything.", "You're welcome - good luck with the move!"),
    ]
    turns, history = [], []
    for i, (user, reply) in enumerate(pairs):
        cut = i == 0
        model = {
            "name": "call_model", "type": "LLM",
            "attributes": {
                "gen_ai.operation.name": "chat", "gen_ai.system": "openai",
                "gen_ai.request.model": "gpt-4.1-mini", "gen_ai.response.model": "gpt-4.1-mini-2025-04-14",
                "gen_ai.request.max_tokens": 200,
                "gen_ai.response.finish_reasons": ["length" if cut else "stop"],
                "gen_ai.usage.input_tokens": 8120 + 150 * i,
                "gen_ai.usage.output_tokens": 200 if cut else 48,
                "gen_ai.input.messages": json.dumps(
                    [{"role": "system", "parts": [{"type": "text", "content": system}]}, *history,
                     {"role": "user", "parts": [{"type": "text", "content": user}]}]),
                "gen_ai.output.messages": json.dumps([{
                    "role": "assistant", "parts": [{"type": "text", "content": reply}],
                    "finish_reason": "length" if cut else "stop"}]),
            },
        }
        children = [model]
        if cut:
            children.insert(0, tool_span("extract_pdf_text", {"file": "lease_unit5B.pdf"},
                                         "RESIDENTIAL TENANCY AGREEMENT - Unit 5B, 14 Canal Street ... "
                                         "(31,877 characters)"))
        turns.append(chat_turn(user, reply, root_name="handle_message", children=children))
        history += [{"role": "user", "parts": [{"type": "text", "content": user}]},
                    {"role": "assistant", "parts": [{"type": "text", "content": reply}]}]
    return EvalCase(
        "lease summary stops at the output-token limit", "reply_truncated",
        with_attributes(turns, "otel_genai"), root=1, symptom=2, app="str_leasebot",
        code=("lease/summarize.py", "MAX_SUMMARY_TOKENS = 200"),
        instrumentation="otel_genai", tags=["structural", "class-5", "truncation"],
    )


def _track_parcel_over_and_over() -> EvalCase:
    status = {"tracking_number": "1Z84E0", "status": "label_created", "final": False,
              "last_scan": None, "carrier": "UPS"}

    def track() -> dict[str, Any]:  # an OpenInference tool span: I/O in attributes only
        return {"name": "track_parcel", "type": "TOOL", "attributes": {
            "openinference.span.kind": "TOOL", "tool.name": "track_parcel",
            "input.value": json.dumps({"tracking_number": "1Z84E0"}), "input.mime_type": "application/json",
            "output.value": json.dumps(status), "output.mime_type": "application/json"}}

    pairs = [
        ("Hi, I ordered a floor lamp last week and it still hasn't arrived.",
         "Sorry to hear that! Could you give me the tracking number?"),
        ("It's 1Z84E0.",
         "Your parcel 1Z84E0 has a shipping label but hasn't been scanned by the carrier yet. I'll keep "
         "checking for you."),
        ("OK, any news now?", "It still shows label created, with no scan yet. I'll keep checking."),
        ("You keep telling me the same thing. Has it actually shipped or not?",
         "It still shows label created with no carrier scan."),
        ("This is going nowhere, I'll contact the seller myself.",
         "I understand - sorry I couldn't be more helpful."),
    ]
    turns = [
        chat_turn(user, reply, root_name="delivery_agent",
                  children=[track() for _ in range(3)] if i in (2, 3, 4) else [])
        for i, (user, reply) in enumerate(pairs, 1)
    ]
    return EvalCase(
        "track_parcel re-called with the same number three times a turn", "tool_loop",
        with_attributes(turns, "openinference"), root=2, symptom=4, app="str_parcel",
        code=("parcel/agent.py", "call track_parcel again until it is"),
        instrumentation="openinference", tags=["structural", "class-5", "tool_loop"],
    )


def _nights_taken_from_sons_age() -> EvalCase:
    pairs = [
        ("Book me a double room at the Harbor Inn from June 10 for 3 nights.",
         "The Harbor Inn has a double room from June 10 for 3 nights at $180 a night, $540 in total. "
         "Shall I book it?"),
        ("Before that - my son is 7, does the hotel have a kids' pool?",
         "Yes, the Harbor Inn has a heated kids' pool, open 9am to 6pm."),
        ("Great, book it.", "Booked! Your reference is HI-55821, total $1,260."),
        ("That total is for seven nights! I asked for three.",
         "I'm sorry - let me correct the booking to 3 nights."),
    ]
    slots = [
        ({}, {"check_in": "2024-06-10", "room": "double", "nights": 3}),
        ({"check_in": "2024-06-10", "room": "double", "nights": 3},
         {"check_in": "2024-06-10", "room": "double", "nights": 7}),
        ({"check_in": "2024-06-10", "room": "double", "nights": 7},
         {"check_in": "2024-06-10", "room": "double", "nights": 7}),
        ({"check_in": "2024-06-10", "room": "double", "nights": 7},
         {"check_in": "2024-06-10", "room": "double", "nights": 7}),
    ]
    children: dict[int, list[dict[str, Any]]] = {
        i: [{"name": "update_slots", "type": "MEMORY", "inputs": {"slots": before, "message": user},
             "outputs": after}]
        for i, ((user, _), (before, after)) in enumerate(zip(pairs, slots, strict=True), 1)
    }
    children[1].append(tool_span("check_rates", {"hotel": "harbor-inn", "check_in": "2024-06-10",
                                                 "nights": 3, "room": "double"},
                                 {"hotel": "harbor-inn", "room": "double", "nightly_usd": 180,
                                  "total_usd": 540}))
    children[2].append(tool_span("hotel_facilities", {"hotel": "harbor-inn"},
                                 {"kids_pool": "heated, 09:00-18:00", "parking": True}))
    children[3].append(tool_span("book_room", {"hotel": "harbor-inn", "check_in": "2024-06-10",
                                               "nights": 7, "room": "double"},
                                 {"status": "confirmed", "ref": "HI-55821", "total_usd": 1260}))
    turns = conversation(pairs, system=_prompt(HOTEL, "hotel/agent.py"), root_name="run_turn",
                         children=children, assessments={1: [{
                             "name": "user_frustration", "value": "resolved", "session_level": True,
                             "rationale": "The user notices the wrong number of nights; the assistant "
                                          "offers to fix it."}]})
    for turn, (_, after) in zip(turns, slots, strict=True):  # run_turn puts the slots in the prompt
        _messages(turn)[0]["content"] += f"\nSlots: {after}"
    return EvalCase(
        "nights overwritten by the child's age from an unrelated question", "state_corruption",
        wrapped(turns), root=2, symptom=4, app="str_hotel",
        code=("hotel/slots.py", r'nights = re.search(r"\b(\d{1,2})\b", rest)'),
        instrumentation="mlflow, wrapper root", tags=["structural", "class-5", "state_overwrite"],
    )


def _shipping_default_after_timeout() -> EvalCase:
    quote = tool_span("quote_shipping", {"sku": "WST-01", "destination": "Rotterdam, NL"},
                      {"price_eur": 4.99, "carrier": "standard", "eta_days": "3-5"})
    quote["events"] = [{"name": "fallback_used", "attributes": {
        "reason": "ReadTimeout('The read operation timed out')", "timeout_s": 2.0,
        "default_price_eur": 4.99}}]
    order = {"sku": "WST-01", "destination": "Rotterdam, NL", "shipping_eur": 4.99}
    turns = conversation([
        ("I'd like to order the walnut side table, delivered to Rotterdam.",
         "The walnut side table is EUR 149. Shall I get a shipping quote to Rotterdam?"),
        ("Yes, what's shipping?", "Shipping to Rotterdam is EUR 4.99, arriving in 3-5 days."),
        ("Great, place the order.", "Order SO-20931 is placed: EUR 149 + EUR 4.99 shipping = EUR 153.99."),
        ("My card statement says EUR 167.40 - shipping was 18.40, not the 4.99 you told me.",
         "I'm sorry about that - let me look into the shipping charge on SO-20931."),
    ], system=_prompt(SHOPDESK, "shop/agent.py"), root_name="run_turn", children={
        2: [quote],
        3: [tool_span("place_order", order, {"order_id": "SO-20931", "status": "placed"})],
    })
    return EvalCase(
        "carrier quote timed out, default shipping price quoted", "silent_fallback",
        with_attributes(turns, "otel_genai_legacy"), root=2, symptom=4, app="str_shopdesk",
        code=("shop/shipping.py", "except httpx.TimeoutException as exc:"),
        instrumentation="otel_genai_legacy", tags=["structural", "class-5", "silent_fallback"],
    )


def _pricing_2022_next_to_2024() -> EvalCase:
    docs = [
        {"id": "pricing_2022.md", "content": "# Pricing (2022)\nTeam plan: $8 per seat per month, billed "
         "annually. Business plan: $15 per seat per month.", "metadata": {"source": "kb/pricing_2022.md"}},
        {"id": "pricing_2024.md", "content": "# Pricing (2024)\nTeam plan: $12 per seat per month, billed "
         "annually. Business plan: $20 per seat per month.", "metadata": {"source": "kb/pricing_2024.md"}},
    ]
    pairs = [
        ("How much is the Team plan per seat?", "The Team plan is $8 per seat per month, billed annually."),
        ("We're 25 people, so what's the yearly total?", "25 seats x $8 x 12 months = $2,400 per year."),
        ("Your checkout page just quoted me $3,600 a year for 25 seats. Where did $8 come from?",
         "I apologise - the current Team price is $12 per seat per month, which gives $3,600 a year."),
    ]
    turns = conversation(pairs, system=_prompt(PRICING, "pricing_bot/agent.py"), root_name="sales_assistant",
                         children={i: [retriever_span("search_kb", user, docs)]
                                   for i, (user, _) in enumerate(pairs, 1)})
    return EvalCase(
        "pricing_2022.md retrieved beside pricing_2024.md, old price quoted", "outdated_retrieval",
        with_attributes(turns, "openinference"), root=1, symptom=3, app="str_pricing",
        code=("pricing_bot/kb.py", 'KB_DIR.glob("pricing_*.md")'),
        instrumentation="openinference", tags=["structural", "class-5", "dated_source"],
    )


def _return_tool_missing_sku() -> EvalCase:
    system = _prompt(SHOPDESK, "shop/agent.py")
    pairs = [
        ("I want to return the desk lamp from order SO-18830, the shade arrived cracked.",
         "Sorry about the cracked shade! Which item from order SO-18830 would you like to return?"),
        ("The desk lamp, like I said.",
         "Thanks! Could you tell me which item from order SO-18830 you'd like to return?"),
        ("The DESK LAMP. Item code LMP-220. Why is this so hard?",
         "I'm sorry, I wasn't able to create the return right now. Please try again later."),
    ]
    reasons = ["shade arrived cracked", "desk lamp - shade arrived cracked",
               "desk lamp LMP-220, shade arrived cracked"]
    turns = conversation(pairs, system=system, root_name="run_turn")
    for turn, reason in zip(turns, reasons, strict=True):
        args = {"order_id": "SO-18830", "reason": reason}
        error = ("1 validation error for CreateReturn\nitem_sku\n  Field required [type=missing, "
                 f"input_value={args!r}, input_type=dict]")
        turn["root"]["children"][:0] = [
            _requests_tool(_messages(turn), "create_return", args),
            tool_span("create_return", args, error=error, error_type="pydantic_core.ValidationError"),
        ]
    return EvalCase(
        "create_return called without the required item_sku", "malformed_tool_call",
        turns, root=1, symptom=2, app="str_shopdesk",
        code=("shop/returns.py", '"properties": {"order_id"'),
        instrumentation="mlflow", tags=["structural", "class-5", "missing_fields"],
    )


def _visa_rules_2019_pdf() -> EvalCase:
    docs = [
        {"id": "visa_rules_2019.pdf#p4", "content": "E-visa (Vietnam): single entry only, valid for a "
         "maximum of 30 days. Fee: US$25. Processing: 3 working days.",
         "metadata": {"source": "/srv/kb/visa_rules_2019.pdf", "page": 4}},
        {"id": "visa_rules_2019.pdf#p5", "content": "Eligible nationalities for e-visa include Canada, "
         "Australia, the United Kingdom and the United States.",
         "metadata": {"source": "/srv/kb/visa_rules_2019.pdf", "page": 5}},
    ]
    pairs = [
        ("I'm Canadian and going to Vietnam for three weeks in November. Do I need a visa?",
         "Yes. Canadians need an e-visa for Vietnam. It costs US$25, is single-entry only and is valid "
         "for up to 30 days - enough for a three-week trip."),
        ("How long does it take to process?",
         "Processing usually takes about 3 working days, so apply at least a week ahead."),
        ("The official e-visa portal says it's valid for up to 90 days and I can choose multiple entry. "
         "Why did you say 30 days, single entry only?",
         "I'm sorry - it looks like my information is out of date. Please follow the official portal."),
    ]
    turns = conversation(pairs, system=_prompt(VISA, "visa/agent.py"), root_name="answer",
                         children={i: [retriever_span("retrieve_rules", user, docs)]
                                   for i, (user, _) in enumerate(pairs, 1)})
    return EvalCase(
        "visa answer from a 2019 rules PDF the loader points at", "outdated_retrieval",
        with_attributes(turns, "otel_genai"), root=1, symptom=3, app="str_visa",
        code=("visa/loader.py", "visa_rules_2019.pdf"),
        instrumentation="otel_genai", tags=["structural", "class-6", "data_source"],
    )


def _allergen_sheet_from_spring() -> EvalCase:
    row = [{"id": "risotto-funghi", "content": "Wild mushroom risotto - allergens: milk, celery. Contains "
            "nuts: no.", "metadata": {"source": "data/allergens_spring.csv", "row": 14,
                                      "menu_season": "spring 2024"}}]
    allergens = retriever_span("lookup_allergens", "", row)
    allergens["inputs"] = {"dish": "wild mushroom risotto"}
    booking = {"party_size": 3, "date": "2024-10-18", "time": "20:00", "name": "Marta"}
    turns = conversation([
        ("Hi, we'd like a table for three tonight at 8, name Marta.",
         "Booked: a table for 3 tonight at 8pm under Marta."),
        ("One of us has a tree-nut allergy. Is the wild mushroom risotto safe?",
         "Yes, the wild mushroom risotto is nut-free; its allergens are milk and celery."),
        ("Great, see you tonight!", "See you at 8!"),
        ("We're at the table and the waiter says this autumn the risotto is finished with hazelnut butter. "
         "You told us it was nut-free!",
         "I'm very sorry - please don't order it. I'll flag this to the kitchen right away."),
    ], system=_prompt(BISTRO, "bistro/agent.py"), root_name="chat", children={
        1: [tool_span("reserve_table", booking, {"status": "confirmed", "table": 12})],
        2: [allergens],
    })
    return EvalCase(
        "allergen answer from the spring sheet the loader hard-codes", "outdated_retrieval",
        turns, root=2, symptom=4, app="str_bistro",
        code=("bistro/menu_data.py", "allergens_spring.csv"),
        instrumentation="mlflow", tags=["structural", "class-6", "data_source"],
    )


def _weekends_checked_and_polite_closings() -> EvalCase:
    weekends = [("2024-10-04", "2024-10-06", False), ("2024-10-11", "2024-10-13", True),
                ("2024-10-18", "2024-10-20", False), ("2024-10-25", "2024-10-27", True)]
    checks = [tool_span("check_availability", {"property": "lakeview", "check_in": a, "check_out": b},
                        {"available": free}) for a, b, free in weekends]
    again = "You're welcome! Is there anything else I can help with?"
    turns = conversation([
        ("Is the Lakeview cottage free any weekend in October?",
         "Lakeview is free Oct 11-13 and Oct 25-27; Oct 4-6 and Oct 18-20 are taken."),
        ("Book Oct 25-27 for 2 adults.",
         "Booked! Lakeview cottage, Oct 25-27, 2 adults. Confirmation LV-8812."),
        ("Thanks!", again),
        ("Oh, can we bring our dog?", "Yes, Lakeview allows one dog for a EUR 15 cleaning fee."),
        ("Great, thank you so much.", again),
        ("No, that's all, bye!", "Enjoy your weekend at Lakeview!"),
    ], system="You are Hideaway Cottages' booking assistant.", root_name="chat", children={
        1: checks,
        2: [tool_span("book_stay", {"property": "lakeview", "check_in": "2024-10-25",
                                    "check_out": "2024-10-27", "guests": 2},
                      {"confirmation": "LV-8812", "status": "confirmed"})],
        4: [tool_span("get_house_rules", {"property": "lakeview"},
                      {"pets": "one dog, EUR 15 cleaning fee", "smoking": False})],
    }, assessments={6: [{"name": "user_frustration", "value": "no", "session_level": True,
                         "rationale": "The user got what they asked for and left satisfied."}]})
    return EvalCase(
        "same tool over four weekends, repeated polite closings", None, turns,
        instrumentation="mlflow", tags=["structural", "class-7", "healthy"],
    )


def _quote_retried_after_503() -> EvalCase:
    args = {"destination": "JP", "days": 10, "travellers": [{"age": 34}]}
    first = tool_span("get_quote", args, error="503 Server Error: Service Unavailable for url: "
                      "https://api.insurewell.example/quotes", error_type="requests.HTTPError")
    first["attributes"] = {"retry.attempt": 1}
    second = tool_span("get_quote", args, {"premium_eur": 48.2, "medical_cover_eur": 1_000_000,
                                           "quote_id": "Q-77120"})
    second["attributes"] = {"retry.attempt": 2}
    turns = conversation([
        ("I need a quote for travel insurance: 10 days in Japan, one adult aged 34.",
         "Your quote is EUR 48.20 for 10 days in Japan, one adult (34), with EUR 1M medical cover."),
        ("Does it cover skiing?",
         "Skiing on marked pistes is covered; off-piste needs the Adventure add-on (EUR 12)."),
        ("Add the Adventure add-on and buy it.",
         "Done! Policy TI-50293 is active, EUR 60.20 in total. The documents are in your email."),
        ("Perfect, thanks.", "Have a great trip!"),
    ], system="You are InsureWell's travel-insurance assistant.", root_name="run_turn", children={
        1: [first, second],
        3: [tool_span("buy_policy", {"quote_id": "Q-77120", "add_ons": ["adventure"]},
                      {"policy": "TI-50293", "total_eur": 60.2})],
    })
    return EvalCase(
        "quote call fails once, retried successfully", None, wrapped(turns),
        instrumentation="mlflow, wrapper root", tags=["structural", "class-7", "healthy"],
    )


def _order_not_found_reported_honestly() -> EvalCase:
    turns = conversation([
        ("Where is my order 55120?",
         "I couldn't find an order with number 55120 - there is no order under that number on your "
         "account. Could you double-check it?"),
        ("Oops, my mistake, it's 55210.",
         "Found it: order 55210 shipped yesterday with DHL and should arrive on Thursday."),
        ("Great, thanks!", "You're welcome!"),
    ], system="You are Pinecone Outfitters' order assistant.", root_name="run_turn", children={
        1: [tool_span("lookup_order", {"order_id": "55120", "customer_id": "C-7781"},
                      error="no order 55120 for customer C-7781", error_type="OrderNotFound")],
        2: [tool_span("lookup_order", {"order_id": "55210", "customer_id": "C-7781"},
                      {"status": "shipped", "carrier": "DHL", "eta": "Thursday"})],
    })
    return EvalCase(
        "lookup error from the user's own typo, reported honestly", None,
        with_attributes(turns, "custom"),
        instrumentation="custom keys", tags=["structural", "class-7", "healthy"],
    )


def cases() -> list[EvalCase]:
    return [
        _seat_change_timeout(),
        _lease_summary_cut(),
        _track_parcel_over_and_over(),
        _nights_taken_from_sons_age(),
        _shipping_default_after_timeout(),
        _pricing_2022_next_to_2024(),
        _return_tool_missing_sku(),
        _visa_rules_2019_pdf(),
        _allergen_sheet_from_spring(),
        _weekends_checked_and_polite_closings(),
        _quote_retried_after_503(),
        _order_not_found_reported_honestly(),
    ]
