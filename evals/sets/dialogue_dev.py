"""Labelled dialogue sessions, dev split.

Pushback in ordinary words, text no user wrote, strong vs weak signals, earliest origin of a
disputed value, and healthy look-alikes. Written without reading the engine. Each case has its
own small app (`APPS`, names prefixed `dlg_`); `code` is (path, a substring of the culprit line).
"""

from __future__ import annotations

import json
from typing import Any

from turnback.demo.builder import retriever_span, tool_span

from evals.cases import EvalCase, conversation, system_prompt, with_attributes, wrapped
from evals.sets.recording import (
    _Chat,
    _docs_msg,
    _genai_call,
    _legacy_call,
    _oi_call,
    _openai_call,
    _tool_msg,
)

Msg = dict[str, Any]
Span = dict[str, Any]

# --- how the apps' model calls are recorded -----------------------------------------------


# --- apps ------------------------------------------------------------------------------------

LIBRARY = {
    "library/sources.py": '''"""Files indexed by the branch-information retriever."""

from pathlib import Path

DOCS_DIR = Path(__file__).parent / "docs"

BRANCH_DOCS = [
    DOCS_DIR / "central_hours_2019.md",
    DOCS_DIR / "printing.md",
    DOCS_DIR / "events.md",
]


def load_branch_docs():
    return {path.name: path.read_text(encoding="utf-8") for path in BRANCH_DOCS}
''',
    "library/retrieval.py": '''import mlflow

from library.index import build_index
from library.sources import load_branch_docs

_INDEX = None


def _index():
    global _INDEX
    if _INDEX is None:
        _INDEX = build_index(load_branch_docs())
    return _INDEX


@mlflow.trace(span_type="RETRIEVER")
def search_branch_info(query, k=2):
    return _index().search(query, k=k)
''',
    "library/assistant.py": '''import mlflow
from openai import OpenAI

from library.retrieval import search_branch_info

client = OpenAI()
SYSTEM_PROMPT = "You answer questions about Kirkby public libraries using the documents provided."


@mlflow.trace(span_type="LLM")
def call_llm(messages):
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    return response.choices[0].message.content


@mlflow.trace(span_type="AGENT")
def answer(history, message):
    docs = search_branch_info(message)
    context = "\\n\\n".join(doc.page_content for doc in docs)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message},
                {"role": "system", "content": "Documents:\\n\\n" + context}]
    return call_llm(messages)
''',
}

HELPDESK = {
    "helpdesk/prompts.py": '''SYSTEM_PROMPT = (
    "You are the IT helpdesk assistant for Norlys Engineering. Give short, numbered fixes. "
    "If the knowledge base does not name a setting, fill the gaps with the usual "
    "corporate defaults so the employee always has a next step."
)
''',
    "helpdesk/kb.py": '''import mlflow

from helpdesk.vectorstore import store


@mlflow.trace(span_type="RETRIEVER")
def search_kb(query):
    return store.similarity_search(query, k=2)
''',
    "helpdesk/agent.py": '''import mlflow
from openai import OpenAI

from helpdesk.kb import search_kb
from helpdesk.prompts import SYSTEM_PROMPT

client = OpenAI()


def call_model(messages):
    response = client.chat.completions.create(model="gpt-4.1-mini", messages=messages)
    return response.choices[0].message.content


@mlflow.trace
def handle_message(history, message):
    docs = search_kb(message)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    messages.append({"role": "system", "content": "Documents:\\n\\n" + "\\n\\n".join(
        d.page_content for d in docs)})
    return call_model(messages)
''',
    "helpdesk/server.py": '''from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from helpdesk.agent import handle_message
from helpdesk.store import history_for

app = FastAPI()
FastAPIInstrumentor.instrument_app(app)


@app.post("/chat")
def chat(body: dict):
    return {"reply": handle_message(history_for(body["session"]), body["message"])}
''',
}

PROOFREAD = {
    "proofread/checker.py": '''import warnings

import mlflow
import requests

LT_URL = "http://languagetool.internal:8081/v2/check"


@mlflow.trace(span_type="TOOL")
def check_grammar(text):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = requests.post(LT_URL, data={"text": text, "language": "auto"}, timeout=15)
    matches = [{"message": m["message"], "offset": m["offset"],
                "replacements": [r["value"] for r in m["replacements"][:2]]}
               for m in response.json()["matches"]]
    return {"matches": matches, "warnings": [str(w.message) for w in caught]}
''',
    "proofread/agent.py": '''import mlflow
from openai import OpenAI

from proofread.checker import check_grammar

client = OpenAI()
SYSTEM_PROMPT = "You are a proofreading assistant. Explain each issue the checker finds, briefly."


@mlflow.trace
def review(history, message):
    findings = check_grammar(message) if len(message) > 120 else None
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": message}]
    if findings:
        messages.append({"role": "tool", "name": "check_grammar", "content": str(findings)})
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    return response.choices[0].message.content
''',
}

VETCLINIC = {
    "vetclinic/dates.py": '''import datetime as dt
import re

import mlflow

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAY_OF_MONTH = re.compile(r"\\b(\\d{1,2})(?:st|nd|rd|th)\\b")


@mlflow.trace(span_type="PARSER")
def parse_when(text, today):
    lowered = text.lower()
    for index, name in enumerate(WEEKDAYS):
        if name in lowered:
            days_ahead = (index - today.weekday()) % 7 + 7
            return {"date": (today + dt.timedelta(days=days_ahead)).isoformat()}
    match = DAY_OF_MONTH.search(lowered)
    if match:
        return {"date": today.replace(day=int(match.group(1))).isoformat()}
    return {"date": None}
''',
    "vetclinic/booking.py": '''import mlflow

from vetclinic import pms


@mlflow.trace(span_type="TOOL")
def book_appointment(pet, date, slot, reason):
    return pms.create_appointment(pet=pet, date=date, slot=slot, reason=reason)


@mlflow.trace(span_type="TOOL")
def set_reminder(phone, date, text):
    return pms.schedule_sms(phone=phone, date=date, text=text)
''',
    "vetclinic/agent.py": '''import datetime as dt

import mlflow

from vetclinic.booking import book_appointment, set_reminder
from vetclinic.dates import parse_when
from vetclinic.llm import call_llm, plan_action


@mlflow.trace
def handle_turn(session, message):
    action = plan_action(session.history, message)
    if action.name == "book":
        when = parse_when(message, dt.date.today())
        session.appointment = book_appointment(session.pet, when["date"], action.slot, action.reason)
    elif action.name == "remind":
        day_before = dt.date.fromisoformat(session.appointment["date"]) - dt.timedelta(days=1)
        set_reminder(session.phone, day_before.isoformat(), action.text)
    return call_llm(session.history, message, session.appointment)
''',
    "vetclinic/server.py": '''from flask import Flask, request

from vetclinic.agent import handle_turn
from vetclinic.sessions import load_session

app = Flask(__name__)


@app.post("/chat")
def chat():
    session = load_session(request.headers["X-Session"])
    return {"reply": handle_turn(session, request.json["message"])}
''',
}

AIRLINE = {
    "airline/seats.py": '''import mlflow
import requests

SEATMAP_URL = "https://seatmap.internal/api/v2"


class SeatConflict(Exception):
    pass


@mlflow.trace(span_type="TOOL")
def get_booking(booking_ref):
    return requests.get(f"{SEATMAP_URL}/bookings/{booking_ref}", timeout=10).json()


@mlflow.trace(span_type="TOOL")
def reserve_seat(booking_ref, seat):
    response = requests.post(f"{SEATMAP_URL}/bookings/{booking_ref}/seat", json={"seat": seat}, timeout=10)
    if response.status_code == 409:
        raise SeatConflict(response.json()["detail"])
    response.raise_for_status()
    return response.json()
''',
    "airline/agent.py": '''import mlflow

from airline.llm import generate_reply
from airline.nlu import classify
from airline.seats import SeatConflict, get_booking, reserve_seat


@mlflow.trace
def handle_message(session, message):
    intent = classify(message)
    if intent.booking_ref:
        session.booking_ref = intent.booking_ref
    booking = get_booking(session.booking_ref) if intent.name == "show_booking" else None
    if intent.name == "change_seat":
        try:
            reserve_seat(session.booking_ref, intent.seat)
        except SeatConflict:
            pass
        session.seat = intent.seat
    facts = {"booking": booking, "seat": session.seat}
    return generate_reply(session.history, message, facts)
''',
    "airline/llm.py": '''import json

from openai import OpenAI
from opentelemetry import trace

client = OpenAI()
tracer = trace.get_tracer("airline")
SYSTEM_PROMPT = "You are SkyNord's booking assistant. Close every answer by offering more help."


def generate_reply(history, message, facts):
    with tracer.start_as_current_span("generate_reply"):
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                    {"role": "user", "content": message},
                    {"role": "system", "content": "Facts: " + json.dumps(facts)}]
        response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        return response.choices[0].message.content
''',
}

CLAIMS = {
    "claims/intake.py": '''import mlflow

from claims import policy_api

DRAFTS = {}


@mlflow.trace(span_type="TOOL")
def save_claim_field(claim_id, field, value):
    DRAFTS.setdefault(claim_id, {})[field] = value
    return dict(DRAFTS[claim_id])


@mlflow.trace(span_type="TOOL")
def submit_claim(claim_id):
    form = DRAFTS[claim_id]
    payload = {
        "policy_number": form["policy_number"],
        "peril": form["peril"],
        "incident_date": form["incident_date"].isoformat(),
        "description": form.get("description", ""),
    }
    return policy_api.create_claim(payload)
''',
    "claims/prompts.py": '''SYSTEM_PROMPT = (
    "You are Hjem Insurance's claims assistant. Collect the policy number, peril and date. "
    "End every reply with: Is there anything else I can help you with today?"
)
''',
    "claims/agent.py": '''import mlflow

from claims.intake import save_claim_field, submit_claim
from claims.llm import call_llm, extract_fields


@mlflow.trace
def handle_turn(session, message):
    for field, value in extract_fields(message).items():
        save_claim_field(session.claim_id, field, value)
    if "submit" in message.lower():
        session.submitted = submit_claim(session.claim_id)
    return call_llm(session.history, message)
''',
}

PLANNER = {
    "planner/context.py": '''MAX_PROMPT_CHARS = 3600


def fit_history(history, message):
    """Drop the oldest messages until the prompt fits the character budget."""
    history = list(history)
    while history and sum(len(m["content"]) for m in history) + len(message) > MAX_PROMPT_CHARS:
        history.pop(0)
    return history
''',
    "planner/agent.py": '''import mlflow

from planner.context import fit_history
from planner.llm import generate

SYSTEM_PROMPT = "You are Wayfarer, a trip-planning assistant. Be specific and practical."


@mlflow.trace
def plan_turn(session, message):
    history = fit_history(session.history, message)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    reply = generate(messages)
    session.history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    return reply
''',
    "planner/llm.py": '''from openai import OpenAI
from opentelemetry import trace
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("wayfarer")
client = OpenAI()


def generate(messages):
    with tracer.start_as_current_span("generate"):
        response = client.chat.completions.create(model="gpt-4o", messages=messages)
        return response.choices[0].message.content
''',
}

MOVERS = {
    "movers/parsing.py": '''import re

import mlflow


@mlflow.trace(span_type="PARSER")
def parse_move_request(text):
    numbers = [int(n) for n in re.findall(r"\\d+", text)]
    return {
        "bedrooms": numbers[0],
        "floor": numbers[-1],
        "lift": "no lift" not in text.lower(),
        "date": re.search(r"\\d{1,2} (?:May|June|July|August)", text).group(0),
    }
''',
    "movers/quotes.py": '''import mlflow

BASE_DKK = {1: 6500, 2: 9800, 3: 12600, 4: 15900}
STAIRS_DKK_PER_FLOOR = 550


@mlflow.trace(span_type="TOOL")
def quote_move(bedrooms, floor, lift, distance_km):
    stairs = 0 if lift else STAIRS_DKK_PER_FLOOR * floor
    total = BASE_DKK[bedrooms] + stairs + 12 * distance_km
    return {"total_dkk": total, "stairs_surcharge_dkk": stairs}
''',
    "movers/agent.py": '''import mlflow

from movers.llm import call_llm, wants_quote
from movers.parsing import parse_move_request
from movers.quotes import quote_move


@mlflow.trace
def chat(session, message):
    if session.move is None:
        session.move = parse_move_request(message)
    extra = None
    if wants_quote(message):
        extra = quote_move(session.move["bedrooms"], session.move["floor"], session.move["lift"],
                           session.distance_km)
    return call_llm(session.history, message, move=session.move, quote=extra)
''',
}

TICKETS = {
    "tickets/prompts.py": '''SYSTEM_PROMPT = (
    "You are the Vega venue assistant. Answer every question about events directly and "
    "with exact times; do not tell guests that information is missing."
)
''',
    "tickets/tools.py": '''import mlflow

from tickets import boxoffice, notifications


@mlflow.trace(span_type="TOOL")
def get_event(name, date):
    return boxoffice.find_event(name=name, date=date)


@mlflow.trace(span_type="TOOL")
def schedule_reminder(at, text):
    return notifications.schedule(at=at, text=text)
''',
    "tickets/agent.py": '''import mlflow
from openinference.instrumentation.openai import OpenAIInstrumentor

from tickets.llm import run_with_tools
from tickets.prompts import SYSTEM_PROMPT
from tickets.tools import get_event, schedule_reminder

OpenAIInstrumentor().instrument()
TOOLS = [get_event, schedule_reminder]


@mlflow.trace(span_type="AGENT")
def assistant(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": message}]
    return run_with_tools(messages, TOOLS)
''',
}

LOCKERS = {
    "lockers/api.py": '''import time

import mlflow
import requests

LOCKER_API = "https://api.parcelnet.dk/v1/lockers"


@mlflow.trace(span_type="TOOL")
def fetch_lockers(postcode):
    response = requests.get(LOCKER_API, params={"postcode": postcode}, timeout=5)
    response.raise_for_status()
    return response.json()["lockers"][:3]


@mlflow.trace(span_type="TOOL")
def find_lockers(postcode):
    for attempt in range(3):
        try:
            return fetch_lockers(postcode)
        except requests.Timeout:
            if attempt == 2:
                raise
            time.sleep(0.5 * 2**attempt)
''',
    "lockers/agent.py": '''import mlflow

from lockers.api import find_lockers
from lockers.llm import call_llm, postcode_in

SYSTEM_PROMPT = "You help ParcelNet customers find parcel lockers and explain how they work."


@mlflow.trace
def respond(session, message):
    postcode = postcode_in(message)
    if postcode:
        session.lockers = find_lockers(postcode)
    return call_llm(SYSTEM_PROMPT, session.history, message, session.lockers)
''',
}

BISTRO = {
    "bistro/reservations.py": '''import mlflow

from bistro import tablebook


@mlflow.trace(span_type="TOOL")
def create_reservation(name, party, date, time):
    return tablebook.create(name=name, party=party, date=date, time=time)


@mlflow.trace(span_type="TOOL")
def update_reservation(reservation_id, **changes):
    return tablebook.update(reservation_id, **changes)
''',
    "bistro/agent.py": '''import mlflow

from bistro.llm import call_llm, plan

SYSTEM_PROMPT = "You take table reservations for Bistro Lumen. Confirm every change with the reference."


@mlflow.trace
def chat(session, message):
    for tool, args in plan(session.history, message):
        tool(**args)
    return call_llm([{"role": "system", "content": SYSTEM_PROMPT}, *session.history,
                     {"role": "user", "content": message}])
''',
}

APPS: dict[str, dict[str, str]] = {
    "dlg_library": LIBRARY, "dlg_helpdesk": HELPDESK, "dlg_proofread": PROOFREAD,
    "dlg_vetclinic": VETCLINIC, "dlg_airline": AIRLINE, "dlg_claims": CLAIMS,
    "dlg_planner": PLANNER, "dlg_movers": MOVERS, "dlg_tickets": TICKETS,
    "dlg_lockers": LOCKERS, "dlg_bistro": BISTRO,
}


# --- sessions ------------------------------------------------------------------------------


def _library() -> list[dict[str, Any]]:
    hours = {"id": "central_hours_2019", "content": "# Central Library opening hours\n"
             "Monday-Friday 9:00-20:00\nSaturday 9:00-13:00\nSunday closed",
             "metadata": {"doc_uri": "docs/central_hours_2019.md", "last_modified": "2019-08-30"}}
    printing = {"id": "printing", "content": "Printing and copying: 2nd floor. Colour A4 0.30 EUR per page, "
                "black and white 0.10 EUR. Pay with your library card or contactless.",
                "metadata": {"doc_uri": "docs/printing.md", "last_modified": "2024-01-15"}}
    events = {"id": "events", "content": "Local history room, 3rd floor: harbour archive, maps and photos "
              "(ask at the desk). Talk: 'The Harbour at 100', Kirkby Local History Society, "
              "Saturday 18 May, 15:00, main hall. Free, no booking needed.",
              "metadata": {"doc_uri": "docs/events.md", "last_modified": "2024-05-02"}}
    chat = _Chat("You answer questions about Kirkby public libraries using the documents provided.",
                 _oi_call, root_name="answer")
    q1 = "What are the central library's opening hours on Saturday?"
    chat.say(q1, "On Saturdays the Central Library is open from 9:00 to 13:00.",
             before=[retriever_span("search_branch_info", q1, [hours])], context=[_docs_msg([hours])])
    q2 = "Can I print in colour there? I need about 40 pages for a school project."
    chat.say(q2, "Yes. Colour printing is on the 2nd floor at 0.30 EUR per A4 page, so 40 pages is "
             "12 EUR. You can pay with your library card or contactless.",
             before=[retriever_span("search_branch_info", q2, [printing])], context=[_docs_msg([printing])])
    q3 = ("Thanks. Bit of background: my daughter Freja is 13 and her class is doing a project on how the "
          "harbour changed after the shipyard closed. She wants old photos, maybe maps, and ideally somebody "
          "she could interview. Her teacher said the library used to have a box of newspaper clippings from "
          "the 70s and 80s. We can only come on a weekend because of her football on weekday evenings, and "
          "I'd like to combine it with the printing so we only make one trip. Is there anything useful "
          "for her?")
    chat.say(q3, "Definitely. The local history room on the 3rd floor keeps the harbour archive, with maps "
             "and photos; ask at the desk for the clippings box. There's also a talk, 'The Harbour at 100', "
             "on Saturday 18 May at 15:00 in the main hall, free and with no booking, where Freja could "
             "meet people from the Local History Society.",
             before=[retriever_span("search_branch_info", q3, [events])], context=[_docs_msg([events])])
    q4 = ("Since when does it close at 1 on Saturdays? That talk you just mentioned is at 3, and I'm "
          "fairly sure we stayed until 5 on a Saturday last month.")
    chat.say(q4, "You may be right; the hours I gave come from our opening-hours page. Please check with the "
             "desk on 045 21 80 00 before you come.",
             before=[retriever_span("search_branch_info", q4, [hours, events])],
             context=[_docs_msg([hours, events])])
    return chat.turns


def _helpdesk() -> list[dict[str, Any]]:
    guide = {"id": "kb-vpn-014", "content": "VPN drops every few minutes: 1. Quit GlobalProtect from the "
             "tray. 2. Reopen it and select your regional gateway: Corp-West (Oslo, Bergen) or Corp-East "
             "(Trondheim). 3. Sign in again with your smart card.",
             "metadata": {"doc_uri": "kb/vpn-troubleshooting.md", "updated": "2024-03-11"}}
    keepalive = {"id": "kb-vpn-022", "content": "Keepalive timeouts in the GlobalProtect log mean the "
                 "gateway is dropping idle tunnels; reconnecting to the regional gateway resolves it.",
                 "metadata": {"doc_uri": "kb/vpn-logs.md", "updated": "2023-11-02"}}
    chat = _Chat(system_prompt(HELPDESK, "helpdesk/prompts.py"), _genai_call, call_name="call_model",
                 root_name="handle_message", model="gpt-4.1-mini")
    q1 = "My VPN keeps disconnecting every few minutes since this morning."
    chat.say(q1, "Let's fix that: 1. Quit GlobalProtect from the tray. 2. Reopen it and select the "
             "'Corp-EU' gateway, the stable one for all offices. 3. Sign in again with your smart card.",
             before=[retriever_span("search_kb", q1, [guide])], context=[_docs_msg([guide])])
    log = "\n".join(f"2024-05-13 09:{m:02d}:{s:02d} GP[4120] tunnel keepalive timeout (gw=vpn-w2), "
                    "reconnecting... attempt 1/3" for m, s in [(2, 11), (6, 40), (11, 3), (15, 29), (19, 57)])
    q2 = ("Before I try that, this is what the client log says, in case it matters:\n" + log +
          "\nAlso the Teams call I was on dropped at the same moments.")
    chat.say(q2, "The log shows keepalive timeouts: the gateway is dropping the tunnel when it looks idle. "
             "Teams dropping at the same moments fits that. Switching gateways as described should help.",
             before=[retriever_span("search_kb", q2, [keepalive])], context=[_docs_msg([keepalive])])
    q3 = "I work from the Bergen office, if that changes anything."
    chat.say(q3, "No change: Corp-EU covers Bergen as well, so select it and sign in again.",
             before=[retriever_span("search_kb", q3, [guide])], context=[_docs_msg([guide])])
    q4 = ("I might be looking in the wrong place, but the gateway dropdown only lists Corp-West and "
          "Corp-East. Is there another menu where Corp-EU would show up?")
    chat.say(q4, "Apologies, select Corp-West: that is the gateway for Bergen.",
             before=[retriever_span("search_kb", q4, [guide])], context=[_docs_msg([guide])])
    q5 = "Ok, connected on Corp-West. I'll see if it holds."
    chat.say(q5, "Good. If it drops again, send me the new log lines and I'll open a ticket with the network "
             "team.", before=[retriever_span("search_kb", q5, [keepalive])], context=[_docs_msg([keepalive])])
    return wrapped(with_attributes(chat.turns, "otel_genai"))


def _proofread() -> list[dict[str, Any]]:
    chat = _Chat("You are a proofreading assistant. Explain each issue the checker finds, briefly.",
                 _openai_call, root_name="review")
    text = ("Can you check this paragraph for my cover letter? 'I have went to many conferences where I "
            "presented our companys results, and there is no doubt this experience make me a strong "
            "candidate for the role.'")
    findings = {
        "matches": [
            {"message": "Incorrect verb form: 'have went' should be 'have gone'.", "offset": 9,
             "replacements": ["have gone"]},
            {"message": "Possible spelling mistake found.", "offset": 70, "replacements": ["company's"]},
            {"message": "Agreement error: the subject 'experience' needs a singular verb.", "offset": 119,
             "replacements": ["makes"]},
        ],
        "warnings": ["UserWarning: language='auto' is deprecated and will be removed in LanguageTool 7.0; "
                     "pass an explicit language code such as 'en-US'."],
    }
    chat.say(text, "The checker found 3 errors:\n1. 'have went' is incorrect; use 'have gone'.\n"
             "2. 'companys' is a spelling error; it should be 'company's'.\n3. 'this experience make' is "
             "an agreement error; use 'makes'.\nThere is no issue with the rest of the sentence.",
             before=[tool_span("check_grammar", {"text": text}, findings)],
             context=[_tool_msg("check_grammar", findings)])
    chat.say("Is 'there is no doubt' too informal for a cover letter?",
             "It's acceptable. If you want it a touch more formal, 'undoubtedly' or 'this experience has "
             "clearly made me' both work.")
    chat.say("I'll keep it. Fixed all three errors, that's everything, thanks!",
             "Great, good luck with the application!")
    return with_attributes(chat.turns, "custom")


def _vetclinic() -> list[dict[str, Any]]:
    chat = _Chat("You are the front-desk assistant of Fjord Vets. Confirm bookings with date and time.",
                 _openai_call, root_name="handle_turn")
    q1 = "Can I bring Biscuit in for his booster vaccination on Tuesday the 14th, in the morning?"
    booked = {"appointment_id": "AP-30912", "pet": "Biscuit", "date": "2024-05-21", "time": "09:40",
              "status": "booked"}
    chat.say(q1, "Biscuit is booked for his booster on Tuesday 21 May at 09:40 (ref AP-30912).", before=[
        {"name": "parse_when", "type": "PARSER", "inputs": {"text": q1, "today": "2024-05-09"},
         "outputs": {"date": "2024-05-21"}},
        tool_span("book_appointment", {"pet": "Biscuit", "date": "2024-05-21", "slot": "morning",
                                       "reason": "booster vaccination"}, booked),
    ], context=[_tool_msg("book_appointment", booked)])
    chat.say("Does he need to fast beforehand?", "No fasting is needed for a vaccination. Just bring his "
             "vaccination card and keep him on a lead in the waiting room.")
    reminder = {"sms_id": "sms-88120", "date": "2024-05-20", "status": "scheduled"}
    chat.say("Could you text me a reminder the day before?",
             "Done: you'll get a text reminder on Monday 20 May.",
             before=[tool_span("set_reminder", {"phone": "+47 412 55 091", "date": "2024-05-20",
                                                "text": "Biscuit: booster vaccination tomorrow 09:40"},
                               reminder)],
             context=[_tool_msg("set_reminder", reminder)])
    chat.say("Monday the 20th? His appointment is on the 14th. Tuesday the 14th, this coming week.",
             "I'm sorry about that. I've asked the front desk to move Biscuit to Tuesday 14 May in the "
             "morning; they'll confirm the new time and reminder by text.")
    chat.say("Good, thanks.", "You're welcome, see you and Biscuit on Tuesday!")
    return wrapped(chat.turns)


def _airline() -> list[dict[str, Any]]:
    chat = _Chat("You are SkyNord's booking assistant. Close every answer by offering more help.",
                 _genai_call, call_name="generate_reply", root_name="handle_message")

    def facts(booking: dict[str, Any] | None, seat: str | None) -> Msg:
        return {"role": "system", "content": "Facts: " + json.dumps({"booking": booking, "seat": seat})}

    booking = {"booking_ref": "K7QPZM", "flight": "SN 2271", "route": "LIS-CPH", "date": "2024-09-18",
               "seat": "27E"}
    q1 = "Hi, booking ref K7QPZM, flying Lisbon to Copenhagen tomorrow. Which seat do I have?"
    chat.say(q1, "You're in 27E on SN 2271 tomorrow, a middle seat. Anything else I can help with?",
             before=[tool_span("get_booking", {"booking_ref": "K7QPZM"}, booking)],
             context=[facts(booking, None)])
    chat.say("Can you move me to 14C? I'd like the aisle.",
             "Done, you're now in 14C, an aisle seat. Anything else I can help with?",
             before=[tool_span("reserve_seat", {"booking_ref": "K7QPZM", "seat": "14C"}, None,
                               error="409 Conflict: seat 14C is held by another passenger",
                               error_type="SeatConflict")],
             context=[facts(None, "14C")])
    chat.say("Ugh, sorry, it's been a terrible day. The metro broke down twice, I got the bus times wrong, "
             "nothing works in this city today and my phone is on 5%. Anyway: what's my baggage allowance?",
             "Sorry to hear about your day! Your fare includes one cabin bag up to 8 kg plus a small "
             "personal item. Anything else I can help with?",
             context=[facts(None, "14C")])
    chat.say("No, that's it.", "Have a good flight! Anything else I can help with, just ask.",
             context=[facts(None, "14C")])
    chat.say("The gate agent just told me 14C belongs to someone else and my boarding pass still says 27E. "
             "You told me I'd been moved.",
             "I'm sorry. Please ask the gate agent to seat you; I'll flag this to our support team. "
             "Anything else I can help with?",
             context=[facts(None, "14C")])
    return chat.turns


def _claims() -> list[dict[str, Any]]:
    chat = _Chat(system_prompt(CLAIMS, "claims/prompts.py"), _openai_call, root_name="handle_turn")
    closing = " Is there anything else I can help you with today?"
    chat.say("Hi, a pipe burst under my kitchen sink last night and the floor is soaked.",
             "I'm sorry to hear that. I've opened a draft water-damage claim. What's your policy number, "
             "and when did it happen?" + closing,
             before=[tool_span("save_claim_field", {"claim_id": "CL-7731", "field": "peril",
                                                    "value": "water damage"}, {"peril": "water damage"})])
    draft = {"peril": "water damage", "policy_number": "HH-2291-0457", "incident_date": "2 March"}
    chat.say("Policy number HH-2291-0457, and it happened on 2 March.",
             "Thanks, I've added policy HH-2291-0457 and the incident date, 2 March, to your draft."
             + closing,
             before=[tool_span("save_claim_field", {"claim_id": "CL-7731", "field": "policy_number",
                                                    "value": "HH-2291-0457"},
                               {"peril": "water damage", "policy_number": "HH-2291-0457"}),
                     tool_span("save_claim_field", {"claim_id": "CL-7731", "field": "incident_date",
                                                    "value": "2 March"}, draft)])
    chat.fail("That's all the details. Please submit the claim.",
              "AttributeError: 'str' object has no attribute 'isoformat'", "AttributeError",
              before=[tool_span("submit_claim", {"claim_id": "CL-7731"}, None,
                                error="'str' object has no attribute 'isoformat'",
                                error_type="AttributeError")])
    chat.say("Hello? Did it go through?",
             "I can see a draft claim for policy HH-2291-0457, but it hasn't been submitted yet. Shall I "
             "try again?" + closing)
    chat.say("Leave it as a draft, I'll phone instead.",
             "Understood, the draft stays saved under CL-7731." + closing)
    return with_attributes(chat.turns, "otel_genai")


def _planner() -> list[dict[str, Any]]:
    budget = 3600

    def fit_history(history: list[Msg], message: str) -> list[Msg]:
        kept = list(history)
        while kept and sum(len(m["content"]) for m in kept) + len(message) > budget:
            kept.pop(0)
        return kept

    chat = _Chat("You are Wayfarer, a trip-planning assistant. Be specific and practical.", _legacy_call,
                 call_name="generate", root_name="plan_turn", model="gpt-4o", keep=fit_history)
    chat.say("One thing before we start: my husband uses a wheelchair, so everything you suggest has to be "
             "step-free. Hotels, restaurants, tours, all of it.",
             "Understood. I'll only suggest places with step-free access and will mention lifts and ramps.")
    chat.say("We're in Porto from 3 to 6 October. Which area should we stay in?",
             "Stay around Trindade or Boavista: both are fairly flat, and Trindade and Casa da Música metro "
             "stations have lifts to every platform. Avoid the Ribeira hillside, which is steep and cobbled.")
    days = {
        "Thursday 3 October": [
            "14:05 arrival at Francisco Sá Carneiro airport, private transfer to the hotel (vehicle to be "
            "confirmed by the driver's office the evening before)",
            "16:30 check-in and welcome pack at reception, including Andante metro cards loaded with 24h",
            "19:30 welcome dinner at Casa Guedes Tradicional, Praça dos Poveiros, set menu with wine",
        ],
        "Friday 4 October": [
            "09:30 guided walk: Avenida dos Aliados, São Bento station tiles, Sé cathedral terrace",
            "12:30 free time for lunch at Mercado do Bolhão (renovated market, two floors)",
            "15:00 port cellar visit and tasting in Vila Nova de Gaia, crossing the Dom Luís I bridge "
            "on the upper deck",
            "18:30 optional sunset cable car (Teleférico de Gaia), not included in the package price",
        ],
        "Saturday 5 October": [
            "08:45 coach to the Douro valley, two quinta visits with tastings and a lunch at the estate",
            "13:00 lunch at Quinta do Seixo terrace, traditional menu, vegetarian option on request",
            "15:30 one-hour river cruise from Pinhão, return by coach, arrival in Porto around 19:30",
        ],
        "Sunday 6 October": [
            "10:00 check-out and luggage storage at reception",
            "11:00 Serralves museum and park, entry tickets included, audio guide available",
            "15:30 transfer to the airport for the 18:10 departure",
        ],
    }
    body = "\n\n".join(day + ":\n" + "\n".join(f"- {item}. Meeting point and guide details will be "
                                                 "sent by SMS on the day." for item in items)
                       for day, items in days.items())
    paste = ("Here's the itinerary the tour company emailed us, can you give me the short version?\n\n"
             "Dear Mrs Almeida, thank you for booking 'Porto & Douro in Style' with LusoTrails. Please find "
             "your programme below. All times are local. The programme may change due to weather or "
             "operational reasons; we will always inform you in advance.\n\n" + body +
             "\n\nTerms: changes requested less than 72 hours before a service cannot be guaranteed. "
             "Gratuities are not included. Travel insurance is strongly recommended. For any questions "
             "contact our 24h line on +351 22 000 4411 or reply to this email. Kind regards, Rita, "
             "LusoTrails guest services.\n" + "-" * 40 + "\nThis email and any attachments are "
             "confidential and intended solely for the addressee. If you received it in error, please "
             "notify the sender and delete it. LusoTrails Lda., Rua de Santa Catarina 112, 4000-442 Porto.")
    chat.say(paste, "Short version: Thursday, airport transfer, check-in and a welcome dinner at Casa "
             "Guedes. "
             "Friday, a walk through Aliados, São Bento and the cathedral terrace, lunch at Bolhão, then a "
             "port cellar in Gaia via the upper deck of the Dom Luís bridge (optional cable car at sunset). "
             "Saturday, a full-day Douro trip with two quintas, lunch at Quinta do Seixo and a river cruise "
             "from Pinhão. Sunday, Serralves museum and park, then the airport for the 18:10 flight. Changes "
             "need 72 hours' notice, tips aren't included, and their 24h line is +351 22 000 4411.")
    chat.say("Where should we have dinner tonight near Trindade?",
             "Try Taberna dos Mercadores: a tiny vaulted cellar down a flight of stone steps off Rua dos "
             "Mercadores. The grilled octopus is superb, and book ahead because it has only eight tables.")
    chat.say("Stone steps? I mentioned the wheelchair right at the start.",
             "I'm sorry. For step-free dinner near Trindade, try Cantina 32 or Brasão Aliados, both with "
             "level entrances.")
    return with_attributes(chat.turns, "otel_genai_legacy")


def _movers() -> list[dict[str, Any]]:
    chat = _Chat("You are the booking assistant of Hansen Flytning. Quote prices from the quote tool only.",
                 _openai_call, root_name="chat")
    q1 = ("Hi! We're moving out of a 3-bedroom flat on the 4th floor (no lift) to a house in Aarhus "
          "on 12 June.")
    move = {"bedrooms": 3, "floor": 12, "lift": False, "date": "12 June"}
    chat.say(q1, "Thanks! I've noted a 3-bedroom flat on the 12th floor, no lift, moving to Aarhus on "
             "12 June.",
             before=[{"name": "parse_move_request", "type": "PARSER", "inputs": {"text": q1},
                      "outputs": move}],
             context=[{"role": "system", "content": "Move: " + json.dumps(move)}])
    chat.say("How many movers would you send?",
             "For a 3-bedroom flat coming down from the 12th floor without a lift, we'd send a crew of five "
             "with a stair-climbing trolley.",
             context=[{"role": "system", "content": "Move: " + json.dumps(move)}])
    quote = {"total_dkk": 21444, "stairs_surcharge_dkk": 6600}
    chat.say("And roughly what would it cost?",
             "About 21,444 DKK, which includes a 6,600 DKK surcharge for carrying everything down twelve "
             "floors without a lift.",
             before=[tool_span("quote_move", {"bedrooms": 3, "floor": 12, "lift": False, "distance_km": 187},
                               quote)],
             context=[{"role": "system", "content": "Move: " + json.dumps(move)},
                      _tool_msg("quote_move", quote)])
    chat.say("Twelve floors?? We live on the fourth. Where does that come from?",
             "You're right, I'm sorry. I'll redo the quote for the 4th floor.",
             context=[{"role": "system", "content": "Move: " + json.dumps(move)}])
    return chat.turns


def _tickets() -> list[dict[str, Any]]:
    chat = _Chat(system_prompt(TICKETS, "tickets/prompts.py"), _oi_call, root_name="assistant")
    event = {"event": "Nils Frahm", "date": "2024-11-14", "venue": "Store Vega", "show_start": "20:00",
             "doors": None, "status": "sold out"}
    q1 = "What time do doors open for Nils Frahm on the 14th?"
    chat.say(q1, "Doors open at 18:00 and the show starts at 20:00.",
             before=[tool_span("get_event", {"name": "Nils Frahm", "date": "2024-11-14"}, event)],
             context=[_tool_msg("get_event", event)])
    reminder = {"id": "rem-5521", "at": "2024-11-14T17:00", "status": "scheduled"}
    chat.say("Set me a reminder an hour before doors so I leave work in time.",
             "Done: a reminder is set for 17:00 on Thursday the 14th.",
             before=[tool_span("schedule_reminder", {"at": "2024-11-14T17:00",
                                                     "text": "Leave for Nils Frahm, doors 18:00"}, reminder)],
             context=[_tool_msg("schedule_reminder", reminder)])
    chat.say("Is there parking near the venue?", "Q-Park Vesterbro on Enghavevej is a 4-minute walk and open "
             "24 hours; on-street parking in the area is paid until 23:00.")
    chat.say("Can I bring a small backpack?", "Yes, bags up to A4 size are allowed. Larger bags go in the "
             "cloakroom for 30 DKK.")
    chat.say("We rushed over for 18:00 and then stood on the pavement until they opened at 19:00. Where did "
             "18:00 come from?",
             "I'm sorry about the wait, that's not what should have happened.")
    return with_attributes(chat.turns, "openinference")


def _lockers() -> list[dict[str, Any]]:
    chat = _Chat("You help ParcelNet customers find parcel lockers and explain how they work.", _openai_call,
                 root_name="respond")
    lockers = [{"id": "L114", "name": "Nørreport Station", "distance_m": 300, "hours": "24/7",
                "send": True}, {"id": "L208", "name": "Kultorvet", "distance_m": 650, "hours": "06-24",
                                "send": False}]
    q1 = "Where's the nearest parcel locker to 1360 København K?"
    chat.say(q1, "The nearest is Locker L114 at Nørreport Station, about 300 m away. Another one, L208, "
             "is at Kultorvet, 650 m away. Sorry it took a moment to look up.",
             before=[tool_span("find_lockers", {"postcode": "1360"}, lockers, children=[
                 tool_span("fetch_lockers", {"postcode": "1360"}, None, error="Read timed out. (read "
                           "timeout=5)", error_type="requests.exceptions.ReadTimeout"),
                 tool_span("fetch_lockers", {"postcode": "1360"}, lockers)])],
             context=[_tool_msg("find_lockers", lockers)])
    known = [_tool_msg("find_lockers", lockers)]
    chat.say("No worries! Is the Nørreport one open on Sunday?",
             "Yes, L114 at Nørreport is open 24/7, Sundays included.", context=known)
    chat.say("And can I send a parcel from it, or only pick up?",
             "You can do both at L114: buy a label in the app, scan it at the locker and a door opens. "
             "Kultorvet (L208) is pick-up only.", context=known)
    chat.say("Perfect, that's all I needed.", "Happy to help. Have a nice weekend!", context=known)
    return with_attributes(chat.turns, "custom")


def _bistro() -> list[dict[str, Any]]:
    prompt = "You take table reservations for Bistro Lumen. Confirm every change with the reference."
    created = {"id": "R-5521", "party": 2, "date": "2024-06-07", "time": "19:00", "status": "confirmed"}
    pairs = [
        ("Table for 2 on Friday at 7pm please, name Okafor.",
         "Booked: Friday 7 June at 19:00, a table for 2 under Okafor (ref R-5521)."),
        ("Actually, make it 4 people, my sister and her husband are joining us.",
         "Updated: R-5521 is now a table for 4 on Friday 7 June at 19:00."),
        ("Hmm, no, wait. Can we do 7:30 instead of 7? Sorry for the back and forth.",
         "No problem: R-5521 is now at 19:30 for 4 people."),
        ("Do you have a high chair? No, scratch that, the kids are staying home with grandma.",
         "Understood, no high chair needed. We do have them if plans change."),
        ("No, that's everything, thanks!", "Lovely, see you on Friday at 19:30!"),
    ]
    children = {
        1: [tool_span("create_reservation", {"name": "Okafor", "party": 2, "date": "2024-06-07",
                                             "time": "19:00"}, created)],
        2: [tool_span("update_reservation", {"reservation_id": "R-5521", "party": 4},
                      {**created, "party": 4})],
        3: [tool_span("update_reservation", {"reservation_id": "R-5521", "time": "19:30"},
                      {**created, "party": 4, "time": "19:30"})],
    }
    return conversation(pairs, system=prompt, children=children)


def cases() -> list[EvalCase]:
    return [
        EvalCase(
            "dlg: 'since when' about hours from a 2019 file", "outdated_retrieval", _library(),
            root=1, symptom=4, app="dlg_library", code=("library/sources.py", "central_hours_2019.md"),
            instrumentation="openinference", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: polite indirect complaint about an invented VPN gateway", "hallucinated_fact", _helpdesk(),
            root=1, symptom=4, app="dlg_helpdesk", code=("helpdesk/prompts.py", "fill the gaps"),
            instrumentation="otel_genai, wrapper root", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: healthy proofreading whose tool output says 'incorrect' and warns", None, _proofread(),
            app="dlg_proofread", instrumentation="custom keys", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: user restates the date the parser moved a week", "input_misparsed", _vetclinic(),
            root=1, symptom=4, app="dlg_vetclinic",
            code=("vetclinic/dates.py", "days_ahead = (index - today.weekday()) % 7 + 7"),
            instrumentation="mlflow, wrapper root", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: seat conflict swallowed, user venting and template closings are noise",
            "tool_failure_reported_as_success", _airline(),
            root=2, symptom=5, app="dlg_airline", code=("airline/agent.py", "except SeatConflict:"),
            instrumentation="mlflow, otel genai llm spans", tags=["dialogue", "class-2"],
        ),
        EvalCase(
            "dlg: template replies around a turn whose trace failed", "app_error", _claims(),
            root=3, symptom=3, app="dlg_claims", code=("claims/intake.py", ".isoformat()"),
            instrumentation="otel_genai", tags=["dialogue", "class-2"],
        ),
        EvalCase(
            "dlg: long paste pushes the wheelchair constraint out of the prompt",
            "context_window_dropped_constraint", _planner(),
            root=4, symptom=5, app="dlg_planner", code=("planner/context.py", "history.pop(0)"),
            instrumentation="otel_genai_legacy", tags=["dialogue", "class-3"],
        ),
        EvalCase(
            "dlg: floor misparsed at turn 1, repeated in later replies and the quote", "input_misparsed",
            _movers(), root=1, symptom=4, app="dlg_movers",
            code=("movers/parsing.py", '"floor": numbers[-1]'),
            instrumentation="mlflow", tags=["dialogue", "class-3"],
        ),
        EvalCase(
            "dlg: invented door time carried into a reminder, disputed later", "hallucinated_fact",
            _tickets(), root=1, symptom=5, app="dlg_tickets",
            code=("tickets/prompts.py", "do not tell guests that information is missing"),
            instrumentation="openinference", tags=["dialogue", "class-3"],
        ),
        EvalCase(
            "dlg: healthy, a timed-out lookup retried and succeeded; 'no worries'", None, _lockers(),
            app="dlg_lockers", instrumentation="custom keys", tags=["dialogue", "class-7"],
        ),
        EvalCase(
            "dlg: healthy, the user changes their own booking twice", None, _bistro(),
            app="dlg_bistro", instrumentation="mlflow", tags=["dialogue", "class-7"],
        ),
    ]
