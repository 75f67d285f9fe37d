"""Fresh labelled sessions, now dev: scored once as the holdout split before any tuning on them
(root 8/14, healthy blamed 0/4, code line 7/14), then moved here.

Written from the fault classes alone, without running the engine: pushback in ordinary words
(class 1), a failed trace among template replies (class 2), a value or constraint lost several turns
before the complaint (class 3), an admitted tool failure that bites later (class 4), structural
faults (class 5), a data source named in its loader (class 6) and healthy look-alikes (class 7).
Every faulty session has its own small app; `code` names the line a developer would change.
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
Turn = dict[str, Any]


def _prompt(files: dict[str, str], path: str, name: str = "SYSTEM_PROMPT") -> str:
    """The prompt a `NAME = ( "..." "..." )` block in an app file defines."""
    block = files[path].split(f"{name} = (", 1)[1].split("\n)", 1)[0]
    return "".join(re.findall(r'"([^"]*)"', block))


def _requests_tool(messages: list[dict[str, Any]], name: str, args: dict[str, Any], *,
                   span: str = "call_llm", call_id: str = "call_1") -> Span:
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


# === class 1: pushback in ordinary words ====================================================

POOL = {
    "pool/assistant.py": r'''import json
import uuid

import mlflow

from pool.history import load_history, save_exchange
from pool.llm import call_llm
from pool.timetable import get_timetable

CENTRE_ID = "brookside"
SYSTEM_PROMPT = (
    "You are the front-desk assistant of Brookside Leisure Centre. "
    "Answer questions about swimming sessions from the timetable. "
    "If a session is not in the timetable, give the most likely time from similar days."
)


def new_session_id():
    return f"pool-{uuid.uuid4().hex[:12]}"


@mlflow.trace(span_type="CHAIN")
def handle_message(session_id, message):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    timetable = get_timetable(CENTRE_ID)
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        *load_history(session_id),
        {"role": "user", "content": message},
        {"role": "tool", "name": "get_timetable", "content": json.dumps(timetable)},
    ]
    response = call_llm(messages)
    reply = response.choices[0].message.content
    save_exchange(session_id, message, reply)
    return reply


def start_over(session_id):
    """Called by the 'start again' button in the web widget."""
    save_exchange(session_id, None, None, clear=True)
    return new_session_id()
''',
    "pool/timetable.py": r'''import os
import time

import mlflow
import requests

TIMETABLE_API = os.environ.get("TIMETABLE_API", "https://api.brooksideleisure.example/v1")
CACHE_TTL_S = 600
_cache = {}


def _fetch(centre_id):
    resp = requests.get(f"{TIMETABLE_API}/centres/{centre_id}/pool", timeout=5)
    resp.raise_for_status()
    return resp.json()


def _lane_hours(sessions):
    hours = {}
    for session in sessions:
        if session["type"] == "lap_lanes":
            hours[session["days"]] = f"{session['start']}-{session['end']}"
    return hours


@mlflow.trace(span_type="TOOL")
def get_timetable(centre_id):
    cached = _cache.get(centre_id)
    if cached and time.time() - cached[0] < CACHE_TTL_S:
        return cached[1]
    data = _fetch(centre_id)
    timetable = {
        "centre": data["name"],
        "lap_lanes": _lane_hours(data["sessions"]),
        "family_swim": data.get("family_swim", {}),
        "notes": data.get("notes", []),
    }
    _cache[centre_id] = (time.time(), timetable)
    return timetable
''',
    "pool/llm.py": r'''import time

import mlflow
from openai import APIConnectionError, OpenAI, RateLimitError

client = OpenAI()
MODEL = "gpt-4o-mini"
RETRIES = 3


def _with_retries(fn, *args, **kwargs):
    for attempt in range(RETRIES):
        try:
            return fn(*args, **kwargs)
        except (APIConnectionError, RateLimitError):
            if attempt == RETRIES - 1:
                raise
            time.sleep(2**attempt)
    return None


@mlflow.trace(name="call_llm", span_type="CHAT_MODEL")
def call_llm(messages):
    return _with_retries(
        client.chat.completions.create,
        model=MODEL,
        messages=messages,
        temperature=0.3,
    )


def describe():
    """Shown on the staff dashboard."""
    return {"model": MODEL, "provider": "openai", "retries": RETRIES}
''',
    "pool/history.py": r'''import json
import os

import redis

_redis = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/2"))
TTL_S = 6 * 3600


def _key(session_id):
    return f"pool:history:{session_id}"


def load_history(session_id):
    raw = _redis.get(_key(session_id))
    return json.loads(raw) if raw else []


def save_exchange(session_id, message, reply, clear=False):
    if clear:
        _redis.delete(_key(session_id))
        return []
    history = load_history(session_id)
    history += [
        {"role": "user", "content": message},
        {"role": "assistant", "content": reply},
    ]
    _redis.set(_key(session_id), json.dumps(history), ex=TTL_S)
    return history


def export(session_id):
    """Support staff can download a transcript."""
    lines = [f"{m['role']}: {m['content']}" for m in load_history(session_id)]
    return "\n".join(lines)
''',
}


def _pool_sunday_hours() -> EvalCase:
    """Sunday lap-lane hours are not in the timetable; turn 2 guesses 06:30, the pool opens at 09:00."""
    chat = _Chat(_prompt(POOL, "pool/assistant.py"), _openai_call, root_name="handle_message")
    timetable = {"centre": "Brookside Leisure Centre",
                 "lap_lanes": {"mon-fri": "06:30-21:00", "sat": "08:00-18:00"},
                 "family_swim": {"sat": "10:00-12:00", "sun": "13:00-15:00"},
                 "notes": ["Sunday lane timetable is published on the poolside noticeboard."]}

    def say(user: str, reply: str) -> None:
        chat.say(user, reply, before=[tool_span("get_timetable", {"centre_id": "brookside"}, timetable)],
                 context=[_tool_msg("get_timetable", timetable)])

    say("Hi, what time do the lap lanes open on weekdays at Brookside?",
        "On weekdays the lap lanes are open from 06:30 until 21:00.")
    say("And on Sundays? I'd like to get a swim in before the kids are up.",
        "On Sundays the lap lanes also open at 06:30, and run until 16:00, so an early swim works well.")
    say("Perfect. Do I need to book a lane in advance?",
        "No booking is needed for lap swimming; just scan your membership card at the entrance.")
    say("How come the doors were still locked when I turned up at twenty to seven this morning, then?",
        "I'm sorry: the timetable I have doesn't list Sunday lane times, and I shouldn't have given you "
        "06:30. Please check the poolside noticeboard or call reception for the Sunday hours.")
    return EvalCase(
        "Sunday lane opening time guessed from weekdays, challenged with 'how come'", "hallucinated_fact",
        chat.turns, root=2, symptom=4, app="ho_pool",
        code=("pool/assistant.py", "give the most likely time from similar days"),
        instrumentation="mlflow, llm spans", tags=["holdout", "class-1"],
    )


ZOO = {
    "zoo/agent.py": r'''import json

from opentelemetry import trace

from zoo.faq import search_faq
from zoo.llm import generate

tracer = trace.get_tracer("zoo.assistant")
_histories = {}

SYSTEM_PROMPT = (
    "You are the visitor assistant of Hillgate Zoo. Answer questions about tickets, passes "
    "and opening times using the documents provided. "
    "Never tell a visitor you don't know: visitors want a definite answer."
)


def _documents_message(docs):
    return {"role": "system", "content": "Documents:\n\n" + "\n\n".join(d["content"] for d in docs)}


def _parts(role, text):
    return json.dumps([{"role": role, "parts": [{"type": "text", "content": text}]}])


def answer_visitor(session_id, message):
    with tracer.start_as_current_span("answer_visitor") as span:
        span.set_attribute("session.id", session_id)
        span.set_attribute("gen_ai.input.messages", _parts("user", message))
        history = _histories.setdefault(session_id, [])
        docs = search_faq(message)
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                    {"role": "user", "content": message}, _documents_message(docs)]
        reply = generate(messages)
        span.set_attribute("gen_ai.output.messages", _parts("assistant", reply))
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        return reply
''',
    "zoo/faq.py": r'''import json

from opentelemetry import trace

from zoo.vectors import index

tracer = trace.get_tracer("zoo.faq")
MIN_SCORE = 0.35


def _as_document(hit):
    return {
        "id": hit.id,
        "page_content": hit.text,
        "metadata": {"doc_uri": hit.metadata["uri"], "updated": hit.metadata["updated"]},
    }


def search_faq(query, k=3):
    with tracer.start_as_current_span("search_faq") as span:
        span.set_attribute("retrieval.query", query)
        hits = index.query(query, top_k=k)
        docs = [_as_document(h) for h in hits if h.score >= MIN_SCORE]
        span.set_attribute("retrieval.documents", json.dumps(docs))
        return [{"id": d["id"], "content": d["page_content"]} for d in docs]


def reindex(pages):
    """Nightly job: re-embed the visitor FAQ pages from the CMS."""
    for page in pages:
        index.upsert(
            id=page["slug"],
            text=page["body"],
            metadata={"uri": page["url"], "updated": page["updated_at"]},
        )
    return len(pages)
''',
    "zoo/llm.py": r'''from openai import OpenAI
from opentelemetry import trace

tracer = trace.get_tracer("zoo.llm")
client = OpenAI()
MODEL = "gpt-4.1-mini"


def generate(messages):
    with tracer.start_as_current_span("generate") as span:
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute("gen_ai.system", "openai")
        span.set_attribute("gen_ai.request.model", MODEL)
        response = client.chat.completions.create(model=MODEL, messages=messages)
        choice = response.choices[0]
        span.set_attribute("gen_ai.response.model", response.model)
        span.set_attribute("gen_ai.response.finish_reasons", [choice.finish_reason])
        span.set_attribute("gen_ai.usage.input_tokens", response.usage.prompt_tokens)
        span.set_attribute("gen_ai.usage.output_tokens", response.usage.completion_tokens)
        return choice.message.content


def moderate(text):
    """Screen visitor messages before they reach the assistant."""
    result = client.moderations.create(input=text)
    return not result.results[0].flagged


def health():
    try:
        client.models.retrieve(MODEL)
    except Exception:
        return False
    return True
''',
}


def _zoo_pass_parking() -> EvalCase:
    """The pass terms never mention parking; turn 2 says parking is included."""
    chat = _Chat(_prompt(ZOO, "zoo/agent.py"), _genai_call, call_name="generate", root_name="answer_visitor",
                 model="gpt-4.1-mini")
    terms = {"id": "annual-pass-terms", "content": "Family annual pass (2 adults and up to 3 children): "
             "149 EUR. Unlimited entry for 12 months from the date of purchase. Pass holders get 10% off "
             "in the gift shop and cafe.",
             "metadata": {"doc_uri": "cms/visit/annual-passes", "updated": "2024-03-02"}}
    hours = {"id": "opening-times", "content": "Open daily 09:30-18:00 (last entry 17:00); "
             "November to February 09:30-16:30.",
             "metadata": {"doc_uri": "cms/visit/opening-times", "updated": "2024-01-10"}}
    buying = {"id": "buy-passes-online", "content": "Annual passes can be bought online under Tickets > "
              "Annual passes. Bring photo ID for each adult on your first visit to collect the cards.",
              "metadata": {"doc_uri": "cms/visit/buy-online", "updated": "2024-03-02"}}

    def say(user: str, reply: str, docs: list[dict[str, Any]]) -> None:
        chat.say(user, reply, before=[retriever_span("search_faq", user, docs)],
                 context=[_docs_msg(docs)])

    say("How much is a family annual pass?",
        "The family annual pass is 149 EUR for 2 adults and up to 3 children: unlimited entry for 12 "
        "months, plus 10% off in the gift shop and cafe.", [terms, hours])
    say("Does that include parking? The car park was pricey last time we came.",
        "Yes, the family annual pass includes free parking in the main car park on every visit.",
        [terms, hours])
    say("Brilliant, that settles it. Can I buy it online?",
        "Yes, under Tickets > Annual passes on our website. Bring photo ID for each adult on your first "
        "visit to collect the cards.", [buying, terms])
    say("Parking thrown in for 149 a year. No way that's right.",
        "You're right to doubt it, I'm sorry: the pass terms don't mention parking at all, so I shouldn't "
        "have said it's included. Please check the car park charges at the entrance.", [terms, hours])
    return EvalCase(
        "free parking invented for an annual pass, met with flat disbelief", "hallucinated_fact",
        with_attributes(chat.turns, "otel_genai"), root=2, symptom=4, app="ho_zoo",
        code=("zoo/agent.py", "Never tell a visitor you don't know"),
        instrumentation="otel_genai", tags=["holdout", "class-1"],
    )


CINEMA = {
    "cinema/parsing.py": r'''import re

import mlflow

WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
COUNT_RE = re.compile(
    r"\b(\d+|one|two|three|four|five|six)\s+(adults?|child(?:ren)?|kids?|students?)\b", re.I
)
TIME_RE = re.compile(r"\b([01]?\d|2[0-3])[:.]([0-5]\d)\b")


def _kind(word):
    word = word.lower()
    if word.startswith(("child", "kid")):
        return "child"
    if word.startswith("student"):
        return "student"
    return "adult"


def _number(token):
    return int(token) if token.isdigit() else WORD_NUMBERS[token.lower()]


@mlflow.trace(span_type="PARSER")
def parse_ticket_request(text):
    """Ticket counts by type and the showtime a customer asks for."""
    tickets = {"adult": 0, "child": 0, "student": 0}
    match = COUNT_RE.search(text)
    if match:
        tickets[_kind(match.group(2))] += _number(match.group(1))
    when = TIME_RE.search(text)
    return {
        "tickets": tickets,
        "time": f"{int(when.group(1)):02d}:{when.group(2)}" if when else None,
    }


def total_tickets(request):
    return sum(request["tickets"].values())
''',
    "cinema/agent.py": r'''import json

from opentelemetry import trace

from cinema.booking import add_tickets, find_showing, reserve_seats
from cinema.llm import call_llm
from cinema.parsing import parse_ticket_request, total_tickets

tracer = trace.get_tracer("cinema.agent")
SESSIONS = {}

SYSTEM_PROMPT = (
    "You are the booking assistant of Odeon Riverside. Confirm reservations using the tool "
    "results, and use add_tickets when a customer needs more seats."
)
TOOLS = {"add_tickets": add_tickets}


def handle_message(session_id, message):
    with tracer.start_as_current_span("handle_message") as span:
        span.set_attribute("app.session_id", session_id)
        span.set_attribute("app.user_message", message)
        session = SESSIONS.setdefault(session_id, {"history": []})
        context = []
        request = parse_ticket_request(message)
        if total_tickets(request) and "reservation" not in session:
            showing = find_showing(message, request["time"])
            session["reservation"] = reserve_seats(showing["showing_id"], request["tickets"])
            context.append({"role": "tool", "name": "reserve_seats",
                            "content": json.dumps(session["reservation"])})
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session["history"],
                    {"role": "user", "content": message}, *context]
        reply = call_llm(messages, tools=TOOLS)
        session["history"] += [{"role": "user", "content": message},
                               {"role": "assistant", "content": reply}]
        span.set_attribute("app.bot_reply", reply)
        return reply
''',
    "cinema/booking.py": r'''import os

import mlflow
import requests

BOX_OFFICE = os.environ.get("BOX_OFFICE_URL", "https://boxoffice.odeon-riverside.example/api")
PRICES_EUR = {"adult": 11.50, "child": 7.50, "student": 9.00}


def _post(path, payload):
    resp = requests.post(f"{BOX_OFFICE}{path}", json=payload, timeout=8)
    resp.raise_for_status()
    return resp.json()


@mlflow.trace(span_type="TOOL")
def find_showing(query, time):
    resp = requests.get(f"{BOX_OFFICE}/showings/search", params={"q": query, "time": time}, timeout=8)
    resp.raise_for_status()
    best = resp.json()["results"][0]
    return {"showing_id": best["id"], "film": best["title"], "start": best["start"], "screen": best["screen"]}


@mlflow.trace(span_type="TOOL")
def reserve_seats(showing_id, tickets):
    wanted = [kind for kind, n in tickets.items() for _ in range(n)]
    body = _post(f"/showings/{showing_id}/reservations", {"tickets": wanted})
    total = sum(PRICES_EUR[kind] for kind in wanted)
    return {"reservation": body["ref"], "seats": body["seats"], "total_eur": round(total, 2)}


@mlflow.trace(span_type="TOOL")
def add_tickets(reservation, tickets):
    wanted = [kind for kind, n in tickets.items() for _ in range(n)]
    body = _post(f"/reservations/{reservation}/tickets", {"tickets": wanted})
    return {"reservation": reservation, "seats": body["seats"], "total_eur": body["total"]}
''',
}


def _cinema_child_ticket() -> EvalCase:
    """'Two adults and one child' is parsed as two adults; the user restates the party two turns on."""
    chat = _Chat(_prompt(CINEMA, "cinema/agent.py"), _openai_call, root_name="handle_message")
    q1 = ("Hi, can I get seats for Paddington in Peru this Saturday at 14:15 at the Riverside? Two adults "
          "and one child.")
    request = {"tickets": {"adult": 2, "child": 0, "student": 0}, "time": "14:15"}
    showing = {"showing_id": "RIV-1116-1415", "film": "Paddington in Peru", "start": "2024-11-16T14:15",
               "screen": 3}
    reservation = {"reservation": "R-55812", "seats": ["F7", "F8"], "total_eur": 23.0}
    chat.say(q1, "You're booked for Paddington in Peru on Saturday 16 November at 14:15, screen 3: seats F7 "
             "and F8, 23.00 EUR in total (ref R-55812).",
             before=[{"name": "parse_ticket_request", "type": "PARSER", "inputs": {"text": q1},
                      "outputs": request},
                     tool_span("find_showing", {"query": q1, "time": "14:15"}, showing),
                     tool_span("reserve_seats", {"showing_id": "RIV-1116-1415",
                                                 "tickets": request["tickets"]}, reservation)],
             context=[_tool_msg("reserve_seats", reservation)])
    q2 = "Can we bring our own snacks in?"
    chat.say(q2, "Sealed snacks and soft drinks from outside are fine; hot food and alcohol aren't allowed.",
             before=[{"name": "parse_ticket_request", "type": "PARSER", "inputs": {"text": q2},
                      "outputs": {"tickets": {"adult": 0, "child": 0, "student": 0}, "time": None}}])
    q3 = ("There are three of us though: me, my husband and our seven-year-old. Two adults and one child, "
          "like I wrote.")
    added = {"reservation": "R-55812", "seats": ["F7", "F8", "F9"], "total_eur": 30.5}
    chat.say(q3, "Sorry about that! I've added a child ticket, seat F9 next to you; the new total is 30.50 "
             "EUR (ref R-55812).",
             before=[{"name": "parse_ticket_request", "type": "PARSER", "inputs": {"text": q3},
                      "outputs": {"tickets": {"adult": 2, "child": 0, "student": 0}, "time": None}},
                     tool_span("add_tickets", {"reservation": "R-55812", "tickets": {"child": 1}}, added)],
             context=[_tool_msg("add_tickets", added)])
    return EvalCase(
        "child ticket dropped by the parser, party restated by the user", "input_misparsed",
        with_attributes(chat.turns, "custom"), root=1, symptom=3, app="ho_cinema",
        code=("cinema/parsing.py", "match = COUNT_RE.search(text)"),
        instrumentation="custom keys, llm spans", tags=["holdout", "class-1"],
    )


# === class 2: a failed trace among near-identical template replies ==========================

LIBRARY = {
    "library/bot.py": r'''import re
from datetime import date

from opentelemetry import trace

from library.catalog import place_hold, renew_loans, search_catalog
from library.llm import call_llm
from library.sessions import load_session, save_session

tracer = trace.get_tracer("library.bot")
SYSTEM_PROMPT = (
    "You are the Eastbrook Libraries assistant. Help members with holds, renewals and "
    "opening hours. Keep answers short."
)
HOLD_TEMPLATE = "Done - '{title}' is on hold for you at {branch}. You'll get an email when it's ready."
RENEW_TEMPLATE = "Renewed {count} items; the earliest is now due back on {due:%d %B}."
CARD_RE = re.compile(r"\b(\d{4})\s?(\d{4})\b")


def _hold_reply(session, message):
    record = search_catalog(message)
    hold = place_hold(session["card"], record["record_id"])
    return HOLD_TEMPLATE.format(title=record["title"], branch=hold["branch"])


def _renew_reply(session):
    loans = renew_loans(session["card"])
    renewed = [loan for loan in loans if loan["renewed"]]
    due = min(date.fromisoformat(loan["due_date"]) for loan in renewed)
    return RENEW_TEMPLATE.format(count=len(renewed), due=due)


def handle_turn(session_id, message):
    with tracer.start_as_current_span("handle_turn") as span:
        span.set_attribute("session.id", session_id)
        span.set_attribute("gen_ai.prompt.0.role", "user")
        span.set_attribute("gen_ai.prompt.0.content", message)
        session = load_session(session_id)
        session["history"].append({"role": "user", "content": message})
        if card := CARD_RE.search(message):
            session["card"] = card.group(1) + card.group(2)
        save_session(session_id, session)
        lowered = message.lower()
        if "renew" in lowered:
            reply = _renew_reply(session)
        elif "hold" in lowered:
            reply = _hold_reply(session, message)
        else:
            reply = call_llm([{"role": "system", "content": SYSTEM_PROMPT}, *session["history"]])
        session["history"].append({"role": "assistant", "content": reply})
        save_session(session_id, session)
        span.set_attribute("gen_ai.completion.0.role", "assistant")
        span.set_attribute("gen_ai.completion.0.content", reply)
        return reply
''',
    "library/catalog.py": r'''import os

import requests
from opentelemetry import trace

tracer = trace.get_tracer("library.catalog")
ILS_URL = os.environ.get("ILS_URL", "https://ils.eastbrook-libraries.example/api/v3")
HOME_BRANCH = "central"


def _get(path, **params):
    resp = requests.get(f"{ILS_URL}{path}", params=params, timeout=6)
    resp.raise_for_status()
    return resp.json()


def search_catalog(query):
    with tracer.start_as_current_span("search_catalog"):
        best = _get("/search", q=query, limit=1)["items"][0]
        return {"record_id": best["id"], "title": best["title"], "author": best["author"]}


def place_hold(card, record_id, branch=HOME_BRANCH):
    with tracer.start_as_current_span("place_hold"):
        resp = requests.post(f"{ILS_URL}/patrons/{card}/holds",
                             json={"record": record_id, "pickup": branch}, timeout=6)
        resp.raise_for_status()
        body = resp.json()
        return {"status": body["status"], "branch": body["pickupBranchName"]}


def renew_loans(card):
    """Renew every loan that can be renewed; the ILS answers in camelCase."""
    with tracer.start_as_current_span("renew_loans"):
        resp = requests.post(f"{ILS_URL}/patrons/{card}/loans/renew-all", timeout=10)
        resp.raise_for_status()
        return [
            {"title": item["title"], "renewed": item["renewed"], "dueDate": item["dueDate"]}
            for item in resp.json()["items"]
        ]
''',
    "library/llm.py": r'''from openai import OpenAI
from opentelemetry import trace

tracer = trace.get_tracer("library.llm")
client = OpenAI()
MODEL = "gpt-4o-mini"


def call_llm(messages):
    with tracer.start_as_current_span("call_llm") as span:
        span.set_attribute("llm.request.type", "chat")
        span.set_attribute("gen_ai.system", "OpenAI")
        span.set_attribute("gen_ai.request.model", MODEL)
        for i, m in enumerate(messages):
            span.set_attribute(f"gen_ai.prompt.{i}.role", m["role"])
            span.set_attribute(f"gen_ai.prompt.{i}.content", m["content"])
        response = client.chat.completions.create(model=MODEL, messages=messages)
        choice = response.choices[0]
        span.set_attribute("gen_ai.response.model", response.model)
        span.set_attribute("gen_ai.completion.0.role", "assistant")
        span.set_attribute("gen_ai.completion.0.content", choice.message.content)
        span.set_attribute("gen_ai.completion.0.finish_reason", choice.finish_reason)
        span.set_attribute("gen_ai.usage.prompt_tokens", response.usage.prompt_tokens)
        span.set_attribute("gen_ai.usage.completion_tokens", response.usage.completion_tokens)
        return choice.message.content


def warm_up():
    """Open the HTTP connection pool before the first member arrives."""
    client.models.retrieve(MODEL)
''',
    "library/sessions.py": r'''import json
import os
import sqlite3

DB_PATH = os.environ.get("LIBRARY_BOT_DB", "/var/lib/library-bot/sessions.db")


def _connect():
    conn = sqlite3.connect(DB_PATH)
    conn.execute("CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, body TEXT)")
    return conn


def load_session(session_id):
    with _connect() as conn:
        row = conn.execute("SELECT body FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        return {"history": [], "card": None}
    return json.loads(row[0])


def save_session(session_id, session):
    with _connect() as conn:
        conn.execute(
            "INSERT INTO sessions (id, body) VALUES (?, ?) "
            "ON CONFLICT(id) DO UPDATE SET body = excluded.body",
            (session_id, json.dumps(session)),
        )


def forget(session_id):
    with _connect() as conn:
        conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
''',
}


def _library_renewal_crash() -> EvalCase:
    """Holds get a fixed template reply; the renew-all turn crashes on a camelCase due date."""
    system = _prompt(LIBRARY, "library/bot.py")
    hold = "Done - '{}' is on hold for you at Central Library. You'll get an email when it's ready."

    def hold_turn(user: str, record: dict[str, str]) -> Turn:
        return chat_turn(user, hold.format(record["title"]), root_name="handle_turn", children=[
            tool_span("search_catalog", {"query": user}, record),
            tool_span("place_hold", {"card": "22901183", "record_id": record["record_id"]},
                      {"status": "placed", "branch": "Central Library"})])

    q1 = "Could you put a hold on The Overstory for me? My card is 2290 1183."
    q2 = "Please hold Piranesi by Susanna Clarke too."
    q3 = "Also, can you renew everything I've currently got out?"
    q4 = "Hello? Is anything happening?"
    q5 = "Fine. One more hold then: Tomorrow, and Tomorrow, and Tomorrow."
    a4 = ("Sorry for the wait! I can't see a result for your renewal request, so please check My Account > "
          "Loans to see whether your items were renewed.")
    loans = [{"title": "The Salt Path", "renewed": True, "dueDate": "2024-12-09"},
             {"title": "Braiding Sweetgrass", "renewed": True, "dueDate": "2024-12-12"},
             {"title": "Lessons in Chemistry", "renewed": False, "dueDate": "2024-11-20"}]
    failed = chat_turn(q3, None, root_name="handle_turn", error="KeyError: 'due_date'",
                       children=[tool_span("renew_loans", {"card": "22901183"}, loans)])
    failed["root"]["error_type"] = "KeyError"
    history = [{"role": "user", "content": q1},
               {"role": "assistant", "content": hold.format("The Overstory")},
               {"role": "user", "content": q2}, {"role": "assistant", "content": hold.format("Piranesi")},
               {"role": "user", "content": q3}, {"role": "user", "content": q4}]
    turns = [
        hold_turn(q1, {"record_id": "b1288301", "title": "The Overstory", "author": "Richard Powers"}),
        hold_turn(q2, {"record_id": "b1300457", "title": "Piranesi", "author": "Susanna Clarke"}),
        failed,
        chat_turn(q4, a4, root_name="handle_turn", children=[
            _legacy_call([{"role": "system", "content": system}, *history], a4, name="call_llm",
                         model="gpt-4o-mini")]),
        hold_turn(q5, {"record_id": "b1341120", "title": "Tomorrow, and Tomorrow, and Tomorrow",
                       "author": "Gabrielle Zevin"}),
    ]
    turns = with_attributes(turns, "otel_genai_legacy")
    for key in ("gen_ai.completion.0.role", "gen_ai.completion.0.content"):  # the handler raised first
        turns[2]["root"]["attributes"].pop(key)
    return EvalCase(
        "renew-all crashes on the catalogue's camelCase due date between templated hold replies",
        "app_error", turns, root=3, symptom=3, app="ho_library",
        code=("library/bot.py", 'loan["due_date"]'),
        instrumentation="otel_genai_legacy", tags=["holdout", "class-2"],
    )


# === class 3: an early value or constraint lost before the complaint ========================

MOVERS = {
    "movers/server.py": r'''import uuid

import mlflow
from fastapi import FastAPI, Request, Response

from movers.agent import handle_message

app = FastAPI(title="Swift Removals chat")
COOKIE = "swift_session"


def _session_id(request, response):
    session_id = request.cookies.get(COOKIE)
    if not session_id:
        session_id = f"mv-{uuid.uuid4().hex}"
        response.set_cookie(COOKIE, session_id, httponly=True, max_age=7 * 24 * 3600)
    return session_id


@app.post("/chat")
@mlflow.trace(name="POST /chat", span_type="CHAIN")
async def chat(request: Request, response: Response):
    body = await request.json()
    session_id = _session_id(request, response)
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    reply = handle_message(session_id, body["message"])
    return {"reply": reply}


@app.get("/health")
def health():
    return {"ok": True}
''',
    "movers/agent.py": r'''import json

import mlflow
from openai import OpenAI

from movers.intake import extract_move_details
from movers.quotes import book_move, get_quote
from movers.store import load_session, save_session

client = OpenAI()
SYSTEM_PROMPT = (
    "You are the booking assistant of Swift Removals, Edinburgh. Quote and book house moves "
    "using the tool results. Be clear about prices."
)


@mlflow.trace(name="call_llm", span_type="CHAT_MODEL")
def call_llm(messages):
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.3)


@mlflow.trace(span_type="CHAIN")
def handle_message(session_id, message):
    session = load_session(session_id)
    context = []
    if "details" not in session:
        session["details"] = extract_move_details(message)
        session["quote"] = get_quote(session["details"])
        context.append({"role": "tool", "name": "get_quote", "content": json.dumps(session["quote"])})
    elif "book" in message.lower() and "booking" not in session:
        session["booking"] = book_move(session["quote"]["quote_id"], session["details"]["date"])
        context.append({"role": "tool", "name": "book_move", "content": json.dumps(session["booking"])})
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session.get("history", []),
                {"role": "user", "content": message}, *context]
    reply = call_llm(messages).choices[0].message.content
    session.setdefault("history", []).extend(
        [{"role": "user", "content": message}, {"role": "assistant", "content": reply}])
    save_session(session_id, session)
    return reply
''',
    "movers/intake.py": r'''import re
from datetime import date

import mlflow

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
BEDROOMS_RE = re.compile(r"\b(\d|one|two|three|four|five)[- ]bed(?:room)?", re.I)
FLOOR_RE = re.compile(r"\b(\d+)(?:st|nd|rd|th)? floor\b", re.I)  # e.g. "4th floor", "2 floor"
DATE_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(MONTHS) + r")\b", re.I)
ROUTE_RE = re.compile(r"\bfrom ([A-Z][a-z]+) to ([A-Z][a-z]+)")
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def _as_int(token):
    return int(token) if token.isdigit() else WORDS[token.lower()]


def _move_date(text, today=None):
    today = today or date.today()
    match = DATE_RE.search(text)
    if not match:
        return None
    month = MONTHS.index(match.group(2).lower()) + 1
    year = today.year + (1 if month < today.month else 0)
    return date(year, month, int(match.group(1))).isoformat()


@mlflow.trace(span_type="PARSER")
def extract_move_details(text):
    bedrooms = BEDROOMS_RE.search(text)
    floor = FLOOR_RE.search(text)
    route = ROUTE_RE.search(text)
    return {
        "bedrooms": _as_int(bedrooms.group(1)) if bedrooms else None,
        "from": route.group(1) if route else None,
        "to": route.group(2) if route else None,
        "date": _move_date(text),
        "floor": int(floor.group(1)) if floor else 0,
        "lift": "no lift" not in text.lower(),
    }
''',
    "movers/quotes.py": r'''import os

import mlflow
import requests

PRICING_URL = os.environ.get("PRICING_URL", "https://pricing.swiftremovals.example/v2")
STAIRS_SURCHARGE_PER_FLOOR_GBP = 45


def _crew_size(details):
    crew = 2 if (details["bedrooms"] or 1) <= 2 else 3
    if details["floor"] >= 3 and not details["lift"]:
        crew += 1
    return crew


@mlflow.trace(span_type="TOOL")
def get_quote(details):
    crew = _crew_size(details)
    resp = requests.post(f"{PRICING_URL}/quotes", json={**details, "crew": crew}, timeout=10)
    resp.raise_for_status()
    body = resp.json()
    stairs = 0 if details["lift"] else details["floor"] * STAIRS_SURCHARGE_PER_FLOOR_GBP
    return {
        "quote_id": body["id"],
        "crew": crew,
        "van": body["van"],
        "hours": body["hours"],
        "stairs_surcharge_gbp": stairs,
        "total_gbp": body["base_gbp"] + stairs,
    }


@mlflow.trace(span_type="TOOL")
def book_move(quote_id, move_date):
    resp = requests.post(f"{PRICING_URL}/bookings", json={"quote": quote_id, "date": move_date}, timeout=10)
    resp.raise_for_status()
    body = resp.json()
    return {"booking": body["ref"], "crew": body["crew"], "arrival": body["arrival"]}
''',
}


def _movers_fourth_floor() -> EvalCase:
    """'Fourth floor' in words is not matched, so the job is quoted, booked and crewed as ground floor."""
    chat = _Chat(_prompt(MOVERS, "movers/agent.py"), _openai_call, root_name="handle_message")
    q1 = ("Hi, I need a quote for moving a three-bedroom flat from Leith to Morningside on 29 November. "
          "We're on the fourth floor and there's no lift.")
    details = {"bedrooms": 3, "from": "Leith", "to": "Morningside", "date": "2024-11-29", "floor": 0,
               "lift": False}
    quote = {"quote_id": "Q-7781", "crew": 3, "van": "7.5t", "hours": 6, "stairs_surcharge_gbp": 0,
             "total_gbp": 780}
    chat.say(q1, "Your quote Q-7781: a crew of 3 with a 7.5-tonne van for about 6 hours on 29 November, "
             "780 GBP all in.",
             before=[{"name": "extract_move_details", "type": "PARSER", "inputs": {"text": q1},
                      "outputs": details},
                     tool_span("get_quote", {"details": details}, quote)],
             context=[_tool_msg("get_quote", quote)])
    chat.say("Does that include packing materials?",
             "Yes, boxes, tape and mattress covers are included. A full packing service is 120 GBP extra.")
    booking = {"booking": "MV-20931", "crew": 3, "arrival": "08:00"}
    chat.say("No packing service, thanks. Please book it.",
             "Booked: MV-20931, a crew of 3 arriving at 08:00 on 29 November, 780 GBP.",
             before=[tool_span("book_move", {"quote_id": "Q-7781", "move_date": "2024-11-29"}, booking)],
             context=[_tool_msg("book_move", booking)])
    chat.say("Do we need a parking permit for the van outside our building?",
             "On Leith Walk you'll need a parking suspension from the council; apply at least 7 days ahead "
             "and we'll put the cones out on the morning.")
    chat.say("The crew leader just rang me to check the job. His sheet says ground floor, and he's "
             "got three men for four flights of stairs with no lift.",
             "I'm sorry, your move was recorded as ground floor. I'll add a fourth mover and the stair "
             "surcharge of 180 GBP, and update the crew's job sheet.")
    return EvalCase(
        "'fourth floor' in words read as ground floor, crew sheet quoted back five turns later",
        "input_misparsed", wrapped(chat.turns), root=1, symptom=5, app="ho_movers",
        code=("movers/intake.py", "FLOOR_RE = re.compile"),
        instrumentation="mlflow, wrapper root", tags=["holdout", "class-3", "class-1"],
    )


HIKING = {
    "hiking/agent.py": r'''import json

from openai import OpenAI
from opentelemetry import trace

from hiking.memory import append_exchange, recent_history
from hiking.trails import TRAIL_TOOL, search_trails

tracer = trace.get_tracer("hiking.agent")
client = OpenAI()
MODEL = "gpt-4.1-mini"
SYSTEM_PROMPT = (
    "You are Fellfinder, a walking-holiday planner for the Lake District. Suggest one walk per "
    "day from the trail search results and respect the walker's fitness and health limits."
)


def generate(messages):
    with tracer.start_as_current_span("generate") as span:
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute("gen_ai.request.model", MODEL)
        response = client.chat.completions.create(model=MODEL, messages=messages, tools=[TRAIL_TOOL])
        choice = response.choices[0]
        span.set_attribute("gen_ai.response.finish_reasons", [choice.finish_reason])
        return choice.message


def plan_turn(session_id, message):
    with tracer.start_as_current_span("plan_turn") as span:
        span.set_attribute("session.id", session_id)
        span.set_attribute("gen_ai.input.messages", json.dumps(
            [{"role": "user", "parts": [{"type": "text", "content": message}]}]))
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *recent_history(session_id),
                    {"role": "user", "content": message}]
        answer = generate(messages)
        while answer.tool_calls:
            for call in answer.tool_calls:
                trails = search_trails(**json.loads(call.function.arguments))
                messages.append({"role": "tool", "name": "search_trails", "content": json.dumps(trails)})
            answer = generate(messages)
        append_exchange(session_id, message, answer.content)
        span.set_attribute("gen_ai.output.messages", json.dumps(
            [{"role": "assistant", "parts": [{"type": "text", "content": answer.content}]}]))
        return answer.content
''',
    "hiking/memory.py": r'''import json
import os
from pathlib import Path

STORE = Path(os.environ.get("FELLFINDER_SESSIONS", "/var/lib/fellfinder/sessions"))
MAX_HISTORY_MESSAGES = 6  # keep prompts short and cheap


def _path(session_id):
    return STORE / f"{session_id}.json"


def _load(session_id):
    path = _path(session_id)
    return json.loads(path.read_text()) if path.exists() else []


def recent_history(session_id):
    """The exchanges sent to the model with each new message."""
    history = _load(session_id)
    return history[-MAX_HISTORY_MESSAGES:]


def append_exchange(session_id, message, reply):
    history = _load(session_id)
    history += [
        {"role": "user", "content": message},
        {"role": "assistant", "content": reply},
    ]
    STORE.mkdir(parents=True, exist_ok=True)
    _path(session_id).write_text(json.dumps(history))


def transcript(session_id):
    return "\n".join(f"{m['role']}: {m['content']}" for m in _load(session_id))
''',
    "hiking/trails.py": r'''import json
import os

from opentelemetry import trace

tracer = trace.get_tracer("hiking.trails")
TRAIL_TOOL = {"type": "function", "function": {
    "name": "search_trails",
    "parameters": {"type": "object", "properties": {
        "area": {"type": "string"}, "max_ascent_m": {"type": "integer"}, "views": {"type": "boolean"}},
        "required": ["area"]},
}}
TRAILS_FILE = os.environ.get("TRAILS_FILE", "/srv/fellfinder/trails.json")
_trails = None


def _all_trails():
    global _trails
    if _trails is None:
        with open(TRAILS_FILE) as fh:
            _trails = json.load(fh)
    return _trails


def search_trails(area, max_ascent_m=None, views=False, limit=3):
    with tracer.start_as_current_span("search_trails") as span:
        span.set_attribute("trails.area", area)
        found = [t for t in _all_trails() if t["area"] == area]
        if max_ascent_m is not None:
            found = [t for t in found if t["ascent_m"] <= max_ascent_m]
        if views:
            found.sort(key=lambda t: t["view_score"], reverse=True)
        found = found[:limit]
        span.set_attribute("trails.count", len(found))
        return [
            {"name": t["name"], "distance_km": t["distance_km"], "ascent_m": t["ascent_m"],
             "terrain": t["terrain"]}
            for t in found
        ]


def trail_names():
    return sorted(t["name"] for t in _all_trails())
''',
}


def _hiking_knee_limit() -> EvalCase:
    """The 400 m climbing limit is in turn 1; turn 5's model call keeps only the last 6 messages."""
    chat = _Chat(_prompt(HIKING, "hiking/agent.py"), _genai_call, call_name="generate",
                 root_name="plan_turn", model="gpt-4.1-mini", keep=lambda history, _: history[-6:])

    def trails(args: dict[str, Any], found: list[dict[str, Any]]) -> dict[str, list]:
        return {"before": [tool_span("search_trails", args, found)],
                "context": [_tool_msg("search_trails", found)]}

    chat.say("We're in the Lake District next week. I had knee surgery in the spring, so nothing with more "
             "than 400 m of climbing please, and no steep descents.",
             "Noted: walks under 400 m of ascent with gentle descents only. Where are you staying?")
    chat.say("Keswick.", "Keswick is a great base. Would you like lakeside walks, fell walks, or a mix?")
    monday = [{"name": "Derwentwater shore circuit", "distance_km": 15, "ascent_m": 120,
               "terrain": "lakeside paths"},
              {"name": "Castlerigg stone circle loop", "distance_km": 7, "ascent_m": 210,
               "terrain": "lanes and fields"}]
    chat.say("A mix. What's good for Monday?",
             "Monday: the Derwentwater shore circuit, 15 km with only 120 m of ascent on lakeside paths; "
             "you can take the launch back if you tire.",
             **trails({"area": "Keswick", "max_ascent_m": 400}, monday))
    tuesday = [{"name": "Walla Crag from Keswick", "distance_km": 7, "ascent_m": 330,
                "terrain": "good path, gradual descent"}]
    chat.say("And Tuesday?",
             "Tuesday: Walla Crag from Keswick, 7 km with 330 m of ascent on a good path and a gradual "
             "descent through the woods.", **trails({"area": "Keswick", "max_ascent_m": 400}, tuesday))
    wednesday = [{"name": "Blencathra via Hall's Fell", "distance_km": 9, "ascent_m": 800,
                  "terrain": "rocky ridge scramble, steep descent"},
                 {"name": "Catbells", "distance_km": 6, "ascent_m": 450, "terrain": "steep rocky path"}]
    chat.say("Wednesday's forecast is the clearest day. Something with a proper view?",
             "Wednesday: Blencathra via Hall's Fell ridge, 9 km and 800 m of climbing with a rocky "
             "scramble and a steep descent, but the views are the best in the northern fells.",
             **trails({"area": "Keswick", "views": True}, wednesday))
    chat.say("800 metres and a scramble, after what I told you about my knee?",
             "I'm sorry, that's far too much for your knee. Try Latrigg instead: 5 km and 270 m of "
             "ascent on gentle paths, with a great view over Keswick and Derwentwater.",
             **trails({"area": "Keswick", "max_ascent_m": 300, "views": True},
                      [{"name": "Latrigg", "distance_km": 5, "ascent_m": 270, "terrain": "gentle paths"}]))
    return EvalCase(
        "knee limit from the first message trimmed from the prompt before the ridge walk",
        "context_window_dropped_constraint", with_attributes(chat.turns, "otel_genai"),
        root=5, symptom=6, app="ho_hiking",
        code=("hiking/memory.py", "return history[-MAX_HISTORY_MESSAGES:]"),
        instrumentation="otel_genai", tags=["holdout", "class-3"],
    )


# === class 4: a failure the reply admits, which bites later =================================

OPTICIAN = {
    "optician/agent.py": r'''import json

from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.semconv.trace import OpenInferenceSpanKindValues, SpanAttributes
from opentelemetry import trace

from optician.lab_client import submit_lens_order
from optician.orders import TOOL_SCHEMAS, get_customer_order

tracer = trace.get_tracer("optician.agent")
client = OpenAI()
SYSTEM_PROMPT = (
    "You are the customer assistant of ClearView Opticians. Check orders with the tools and "
    "tell customers honestly when something could not be done."
)
TOOLS = {"get_customer_order": get_customer_order, "submit_lens_order": submit_lens_order}


def call_llm(messages):
    with tracer.start_as_current_span("call_llm") as span:
        span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.LLM.value)
        response = client.chat.completions.create(model="gpt-4o-mini", messages=messages,
                                                  tools=TOOL_SCHEMAS)
        return response.choices[0].message


def handle_message(session_id, history, message):
    with using_session(session_id), tracer.start_as_current_span("handle_message") as span:
        span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.AGENT.value)
        span.set_attribute(SpanAttributes.INPUT_VALUE, message)
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                    {"role": "user", "content": message}]
        answer = call_llm(messages)
        while answer.tool_calls:
            for call in answer.tool_calls:
                try:
                    result = TOOLS[call.function.name](**json.loads(call.function.arguments))
                except Exception as exc:  # the model is told, and tells the customer
                    result = {"error": str(exc)}
                messages.append({"role": "tool", "name": call.function.name, "content": json.dumps(result)})
            answer = call_llm(messages)
        span.set_attribute(SpanAttributes.OUTPUT_VALUE, answer.content)
        return answer.content
''',
    "optician/lab_client.py": r'''import os

import requests
from openinference.semconv.trace import OpenInferenceSpanKindValues, SpanAttributes
from opentelemetry import trace

from optician.orders import load_order

tracer = trace.get_tracer("optician.lab")
LAB_URL = os.environ.get("LENS_LAB_URL", "https://orders.lenslab.example/v2")
LAB_ACCOUNT = os.environ.get("LENS_LAB_ACCOUNT", "clearview-kingsway")


def _eye(rx):
    return {
        "sphere": rx["sph"],
        "cylinder": rx["cyl"],
        "axis": f"{rx['axis']:03d}",
        "add": rx.get("add"),
    }


def _payload(order):
    return {
        "account": LAB_ACCOUNT,
        "order_ref": order["order"],
        "lens": order["lenses"],
        "right": _eye(order["rx"]["right"]),
        "left": _eye(order["rx"]["left"]),
        "frame": {"model": order["frames"], "pd_mm": order["pd_mm"]},
    }


def submit_lens_order(order_id):
    with tracer.start_as_current_span("submit_lens_order") as span:
        span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.TOOL.value)
        order = load_order(order_id)
        resp = requests.post(f"{LAB_URL}/orders", json=_payload(order), timeout=15)
        resp.raise_for_status()
        body = resp.json()
        return {"lab_ref": body["id"], "status": "sent_to_lab", "eta_days": body["eta_days"]}
''',
    "optician/orders.py": r'''import os

import psycopg
from openinference.semconv.trace import OpenInferenceSpanKindValues, SpanAttributes
from opentelemetry import trace

tracer = trace.get_tracer("optician.orders")
DSN = os.environ.get("ORDERS_DSN", "postgresql://clearview@db/orders")
TOOL_SCHEMAS = [
    {"type": "function", "function": {"name": "get_customer_order", "parameters": {
        "type": "object", "properties": {"customer_id": {"type": "string"}}, "required": ["customer_id"]}}},
    {"type": "function", "function": {"name": "submit_lens_order", "parameters": {
        "type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}},
]


def load_order(order_id):
    with psycopg.connect(DSN) as conn:
        row = conn.execute("SELECT body FROM orders WHERE ref = %s", (order_id,)).fetchone()
    return row[0]


def get_customer_order(customer_id):
    with tracer.start_as_current_span("get_customer_order") as span:
        span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.TOOL.value)
        with psycopg.connect(DSN) as conn:
            row = conn.execute(
                "SELECT body FROM orders WHERE customer_id = %s ORDER BY created_at DESC LIMIT 1",
                (customer_id,),
            ).fetchone()
        order = row[0]
        return {key: order[key] for key in ("order", "frames", "lenses", "rx", "status")}
''',
}


def _optician_lab_rejects_axis() -> EvalCase:
    """The lab rejects the zero-padded axis; the reply says so; the customer comes to collect anyway."""
    chat = _Chat(_prompt(OPTICIAN, "optician/agent.py"), _oi_call, root_name="handle_message")
    order = {"order": "OP-6613", "frames": "Harlow 52 tortoiseshell",
             "lenses": "single vision, anti-reflective",
             "rx": {"right": {"sph": -2.25, "cyl": -0.5, "axis": 90},
                    "left": {"sph": -2.0, "cyl": -0.75, "axis": 85}},
             "status": "awaiting lab submission"}
    chat.say("Hi, I had an eye test at your Kingsway branch on Monday and chose frames. Can you check my "
             "glasses order is going through? Customer number 44-1902.",
             "I've found order OP-6613: Harlow 52 tortoiseshell frames with single-vision anti-reflective "
             "lenses. It's ready to go to the lens lab; shall I submit it now?",
             before=[tool_span("get_customer_order", {"customer_id": "44-1902"}, order)],
             context=[_tool_msg("get_customer_order", order)])
    error = ("400 Client Error: Bad Request for url: https://orders.lenslab.example/v2/orders "
             "(right.axis: expected integer 0-180, got '090')")
    chat.say("Yes please, go ahead.",
             "I'm sorry, the lens lab rejected the order when I tried to send it, so it hasn't gone through "
             "yet. The Kingsway team will need to look at it.",
             before=[tool_span("submit_lens_order", {"order_id": "OP-6613"}, error=error,
                               error_type="HTTPError")],
             context=[_tool_msg("submit_lens_order", {"error": error})])
    chat.say("Ok. When would glasses like mine normally be ready?",
             "Single-vision lenses usually take 7 to 10 days, so you could expect them around 2 December.")
    chat.say("I'll come in on the 2nd then. Can I pay the balance in the shop?",
             "Yes, you can pay the remaining balance when you collect them.")
    chat.say("I'm at the counter now and they say the lab never received an order for me. Nobody called me "
             "either.",
             "I'm very sorry: the lab rejected the order when I tried to submit it and it was never resent. "
             "It still shows as awaiting lab submission; I've flagged it to the Kingsway team.",
             before=[tool_span("get_customer_order", {"customer_id": "44-1902"}, order)],
             context=[_tool_msg("get_customer_order", order)])
    return EvalCase(
        "lens lab rejects a zero-padded axis, admitted, glasses missing at collection", "tool_failure",
        with_attributes(chat.turns, "openinference"), root=2, symptom=5, app="ho_optician",
        code=("optician/lab_client.py", "['axis']:03d"),
        instrumentation="openinference", tags=["holdout", "class-4"],
    )


# === class 5: structural faults ==============================================================

GARDEN = {
    "garden/agent.py": r'''import mlflow

from garden.history import load_history, save_exchange
from garden.llm import call_llm

SYSTEM_PROMPT = (
    "You are Plotwise, an allotment and vegetable-garden helper for UK growers. "
    "When asked for a plan, give a complete month-by-month plan for every month requested."
)


def _messages(session_id, message):
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        *load_history(session_id),
        {"role": "user", "content": message},
    ]


@mlflow.trace(span_type="CHAIN")
def garden_chat(session_id, message):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    response = call_llm(_messages(session_id, message))
    reply = response.choices[0].message.content
    save_exchange(session_id, message, reply)
    return reply


def suggest_followups(reply):
    """Quick-reply chips shown under the answer in the app."""
    chips = ["What should I sow now?", "How do I deal with slugs?"]
    if "potato" in reply.lower():
        chips.append("When do I earth up potatoes?")
    return chips
''',
    "garden/llm.py": r'''import mlflow
from openai import OpenAI

client = OpenAI()
MODEL = "gpt-4o-mini"
GENERATION = {
    "temperature": 0.3,
    "max_tokens": 300,
}


@mlflow.trace(name="call_llm", span_type="CHAT_MODEL")
def call_llm(messages):
    """One chat completion with the shared generation settings."""
    return client.chat.completions.create(model=MODEL, messages=messages, **GENERATION)


def summarise(text):
    """Short title for the saved-plans list."""
    response = client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Give a title of at most six words."},
            {"role": "user", "content": text},
        ],
        max_tokens=20,
    )
    return response.choices[0].message.content.strip()


def estimate_cost(prompt_tokens, completion_tokens):
    # gpt-4o-mini list prices per million tokens
    return prompt_tokens * 0.15 / 1e6 + completion_tokens * 0.60 / 1e6
''',
    "garden/history.py": r'''import json
import os

import psycopg

DSN = os.environ.get("PLOTWISE_DSN", "postgresql://plotwise@db/plotwise")
MAX_MESSAGES = 40


def load_history(session_id):
    with psycopg.connect(DSN) as conn:
        rows = conn.execute(
            "SELECT role, content FROM messages WHERE session_id = %s ORDER BY id",
            (session_id,),
        ).fetchall()
    return [{"role": role, "content": content} for role, content in rows][-MAX_MESSAGES:]


def save_exchange(session_id, message, reply):
    with psycopg.connect(DSN) as conn:
        conn.executemany(
            "INSERT INTO messages (session_id, role, content) VALUES (%s, %s, %s)",
            [(session_id, "user", message), (session_id, "assistant", reply)],
        )


def export_plan(session_id):
    """The 'email me this plan' button."""
    replies = [m["content"] for m in load_history(session_id) if m["role"] == "assistant"]
    return json.dumps({"session": session_id, "replies": replies}, indent=2)
''',
}

ALLOTMENT_CUT = (
    "Here's your allotment year:\n\nJanuary: Order seed potatoes and onion sets, and set early potatoes "
    "to chit on a cool windowsill. Clear weeds and spread compost over empty beds.\nFebruary: Keep "
    "chitting. Cover the beds with cardboard or black plastic to warm the soil.\nMarch: Plant onion sets "
    "10 cm apart in rows 30 cm apart. Plant first early potatoes at the end of the month, 12 cm deep.\n"
    "April: Plant second earlies and maincrop potatoes; earth up when shoots reach 15 cm. Sow kale in "
    "modules indoors.\nMay: Sow runner beans and courgettes indoors in pots and put up the bean canes. "
    "Keep earthing up the potatoes and harden off the kale.\nJune: Plant out the courgettes and runner "
    "beans once the frosts are over, set the kale 45 cm apart under netting, and keep earthing up the pota"
)


def _garden_plan_cut_off() -> EvalCase:
    """The year plan stops mid-word in June: the completion hit max_tokens."""
    chat = _Chat(_prompt(GARDEN, "garden/agent.py"), _openai_call, root_name="garden_chat")
    chat.say("I've just taken on an allotment plot in Bristol. It'll be mostly veg.",
             "Congratulations on the plot! What would you like to grow this year?")
    chat.say("Potatoes, onions, runner beans, courgettes and kale. Could you give me a month-by-month plan "
             "for the whole year, January to December?", ALLOTMENT_CUT)
    chat.say("It stops in the middle of June, mid-word. What about July to December?",
             "Sorry about that! July: water beans and courgettes well and pick courgettes small. August: "
             "lift maincrop potatoes when the foliage dies back and dry the onions. September: last beans; "
             "sow green manure on empty beds. October: store potatoes in hessian sacks. November: pick kale "
             "leaves from the bottom up. December: plan next year's rotation and order seeds.")
    chat.say("Brilliant, that's everything I need. Thanks!", "Happy growing, and enjoy the new plot!")
    for i, turn in enumerate(chat.turns):
        call = turn["root"]["children"][-1]
        call["inputs"]["max_tokens"] = 300
        if i == 1:
            call["outputs"]["choices"][0]["finish_reason"] = "length"
            call["outputs"]["usage"]["completion_tokens"] = 300
    return EvalCase(
        "allotment year plan stops mid-word in June at the token cap", "reply_truncated",
        chat.turns, root=2, symptom=3, app="ho_garden", code=("garden/llm.py", '"max_tokens": 300'),
        instrumentation="mlflow, llm spans", tags=["holdout", "class-5", "truncation"],
    )


BIKESHARE = {
    "bikeshare/agent.py": r'''import json
import uuid

import mlflow
from fastapi import FastAPI, Request

from bikeshare.llm import call_llm
from bikeshare.tools import TOOL_SCHEMAS, find_bikes, nearest_stations

app = FastAPI()
SYSTEM_PROMPT = (
    "You are the Pedal City bike-share assistant. Use the station tools for live numbers; "
    "never guess how many bikes are docked."
)
TOOLS = {"nearest_stations": nearest_stations, "find_bikes": find_bikes}
MAX_TOOL_ROUNDS = 5
GAVE_UP = "Sorry, I couldn't get live availability for that station right now."
SESSIONS = {}


@mlflow.trace(span_type="AGENT")
def run_agent(session_id, message):
    history = SESSIONS.setdefault(session_id, [])
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": message}]
    reply = GAVE_UP
    for _ in range(MAX_TOOL_ROUNDS):
        answer = call_llm(messages, tools=TOOL_SCHEMAS)
        if not answer.tool_calls:
            reply = answer.content
            break
        messages.append(answer.model_dump(include={"role", "content", "tool_calls"}))
        for call in answer.tool_calls:
            result = TOOLS[call.function.name](**json.loads(call.function.arguments))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    return reply


@app.post("/chat")
@mlflow.trace(name="POST /chat", span_type="CHAIN")
async def chat(request: Request):
    body = await request.json()
    session_id = body.get("session_id") or uuid.uuid4().hex
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    return {"session_id": session_id, "reply": run_agent(session_id, body["message"])}
''',
    "bikeshare/tools.py": r'''import os

import mlflow
import requests

FEED_URL = os.environ.get("GBFS_URL", "https://gbfs.pedalcity.example/v3")
TOOL_SCHEMAS = [
    {"type": "function", "function": {"name": "nearest_stations", "parameters": {
        "type": "object", "properties": {"place": {"type": "string"}}, "required": ["place"]}}},
    {"type": "function", "function": {"name": "find_bikes", "parameters": {
        "type": "object", "properties": {"station_id": {"type": "string"}, "kind": {"type": "string"}},
        "required": ["station_id"]}}},
]


@mlflow.trace(span_type="TOOL")
def nearest_stations(place):
    resp = requests.get(f"{FEED_URL}/stations/near", params={"q": place, "limit": 2}, timeout=5)
    resp.raise_for_status()
    return [{"station_id": s["id"], "name": s["name"], "distance_m": s["distance_m"]}
            for s in resp.json()["stations"]]


@mlflow.trace(span_type="TOOL")
def find_bikes(station_id, kind="any"):
    resp = requests.get(f"{FEED_URL}/station_status/{station_id}", timeout=5)
    resp.raise_for_status()
    status = resp.json()
    if status.get("feed_state") == "refreshing":
        return {"station_id": station_id, "bikes": None,
                "note": "Station feed is refreshing. Call find_bikes again for live numbers."}
    bikes = status["vehicle_types_available"]
    count = sum(b["count"] for b in bikes if kind == "any" or b["type"] == kind)
    return {"station_id": station_id, "bikes": count, "docks_free": status["num_docks_available"]}
''',
    "bikeshare/llm.py": r'''import time

import mlflow
from openai import APITimeoutError, OpenAI

client = OpenAI(timeout=20)
MODEL = "gpt-4o-mini"


@mlflow.trace(name="call_llm", span_type="CHAT_MODEL")
def call_llm(messages, tools=None):
    for attempt in range(2):
        try:
            response = client.chat.completions.create(
                model=MODEL,
                messages=messages,
                tools=tools,
                temperature=0.3,
            )
            return response.choices[0].message
        except APITimeoutError:
            if attempt:
                raise
            time.sleep(1)
    return None


def ping():
    """Readiness probe for the load balancer."""
    try:
        client.models.retrieve(MODEL)
        return True
    except Exception:
        return False
''',
}


def _bikeshare_refresh_loop() -> EvalCase:
    """find_bikes keeps saying 'call again'; the agent calls it five times with the same arguments."""
    system = _prompt(BIKESHARE, "bikeshare/agent.py")
    q1 = "Which docking station is nearest to Canal Street?"
    stations = [{"station_id": "CS-014", "name": "Canal St & Mill Lane", "distance_m": 120},
                {"station_id": "MS-002", "name": "Market Square", "distance_m": 400}]
    a1 = "The nearest is Canal St & Mill Lane, 120 m away; Market Square is 400 m away."
    m1 = [{"role": "system", "content": system}, {"role": "user", "content": q1}]
    m1_final = [*m1, {"role": "assistant", "content": None, "tool_calls": [{
        "id": "call_a", "type": "function",
        "function": {"name": "nearest_stations", "arguments": json.dumps({"place": "Canal Street"})}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": json.dumps(stations)}]
    q2 = "Are there any e-bikes at the Canal Street one right now?"
    args = {"station_id": "CS-014", "kind": "ebike"}
    refreshing = {"station_id": "CS-014", "bikes": None,
                  "note": "Station feed is refreshing. Call find_bikes again for live numbers."}
    gave_up = "Sorry, I couldn't get live availability for that station right now."
    messages = [*m1, {"role": "assistant", "content": a1}, {"role": "user", "content": q2}]
    loop: list[Span] = []
    for step in range(5):
        loop.append(_requests_tool(list(messages), "find_bikes", args, call_id=f"call_{step}"))
        loop.append(tool_span("find_bikes", args, refreshing))
        messages += [{"role": "assistant", "content": None, "tool_calls": [{
            "id": f"call_{step}", "type": "function",
            "function": {"name": "find_bikes", "arguments": json.dumps(args)}}]},
            {"role": "tool", "tool_call_id": f"call_{step}", "content": json.dumps(refreshing)}]
    q3 = "Never mind, I'll walk over and look at the dock myself."
    a3 = "Good plan! If the dock is empty, Market Square is only 400 m further on."
    m3 = [*m1, {"role": "assistant", "content": a1}, {"role": "user", "content": q2},
          {"role": "assistant", "content": gave_up}, {"role": "user", "content": q3}]
    turns = [
        chat_turn(q1, a1, root_name="run_agent", children=[
            _requests_tool(m1, "nearest_stations", {"place": "Canal Street"}, call_id="call_a"),
            tool_span("nearest_stations", {"place": "Canal Street"}, stations),
            _openai_call(m1_final, a1, name="call_llm", model="gpt-4o-mini")]),
        chat_turn(q2, gave_up, root_name="run_agent", children=loop),
        chat_turn(q3, a3, root_name="run_agent", children=[_openai_call(m3, a3, name="call_llm",
                                                                        model="gpt-4o-mini")]),
    ]
    return EvalCase(
        "station feed says 'call again', find_bikes polled five times with the same arguments", "tool_loop",
        wrapped(turns), root=2, symptom=2, app="ho_bikeshare",
        code=("bikeshare/tools.py", "Call find_bikes again for live numbers"),
        instrumentation="mlflow, wrapper root", tags=["holdout", "class-5", "tool_loop"],
    )


SALON = {
    "salon/state.py": r'''import json
import re

import mlflow

STYLISTS = ["Jonas", "Marta", "Priya", "Leo"]
SERVICES = ["men's cut", "women's cut", "balayage", "colour", "beard trim"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
BOOKING_WORDS = re.compile(r"\b(book|booking|appointment|reserve)\b", re.I)
TIME_RE = re.compile(r"\bat (\d{1,2})(?::(\d{2}))?\b")


@mlflow.trace(span_type="MEMORY")
def update_booking_state(state, message):
    """Fold one customer message into the booking being put together."""
    state = dict(state)
    for name in STYLISTS:
        if re.search(rf"\b{name}\b", message, re.I):
            state["stylist"] = name
    if BOOKING_WORDS.search(message):
        for service in SERVICES:
            if service in message.lower():
                state["service"] = service
        for day in DAYS:
            if day.lower() in message.lower():
                state["day"] = day
        if when := TIME_RE.search(message):
            state["time"] = f"{int(when.group(1)):02d}:{when.group(2) or '00'}"
        if state.get("service") and re.search(r"\bbook (it|my)\b", message, re.I):
            state["confirmed"] = True
    return state


def state_note(state):
    return {"role": "system", "content": "Booking so far: " + json.dumps(state)}
''',
    "salon/agent.py": r'''import json

from openai import OpenAI
from opentelemetry import trace

from salon.state import state_note, update_booking_state
from salon.store import load, save
from salon.tools import book_appointment, check_availability

tracer = trace.get_tracer("salon.agent")
client = OpenAI()
SYSTEM_PROMPT = (
    "You are the booking assistant of Studio Nine hair salon. Answer questions about stylists "
    "and services, and confirm bookings from the tool results."
)


def call_llm(messages):
    with tracer.start_as_current_span("call_llm") as span:
        for i, m in enumerate(messages):
            span.set_attribute(f"gen_ai.prompt.{i}.role", m["role"])
            span.set_attribute(f"gen_ai.prompt.{i}.content", m["content"])
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        text = reply.choices[0].message.content
        span.set_attribute("gen_ai.completion.0.content", text)
        return text


def run_turn(session_id, message):
    with tracer.start_as_current_span("run_turn") as span:
        span.set_attribute("session.id", session_id)
        span.set_attribute("gen_ai.prompt.0.content", message)
        session = load(session_id)
        before = session.get("booking", {})
        state = update_booking_state(before, message)
        tools = []
        if state.get("confirmed"):
            result = book_appointment(state["stylist"], state["service"], state["day"], state["time"])
            tools.append({"role": "tool", "name": "book_appointment", "content": json.dumps(result)})
            state["confirmed"] = False
        elif state.get("stylist") != before.get("stylist") and state.get("day"):
            result = check_availability(state["stylist"], state["day"], state["time"])
            tools.append({"role": "tool", "name": "check_availability", "content": json.dumps(result)})
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session.get("history", []),
                    {"role": "user", "content": message}, state_note(state), *tools]
        reply = call_llm(messages)
        session["booking"] = state
        session.setdefault("history", []).extend(
            [{"role": "user", "content": message}, {"role": "assistant", "content": reply}])
        save(session_id, session)
        span.set_attribute("gen_ai.completion.0.content", reply)
        return reply
''',
    "salon/tools.py": r'''import os
from datetime import date, timedelta

import requests
from opentelemetry import trace

tracer = trace.get_tracer("salon.tools")
DIARY_URL = os.environ.get("DIARY_URL", "https://diary.studionine.example/api")
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def next_date(day_name, today=None):
    today = today or date.today()
    ahead = (DAY_NAMES.index(day_name) - today.weekday()) % 7 or 7
    return (today + timedelta(days=ahead)).isoformat()


def check_availability(stylist, day, time):
    with tracer.start_as_current_span("check_availability"):
        resp = requests.get(f"{DIARY_URL}/stylists/{stylist.lower()}/slots",
                            params={"date": next_date(day), "time": time}, timeout=5)
        resp.raise_for_status()
        body = resp.json()
        return {"stylist": stylist, "free": body["free"], "price_eur": body["price_eur"]}


def book_appointment(stylist, service, day, time):
    with tracer.start_as_current_span("book_appointment"):
        payload = {"stylist": stylist.lower(), "service": service, "date": next_date(day), "time": time}
        resp = requests.post(f"{DIARY_URL}/appointments", json=payload, timeout=5)
        resp.raise_for_status()
        body = resp.json()
        return {"ref": body["ref"], "stylist": stylist, "date": payload["date"], "time": time}
''',
}


def _salon_stylist_overwritten() -> EvalCase:
    """A question about the sister's stylist overwrites the stylist the customer booked with."""
    chat = _Chat(_prompt(SALON, "salon/agent.py"), _legacy_call, root_name="run_turn")

    def note(state: dict[str, Any]) -> dict[str, str]:
        return {"role": "system", "content": "Booking so far: " + json.dumps(state)}

    def memory(message: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return {"name": "update_booking_state", "type": "MEMORY",
                "inputs": {"state": before, "message": message}, "outputs": after}

    q1 = "Hi, can I book a men's cut with Jonas on Saturday at 10?"
    s1 = {"stylist": "Jonas", "service": "men's cut", "day": "Saturday", "time": "10:00"}
    free1 = {"stylist": "Jonas", "free": True, "price_eur": 28}
    chat.say(q1, "Jonas is free on Saturday at 10:00 for a men's cut (28 EUR). Shall I book it?",
             before=[memory(q1, {}, s1),
                     tool_span("check_availability", {"stylist": "Jonas", "day": "Saturday", "time": "10:00"},
                               free1)],
             context=[note(s1), _tool_msg("check_availability", free1)])
    q2 = "Before I do: does Marta do balayage? My sister saw her last month and loved it."
    s2 = {**s1, "stylist": "Marta"}
    free2 = {"stylist": "Marta", "free": True, "price_eur": 28}
    chat.say(q2, "Yes, Marta is our colour specialist and does balayage; it starts at 95 EUR.",
             before=[memory(q2, s1, s2),
                     tool_span("check_availability", {"stylist": "Marta", "day": "Saturday", "time": "10:00"},
                               free2)],
             context=[note(s2), _tool_msg("check_availability", free2)])
    q3 = "Good to know, I'll tell her. OK, book my haircut please."
    s3 = {**s2, "confirmed": True}
    booked = {"ref": "SL-4410", "stylist": "Marta", "date": "2024-11-23", "time": "10:00"}
    chat.say(q3, "Booked: men's cut with Marta on Saturday 23 November at 10:00 (ref SL-4410). See you then!",
             before=[memory(q3, s2, s3),
                     tool_span("book_appointment", {"stylist": "Marta", "service": "men's cut",
                                                    "day": "Saturday", "time": "10:00"}, booked)],
             context=[note({**s3, "confirmed": False}), _tool_msg("book_appointment", booked)])
    q4 = "Marta? I asked for Jonas. Marta was for my sister's balayage."
    s4 = {**s3, "confirmed": False}
    chat.say(q4, "I'm sorry about that! I'll move booking SL-4410 to Jonas, same time on Saturday.",
             before=[memory(q4, s4, s4)], context=[note(s4)])
    return EvalCase(
        "stylist overwritten by the sister's stylist named in a side question", "state_corruption",
        with_attributes(chat.turns, "otel_genai_legacy"), root=2, symptom=4, app="ho_salon",
        code=("salon/state.py", 'state["stylist"] = name'),
        instrumentation="otel_genai_legacy", tags=["holdout", "class-5", "state_overwrite"],
    )


TAKEAWAY = {
    "takeaway/eta.py": r'''import logging
import os

import mlflow
import requests
from mlflow.entities import SpanEvent

log = logging.getLogger(__name__)
ROUTING_URL = os.environ.get("ROUTING_URL", "https://routing.dishdash.example/v1/eta")
DEFAULT_ETA_MIN = 30
TIMEOUT_S = 2


def _live_eta(restaurant_id, postcode):
    resp = requests.get(ROUTING_URL, params={"restaurant": restaurant_id, "to": postcode},
                        timeout=TIMEOUT_S)
    resp.raise_for_status()
    body = resp.json()
    return body["kitchen_queue_min"] + body["drive_min"]


@mlflow.trace(span_type="TOOL")
def estimate_delivery(restaurant_id, postcode):
    span = mlflow.get_current_active_span()
    try:
        return {"eta_minutes": _live_eta(restaurant_id, postcode)}
    except requests.Timeout as exc:
        span.add_event(SpanEvent.from_exception(exc))
        log.info("routing timed out for %s, using default ETA", restaurant_id)
        return {"eta_minutes": DEFAULT_ETA_MIN}


def format_eta(minutes):
    if minutes < 60:
        return f"about {minutes} minutes"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} h {rest} min"
''',
    "takeaway/agent.py": r'''import json

import mlflow
from openai import OpenAI

from takeaway.eta import estimate_delivery
from takeaway.orders import add_items, place_order

client = OpenAI()
SYSTEM_PROMPT = (
    "You are DishDash's ordering assistant. Build the basket with add_items, quote the delivery "
    "time from estimate_delivery, and place the order when the customer confirms."
)
TOOLS = {"add_items": add_items, "estimate_delivery": estimate_delivery, "place_order": place_order}
SCHEMAS = [{"type": "function", "function": {"name": name}} for name in TOOLS]


@mlflow.trace(name="call_llm", span_type="CHAT_MODEL")
def call_llm(messages):
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=SCHEMAS,
                                          temperature=0.3)


@mlflow.trace(span_type="AGENT")
def order_chat(session, message):
    span = mlflow.get_current_active_span()
    span.set_attributes({"app.session_id": session["id"], "app.user_message": message})
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session["history"],
                {"role": "user", "content": message}]
    answer = call_llm(messages).choices[0].message
    while answer.tool_calls:
        for call in answer.tool_calls:
            result = TOOLS[call.function.name](**json.loads(call.function.arguments))
            messages.append({"role": "tool", "name": call.function.name, "content": json.dumps(result)})
        answer = call_llm(messages).choices[0].message
    session["history"] += [{"role": "user", "content": message},
                           {"role": "assistant", "content": answer.content}]
    span.set_attribute("app.bot_reply", answer.content)
    return answer.content
''',
    "takeaway/orders.py": r'''import os
from datetime import datetime

import mlflow
import requests

ORDERS_URL = os.environ.get("ORDERS_URL", "https://orders.dishdash.example/v2")


def _post(path, payload):
    resp = requests.post(f"{ORDERS_URL}{path}", json=payload, timeout=8)
    resp.raise_for_status()
    return resp.json()


@mlflow.trace(span_type="TOOL")
def add_items(restaurant_id, items):
    body = _post("/baskets", {"restaurant": restaurant_id, "items": items})
    return {"basket": body["id"], "total_gbp": body["total"]}


@mlflow.trace(span_type="TOOL")
def place_order(basket, postcode):
    body = _post("/orders", {"basket": basket, "deliver_to": postcode})
    return {"order": body["ref"], "status": body["status"], "placed_at": datetime.now().strftime("%H:%M")}


def cancel_order(order_ref, reason):
    """Used by the support console, not exposed to the assistant."""
    return _post(f"/orders/{order_ref}/cancel", {"reason": reason})


def receipt(order_ref):
    resp = requests.get(f"{ORDERS_URL}/orders/{order_ref}/receipt", timeout=8)
    resp.raise_for_status()
    return resp.json()
''',
}


def _takeaway_default_eta() -> EvalCase:
    """The routing call times out and estimate_delivery quietly answers with its 30-minute default."""
    chat = _Chat(_prompt(TAKEAWAY, "takeaway/agent.py"), _openai_call, root_name="order_chat")
    items = [{"dish": "crispy duck pancakes", "qty": 1}, {"dish": "kung pao chicken", "qty": 1},
             {"dish": "egg fried rice", "qty": 2}]
    basket = {"basket": "BK-1192", "total_gbp": 38.4}
    eta = tool_span("estimate_delivery", {"restaurant_id": "golden-lotus", "postcode": "EH6 5JT"},
                    {"eta_minutes": 30})
    eta["events"] = [{"name": "exception", "attributes": {
        "exception.type": "requests.exceptions.ReadTimeout",
        "exception.message": "HTTPSConnectionPool(host='routing.dishdash.example', port=443): Read timed "
                             "out. (read timeout=2)"}}]
    chat.say("I'd like to order from Golden Lotus: crispy duck pancakes, a kung pao chicken and two egg "
             "fried rice, delivered to EH6 5JT.",
             "Your basket comes to 38.40 GBP, and delivery to EH6 5JT takes about 30 minutes. Shall I "
             "place the order?",
             before=[tool_span("add_items", {"restaurant_id": "golden-lotus", "items": items}, basket), eta],
             context=[_tool_msg("add_items", basket), _tool_msg("estimate_delivery", {"eta_minutes": 30})])
    placed = {"order": "GL-80312", "status": "accepted", "placed_at": "19:15"}
    chat.say("Yes, place it, we're starving.",
             "Order GL-80312 is placed! It should be with you by about 19:45.",
             before=[tool_span("place_order", {"basket": "BK-1192", "postcode": "EH6 5JT"}, placed)],
             context=[_tool_msg("place_order", placed)])
    chat.say("It's twenty to nine and still nothing. The restaurant says they've been quoting an hour and a "
             "half all evening.",
             "I'm really sorry about the wait. Your order GL-80312 was accepted at 19:15; I've asked the "
             "restaurant for an update and added a 10 GBP credit to your account.")
    return EvalCase(
        "routing timeout answered with a 30-minute default ETA on a 90-minute night", "silent_fallback",
        with_attributes(chat.turns, "custom"), root=1, symptom=3, app="ho_takeaway",
        code=("takeaway/eta.py", 'return {"eta_minutes": DEFAULT_ETA_MIN}'),
        instrumentation="custom keys, llm spans", tags=["holdout", "class-5", "silent_fallback"],
    )


TRANSIT = {
    "transit/retrieval.py": r'''from openinference.semconv.trace import (
    OpenInferenceSpanKindValues,
    SpanAttributes,
)
from opentelemetry import trace

from transit.index import fare_index

tracer = trace.get_tracer("transit.retrieval")


def search_fares(query, k=3):
    with tracer.start_as_current_span("search_fares") as span:
        span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND,
                           OpenInferenceSpanKindValues.RETRIEVER.value)
        span.set_attribute(SpanAttributes.INPUT_VALUE, query)
        hits = fare_index.search(query, limit=k)
        docs = [{"id": h.id, "content": h.text, "metadata": h.meta} for h in hits]
        for i, doc in enumerate(docs):
            span.set_attribute(f"retrieval.documents.{i}.document.id", doc["id"])
            span.set_attribute(f"retrieval.documents.{i}.document.content", doc["content"])
        return docs


def pick_fare_sheet(docs):
    """Several fare sheets can match; answer from one of them."""
    if not docs:
        return None
    return min(docs, key=lambda d: d["metadata"]["effective_from"])


def fare_context(doc):
    if doc is None:
        return {"role": "system", "content": "No fare sheet found."}
    return {"role": "system", "content": f"Fare sheet ({doc['id']}):\n{doc['content']}"}
''',
    "transit/agent.py": r'''from openinference.instrumentation import using_session
from openinference.semconv.trace import OpenInferenceSpanKindValues, SpanAttributes
from opentelemetry import trace

from transit.llm import call_llm
from transit.retrieval import fare_context, pick_fare_sheet, search_fares

tracer = trace.get_tracer("transit.agent")
SYSTEM_PROMPT = (
    "You are the Stadtbahn Lindenau passenger assistant. Answer fare questions from the fare "
    "sheet you are given, in the customer's language."
)
HISTORY = {}


def answer_passenger(session_id, message):
    with using_session(session_id), tracer.start_as_current_span("answer_passenger") as span:
        span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.AGENT.value)
        span.set_attribute(SpanAttributes.INPUT_VALUE, message)
        history = HISTORY.setdefault(session_id, [])
        sheet = pick_fare_sheet(search_fares(message))
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                    {"role": "user", "content": message}, fare_context(sheet)]
        reply = call_llm(messages)
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        span.set_attribute(SpanAttributes.OUTPUT_VALUE, reply)
        return reply


def reset(session_id):
    HISTORY.pop(session_id, None)
''',
    "transit/llm.py": r'''from openai import OpenAI
from openinference.semconv.trace import OpenInferenceSpanKindValues, SpanAttributes
from opentelemetry import trace

tracer = trace.get_tracer("transit.llm")
client = OpenAI()
MODEL = "gpt-4o-mini"


def call_llm(messages):
    with tracer.start_as_current_span("call_llm") as span:
        span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.LLM.value)
        span.set_attribute(SpanAttributes.LLM_MODEL_NAME, MODEL)
        for i, m in enumerate(messages):
            span.set_attribute(f"llm.input_messages.{i}.message.role", m["role"])
            span.set_attribute(f"llm.input_messages.{i}.message.content", m["content"])
        response = client.chat.completions.create(model=MODEL, messages=messages)
        text = response.choices[0].message.content
        span.set_attribute("llm.output_messages.0.message.role", "assistant")
        span.set_attribute("llm.output_messages.0.message.content", text)
        span.set_attribute(SpanAttributes.LLM_TOKEN_COUNT_PROMPT, response.usage.prompt_tokens)
        span.set_attribute(SpanAttributes.LLM_TOKEN_COUNT_COMPLETION, response.usage.completion_tokens)
        return text


def translate(text, language):
    """Timetable notices are written in German; the app shows them translated."""
    response = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": f"Translate into {language}:\n\n{text}"}],
    )
    return response.choices[0].message.content
''',
}


def _transit_old_fare_sheet() -> EvalCase:
    """Both fare sheets are retrieved; the oldest effective_from wins, so 2023 prices are quoted."""
    chat = _Chat(_prompt(TRANSIT, "transit/agent.py"), _oi_call, root_name="answer_passenger")
    new = {"id": "fares-2024-07.pdf", "content": "Zone A single ticket 3.20 EUR (valid 90 minutes). "
           "Zone A day ticket 8.60 EUR. Short trip (up to 4 stops) 2.10 EUR.",
           "metadata": {"doc_uri": "fares/fares-2024-07.pdf", "effective_from": "2024-07-01"}}
    old = {"id": "fares-2023-01.pdf", "content": "Zone A single ticket 2.90 EUR (valid 90 minutes). "
           "Zone A day ticket 7.50 EUR. Short trip (up to 4 stops) 1.90 EUR.",
           "metadata": {"doc_uri": "fares/fares-2023-01.pdf", "effective_from": "2023-01-01"}}

    def say(user: str, reply: str) -> None:
        chat.say(user, reply, before=[retriever_span("search_fares", user, [new, old])],
                 context=[{"role": "system", "content": f"Fare sheet ({old['id']}):\n{old['content']}"}])

    say("How much is a single tram ticket in the city zone?",
        "A single ticket for zone A costs 2.90 EUR and is valid for 90 minutes.")
    say("And a day ticket?", "A zone A day ticket is 7.50 EUR.")
    say("The machine at Rathausplatz just asked me for 3.20 for a single. Is it broken?",
        "The machine isn't broken, I'm sorry: my fare sheet says 2.90 EUR for a zone A single, but the "
        "machine's price is the one that applies. Please pay 3.20 EUR there.")
    return EvalCase(
        "2023 fare sheet picked over the July 2024 one retrieved beside it", "outdated_retrieval",
        with_attributes(chat.turns, "openinference"), root=1, symptom=3, app="ho_transit",
        code=("transit/retrieval.py", 'min(docs, key=lambda d: d["metadata"]["effective_from"])'),
        instrumentation="openinference", tags=["holdout", "class-5", "dated_source"],
    )


VET = {
    "vet/api.py": r'''import uuid

import mlflow
from fastapi import FastAPI, Header

from vet.agent import handle_message

app = FastAPI(title="Parkside Vets assistant")


@app.post("/chat")
@mlflow.trace(name="POST /chat", span_type="CHAIN")
def chat(payload: dict, x_session_id: str | None = Header(default=None)):
    session_id = x_session_id or f"pv-{uuid.uuid4().hex[:16]}"
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    reply = handle_message(session_id, payload["message"])
    return {"session_id": session_id, "reply": reply}


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/version")
def version():
    return {"service": "parkside-vets-assistant", "build": "2024.11.2"}


def run():
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=8080)
''',
    "vet/agent.py": r'''import json
import re

from openai import OpenAI
from opentelemetry import trace

from vet.clinic import book_appointment, find_slots, get_pets
from vet.store import load_session, save_session

tracer = trace.get_tracer("vet.agent")
client = OpenAI()
SYSTEM_PROMPT = (
    "You are the booking assistant of Parkside Vets. Offer the free slots you are given and "
    "confirm bookings from the booking result."
)
TIME_RE = re.compile(r"\b(\d{1,2}[:.]\d{2})\b")


def generate(messages):
    with tracer.start_as_current_span("generate") as span:
        span.set_attribute("gen_ai.operation.name", "chat")
        response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        return response.choices[0].message.content


def confirm_booking(session, slot):
    with tracer.start_as_current_span("confirm_booking"):
        return book_appointment(owner_id=session["owner_id"], slot_id=slot["slot_id"],
                                reason=session["reason"])


def handle_message(session_id, message):
    with tracer.start_as_current_span("handle_message") as span:
        span.set_attribute("gen_ai.input.messages", json.dumps(
            [{"role": "user", "parts": [{"type": "text", "content": message}]}]))
        session = load_session(session_id)
        context = []
        if owner := re.search(r"\b\d{2}-\d{4}\b", message):
            session.update(owner_id=owner.group(0), reason="annual vaccination")
            session["pets"] = get_pets(session["owner_id"])
            session["slots"] = find_slots("parkside", "vaccination")
            context = [{"role": "tool", "name": "get_pets", "content": json.dumps(session["pets"])},
                       {"role": "tool", "name": "find_slots", "content": json.dumps(session["slots"])}]
        elif (picked := TIME_RE.search(message)) and session.get("slots") and "booking" not in session:
            slot = next(s for s in session["slots"] if s["time"] == picked.group(1).replace(".", ":"))
            session["booking"] = confirm_booking(session, slot)
            context = [{"role": "tool", "name": "book_appointment",
                        "content": json.dumps(session["booking"])}]
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session.get("history", []),
                    {"role": "user", "content": message}, *context]
        reply = generate(messages)
        session.setdefault("history", []).extend(
            [{"role": "user", "content": message}, {"role": "assistant", "content": reply}])
        save_session(session_id, session)
        span.set_attribute("gen_ai.output.messages", json.dumps(
            [{"role": "assistant", "parts": [{"type": "text", "content": reply}]}]))
        return reply
''',
    "vet/clinic.py": r'''import os

import requests
from opentelemetry import trace

tracer = trace.get_tracer("vet.clinic")
PMS_URL = os.environ.get("PMS_URL", "https://pms.parksidevets.example/api/v1")
BOOK_APPOINTMENT_SCHEMA = {
    "type": "object",
    "properties": {
        "owner_id": {"type": "string"},
        "pet_id": {"type": "string"},
        "slot_id": {"type": "string"},
        "reason": {"type": "string"},
    },
    "required": ["owner_id", "pet_id", "slot_id", "reason"],
}


def get_pets(owner_id):
    with tracer.start_as_current_span("get_pets"):
        resp = requests.get(f"{PMS_URL}/owners/{owner_id}/pets", timeout=5)
        resp.raise_for_status()
        return [{"pet_id": p["id"], "name": p["name"], "species": p["species"]} for p in resp.json()]


def find_slots(clinic, kind):
    with tracer.start_as_current_span("find_slots"):
        resp = requests.get(f"{PMS_URL}/clinics/{clinic}/slots", params={"type": kind}, timeout=5)
        resp.raise_for_status()
        return [{"slot_id": s["id"], "day": s["day"], "time": s["time"]} for s in resp.json()[:2]]


def book_appointment(owner_id, slot_id, reason, pet_id=None):
    """The practice system books the owner's primary pet when pet_id is missing."""
    with tracer.start_as_current_span("book_appointment"):
        payload = {"owner": owner_id, "slot": slot_id, "reason": reason}
        if pet_id:
            payload["pet"] = pet_id
        resp = requests.post(f"{PMS_URL}/appointments", json=payload, timeout=5)
        resp.raise_for_status()
        body = resp.json()
        return {"ref": body["ref"], "status": body["status"], "pet_id": body["pet"]}
''',
}


def _vet_booking_without_pet() -> EvalCase:
    """The booking call site leaves out pet_id, so the dog is booked instead of the cat."""
    chat = _Chat(_prompt(VET, "vet/agent.py"), _genai_call, call_name="generate", root_name="handle_message")
    pets = [{"pet_id": "P-101", "name": "Bruno", "species": "dog"},
            {"pet_id": "P-102", "name": "Luna", "species": "cat"}]
    slots = [{"slot_id": "PK-1121-1020", "day": "Thursday 21 November", "time": "10:20"},
             {"slot_id": "PK-1122-1640", "day": "Friday 22 November", "time": "16:40"}]
    chat.say("Hi, Luna's due her annual vaccinations. Could I book her in at Parkside this week? My owner "
             "account is 30-7741.",
             "Of course! For Luna's vaccinations Parkside has Thursday 21 November at 10:20 or Friday 22 "
             "November at 16:40. Which would you like?",
             before=[tool_span("get_pets", {"owner_id": "30-7741"}, pets),
                     tool_span("find_slots", {"clinic": "parkside", "kind": "vaccination"}, slots)],
             context=[_tool_msg("get_pets", pets), _tool_msg("find_slots", slots)])
    booking = {"ref": "PV-2231", "status": "booked", "pet_id": "P-101"}
    chat.say("Thursday at 10:20 is perfect.",
             "Booked: annual vaccinations at Parkside on Thursday 21 November at 10:20 (ref PV-2231).",
             before=[{"name": "confirm_booking", "type": "CHAIN",
                      "inputs": {"slot": slots[0]}, "outputs": booking,
                      "children": [tool_span("book_appointment",
                                             {"owner_id": "30-7741", "slot_id": "PK-1121-1020",
                                              "reason": "annual vaccination"}, booking)]}],
             context=[_tool_msg("book_appointment", booking)])
    chat.say("Does she need to skip breakfast beforehand?",
             "No need to fast for vaccinations. Just bring her in a secure carrier.")
    chat.say("The reminder text just arrived: 'Bruno's vaccination, Thursday 10:20'. Bruno is our dog. "
             "It's Luna who needs the jab.",
             "I'm so sorry! The booking was made under Bruno. I'll ask the team to move appointment "
             "PV-2231 to Luna, same time on Thursday.")
    return EvalCase(
        "vaccination booked without the pet id, so the clinic booked the dog", "malformed_tool_call",
        wrapped(with_attributes(chat.turns, "otel_genai")), root=2, symptom=4, app="ho_vet",
        code=("vet/agent.py", 'book_appointment(owner_id=session["owner_id"], slot_id=slot["slot_id"]'),
        instrumentation="otel_genai, wrapper root", tags=["holdout", "class-5", "missing_fields"],
    )


# === class 6: a data source the loader names ==================================================

FERRY = {
    "ferry/timetable_loader.py": r'''import csv
import io

from google.cloud import storage
from opentelemetry import trace

tracer = trace.get_tracer("ferry.timetables")
BUCKET = "harbourline-kb"
TIMETABLE_BLOB = "timetables/winter_2023-24.csv"
SEASON = {"season": "winter 2023-24", "valid_until": "2024-03-28"}
_rows = None


def _load_rows():
    global _rows
    if _rows is None:
        blob = storage.Client().bucket(BUCKET).blob(TIMETABLE_BLOB)
        _rows = list(csv.DictReader(io.StringIO(blob.download_as_text())))
    return _rows


def lookup_sailings(query, route, day):
    with tracer.start_as_current_span("lookup_sailings") as span:
        span.set_attribute("retrieval.query", query)
        rows = [r for r in _load_rows() if r["route"] == route and r["day"] == day]
        times = ", ".join(r["departs"] for r in rows)
        text = f"{route}, {day}: sailings at {times}; last sailing {rows[-1]['departs']}."
        metadata = {"doc_uri": f"gs://{BUCKET}/{TIMETABLE_BLOB}", **SEASON}
        return [{"id": f"{route}:{day}", "content": text, "metadata": metadata}]


def reload():
    """Admin endpoint: drop the cached rows after a new file is uploaded."""
    global _rows
    _rows = None
''',
    "ferry/agent.py": r'''from opentelemetry import trace

from ferry.llm import call_llm
from ferry.routes import parse_route
from ferry.timetable_loader import lookup_sailings

tracer = trace.get_tracer("ferry.agent")
SYSTEM_PROMPT = (
    "You are the Harbourline ferries assistant for the west coast routes. Give sailing times "
    "from the timetable extract and mention connecting buses when asked."
)
SESSIONS = {}


def _timetable_message(docs):
    return {"role": "system", "content": "Timetable:\n" + "\n".join(d["content"] for d in docs)}


def ferry_chat(session_id, message):
    with tracer.start_as_current_span("ferry_chat") as span:
        span.set_attribute("session.id", session_id)
        span.set_attribute("gen_ai.prompt.0.role", "user")
        span.set_attribute("gen_ai.prompt.0.content", message)
        history = SESSIONS.setdefault(session_id, [])
        context = []
        if route := parse_route(message):
            context.append(_timetable_message(lookup_sailings(message, route["route"], route["day"])))
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                    {"role": "user", "content": message}, *context]
        reply = call_llm(messages)
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
        span.set_attribute("gen_ai.completion.0.role", "assistant")
        span.set_attribute("gen_ai.completion.0.content", reply)
        return reply
''',
    "ferry/routes.py": r'''import re

PORTS = ["Oban", "Craignure", "Lochboisdale", "Castlebay", "Tobermory", "Kilchoan"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ROUTE_RE = re.compile(r"\bfrom (\w+) to (\w+)\b", re.I)


def _port(word):
    for port in PORTS:
        if port.lower() == word.lower():
            return port
    return None


def _day(text):
    for day in DAYS:
        if day.lower() in text.lower():
            return day
    return None


def parse_route(text):
    """'the last ferry from Oban to Craignure on a Saturday' -> route and day."""
    match = ROUTE_RE.search(text)
    if not match:
        return None
    origin, destination = _port(match.group(1)), _port(match.group(2))
    day = _day(text)
    if not (origin and destination and day):
        return None
    return {"route": f"{origin} - {destination}", "day": day}


def all_routes():
    return [f"{a} - {b}" for a in PORTS for b in PORTS if a != b]
''',
    "ferry/llm.py": r'''from openai import OpenAI
from opentelemetry import trace

tracer = trace.get_tracer("ferry.llm")
client = OpenAI()
MODEL = "gpt-4o-mini"


def call_llm(messages):
    with tracer.start_as_current_span("call_llm") as span:
        span.set_attribute("llm.request.type", "chat")
        span.set_attribute("gen_ai.system", "OpenAI")
        span.set_attribute("gen_ai.request.model", MODEL)
        for i, m in enumerate(messages):
            span.set_attribute(f"gen_ai.prompt.{i}.role", m["role"])
            span.set_attribute(f"gen_ai.prompt.{i}.content", m["content"])
        response = client.chat.completions.create(model=MODEL, messages=messages)
        choice = response.choices[0]
        span.set_attribute("gen_ai.completion.0.role", "assistant")
        span.set_attribute("gen_ai.completion.0.content", choice.message.content)
        span.set_attribute("gen_ai.completion.0.finish_reason", choice.finish_reason)
        return choice.message.content


def disruption_summary(notices):
    """One-line summary of the day's service notices for the app banner."""
    text = "\n".join(notices)
    response = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": f"Summarise in one line:\n{text}"}],
    )
    return response.choices[0].message.content
''',
}


def _ferry_winter_timetable() -> EvalCase:
    """The loader always reads the winter 2023-24 file; in summer the last Saturday boat leaves earlier."""
    chat = _Chat(_prompt(FERRY, "ferry/agent.py"), _legacy_call, root_name="ferry_chat")
    q1 = "What time's the last ferry from Oban to Craignure on a Saturday?"
    doc = {"id": "Oban - Craignure:Saturday",
           "content": "Oban - Craignure, Saturday: sailings at 07:45, 09:55, 12:00, 14:00, 16:00, 18:00, "
                      "19:30; last sailing 19:30.",
           "metadata": {"doc_uri": "gs://harbourline-kb/timetables/winter_2023-24.csv",
                        "season": "winter 2023-24", "valid_until": "2024-03-28"}}
    chat.say(q1, "The last Saturday sailing from Oban to Craignure leaves at 19:30.",
             before=[retriever_span("lookup_sailings", q1, [doc])],
             context=[{"role": "system", "content": "Timetable:\n" + doc["content"]}])
    chat.say("Is there a bus from Craignure up to Tobermory after that one?",
             "Yes, the 95 bus meets the evening sailings at Craignure and takes about 45 minutes to "
             "Tobermory.")
    chat.say("We got to the pier at ten past seven and the last boat had gone at seven. The board on the "
             "pier says summer timetable 2024.",
             "I'm very sorry, the times I gave you came from an out-of-date timetable. The summer 2024 "
             "timetable on the pier is the one that applies.")
    return EvalCase(
        "summer sailings answered from the winter 2023-24 file the loader hard-codes", "outdated_retrieval",
        with_attributes(chat.turns, "otel_genai_legacy"), root=1, symptom=3, app="ho_ferry",
        code=("ferry/timetable_loader.py", "winter_2023-24.csv"),
        instrumentation="otel_genai_legacy", tags=["holdout", "class-6", "data_source"],
    )


# === class 7: healthy look-alikes =============================================================


def _florist_changes_own_order() -> EvalCase:
    chat = _Chat("You are the ordering assistant of Bloom & Stem florists. Take bouquet orders and "
                 "confirm them from the order tool.", _openai_call, root_name="handle_message")
    chat.say("Hi, I'd like a bouquet of red roses delivered to my mum on Friday, please.",
             "Lovely! A dozen red roses is 45 EUR with Friday delivery. What's the delivery address?")
    chat.say("Actually, make it yellow tulips instead, she's always preferred those. It's 8 Linden Close.",
             "Of course: a bunch of 20 yellow tulips is 32 EUR, delivered to 8 Linden Close on Friday. "
             "Shall I place the order?")
    order = {"order": "BS-44120", "item": "20 yellow tulips", "deliver_on": "2024-11-22",
             "address": "8 Linden Close", "total_eur": 32.0, "status": "confirmed"}
    chat.say("Yes, and add a card saying 'Happy birthday, love Anna'.",
             "Done: order BS-44120, 20 yellow tulips to 8 Linden Close on Friday 22 November with the card "
             "'Happy birthday, love Anna', 32 EUR.",
             before=[tool_span("place_order", {"item": "20 yellow tulips", "deliver_on": "2024-11-22",
                                               "address": "8 Linden Close",
                                               "card": "Happy birthday, love Anna"}, order)],
             context=[_tool_msg("place_order", order)])
    chat.say("No, that's all, thanks!", "You're welcome, I hope your mum loves them!")
    return EvalCase(
        "customer swaps roses for tulips in her own order", None, chat.turns,
        instrumentation="mlflow, llm spans", tags=["holdout", "class-7", "healthy"],
    )


def _hardware_stock_no_thanks() -> EvalCase:
    stock = {"sku": "EXT-WHITE-5L", "store": "Dalston", "in_stock": 7, "price_eur": 42.0}
    held = {"reservation": "RS-9021", "qty": 2, "store": "Dalston", "collect_by": "2024-11-21"}
    return with_attributes([
        chat_turn("Do you have 5 litre tins of exterior white masonry paint at the Dalston store?",
                  "Yes, Dalston has 7 tins of the 5 L exterior white masonry paint at 42 EUR each.",
                  root_name="store_assistant",
                  children=[tool_span("check_stock", {"sku": "EXT-WHITE-5L", "store": "Dalston"}, stock)]),
        chat_turn("Can you put two aside for me to collect tomorrow?",
                  "Done: 2 tins are reserved for you at Dalston under RS-9021; collect them by tomorrow "
                  "evening and pay at the counter.", root_name="store_assistant",
                  children=[tool_span("reserve_items", {"sku": "EXT-WHITE-5L", "store": "Dalston", "qty": 2},
                                      held)]),
        chat_turn("Do I need a primer for old render?",
                  "On sound old render you can usually paint straight on; if it's chalky, use a "
                  "stabilising primer first.", root_name="store_assistant"),
        chat_turn("No, that's all, thanks.", "Great, see you tomorrow at Dalston!",
                  root_name="store_assistant"),
    ], "custom")


def _botanic_curious_how_come() -> EvalCase:
    hours = {"garden": "10:00-18:00 daily", "glasshouse": "10:00-17:00; Fridays 10:00-15:00"}
    return with_attributes([
        chat_turn("What are the opening hours of the botanic garden this week?",
                  "The garden is open 10:00-18:00 every day. The glasshouse opens 10:00-17:00, except on "
                  "Friday when it closes at 15:00.", root_name="visitor_chat",
                  children=[tool_span("get_opening_hours", {"site": "botanic-garden"}, hours)]),
        chat_turn("How come the glasshouse shuts early on Fridays?",
                  "Friday afternoons are when the team does the weekly deep watering and pest checks, and "
                  "the misting system makes the paths slippery, so the glasshouse closes to visitors.",
                  root_name="visitor_chat"),
        chat_turn("Ah, that makes sense. We'll come in the morning then. Is there a cafe?",
                  "Yes, the Orangery cafe by the main gate is open 10:00-17:00.", root_name="visitor_chat"),
    ], "openinference")


def _bulky_waste_retry_succeeds() -> EvalCase:
    chat = _Chat("You are the Riverside Council assistant. Book bulky-waste collections with the booking "
                 "tool.", _genai_call, call_name="generate", root_name="council_chat")
    items = {"postcode": "RV4 2QT", "items": ["sofa", "fridge"], "date": "2024-11-27"}
    booked = {"ref": "BW-70215", "date": "2024-11-27", "items": ["sofa", "fridge"], "fee_gbp": 35}
    chat.say("Can I book a bulky waste collection for an old sofa and a fridge? Postcode RV4 2QT.",
             "Yes: the next collection day for RV4 2QT is Wednesday 27 November, and two items cost 35 GBP. "
             "Shall I book it?")
    chat.say("Yes please, book it.",
             "Booked: your sofa and fridge will be collected on Wednesday 27 November (ref BW-70215); "
             "35 GBP will be charged to the card on your account. Please leave them outside by 7am.",
             before=[tool_span("book_collection", items, error="booking service timed out after 10s",
                               error_type="TimeoutError"),
                     tool_span("book_collection", items, booked)],
             context=[_tool_msg("book_collection", booked)])
    chat.say("Great, thanks!", "You're welcome!")
    return EvalCase(
        "booking call times out once, the retry succeeds and is reported", None,
        wrapped(with_attributes(chat.turns, "otel_genai")),
        instrumentation="otel_genai, wrapper root", tags=["holdout", "class-7", "healthy"],
    )


APPS: dict[str, dict[str, str]] = {
    "ho_pool": POOL,
    "ho_zoo": ZOO,
    "ho_cinema": CINEMA,
    "ho_library": LIBRARY,
    "ho_movers": MOVERS,
    "ho_hiking": HIKING,
    "ho_optician": OPTICIAN,
    "ho_garden": GARDEN,
    "ho_bikeshare": BIKESHARE,
    "ho_salon": SALON,
    "ho_takeaway": TAKEAWAY,
    "ho_transit": TRANSIT,
    "ho_vet": VET,
    "ho_ferry": FERRY,
}


def cases() -> list[EvalCase]:
    return [
        _pool_sunday_hours(),
        _zoo_pass_parking(),
        _cinema_child_ticket(),
        _library_renewal_crash(),
        _movers_fourth_floor(),
        _hiking_knee_limit(),
        _optician_lab_rejects_axis(),
        _garden_plan_cut_off(),
        _bikeshare_refresh_loop(),
        _salon_stylist_overwritten(),
        _takeaway_default_eta(),
        _transit_old_fare_sheet(),
        _vet_booking_without_pet(),
        _ferry_winter_timetable(),
        _florist_changes_own_order(),
        EvalCase(
            "customer reserves paint, then 'no, that's all, thanks'", None, _hardware_stock_no_thanks(),
            instrumentation="custom keys", tags=["holdout", "class-7", "healthy"],
        ),
        EvalCase(
            "curious 'how come' about early Friday closing, no earlier claim disputed", None,
            _botanic_curious_how_come(), instrumentation="openinference",
            tags=["holdout", "class-7", "healthy"],
        ),
        _bulky_waste_retry_succeeds(),
    ]
