"""Held-out labelled sessions, second locked split.

Written from the fault classes of the case brief alone, without running the engine: pushback in
ordinary words (class 1), a failed turn among look-alike template replies (class 2), values and
constraints lost several turns before the complaint (class 3), an admitted tool failure (class 4),
structural faults (class 5), a stale source named by its loader (class 6) and healthy look-alikes.
Each faulty session has its own small app; `code` names the line a developer would change.
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

PRESSTO = {
    "pressto/server.py": '''import os
import uuid

from fastapi import FastAPI, Request
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from pydantic import BaseModel

from pressto.assistant import assistant

provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(os.environ["OTLP_ENDPOINT"])))
trace.set_tracer_provider(provider)
OpenAIInstrumentor().instrument(tracer_provider=provider)

app = FastAPI(title="Pressto chat")


class ChatIn(BaseModel):
    message: str
    session_id: str | None = None


@app.post("/chat")
def chat(body: ChatIn, request: Request):
    session_id = body.session_id or request.cookies.get("pressto_sid") or uuid.uuid4().hex
    with using_session(session_id):
        reply = assistant(session_id, body.message)
    return {"reply": reply, "session_id": session_id}


@app.get("/health")
def health():
    return {"ok": True}
''',
    "pressto/assistant.py": '''import json

from openai import OpenAI
from opentelemetry import trace

from pressto.history import load_history, save_exchange
from pressto.prices import get_price_list
from pressto.prompts import CATEGORY_WORDS, SYSTEM_PROMPT

tracer = trace.get_tracer("pressto")
client = OpenAI()
MODEL = "gpt-4o-mini"


def guess_category(message):
    lowered = message.lower()
    for category, words in CATEGORY_WORDS.items():
        if any(word in lowered for word in words):
            return category
    return None


def price_context(prices):
    lines = [f"- {i['item']}: {i['price']:.2f} EUR, ready in {i['ready']}" for i in prices["items"]]
    return {"role": "system", "content": "Price list:\\n" + "\\n".join(lines)}


@tracer.start_as_current_span("assistant")
def assistant(session_id, message):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", message)
    history = load_history(session_id)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    category = guess_category(message)
    if category:
        messages.append(price_context(get_price_list(category)))
    response = client.chat.completions.create(model=MODEL, messages=messages, temperature=0.3)
    reply = response.choices[0].message.content
    save_exchange(session_id, message, reply)
    span.set_attribute("output.value", reply)
    return reply


def debug_dump(session_id):
    return json.dumps(load_history(session_id), indent=2)
''',
    "pressto/prices.py": '''import json
from pathlib import Path

from opentelemetry import trace

tracer = trace.get_tracer("pressto")
PRICE_FILE = Path(__file__).parent / "data" / "prices.json"
_cache = {}


def _load():
    if "prices" not in _cache:
        _cache["prices"] = json.loads(PRICE_FILE.read_text())
    return _cache["prices"]


@tracer.start_as_current_span("get_price_list")
def get_price_list(category):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "TOOL")
    span.set_attribute("input.value", json.dumps({"category": category}))
    data = _load()
    items = [
        {"item": row["name"], "price": row["price_eur"], "ready": row["turnaround"]}
        for row in data["items"]
        if row["category"] == category and row.get("active", True)
    ]
    result = {"category": category, "currency": "EUR", "items": items}
    span.set_attribute("output.value", json.dumps(result))
    return result


def reload_prices():
    _cache.clear()
    return len(_load()["items"])
''',
    "pressto/prompts.py": '''"""Prompt text and keyword tables for the Pressto assistant."""

SYSTEM_PROMPT = (
    "You are the assistant of Pressto Dry Cleaners. Quote prices and ready times from the price list. "
    "If an item is not on the price list, estimate a price and ready time from similar items "
    "so the customer always gets a figure. "
    "Keep answers short and friendly."
)

CATEGORY_WORDS = {
    "household": ("duvet", "pillow", "curtain", "blanket", "throw", "rug"),
    "garments": ("shirt", "suit", "dress", "coat", "trousers", "skirt", "jacket"),
    "specialist": ("leather", "suede", "wedding", "fur", "silk"),
}

OPENING_HOURS = {
    "mon-fri": "07:30-19:00",
    "sat": "09:00-17:00",
    "sun": "closed",
}

GREETING = "Hi! I'm the Pressto assistant. Ask me about prices, ready times or opening hours."

HANDOVER_NOTE = (
    "For stains you are worried about, ask at the counter: our cleaners inspect every item "
    "before quoting a specialist treatment."
)

STORES = [
    {"slug": "kings-road", "phone": "020 7946 0111"},
    {"slug": "market-square", "phone": "020 7946 0112"},
]
''',
    "pressto/history.py": '''import json
import os

import redis

_r = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
TTL_S = 7 * 24 * 3600


def _key(session_id):
    return f"pressto:history:{session_id}"


def load_history(session_id):
    raw = _r.get(_key(session_id))
    return json.loads(raw) if raw else []


def save_exchange(session_id, message, reply):
    history = load_history(session_id)
    history.append({"role": "user", "content": message})
    history.append({"role": "assistant", "content": reply})
    _r.set(_key(session_id), json.dumps(history), ex=TTL_S)


def clear(session_id):
    _r.delete(_key(session_id))


def count_turns(session_id):
    return len(load_history(session_id)) // 2


def export_all(prefix="pressto:history:"):
    out = {}
    for key in _r.scan_iter(f"{prefix}*"):
        out[key.decode()] = json.loads(_r.get(key))
    return out
''',
}

CELLAR = {
    "cellar/server.py": '''import os
import uuid

from flask import Flask, jsonify, request, session
from traceloop.sdk import Traceloop

from cellar.sommelier import sommelier_turn

Traceloop.init(app_name="cork-and-cask", api_endpoint=os.environ["TRACE_ENDPOINT"], disable_batch=False)

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET"]


def current_session_id():
    if "sid" not in session:
        session["sid"] = uuid.uuid4().hex
    return session["sid"]


@app.post("/api/chat")
def chat():
    payload = request.get_json(force=True)
    sid = current_session_id()
    Traceloop.set_association_properties({"session_id": sid, "channel": payload.get("channel", "web")})
    reply = sommelier_turn(sid, payload["message"])
    return jsonify({"reply": reply})


@app.post("/api/reset")
def reset():
    session.pop("sid", None)
    return jsonify({"ok": True})


@app.get("/healthz")
def healthz():
    return "ok"


if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "8080")))
''',
    "cellar/sommelier.py": '''from openai import OpenAI
from traceloop.sdk.decorators import workflow

from cellar.catalogue import search_catalogue
from cellar.history import load_history, save_exchange
from cellar.prompts import SHOPPING_WORDS, SYSTEM_PROMPT

client = OpenAI()
MODEL = "gpt-4o"


def wants_products(message):
    lowered = message.lower()
    return any(word in lowered for word in SHOPPING_WORDS)


def catalogue_message(docs):
    return {"role": "system", "content": "Documents:\\n\\n" + "\\n\\n".join(d.page_content for d in docs)}


@workflow(name="sommelier_turn")
def sommelier_turn(session_id, message):
    history = load_history(session_id)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    if wants_products(message):
        docs = search_catalogue(message)
        if docs:
            messages.append(catalogue_message(docs))
    completion = client.chat.completions.create(model=MODEL, messages=messages, temperature=0.7)
    reply = completion.choices[0].message.content
    save_exchange(session_id, message, reply)
    return reply


def suggest_pairing(dish):
    docs = search_catalogue(f"wine to pair with {dish}")
    return [d.metadata["sku"] for d in docs]
''',
    "cellar/catalogue.py": '''import os

from langchain_openai import OpenAIEmbeddings
from langchain_postgres import PGVector
from traceloop.sdk.decorators import task

COLLECTION = "cellar_catalogue"
_store = None


def store():
    global _store
    if _store is None:
        _store = PGVector(
            embeddings=OpenAIEmbeddings(model="text-embedding-3-small"),
            collection_name=COLLECTION,
            connection=os.environ["PG_URL"],
        )
    return _store


@task(name="search_catalogue")
def search_catalogue(query, k=2):
    docs = store().similarity_search(query, k=k, filter={"in_stock": True})
    return docs


def index_product(sku, text, in_stock=True):
    from langchain_core.documents import Document

    doc = Document(page_content=text, metadata={"sku": sku, "source": "catalogue", "in_stock": in_stock})
    store().add_documents([doc], ids=[f"sku-{sku}"])


def remove_product(sku):
    store().delete(ids=[f"sku-{sku}"])
''',
    "cellar/prompts.py": '''"""Prompt text for the Cork & Cask sommelier."""

SYSTEM_PROMPT = (
    "You are the sommelier of Cork & Cask, an independent wine shop. "
    "Recommend bottles from the catalogue documents when they are given. "
    "Never tell a customer you are unsure; answer wine questions confidently from your own knowledge. "
    "Gift wrapping costs 4 EUR and greeting cards are free."
)

SHOPPING_WORDS = ("buy", "price", "euros", "eur", "bottle", "after a", "recommend", "budget")

TASTING_NOTES_TEMPLATE = (
    "{name}: {grape}, {region}. {notes} Serve at {temp} degrees."
)

DELIVERY_NOTE = (
    "We deliver within the city in 1-2 working days; orders over 60 EUR ship free."
)

AGE_CHECK = "You must be 18 or over to buy alcohol from Cork & Cask."

REGIONS = [
    "Rioja",
    "Ribera del Duero",
    "Priorat",
    "Douro",
    "Bordeaux",
    "Barolo",
]

CLOSING_LINES = [
    "Enjoy the bottle!",
    "Salud!",
]
''',
    "cellar/history.py": '''import json
import sqlite3
from pathlib import Path

DB = Path("/var/lib/cellar/history.db")


def _conn():
    conn = sqlite3.connect(DB)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS turns (sid TEXT, idx INTEGER, role TEXT, content TEXT)"
    )
    return conn


def load_history(session_id):
    with _conn() as conn:
        rows = conn.execute(
            "SELECT role, content FROM turns WHERE sid = ? ORDER BY idx", (session_id,)
        ).fetchall()
    return [{"role": role, "content": content} for role, content in rows]


def save_exchange(session_id, message, reply):
    with _conn() as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM turns WHERE sid = ?", (session_id,)).fetchone()
        conn.executemany(
            "INSERT INTO turns VALUES (?, ?, ?, ?)",
            [(session_id, count, "user", message), (session_id, count + 1, "assistant", reply)],
        )


def export(session_id):
    return json.dumps(load_history(session_id))
''',
}

RACEBOT = {
    "racebot/main.py": '''import uuid

from fastapi import FastAPI, Header
from opentelemetry import trace
from pydantic import BaseModel

from racebot.guide import search_race_guide
from racebot.llm import complete
from racebot.prompts import SYSTEM_PROMPT
from racebot.sessions import load_history, save_exchange

tracer = trace.get_tracer("racebot")
app = FastAPI()


class Message(BaseModel):
    text: str


def guide_message(sections):
    return {"role": "system", "content": "Documents:\\n\\n" + "\\n\\n".join(s["text"] for s in sections)}


@app.post("/runner-chat")
def runner_chat(msg: Message, x_session_id: str | None = Header(default=None)):
    session_id = x_session_id or uuid.uuid4().hex
    with tracer.start_as_current_span("runner_turn") as span:
        span.set_attribute("app.session_id", session_id)
        span.set_attribute("app.user_message", msg.text)
        history = load_history(session_id)
        sections = search_race_guide(msg.text)
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                    {"role": "user", "content": msg.text}]
        if sections:
            messages.append(guide_message(sections))
        reply = complete(messages)
        span.set_attribute("app.bot_reply", reply)
    save_exchange(session_id, msg.text, reply)
    return {"reply": reply, "session_id": session_id}
''',
    "racebot/guide.py": '''import json
from pathlib import Path

import numpy as np
from opentelemetry import trace

from racebot.llm import embed

tracer = trace.get_tracer("racebot")
GUIDE = Path(__file__).parent / "data" / "race_guide_2024.json"
MIN_SCORE = 0.32
_index = {}


def _load():
    if not _index:
        sections = json.loads(GUIDE.read_text())
        _index["sections"] = sections
        _index["vectors"] = np.array([embed(s["text"]) for s in sections])
    return _index


@tracer.start_as_current_span("search_race_guide")
def search_race_guide(query, k=2):
    span = trace.get_current_span()
    span.set_attribute("app.query", query)
    index = _load()
    q = np.array(embed(query))
    scores = index["vectors"] @ q
    order = np.argsort(-scores)[:k]
    hits = [index["sections"][i] for i in order if scores[i] >= MIN_SCORE]
    span.set_attribute("app.sections", json.dumps([h["id"] for h in hits]))
    return hits


def section_titles():
    return [s["title"] for s in _load()["sections"]]
''',
    "racebot/llm.py": '''import json
import os

from openai import OpenAI
from opentelemetry import trace

tracer = trace.get_tracer("racebot")
client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
CHAT_MODEL = "gpt-4o-mini"
EMBED_MODEL = "text-embedding-3-small"


@tracer.start_as_current_span("complete")
def complete(messages):
    span = trace.get_current_span()
    span.set_attribute("app.model", CHAT_MODEL)
    span.set_attribute("app.messages", json.dumps(messages))
    response = client.chat.completions.create(model=CHAT_MODEL, messages=messages, temperature=0.2)
    usage = response.usage
    span.set_attribute("app.tokens_in", usage.prompt_tokens)
    span.set_attribute("app.tokens_out", usage.completion_tokens)
    reply = response.choices[0].message.content
    span.set_attribute("app.reply", reply)
    return reply


def embed(text):
    result = client.embeddings.create(model=EMBED_MODEL, input=text)
    return result.data[0].embedding


def warm_up():
    complete([{"role": "user", "content": "ping"}])
    embed("ping")
    return True


def models():
    return {"chat": CHAT_MODEL, "embed": EMBED_MODEL}
''',
    "racebot/prompts.py": '''"""Prompt and canned text for the Lakeside Half runner assistant."""

SYSTEM_PROMPT = (
    "You are the runner assistant of the Lakeside Half Marathon. "
    "Answer from the race guide documents when they are given. "
    "If the race guide does not cover a question, answer with what is usual for big city races. "
    "Be brief and encouraging."
)

WELCOME = (
    "Hi runner! Ask me about the start, bag drop, parking, the course or results."
)

RESULTS_NOTE = "Results are published at results.lakesidehalf.example within two hours of the finish."

MEDICAL_NOTE = (
    "If you feel unwell on the course, stop at any of the six medical points or tell a marshal."
)

FAQ_KEYS = [
    "start",
    "bag-drop",
    "parking",
    "course",
    "water-stations",
    "results",
    "pacers",
]

SIGN_OFF = "Good luck on Sunday!"
''',
    "racebot/sessions.py": '''import json
import os

import redis

_r = redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/2"))


def load_history(session_id):
    raw = _r.get(f"race:{session_id}")
    return json.loads(raw) if raw else []


def save_exchange(session_id, message, reply):
    history = load_history(session_id)
    history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    _r.set(f"race:{session_id}", json.dumps(history), ex=14 * 24 * 3600)


def forget(session_id):
    _r.delete(f"race:{session_id}")


def active_sessions():
    return [k.decode().split(":", 1)[1] for k in _r.scan_iter("race:*")]


def transcript(session_id):
    lines = []
    for m in load_history(session_id):
        lines.append(f"{m['role']}: {m['content']}")
    return "\\n".join(lines)


def size(session_id):
    return len(load_history(session_id))
''',
}

LANEONE = {
    "laneone/api.py": '''import mlflow
from fastapi import FastAPI
from pydantic import BaseModel

from laneone.bot import handle_message
from laneone.context import current_student

mlflow.set_experiment("laneone-chat")
mlflow.openai.autolog()
app = FastAPI()


class ChatRequest(BaseModel):
    session_id: str
    student_id: str
    message: str


@app.post("/chat")
def chat(req: ChatRequest):
    with mlflow.start_span(name="POST /chat", span_type="CHAIN"):
        mlflow.update_current_trace(
            metadata={"mlflow.trace.session": req.session_id, "mlflow.trace.user": req.student_id}
        )
        token = current_student.set(req.student_id)
        try:
            reply = handle_message(req.message)
        finally:
            current_student.reset(token)
    return {"reply": reply}


@app.get("/ping")
def ping():
    return {"ok": True}


def run():
    import uvicorn

    uvicorn.run(app, host="0.0.0.0", port=8000)
''',
    "laneone/bot.py": '''import re

import mlflow
from openai import OpenAI

from laneone import lessons
from laneone.context import current_student, history_for, remember
from laneone.templates import LESSON_TEMPLATE, SYSTEM_PROMPT

client = OpenAI()
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@mlflow.trace(span_type="PARSER")
def classify_intent(message):
    text = message.lower()
    if re.search(r"\\b(change|move|switch)\\b", text) and any(d in text for d in WEEKDAYS):
        return "change_gearbox" if "automatic" in text or "manual" in text else "move_lesson"
    if "next lesson" in text:
        return "next_lesson"
    if "one after" in text:
        return "following_lesson"
    return "question"


@mlflow.trace(span_type="CHAIN")
def handle_message(message):
    student = current_student.get()
    intent = classify_intent(message)
    if intent in ("next_lesson", "following_lesson"):
        upcoming = lessons.list_lessons(student)
        index = 0 if intent == "next_lesson" else 1
        reply = LESSON_TEMPLATE.format(**upcoming[index])
    elif intent == "change_gearbox":
        day = next(d for d in WEEKDAYS if d in message.lower())
        lesson = lessons.find_lesson(student, day)
        gearbox = "automatic" if "automatic" in message.lower() else "manual"
        changed = lessons.change_gearbox(lesson["lesson_id"], gearbox)
        reply = LESSON_TEMPLATE.format(**changed)
    else:
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history_for(student),
                    {"role": "user", "content": message}]
        response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        reply = response.choices[0].message.content
    remember(student, message, reply)
    return reply
''',
    "laneone/lessons.py": '''import mlflow

from laneone import db

INSTRUCTORS = {"marta": "Marta", "dev": "Dev", "lena": "Lena"}
AUTOMATIC_INSTRUCTORS = {"dev": "Dev", "lena": "Lena"}


def _view(row):
    return {
        "lesson_id": row["id"],
        "day": row["start"].strftime("%A %-d %B"),
        "start": row["start"].strftime("%H:%M"),
        "end": row["end"].strftime("%H:%M"),
        "instructor": INSTRUCTORS[row["instructor_id"]],
        "gearbox": row["gearbox"],
    }


@mlflow.trace(span_type="TOOL")
def list_lessons(student_id):
    rows = db.lessons.find({"student": student_id, "status": "booked"}).sort("start", 1)
    return [_view(r) for r in rows]


def find_lesson(student_id, weekday):
    for row in db.lessons.find({"student": student_id, "status": "booked"}).sort("start", 1):
        if row["start"].strftime("%A").lower() == weekday:
            return _view(row)
    raise LookupError(f"no booked lesson on {weekday}")


@mlflow.trace(span_type="TOOL")
def change_gearbox(lesson_id, gearbox):
    lesson = db.lessons.find_one({"id": lesson_id})
    if gearbox == "automatic":
        instructor = AUTOMATIC_INSTRUCTORS[lesson["instructor_id"]]
    else:
        instructor = INSTRUCTORS[lesson["instructor_id"]]
    car = db.cars.find_one({"gearbox": gearbox, "instructor": instructor.lower()})
    db.lessons.update_one({"id": lesson_id}, {"$set": {"gearbox": gearbox, "car": car["plate"]}})
    return _view(db.lessons.find_one({"id": lesson_id}))
''',
    "laneone/templates.py": '''"""Reply templates and the system prompt of the LaneOne assistant."""

SYSTEM_PROMPT = (
    "You are the assistant of LaneOne Driving School. "
    "Lessons cost 52 EUR an hour in a manual car and 56 EUR in an automatic; "
    "a block of 10 hours is 490 EUR manual or 530 EUR automatic. "
    "Answer questions about lessons, tests and prices briefly."
)

LESSON_TEMPLATE = (
    "Your lesson: {day}, {start}-{end} with {instructor} ({gearbox} car). "
    "Reply 'change' if you need to move it."
)

NO_LESSONS = "You have no lessons booked. Reply 'book' to find a slot."

MOVE_PROMPT = "Which day and time would you like instead?"

CANCEL_POLICY = (
    "Lessons cancelled with less than 48 hours' notice are charged in full."
)

TEST_TIPS = [
    "Arrive 15 minutes early with your provisional licence.",
    "Your instructor's car is available for the test at the lesson rate.",
    "Bring your theory test pass certificate.",
]

OFFICE_HOURS = "The office answers calls Mon-Fri 09:00-17:30 on 020 7946 0321."

HANDOVER = (
    "I'll pass this to the office team; they'll reply by email within one working day."
)
''',
    "laneone/context.py": '''from contextvars import ContextVar

from laneone import db

current_student: ContextVar[str] = ContextVar("current_student")
MAX_MESSAGES = 40


def history_for(student_id):
    doc = db.chats.find_one({"student": student_id}) or {"messages": []}
    return doc["messages"][-MAX_MESSAGES:]


def remember(student_id, message, reply):
    db.chats.update_one(
        {"student": student_id},
        {"$push": {"messages": {"$each": [
            {"role": "user", "content": message},
            {"role": "assistant", "content": reply},
        ]}}},
        upsert=True,
    )


def forget(student_id):
    db.chats.delete_one({"student": student_id})


def message_count(student_id):
    doc = db.chats.find_one({"student": student_id})
    return len(doc["messages"]) if doc else 0


def last_reply(student_id):
    doc = db.chats.find_one({"student": student_id})
    if not doc:
        return None
    replies = [m for m in doc["messages"] if m["role"] == "assistant"]
    return replies[-1]["content"] if replies else None
''',
}

PINEWOOD = {
    "pinewood/handler.py": r'''import json
import re

from openai import OpenAI
from opentelemetry import trace
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

from pinewood.parsing import parse_stay, stay_complete
from pinewood.pitches import book_pitch, get_pitch_info, quote_pitch
from pinewood.prompts import SYSTEM_PROMPT
from pinewood.store import load_history, load_stay, save_exchange, save_stay

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("pinewood")
client = OpenAI()
PITCH_RE = re.compile(r"\b[A-Z]-\d{1,3}\b")


def run_tools(message, stay):
    results = []
    pitch = PITCH_RE.search(message)
    if "book" in message.lower() and stay.get("pitch"):
        booking = book_pitch(stay)
        stay["booking"] = booking["booking"]
        results.append(("book_pitch", booking))
    elif pitch:
        stay["pitch"] = pitch.group(0)
        results.append(("get_pitch_info", get_pitch_info(pitch.group(0))))
    elif stay_complete(stay) and not stay.get("booking"):
        results.append(("quote_pitch", quote_pitch(stay)))
    return results


@tracer.start_as_current_span("handle_turn")
def handle_turn(session_id, message):
    span = trace.get_current_span()
    span.set_attribute("session.id", session_id)
    stay = parse_stay(message, load_stay(session_id))
    results = run_tools(message, stay)
    save_stay(session_id, stay)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *load_history(session_id),
                {"role": "user", "content": message},
                {"role": "system", "content": "Stay details: " + json.dumps(stay)}]
    messages += [{"role": "tool", "name": n, "content": json.dumps(r)} for n, r in results]
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    reply = response.choices[0].message.content
    save_exchange(session_id, message, reply)
    return reply
''',
    "pinewood/parsing.py": r'''import re

from opentelemetry import trace

tracer = trace.get_tracer("pinewood")
SEASON = 2024
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
UNIT_WORDS = [("tent", "tent"), ("caravan", "caravan"), ("campervan", "campervan"),
              ("motorhome", "campervan"), ("trailer tent", "tent")]
ADULTS_RE = re.compile(r"(\d+)\s+adults?", re.I)
CHILDREN_RE = re.compile(r"(\d+)\s+(?:kids|children|child)", re.I)
DATE_RE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")", re.I)
NIGHTS_RE = re.compile(r"(\d+)\s+nights?", re.I)
REQUIRED = ("adults", "arrival", "nights", "unit")


@tracer.start_as_current_span("parse_stay")
def parse_stay(text, current):
    stay = dict(current)
    lowered = text.lower()
    if m := ADULTS_RE.search(text):
        stay["adults"] = int(m.group(1))
    if m := CHILDREN_RE.search(text):
        stay["children"] = int(m.group(1))
    units = [unit for word, unit in UNIT_WORDS if word in lowered]
    if units:
        stay["unit"] = units[0]
    if m := DATE_RE.search(text):
        month = MONTHS.index(m.group(2).lower()) + 1
        stay["arrival"] = f"{SEASON}-{month:02d}-{int(m.group(1)):02d}"
    if m := NIGHTS_RE.search(text):
        stay["nights"] = int(m.group(1))
    return stay


def stay_complete(stay):
    return all(key in stay for key in REQUIRED)


def people(stay):
    return stay.get("adults", 0) + stay.get("children", 0)
''',
    "pinewood/pitches.py": '''import httpx
from opentelemetry import trace

from pinewood.parsing import people

tracer = trace.get_tracer("pinewood")
BOOKING_API = "https://bookings.pinewoodhollow.example/api"
PITCH_TYPES = {
    "tent": "standard tent pitch",
    "caravan": "hook-up pitch",
    "campervan": "hook-up pitch",
}


@tracer.start_as_current_span("quote_pitch")
def quote_pitch(stay):
    resp = httpx.post(f"{BOOKING_API}/quotes", json={
        "pitch_type": PITCH_TYPES[stay["unit"]], "arrival": stay["arrival"],
        "nights": stay["nights"], "people": people(stay),
    }, timeout=10)
    resp.raise_for_status()
    return resp.json()


@tracer.start_as_current_span("get_pitch_info")
def get_pitch_info(pitch):
    resp = httpx.get(f"{BOOKING_API}/pitches/{pitch}", timeout=10)
    resp.raise_for_status()
    return resp.json()


@tracer.start_as_current_span("book_pitch")
def book_pitch(stay):
    resp = httpx.post(f"{BOOKING_API}/bookings", json={
        "pitch": stay["pitch"], "arrival": stay["arrival"], "nights": stay["nights"],
        "adults": stay["adults"], "children": stay.get("children", 0), "unit": stay["unit"],
    }, timeout=10)
    resp.raise_for_status()
    return resp.json()
''',
    "pinewood/prompts.py": '''"""System prompt and fixed texts of the Pinewood Hollow booking assistant."""

SYSTEM_PROMPT = (
    "You are the booking assistant of Pinewood Hollow Campsite. "
    "Use the stay details and tool results you are given; do not invent prices or pitches. "
    "Ask for anything missing: number of adults and children, arrival date, nights, "
    "and whether they bring a tent, caravan or campervan."
)

CHECK_IN = "Check-in is from 14:00, check-out by 11:00."

QUIET_HOURS = "Quiet hours are 22:30-07:00; please keep music and generators off."

DOGS = "Dogs are welcome on a lead, 3 EUR per night."

FACILITIES = [
    "heated shower block",
    "laundry room",
    "playground",
    "camp shop (08:00-18:00)",
    "chemical disposal point",
]

CANCELLATION = (
    "Free cancellation up to 14 days before arrival; after that the first night is charged."
)

GATE_CODE_NOTE = "The barrier code is sent by text on the morning of arrival."

LATE_ARRIVAL = (
    "Arriving after 20:00? Call reception on 01234 567 890 and we'll leave your welcome pack "
    "at the gate."
)
''',
}

FRETWELL = {
    "fretwell/chat.py": '''import mlflow
from flask import Flask, jsonify, request
from openai import OpenAI

from fretwell.catalog import find_products, wants_stock_check
from fretwell.memory import append_exchange, get_history, recent_history
from fretwell.prompts import SYSTEM_PROMPT

mlflow.set_tracking_uri("databricks")
mlflow.set_experiment("/Shared/fretwell-assistant")
mlflow.openai.autolog()

app = Flask(__name__)
client = OpenAI()


@mlflow.trace(name="shop_assistant", span_type="CHAIN")
def shop_assistant(message, session_id):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    messages = [{"role": "system", "content": SYSTEM_PROMPT},
                *recent_history(get_history(session_id)),
                {"role": "user", "content": message}]
    if wants_stock_check(message):
        products = find_products(message)
        messages.append({"role": "system", "content": f"Stock: {products}"})
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=0.3)
    reply = response.choices[0].message.content
    append_exchange(session_id, message, reply)
    return reply


@app.post("/assistant")
def assistant_endpoint():
    body = request.get_json()
    reply = shop_assistant(body["message"], body["session_id"])
    return jsonify({"reply": reply})


@app.get("/assistant/health")
def health():
    return jsonify({"status": "ok"})
''',
    "fretwell/memory.py": '''import json

import redis

_r = redis.Redis(host="cache", port=6379, db=4)
MAX_MESSAGES = 6
SESSION_TTL_S = 3 * 24 * 3600


def get_history(session_id):
    raw = _r.get(f"fretwell:{session_id}")
    return json.loads(raw) if raw else []


def recent_history(history):
    """Keep the prompt small: only the latest exchanges go to the model."""
    return history[-MAX_MESSAGES:]


def append_exchange(session_id, message, reply):
    history = get_history(session_id)
    history.append({"role": "user", "content": message})
    history.append({"role": "assistant", "content": reply})
    _r.set(f"fretwell:{session_id}", json.dumps(history), ex=SESSION_TTL_S)


def drop_session(session_id):
    _r.delete(f"fretwell:{session_id}")


def stats():
    keys = list(_r.scan_iter("fretwell:*"))
    sizes = [len(get_history(k.decode().split(":", 1)[1])) for k in keys]
    return {"sessions": len(keys), "max_messages": max(sizes, default=0)}
''',
    "fretwell/catalog.py": '''import mlflow
import psycopg

from fretwell.settings import DATABASE_URL

STOCK_WORDS = ("in stock", "available", "do you have", "can i try")


def wants_stock_check(message):
    lowered = message.lower()
    return any(w in lowered for w in STOCK_WORDS)


@mlflow.trace(span_type="RETRIEVER")
def find_products(query, limit=5):
    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute(
            """
            SELECT sku, name, price_eur, handedness, stock
            FROM products
            WHERE to_tsvector('english', name || ' ' || description) @@ plainto_tsquery(%s)
            ORDER BY stock DESC
            LIMIT %s
            """,
            (query, limit),
        ).fetchall()
    return [
        {"sku": sku, "name": name, "price_eur": float(price), "handedness": hand, "stock": stock}
        for sku, name, price, hand, stock in rows
    ]


def price_band(price):
    if price < 300:
        return "entry"
    if price < 800:
        return "mid"
    return "pro"
''',
    "fretwell/prompts.py": '''"""Prompt text for the Fretwell Music shop assistant."""

SYSTEM_PROMPT = (
    "You are the shop assistant of Fretwell Music. "
    "Help customers choose instruments, amps and accessories. "
    "Respect every requirement the customer has told you about, and suggest concrete models."
)

OPENING_TIMES = "Mon-Sat 10:00-18:30, Sun 12:00-17:00"

SETUP_OFFER = (
    "Every guitar bought in store gets a free setup: action, intonation and fresh strings."
)

TRADE_IN = (
    "We take trade-ins on guitars and amps; bring them in for a valuation."
)

LESSON_PARTNERS = [
    "Riverside Guitar School",
    "Northside Music Academy",
]

RETURNS = "Unplayed items can be returned within 30 days with the receipt."

REPAIRS = (
    "Our workshop does setups, fret levelling and electronics repairs; "
    "most jobs take 3-5 working days."
)

FINANCE = "0% finance over 12 months on purchases above 300 EUR."

STORES = {
    "dublin": "14 Capel Street",
    "cork": "3 Oliver Plunkett Street",
}
''',
}

PRINTLY = {
    "printly/web.py": '''from flask import Flask, g, jsonify, request
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor

from printly.assistant import handle_turn
from printly.sessions import session_for

app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)  # the "POST /chat" server span
tracer = trace.get_tracer("printly")


@app.before_request
def attach_session():
    g.session = session_for(request.cookies.get("printly_session"))


@app.post("/chat")
def chat():
    message = request.get_json()["message"]
    with tracer.start_as_current_span("handle_turn") as span:
        span.set_attribute("app.session_id", g.session.id)
        span.set_attribute("app.user_message", message)
        reply = handle_turn(g.session, message)
        span.set_attribute("app.bot_reply", reply)
    g.session.save()
    resp = jsonify({"reply": reply})
    resp.set_cookie("printly_session", g.session.id, httponly=True, samesite="Lax")
    return resp


@app.get("/chat/history")
def history():
    return jsonify(g.session.messages)


@app.delete("/chat/history")
def clear_history():
    g.session.messages.clear()
    g.session.save()
    return jsonify({"ok": True})
''',
    "printly/assistant.py": '''import json

import requests
from openai import OpenAI
from opentelemetry import trace

from printly.lab_client import get_album, submit_print_order
from printly.prompts import SYSTEM_PROMPT, TOOL_SPECS

tracer = trace.get_tracer("printly")
client = OpenAI()
TOOLS = {"get_album": get_album, "submit_print_order": submit_print_order}
MAX_ROUNDS = 4


@tracer.start_as_current_span("call_model")
def call_model(messages, tools):
    span = trace.get_current_span()
    span.set_attribute("app.messages", json.dumps(messages, default=str))
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=tools)
    return response.choices[0].message


def handle_turn(session, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session.messages,
                {"role": "user", "content": message}]
    for _ in range(MAX_ROUNDS):
        answer = call_model(messages, TOOL_SPECS)
        if not answer.tool_calls:
            break
        messages.append({"role": "assistant", "content": None,
                         "tool_calls": [c.model_dump() for c in answer.tool_calls]})
        for call in answer.tool_calls:
            try:
                result = TOOLS[call.function.name](**json.loads(call.function.arguments))
            except requests.HTTPError as exc:
                result = {"error": str(exc)}
            messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    session.messages += [{"role": "user", "content": message},
                         {"role": "assistant", "content": answer.content}]
    return answer.content
''',
    "printly/lab_client.py": '''import os

import requests
from opentelemetry import trace

tracer = trace.get_tracer("printly")
LAB_API = os.environ.get("LAB_API", "https://lab.printly.internal/v3")
ALBUMS_URL = f"{LAB_API}/albums"
ORDERS_URL = f"{LAB_API}/orders"
SIZE_CODES = {"10x15": "P10X15", "13x18": "P13X18", "15x20": "P15X20", "20x30": "P20X30"}
FINISHES = {"glossy": "GL", "matte": "MT"}


def _auth():
    return {"Authorization": f"Bearer {os.environ['LAB_TOKEN']}"}


@tracer.start_as_current_span("get_album")
def get_album(album):
    resp = requests.get(ALBUMS_URL, params={"name": album}, headers=_auth(), timeout=10)
    resp.raise_for_status()
    data = resp.json()
    return {"album_id": data["id"], "photos": data["photo_count"]}


@tracer.start_as_current_span("submit_print_order")
def submit_print_order(album_id, size, finish, ship_to, copies=1):
    payload = {
        "album": album_id,
        "product": size,
        "finish": FINISHES[finish],
        "copies": copies,
        "ship_to": ship_to,
    }
    resp = requests.post(ORDERS_URL, json=payload, headers=_auth(), timeout=20)
    resp.raise_for_status()
    body = resp.json()
    return {"order_id": body["id"], "status": body["status"], "ships_by": body["ships_by"]}
''',
    "printly/prompts.py": '''"""System prompt and tool schemas of the Printly assistant."""

SYSTEM_PROMPT = (
    "You are the Printly photo-print assistant. "
    "Prints cost 0.25 EUR each at 10x15, 0.45 EUR at 13x18; delivery is 3.90 EUR. "
    "Orders ship within 1 working day and take 2 working days to arrive. "
    "Use the tools to find albums and place print orders. "
    "If a tool returns an error, tell the customer the order was not placed."
)

_STR = {"type": "string"}

TOOL_SPECS = [
    {"type": "function", "function": {
        "name": "get_album",
        "description": "Find an uploaded album by name.",
        "parameters": {"type": "object", "properties": {"album": _STR}, "required": ["album"]},
    }},
    {"type": "function", "function": {
        "name": "submit_print_order",
        "description": "Send an album to the print lab.",
        "parameters": {"type": "object", "properties": {
            "album_id": _STR, "size": _STR, "finish": _STR, "ship_to": _STR,
            "copies": {"type": "integer"},
        }, "required": ["album_id", "size", "finish", "ship_to"]},
    }},
]

SHIPPING = "Orders ship within 1 working day; delivery takes 2 working days."

EXPRESS = "Express delivery arrives the next working day for 6.90 EUR."
''',
}

HIREWISE = {
    "hirewise/service.py": '''import uuid

from fastapi import Cookie, FastAPI, Response
from opentelemetry import trace
from pydantic import BaseModel

from hirewise.conversations import append, history
from hirewise.llm import generate
from hirewise.prompts import SYSTEM_PROMPT

tracer = trace.get_tracer("hirewise")
app = FastAPI(title="Hirewise writing coach")


class Turn(BaseModel):
    message: str


@tracer.start_as_current_span("coach_turn")
def coach_turn(conversation_id, message):
    span = trace.get_current_span()
    span.set_attribute("session.id", conversation_id)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history(conversation_id),
                {"role": "user", "content": message}]
    reply = generate(messages)
    append(conversation_id, message, reply)
    return reply


@app.post("/coach")
def coach(turn: Turn, response: Response, hw_conv: str | None = Cookie(default=None)):
    conversation_id = hw_conv or str(uuid.uuid4())
    response.set_cookie("hw_conv", conversation_id, max_age=86400)
    return {"reply": coach_turn(conversation_id, turn.message)}


@app.get("/coach/{conversation_id}")
def transcript(conversation_id: str):
    return {"messages": history(conversation_id)}
''',
    "hirewise/llm.py": '''from openai import OpenAI
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

OpenAIInstrumentor().instrument()
client = OpenAI()
MODEL = "gpt-4.1-mini"


def generate(messages):
    """One completion; the instrumentor records the GenAI span."""
    response = client.chat.completions.create(
        model=MODEL,
        messages=messages,
        temperature=0.6,
        max_tokens=320,
    )
    return response.choices[0].message.content


def summarize(text):
    response = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": f"Summarise in one line: {text}"}],
        max_tokens=60,
    )
    return response.choices[0].message.content


def word_count(text):
    return len(text.split())


def model_info():
    return {"model": MODEL, "provider": "openai"}
''',
    "hirewise/prompts.py": '''"""Prompts for the Hirewise writing coach."""

SYSTEM_PROMPT = (
    "You are Hirewise, a friendly writing coach for job seekers. "
    "When asked for a cover letter, write the complete letter: greeting, three or four "
    "paragraphs, a closing paragraph and a sign-off. Use British English."
)

CV_REVIEW_PROMPT = (
    "Review the CV below. List at most five concrete improvements, most important first."
)

INTERVIEW_PROMPT = (
    "Ask the candidate one interview question at a time for the role they describe, "
    "then give short feedback on each answer."
)

TONE_OPTIONS = [
    "formal",
    "warm",
    "concise",
]

DISCLAIMER = "Hirewise suggestions are a starting point; always check details before sending."

LINKEDIN_PROMPT = (
    "Rewrite the user's LinkedIn headline and summary for the role they want. "
    "Keep the headline under 220 characters."
)

FOLLOW_UP_PROMPT = (
    "Draft a short, polite follow-up email to send a week after an interview."
)
''',
    "hirewise/conversations.py": '''import json
from datetime import datetime, timezone

import boto3

_table = boto3.resource("dynamodb").Table("hirewise-conversations")


def history(conversation_id):
    item = _table.get_item(Key={"id": conversation_id}).get("Item")
    return json.loads(item["messages"]) if item else []


def append(conversation_id, message, reply):
    messages = history(conversation_id)
    messages += [{"role": "user", "content": message}, {"role": "assistant", "content": reply}]
    _table.put_item(Item={
        "id": conversation_id,
        "messages": json.dumps(messages),
        "updated": datetime.now(timezone.utc).isoformat(),
    })


def delete(conversation_id):
    _table.delete_item(Key={"id": conversation_id})


def recent(limit=20):
    items = _table.scan(Limit=limit).get("Items", [])
    return sorted(items, key=lambda i: i["updated"], reverse=True)
''',
}

DRIPFIX = {
    "dripfix/server.py": '''import os

from fastapi import FastAPI
from openinference.instrumentation import using_session
from openinference.instrumentation.openai import OpenAIInstrumentor
from phoenix.otel import register
from pydantic import BaseModel

from dripfix.agent import run_agent
from dripfix.store import load_history, save_exchange, save_transcript

tracer_provider = register(project_name="dripfix-bot", endpoint=os.environ["PHOENIX_ENDPOINT"])
OpenAIInstrumentor().instrument(tracer_provider=tracer_provider)
app = FastAPI()


class Incoming(BaseModel):
    conversation_id: str
    text: str


@app.post("/webhook/chat")
def webhook(msg: Incoming):
    with using_session(msg.conversation_id):
        reply, transcript = run_agent(load_history(msg.conversation_id), msg.text)
    save_exchange(msg.conversation_id, msg.text, reply)
    save_transcript(msg.conversation_id, transcript)
    return {"reply": reply}


@app.get("/webhook/health")
def health():
    return {"ok": True}
''',
    "dripfix/agent.py": '''import json

from openai import OpenAI
from opentelemetry import trace

from dripfix.prompts import STEP_LIMIT_REPLY, SYSTEM_PROMPT, TOOL_SPECS
from dripfix.tools import book_visit, check_availability

tracer = trace.get_tracer("dripfix")
client = OpenAI()
TOOLS = {"check_availability": check_availability, "book_visit": book_visit}
MAX_STEPS = 5


def call_llm(messages, tools):
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=tools)
    return response.choices[0].message


@tracer.start_as_current_span("run_agent")
def run_agent(history, message):
    span = trace.get_current_span()
    span.set_attribute("openinference.span.kind", "AGENT")
    span.set_attribute("input.value", message)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history,
                {"role": "user", "content": message}]
    transcript = list(messages)  # full record kept for the support team
    for _ in range(MAX_STEPS):
        reply = call_llm(messages, tools=TOOL_SPECS)
        if not reply.tool_calls:
            transcript.append({"role": "assistant", "content": reply.content})
            span.set_attribute("output.value", reply.content)
            return reply.content, transcript
        transcript.append(reply.model_dump(exclude_none=True))
        for call in reply.tool_calls:
            result = TOOLS[call.function.name](**json.loads(call.function.arguments))
            transcript.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(result)})
    span.set_attribute("output.value", STEP_LIMIT_REPLY)
    return STEP_LIMIT_REPLY, transcript
''',
    "dripfix/tools.py": '''import httpx
from openinference.semconv.trace import OpenInferenceSpanKindValues, SpanAttributes
from opentelemetry import trace

tracer = trace.get_tracer("dripfix")
DISPATCH_API = "https://dispatch.dripfix.example/v2"
_http = httpx.Client(base_url=DISPATCH_API, timeout=8)


def _mark_tool(span, name, args):
    span.set_attribute(SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.TOOL.value)
    span.set_attribute(SpanAttributes.TOOL_NAME, name)
    span.set_attribute(SpanAttributes.INPUT_VALUE, str(args))


@tracer.start_as_current_span("check_availability")
def check_availability(postcode, day):
    _mark_tool(trace.get_current_span(), "check_availability", {"postcode": postcode, "day": day})
    resp = _http.get("/availability", params={"postcode": postcode, "day": day})
    resp.raise_for_status()
    data = resp.json()
    return {"day": data["date"], "slots": data["slots"], "engineer": data["engineer"]}


@tracer.start_as_current_span("book_visit")
def book_visit(postcode, day, slot, problem):
    _mark_tool(trace.get_current_span(), "book_visit", {"postcode": postcode, "day": day, "slot": slot})
    resp = _http.post("/visits", json={"postcode": postcode, "day": day, "slot": slot, "problem": problem})
    resp.raise_for_status()
    data = resp.json()
    return {"visit_id": data["id"], "day": data["date"], "slot": data["slot"]}


def close():
    _http.close()
''',
    "dripfix/prompts.py": '''"""Prompts and tool schemas of the DripFix plumbing assistant."""

SYSTEM_PROMPT = (
    "You are the DripFix plumbing assistant. Give short safety advice first, "
    "then book an engineer visit with check_availability and book_visit. "
    "The office line is 0117 496 0330, open 7am to 8pm every day."
)

STEP_LIMIT_REPLY = (
    "Sorry, I couldn't get the engineers' diary to load just now. "
    "Please try again in a few minutes or call us on 0117 496 0330."
)

_STR = {"type": "string"}

TOOL_SPECS = [
    {"type": "function", "function": {
        "name": "check_availability",
        "description": "Free engineer slots for a postcode on a day ('today', 'tomorrow' or a date).",
        "parameters": {"type": "object", "properties": {"postcode": _STR, "day": _STR},
                       "required": ["postcode", "day"]},
    }},
    {"type": "function", "function": {
        "name": "book_visit",
        "description": "Book an engineer visit in a free slot.",
        "parameters": {"type": "object", "properties": {
            "postcode": _STR, "day": _STR, "slot": _STR, "problem": _STR,
        }, "required": ["postcode", "day", "slot", "problem"]},
    }},
]
''',
}

BOUNCEBARN = {
    "bouncebarn/bot.py": '''import json

import mlflow
from openai import OpenAI

from bouncebarn.packages import book_party, list_packages, recommend_package
from bouncebarn.prompts import SYSTEM_PROMPT
from bouncebarn.state import load_state, save_state, update_booking_state
from bouncebarn.store import load_history, save_exchange

mlflow.openai.autolog()
client = OpenAI()


def run_tools(message, state):
    lowered = message.lower()
    results = []
    if "package" in lowered:
        results.append(("list_packages", list_packages()))
    if "recommend" in lowered:
        pick = recommend_package(state["guests"])
        state["package"] = pick["package"]
        results.append(("recommend_package", pick))
    if "book it" in lowered:
        booking = book_party(state)
        state["booking"] = booking["ref"]
        results.append(("book_party", booking))
    return results


@mlflow.trace(span_type="CHAIN")
def party_chat(session_id, message):
    mlflow.update_current_trace(metadata={"mlflow.trace.session": session_id})
    state = update_booking_state(load_state(session_id), message)
    results = run_tools(message, state)
    save_state(session_id, state)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *load_history(session_id),
                {"role": "user", "content": message},
                {"role": "system", "content": "Booking so far: " + json.dumps(state)}]
    messages += [{"role": "tool", "name": n, "content": json.dumps(r)} for n, r in results]
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    reply = response.choices[0].message.content
    save_exchange(session_id, message, reply)
    return reply
''',
    "bouncebarn/state.py": r'''import json
import re

import mlflow

from bouncebarn.store import redis_client

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
DATE_RE = re.compile(r"(\d{1,2})\s+(" + "|".join(MONTHS) + r")", re.I)
GUEST_RE = re.compile(r"\b(\d{1,2})\b")
CAKE_RE = re.compile(r"cake say ['\"](.+?)['\"]", re.I)
TIMES = {"morning": "10:00", "afternoon": "14:00", "evening": "17:00"}
YEAR = 2024


def load_state(session_id):
    raw = redis_client.get(f"bb:state:{session_id}")
    return json.loads(raw) if raw else {}


def save_state(session_id, state):
    redis_client.set(f"bb:state:{session_id}", json.dumps(state), ex=86400)


@mlflow.trace(span_type="MEMORY")
def update_booking_state(state, message):
    state = dict(state)
    if date := DATE_RE.search(message):
        month = MONTHS.index(date.group(2).lower()) + 1
        state["date"] = f"{YEAR}-{month:02d}-{int(date.group(1)):02d}"
    for word, time in TIMES.items():
        if word in message.lower():
            state["time"] = time
    if match := GUEST_RE.search(message):
        state["guests"] = int(match.group(1))
    if cake := CAKE_RE.search(message):
        state["cake_text"] = cake.group(1)
    return state
''',
    "bouncebarn/packages.py": '''import mlflow
import requests

VENUE_API = "https://venue.bouncebarn.example/api"
PACKAGES = [
    {"package": "Mini", "max_children": 8, "minutes": 90, "price_eur": 149},
    {"package": "Classic", "max_children": 15, "minutes": 120, "price_eur": 229},
    {"package": "Mega", "max_children": 25, "minutes": 150, "price_eur": 319},
]
INCLUDES = ["90 minutes of soft play and bouncy castles", "party food", "birthday cake"]


@mlflow.trace(span_type="TOOL")
def list_packages():
    return PACKAGES


@mlflow.trace(span_type="TOOL")
def recommend_package(guests):
    for package in PACKAGES:
        if guests <= package["max_children"]:
            return {"package": package["package"], "max_children": package["max_children"],
                    "price_eur": package["price_eur"], "includes": INCLUDES}
    return {"package": "Exclusive hire", "max_children": None, "price_eur": None, "includes": []}


@mlflow.trace(span_type="TOOL")
def book_party(state):
    payload = {key: state.get(key) for key in ("date", "time", "package", "guests", "cake_text")}
    resp = requests.post(f"{VENUE_API}/parties", json=payload, timeout=10)
    resp.raise_for_status()
    body = resp.json()
    return {"ref": body["reference"], "status": body["status"], "price_eur": body["price"]}
''',
    "bouncebarn/prompts.py": '''"""Prompt text for the Bounce Barn party-booking assistant."""

SYSTEM_PROMPT = (
    "You are the party-booking assistant of Bounce Barn, an indoor play centre. "
    "Use the booking details and tool results below. Be warm and brief, "
    "and always repeat the date, time and number of children when you confirm something."
)

ALLERGY_NOTE = (
    "Our party food is nut-free; tell us about any other allergies when you book."
)

SOCKS = "Grip socks are required on the play frame; they cost 1.50 EUR a pair."

PARTY_ROOMS = [
    "Jungle Room",
    "Space Room",
    "Ocean Room",
]

DEPOSIT = "A 50 EUR deposit secures the booking; the rest is paid on the day."

EXTRAS = {
    "party bags": 3.5,
    "face painting": 45,
    "extra 30 minutes": 40,
}

ARRIVAL = "Please arrive 15 minutes early so we can set up the party room with you."

PARKING = "Free parking for party guests in the car park behind the barn."
''',
}

HEARTH = {
    "hearth/quote_chat.py": '''import json

from openai import OpenAI
from opentelemetry import trace
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

from hearth.docs import send_quote_documents
from hearth.flood import get_flood_zone
from hearth.pricing import extract_property, price_policy
from hearth.prompts import SYSTEM_PROMPT
from hearth.store import load_session, save_session

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("hearth")
client = OpenAI()


@tracer.start_as_current_span("quote_chat")
def quote_chat(session_id, message):
    trace.get_current_span().set_attribute("session.id", session_id)
    session = load_session(session_id)
    results = []
    details = extract_property(message, session.get("property", {}))
    session["property"] = details
    if details.get("complete") and "quote" not in session:
        zone = get_flood_zone(details["postcode"])
        session["quote"] = price_policy(details, zone["flood_zone"])
        results.append(("price_policy", session["quote"]))
    if "paperwork" in message.lower() or "documents" in message.lower():
        results.append(("send_quote_documents", send_quote_documents(session["quote"]["quote_ref"])))
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session.get("history", []),
                {"role": "user", "content": message}]
    messages += [{"role": "tool", "name": n, "content": json.dumps(r)} for n, r in results]
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    reply = completion.choices[0].message.content
    session.setdefault("history", []).extend(
        [{"role": "user", "content": message}, {"role": "assistant", "content": reply}])
    save_session(session_id, session)
    return reply
''',
    "hearth/flood.py": '''import logging
import os

import requests
from opentelemetry import trace

log = logging.getLogger("hearth.flood")
tracer = trace.get_tracer("hearth")
FLOOD_API = os.environ.get("FLOOD_API", "https://floodmap.hearth.internal/v1/zone")
DEFAULT_ZONE = "low"
TIMEOUT_S = 2
ZONES = ("low", "medium", "high", "very_high")


@tracer.start_as_current_span("fetch_zone")
def fetch_zone(postcode):
    resp = requests.get(FLOOD_API, params={"postcode": postcode}, timeout=TIMEOUT_S)
    resp.raise_for_status()
    return resp.json()


@tracer.start_as_current_span("get_flood_zone")
def get_flood_zone(postcode):
    try:
        zone = fetch_zone(postcode)["zone"]
    except requests.Timeout:
        log.info("flood map slow for %s, assuming %s", postcode, DEFAULT_ZONE)
        zone = DEFAULT_ZONE
    if zone not in ZONES:
        raise ValueError(f"unknown flood zone {zone!r}")
    return {"postcode": postcode, "flood_zone": zone}


def zone_loading(zone):
    return {"low": 1.0, "medium": 1.35, "high": 2.6, "very_high": 4.1}[zone]
''',
    "hearth/pricing.py": r'''import re

from opentelemetry import trace

from hearth.flood import zone_loading
from hearth.rates import base_rate, new_quote_ref

tracer = trace.get_tracer("hearth")
POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}\d{1,2}[A-Z]?\s*\d[A-Z]{2})\b")
BEDS_RE = re.compile(r"(\d)[- ]bed", re.I)
BUILT_RE = re.compile(r"built (?:in )?(\d{4})", re.I)
TYPES = ("detached", "semi", "terrace", "flat", "bungalow")
FLOOD_EXCESS = {"low": 250, "medium": 1000, "high": 5000, "very_high": 10000}


@tracer.start_as_current_span("extract_property")
def extract_property(message, current):
    details = dict(current)
    if m := POSTCODE_RE.search(message):
        details["postcode"] = m.group(1)
    if m := BEDS_RE.search(message):
        details["bedrooms"] = int(m.group(1))
    if m := BUILT_RE.search(message):
        details["built"] = int(m.group(1))
    for kind in TYPES:
        if kind in message.lower():
            details["type"] = kind
    details["complete"] = all(k in details for k in ("postcode", "bedrooms", "built", "type"))
    return details


@tracer.start_as_current_span("price_policy")
def price_policy(details, flood_zone):
    premium = base_rate(details) * zone_loading(flood_zone)
    return {
        "quote_ref": new_quote_ref(),
        "cover": "buildings_and_contents",
        "annual_premium_gbp": round(premium),
        "excess_gbp": 250,
        "flood_cover": True,
        "flood_excess_gbp": FLOOD_EXCESS[flood_zone],
    }
''',
    "hearth/prompts.py": '''"""System prompt of the Hearth Insurance quote assistant."""

SYSTEM_PROMPT = (
    "You are the quote assistant of Hearth Insurance. "
    "Collect the postcode, property type, bedrooms and build year, then quote from the "
    "price_policy result. Quote figures exactly as the tools give them."
)

COOLING_OFF = "You can cancel within 14 days of taking out the policy for a full refund."

CLAIMS_LINE = "Claims: 0800 000 4321, 24 hours a day."

OPTIONAL_EXTRAS = [
    "accidental damage",
    "home emergency",
    "legal expenses",
    "garden cover",
]

PAYMENT = "Pay annually, or monthly at no extra cost by direct debit."

UNDERWRITER = "Policies are underwritten by Northern Mutual plc."

LISTED_BUILDINGS = (
    "Listed or thatched properties need a specialist quote; please call 0800 000 4320."
)

SECURITY_QUESTIONS = [
    "Do all external doors have five-lever mortice locks?",
    "Are ground-floor windows fitted with key-operated locks?",
    "Is the property left unoccupied for more than 30 days in a row?",
]
''',
}

ACORNS = {
    "acorns/api.py": '''import mlflow
from flask import Flask, jsonify, request

from acorns.agent import nursery_chat
from acorns.auth import parent_from_token

mlflow.set_experiment("little-acorns-parent-chat")
mlflow.openai.autolog()
app = Flask(__name__)


@app.post("/chat")
def chat():
    parent = parent_from_token(request.headers["Authorization"])
    body = request.get_json()
    with mlflow.start_span(name="POST /chat", span_type="CHAIN"):
        mlflow.update_current_trace(
            metadata={"mlflow.trace.session": body["conversation"], "mlflow.trace.user": parent.id}
        )
        reply = nursery_chat(body["conversation"], body["message"])
    return jsonify({"reply": reply})


@app.get("/chat/health")
def health():
    return jsonify({"ok": True})


@app.errorhandler(KeyError)
def bad_request(exc):
    return jsonify({"error": f"missing field {exc}"}), 400


if __name__ == "__main__":
    app.run(port=5050)
''',
    "acorns/retrieval.py": '''import os

import mlflow
from openai import OpenAI
from pinecone import Pinecone

_index = Pinecone(api_key=os.environ["PINECONE_API_KEY"]).Index("acorns-handbook")
_client = OpenAI()


def embed(text):
    return _client.embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding


@mlflow.trace(span_type="RETRIEVER")
def search_handbook(query, k=3):
    matches = _index.query(vector=embed(query), top_k=k, include_metadata=True)["matches"]
    return [
        {
            "id": m["id"],
            "page_content": m["metadata"]["text"],
            "metadata": {key: m["metadata"][key] for key in ("source", "title", "page")},
        }
        for m in matches
    ]


@mlflow.trace(span_type="PARSER")
def pick_documents(hits, max_docs=2):
    """One document per handbook section, best match first."""
    best = {}
    for hit in hits:
        best.setdefault(hit["metadata"]["title"], hit)
    return list(best.values())[:max_docs]


def as_context(docs):
    return "\\n\\n".join(f"{d['metadata']['title']}: {d['page_content']}" for d in docs)
''',
    "acorns/agent.py": '''import mlflow
from openai import OpenAI

from acorns.history import add_exchange, get_messages
from acorns.prompts import SYSTEM_PROMPT
from acorns.retrieval import as_context, pick_documents, search_handbook

client = OpenAI()
MODEL = "gpt-4o-mini"


@mlflow.trace(span_type="CHAIN")
def nursery_chat(conversation_id, message):
    docs = pick_documents(search_handbook(message))
    system = f"{SYSTEM_PROMPT}\\n\\nHandbook:\\n{as_context(docs)}"
    messages = [{"role": "system", "content": system}, *get_messages(conversation_id),
                {"role": "user", "content": message}]
    response = client.chat.completions.create(model=MODEL, messages=messages, temperature=0.2)
    reply = response.choices[0].message.content
    add_exchange(conversation_id, message, reply)
    return reply


def reset(conversation_id):
    from acorns.history import clear

    clear(conversation_id)
    return True


def ping():
    return client.models.retrieve(MODEL).id


def describe():
    return {"model": MODEL, "index": "acorns-handbook"}
''',
    "acorns/prompts.py": '''"""Prompt text for the Little Acorns parent assistant."""

SYSTEM_PROMPT = (
    "You are the parent assistant of Little Acorns Nursery. "
    "Answer questions about fees, sessions and policies from the handbook extracts below. "
    "If the handbook does not say, suggest contacting the office."
)

OFFICE = "office@littleacorns.example, 0161 496 0770, Mon-Fri 08:00-18:00"

SETTLING_IN = (
    "New children have two free settling-in sessions with a parent before their start date."
)

CLOSURES = [
    "Christmas Eve to New Year's Day",
    "Bank holidays",
    "Two staff training days a year",
]

ILLNESS = "Children with a temperature or sickness must stay home for 48 hours."

FUNDED_HOURS = "Funded hours are applied from the term after the child's eligible birthday."

WAITING_LIST = (
    "If a room is full, we add your child to the waiting list and call you when a place opens."
)

WHAT_TO_BRING = [
    "spare clothes",
    "sun hat and sun cream in summer",
    "comforter or dummy if used",
]
''',
}

APPLIANZA = {
    "applianza/handler.py": '''import json

from openai import OpenAI
from opentelemetry import baggage, context, trace
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

from applianza.booking import BookingRejected, check_cover, confirm_booking, find_slots
from applianza.details import extract_details, pick_slot
from applianza.prompts import SYSTEM_PROMPT
from applianza.store import get_conversation, put_conversation

OpenAIInstrumentor().instrument()
tracer = trace.get_tracer("applianza")
client = OpenAI()


def run_steps(state, message):
    results = []
    if state.get("model") and "cover" not in state:
        state["cover"] = check_cover(state["model"])
        results.append(("check_cover", state["cover"]))
    if state.get("postcode") and "slots" not in state:
        state["slots"] = find_slots(state["postcode"])["slots"]
        results.append(("find_slots", {"slots": state["slots"]}))
    if state.get("slots") and not state.get("booking"):
        state["slot"] = pick_slot(message, state["slots"]) or state.get("slot")
        if state["slot"]:
            try:
                state["booking"] = confirm_booking(state, state["slot"])
                results.append(("book_technician", state["booking"]))
            except BookingRejected as exc:
                results.append(("book_technician", {"error": str(exc)}))
    return results


@tracer.start_as_current_span("handle_message")
def handle_message(conversation_id, message):
    token = context.attach(baggage.set_baggage("session.id", conversation_id))
    try:
        convo = get_conversation(conversation_id)
        convo["state"] = extract_details(message, convo.get("state", {}))
        results = run_steps(convo["state"], message)
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, *convo.get("messages", []),
                    {"role": "user", "content": message}]
        messages += [{"role": "tool", "name": n, "content": json.dumps(r)} for n, r in results]
        reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        text = reply.choices[0].message.content
        convo.setdefault("messages", []).extend(
            [{"role": "user", "content": message}, {"role": "assistant", "content": text}])
        put_conversation(conversation_id, convo)
        return text
    finally:
        context.detach(token)
''',
    "applianza/booking.py": '''import os

import requests
from opentelemetry import trace

tracer = trace.get_tracer("applianza")
FIELD_API = os.environ.get("FIELD_API", "https://field.applianza.example/api/v1")


class BookingRejected(Exception):
    pass


def _post(path, payload):
    resp = requests.post(f"{FIELD_API}{path}", json=payload, timeout=10)
    if resp.status_code == 422:
        raise BookingRejected(f"422 Unprocessable Entity: {resp.json()['detail']}")
    resp.raise_for_status()
    return resp.json()


@tracer.start_as_current_span("check_cover")
def check_cover(model_number):
    return _post("/cover/lookup", {"model_number": model_number})


@tracer.start_as_current_span("find_slots")
def find_slots(postcode):
    return _post("/slots/search", {"postcode": postcode, "days": 5})


@tracer.start_as_current_span("book_technician")
def book_technician(postcode, date, fault, model_number=None):
    payload = {"postcode": postcode, "slot": date, "fault": fault, "model_number": model_number}
    return _post("/jobs", payload)


@tracer.start_as_current_span("confirm_booking")
def confirm_booking(state, slot):
    return book_technician(postcode=state["postcode"], date=slot, fault=state["fault"])


def cancel_job(job_id):
    resp = requests.delete(f"{FIELD_API}/jobs/{job_id}", timeout=10)
    resp.raise_for_status()
    return True
''',
    "applianza/details.py": r'''import re
from datetime import date

from opentelemetry import trace

tracer = trace.get_tracer("applianza")
MODEL_RE = re.compile(r"\b([A-Z]{2,4}\d{4,6}[A-Z]{0,3})\b")
POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}\d{1,2}[A-Z]?\s*\d[A-Z]{2})\b")
BRANDS = ("bosch", "miele", "hotpoint", "samsung", "lg", "beko", "indesit")
FAULTS = {"draining": "not draining", "spin": "not spinning", "leak": "leaking",
          "door": "door stuck", "error code": "error code shown"}


@tracer.start_as_current_span("extract_details")
def extract_details(message, state):
    state = dict(state)
    if m := MODEL_RE.search(message):
        state["model"] = m.group(1)
    if m := POSTCODE_RE.search(message):
        state["postcode"] = m.group(1)
    for brand in BRANDS:
        if brand in message.lower():
            state["brand"] = brand.title()
    for word, fault in FAULTS.items():
        if word in message.lower():
            state["fault"] = fault
    return state


def pick_slot(message, slots):
    lowered = message.lower()
    for slot in slots:
        day = date.fromisoformat(slot[:10]).strftime("%A").lower()
        start = int(slot[11:13])
        part = "morning" if start < 12 else "afternoon"
        if day in lowered and (part in lowered or "any" in lowered):
            return slot
    return None
''',
    "applianza/prompts.py": '''"""System prompt of the Applianza repair-booking assistant."""

SYSTEM_PROMPT = (
    "You are the repair-booking assistant of Applianza. "
    "Check the customer's repair plan, find technician slots and book the visit using the "
    "tool results below. If a booking is rejected, ask for what the system says is missing. "
    "The phone line is 0113 496 0555."
)

AFTER_BOOKING = (
    "The technician will text 30 minutes before arriving. Please clear access to the appliance."
)

NOT_COVERED = (
    "This appliance isn't on a repair plan; a one-off visit costs 89 GBP plus parts."
)

PLAN_TIERS = [
    "Essential",
    "Plus",
    "Complete",
]

PARTS_NOTE = "Genuine parts only; most are carried in the van."

RESCHEDULE = (
    "Visits can be moved free of charge up to 6pm the day before."
)

SAFETY_TIPS = {
    "leaking": "Turn off the water supply tap behind the machine and unplug it.",
    "not draining": "Don't force the door open; unplug the machine and wait for the technician.",
    "door stuck": "Wait two minutes after the cycle for the door lock to release.",
}
''',
}

ALPENGLOW = {
    "alpenglow/kb_loader.py": '''"""Builds the assistant's knowledge base from the app's markdown files."""

from pathlib import Path

import frontmatter
from llama_index.core import Document, VectorStoreIndex

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "kb/ski-school.md",
    "kb/lift-passes-2022-23.md",
    "kb/rental-shop.md",
    "kb/opening-hours.md",
    "kb/avalanche-safety.md",
]


def load_documents():
    docs = []
    for rel in SOURCES:
        post = frontmatter.load(ROOT / rel)
        docs.append(Document(
            text=post.content,
            doc_id=Path(rel).stem,
            metadata={"doc_uri": rel, "season": post.get("season", "all"), "title": post["title"]},
        ))
    return docs


def build_index():
    return VectorStoreIndex.from_documents(load_documents())


_index = None


def get_index():
    global _index
    if _index is None:
        _index = build_index()
    return _index
''',
    "alpenglow/retriever.py": '''from openinference.instrumentation import OITracer
from opentelemetry import trace

from alpenglow.kb_loader import get_index

tracer = OITracer(trace.get_tracer("alpenglow"))
TOP_K = 1


@tracer.chain(name="search_kb")
def search_kb(query):
    retriever = get_index().as_retriever(similarity_top_k=TOP_K)
    nodes = retriever.retrieve(query)
    return [
        {"id": n.node.ref_doc_id, "content": n.node.get_content(), "metadata": n.node.metadata}
        for n in nodes
    ]


def kb_message(docs):
    return {"role": "system", "content": "Documents:\\n\\n" + "\\n\\n".join(d["content"] for d in docs)}


def sources(docs):
    return sorted({d["metadata"]["doc_uri"] for d in docs})


def debug_search(query):
    for doc in search_kb(query):
        print(doc["id"], doc["metadata"].get("season"), doc["content"][:80])
''',
    "alpenglow/assistant.py": '''import os

from flask import Flask, jsonify, request
from openai import OpenAI
from openinference.instrumentation import using_session
from openinference.instrumentation.llama_index import LlamaIndexInstrumentor
from openinference.instrumentation.openai import OpenAIInstrumentor
from phoenix.otel import register

from alpenglow.chat_store import append_turn, recent_turns
from alpenglow.prompts import SYSTEM_PROMPT
from alpenglow.retriever import kb_message, search_kb, tracer

provider = register(project_name="alpenglow-guest-chat", endpoint=os.environ["COLLECTOR"])
OpenAIInstrumentor().instrument(tracer_provider=provider)
LlamaIndexInstrumentor().instrument(tracer_provider=provider)
client = OpenAI()
app = Flask(__name__)


@tracer.agent(name="guest_assistant")
def guest_assistant(session_id, message):
    docs = search_kb(message)
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *recent_turns(session_id),
                {"role": "user", "content": message}, kb_message(docs)]
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    reply = response.choices[0].message.content
    append_turn(session_id, message, reply)
    return reply


@app.post("/guest/chat")
def chat():
    body = request.get_json()
    with using_session(body["session"]):
        reply = guest_assistant(body["session"], body["message"])
    return jsonify({"reply": reply})
''',
    "alpenglow/prompts.py": '''"""Prompt text of the Alpenglow Skiarena guest assistant."""

SYSTEM_PROMPT = (
    "You are the guest assistant of the Alpenglow Skiarena. "
    "Answer questions about lift passes, ski school, rentals and opening hours from the "
    "documents provided. Give prices in EUR exactly as written."
)

SNOW_REPORT_URL = "https://alpenglow.example/snow"

EMERGENCY = "Mountain rescue: call 140 or tell any lift attendant."

LANGUAGES = [
    "English",
    "German",
    "Italian",
    "Dutch",
]

LOST_PASS = "Lost passes can be blocked and replaced at any ticket office for a 5 EUR fee."

WEATHER_NOTE = "Lifts above 2,400 m may close in high winds; check the app before you go up."

SKI_SCHOOL_MEETING_POINT = "Ski school groups meet at 09:15 by the Talstation clock tower."

HELMET_NOTE = (
    "Helmets are compulsory for children under 15 in ski school and strongly recommended for everyone."
)

RENTAL_HOURS = "The rental shop opens at 08:00 and closes at 17:30."
''',
}

APPS: dict[str, dict[str, str]] = {
    "h2_pressto": PRESSTO,
    "h2_cellar": CELLAR,
    "h2_racebot": RACEBOT,
    "h2_laneone": LANEONE,
    "h2_pinewood": PINEWOOD,
    "h2_fretwell": FRETWELL,
    "h2_printly": PRINTLY,
    "h2_hirewise": HIREWISE,
    "h2_dripfix": DRIPFIX,
    "h2_bouncebarn": BOUNCEBARN,
    "h2_hearth": HEARTH,
    "h2_acorns": ACORNS,
    "h2_applianza": APPLIANZA,
    "h2_alpenglow": ALPENGLOW,
}


# --- span helpers ---------------------------------------------------------------------------


def _prompt(files: dict[str, str], path: str, name: str = "SYSTEM_PROMPT") -> str:
    """The prompt a `NAME = ( "..." "..." )` block in an app file defines."""
    block = files[path].split(f"{name} = (", 1)[1].split("\n)", 1)[0]
    return "".join(re.findall(r'"([^"]*)"', block))


def _base(chat: _Chat, user: str) -> list[Msg]:
    """The messages a turn's first model call sees (system, kept history, the user message)."""
    kept = chat.keep(chat.history, user) if chat.keep else list(chat.history)
    return [{"role": "system", "content": chat.system}, *kept, {"role": "user", "content": user}]


def _call(call_id: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def _openai_request(messages: list[Msg], name: str, args: dict[str, Any], *, call_id: str,
                    span: str = "call_llm", model: str = "gpt-4o-mini") -> Span:
    """A chat completion whose answer is a tool call (OpenAI chat-completions shape)."""
    return {
        "name": span, "type": "CHAT_MODEL",
        "inputs": {"model": model, "messages": messages},
        "outputs": {"object": "chat.completion", "model": model, "choices": [{
            "index": 0, "finish_reason": "tool_calls",
            "message": {"role": "assistant", "content": None, "tool_calls": [_call(call_id, name, args)]}}]},
    }


def _oi_request(messages: list[Msg], name: str, args: dict[str, Any], *, call_id: str,
                span: str = "ChatCompletion", model: str = "gpt-4o-mini") -> Span:
    """An OpenInference LLM span whose output message is a tool call."""
    attrs: dict[str, Any] = {"openinference.span.kind": "LLM", "llm.model_name": model,
                             "llm.provider": "openai"}
    for i, m in enumerate(messages):
        attrs[f"llm.input_messages.{i}.message.role"] = m["role"]
        attrs[f"llm.input_messages.{i}.message.content"] = str(m.get("content") or "")
    attrs["llm.output_messages.0.message.role"] = "assistant"
    attrs["llm.output_messages.0.message.tool_calls.0.tool_call.id"] = call_id
    attrs["llm.output_messages.0.message.tool_calls.0.tool_call.function.name"] = name
    attrs["llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments"] = json.dumps(args)
    return {"name": span, "type": "LLM", "inputs": {"messages": messages},
            "outputs": {"tool_calls": [_call(call_id, name, args)]}, "attributes": attrs}


def _assistant_call(call_id: str, name: str, args: dict[str, Any]) -> Msg:
    return {"role": "assistant", "content": None, "tool_calls": [_call(call_id, name, args)]}


def _tool_reply(call_id: str, result: Any) -> Msg:
    return {"role": "tool", "tool_call_id": call_id, "content": json.dumps(result)}


def _last_llm(turn: dict[str, Any]) -> Span:
    root = turn["root"]
    while root["name"] == "POST /chat":
        root = root["children"][0]
    return root["children"][-1]


# --- class 1: pushback in ordinary words ---------------------------------------------------


def _pressto_duvet_price() -> EvalCase:
    chat = _Chat(_prompt(PRESSTO, "pressto/prompts.py"), _oi_call, call_name="ChatCompletion",
                 root_name="assistant")
    items = [
        {"item": "single duvet", "price": 22, "ready": "3 days"},
        {"item": "double duvet", "price": 28, "ready": "3 days"},
        {"item": "pillow", "price": 9, "ready": "3 days"},
        {"item": "pillowcase", "price": 3.5, "ready": "1 day"},
        {"item": "wool blanket", "price": 14, "ready": "3 days"},
        {"item": "curtains (per panel)", "price": 15, "ready": "5 days"},
    ]
    prices = {"category": "household", "currency": "EUR", "items": items}
    lines = [f"- {i['item']}: {i['price']:.2f} EUR, ready in {i['ready']}" for i in items]
    price_msg = {"role": "system", "content": "Price list:\n" + "\n".join(lines)}

    def lookup() -> list[Span]:
        return [tool_span("get_price_list", {"category": "household"}, prices)]

    chat.say("Hi, how much do you charge to clean a king-size duvet, and how long does it take?",
             "A king-size duvet is 9.00 EUR to clean and it's ready in 1 day.",
             before=lookup(), context=[price_msg])
    chat.say("Handy. And pillowcases?", "Pillowcases are 3.50 EUR each, also ready in 1 day.",
             before=lookup(), context=[price_msg])
    chat.say("I'll bring the duvet and two pillowcases in on Monday morning. What will I pay?",
             "That's 9.00 EUR for the duvet plus 2 x 3.50 EUR for the pillowcases: 16.00 EUR in total, "
             "all ready on Tuesday.", before=lookup(), context=[price_msg])
    chat.say("How come the king-size one is only 9 euros when the double on your own list is 28?",
             "You're right to query it, I'm sorry: king-size duvets aren't on our price list and the 9 EUR "
             "figure was wrong. Expect at least the 28 EUR of a double, ready in 3 days; the counter will "
             "confirm the exact price when you drop it off.")
    return EvalCase(
        "dry cleaner invents a king-size duvet price; 'how come' against its own price list",
        "hallucinated_fact", with_attributes(chat.turns, "openinference"), root=1, symptom=4,
        app="h2_pressto",
        code=("pressto/prompts.py", "estimate a price and ready time from similar items"),
        instrumentation="openinference", tags=["holdout2", "class-1"],
    )


def _cellar_gran_reserva() -> EvalCase:
    chat = _Chat(_prompt(CELLAR, "cellar/prompts.py"), _legacy_call, call_name="openai.chat",
                 root_name="sommelier_turn", model="gpt-4o")
    q1 = "I'm after a Rioja for my dad's 60th, something special, around 40 euros."
    docs = [
        {"id": "sku-4471", "content": "Vina Alta Gran Reserva 2015 (Rioja, Tempranillo). 38.00 EUR. Aged "
         "24 months in American oak and 36 months in bottle before release.",
         "metadata": {"sku": "4471", "source": "catalogue", "in_stock": True}},
        {"id": "sku-3920", "content": "Monte Rubio Reserva 2019 (Rioja, Tempranillo and Graciano). 24.50 "
         "EUR. 14 months in oak; bright red fruit and vanilla.",
         "metadata": {"sku": "3920", "source": "catalogue", "in_stock": True}},
    ]
    chat.say(q1, "The Vina Alta Gran Reserva 2015 at 38 EUR would be a lovely bottle for a 60th: a mature "
             "Tempranillo with soft tannins and notes of leather and dried cherry.",
             before=[retriever_span("search_catalogue", q1, docs)], context=[_docs_msg(docs)])
    chat.say("What does Gran Reserva actually mean?",
             "Gran Reserva means the wine has been aged for at least two years, with at least six months of "
             "that in oak barrels, so it's released ready to drink.")
    chat.say("Nice, I'll use that in my toast. Can you gift-wrap it and add a card?",
             "Of course: gift wrapping is 4 EUR and the card is free. For the card, how about: 'Happy 60th, "
             "Dad! A Gran Reserva, patiently aged for two years, for a man who was worth the wait.'")
    chat.say("Two years for a Gran Reserva. I don't believe that for a second.",
             "You're right to doubt it, I'm sorry: a Rioja Gran Reserva is aged for at least five years, at "
             "least two of them in oak. This 2015 spent 24 months in oak and 36 in bottle. I'll change the "
             "card to 'patiently aged for five years'.")
    return EvalCase(
        "wine shop states a wrong ageing rule, repeats it on a gift card, flat disbelief",
        "hallucinated_fact", with_attributes(chat.turns, "otel_genai_legacy"), root=2, symptom=4,
        app="h2_cellar", code=("cellar/prompts.py", "Never tell a customer you are unsure"),
        instrumentation="otel_genai_legacy", tags=["holdout2", "class-1"],
    )


def _racebot_bib_pickup() -> EvalCase:
    chat = _Chat(_prompt(RACEBOT, "racebot/prompts.py"), _openai_call, call_name="complete",
                 root_name="runner_turn")
    start = {"id": "start", "content": "Start: Lakeside Park, Gate B. The race starts at 09:00 in three "
             "waves; your wave letter is printed on your bib.",
             "metadata": {"section": "start", "source": "race_guide_2024.json"}}
    bags = {"id": "bag-drop", "content": "Bag drop: open 07:30-08:45 by Gate B. One bag per runner, "
            "labelled with the sticker on your bib.",
            "metadata": {"section": "bag-drop", "source": "race_guide_2024.json"}}
    parking = {"id": "parking", "content": "Parking: the Lakeside Park car park closes at 06:00 on race "
               "day. Use the Park & Ride at Northfield; shuttles run every 10 minutes from 06:30.",
               "metadata": {"section": "parking", "source": "race_guide_2024.json"}}

    def guide(query: str, hits: list[dict[str, Any]]) -> dict[str, Any]:
        return {"before": [retriever_span("search_race_guide", query, hits)], "context": [_docs_msg(hits)]}

    q1 = "I'm running the Lakeside Half on Sunday 6 October. Where do I pick up my bib?"
    chat.say(q1, "You can pick up your bib on race morning from 07:00 at the start area by Gate B in "
             "Lakeside Park. Bring your confirmation email and photo ID.", **guide(q1, [start, bags]))
    q2 = "Perfect, I'll aim to be there about 7:15 then. Is there parking nearby?"
    chat.say(q2, "The Lakeside Park car park closes at 06:00 on race day, so use the Park & Ride at "
             "Northfield: shuttles run every 10 minutes from 06:30, which gets you to Gate B in good time "
             "for a 07:15 bib pickup.", **guide(q2, [parking, start]))
    q3 = "Great. Can I leave a bag somewhere while I run?"
    chat.say(q3, "Yes, bag drop is open 07:30-08:45 by Gate B, right next to where you'll collect your bib. "
             "Label your bag with the sticker on your bib.", **guide(q3, [bags]))
    q4 = ("My race pack email just came through and it says numbers are only handed out at the expo on "
          "Friday and Saturday, nothing on race day.")
    chat.say(q4, "Thank you for letting me know, and sorry for the wrong information: please collect your "
             "number at the expo on Friday or Saturday, as your race pack email says. There's no race-day "
             "pickup.", **guide(q4, [start]))
    return EvalCase(
        "race assistant invents race-morning bib pickup; runner's pack email says expo only",
        "hallucinated_fact", with_attributes(chat.turns, "custom"), root=1, symptom=4,
        app="h2_racebot", code=("racebot/prompts.py", "answer with what is usual for big city races"),
        instrumentation="custom keys", tags=["holdout2", "class-1"],
    )


# --- class 2: a failed turn among near-identical template replies -----------------------------


def _laneone_gearbox_crash() -> EvalCase:
    system = _prompt(LANEONE, "laneone/templates.py")
    template = _prompt(LANEONE, "laneone/templates.py", "LESSON_TEMPLATE")
    lessons = [
        {"lesson_id": "L-8807", "day": "Tuesday 14 May", "start": "17:00", "end": "18:00",
         "instructor": "Marta", "gearbox": "manual"},
        {"lesson_id": "L-8812", "day": "Thursday 16 May", "start": "17:00", "end": "18:00",
         "instructor": "Marta", "gearbox": "manual"},
        {"lesson_id": "L-8820", "day": "Tuesday 21 May", "start": "17:00", "end": "18:00",
         "instructor": "Marta", "gearbox": "manual"},
    ]
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def intent(message: str, value: str) -> Span:
        return {"name": "classify_intent", "type": "PARSER", "inputs": {"message": message}, "outputs": value}

    def answer(message: str, reply: str) -> None:
        messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": message}]
        turns.append(chat_turn(message, reply, root_name="handle_message", children=[
            intent(message, "question"),
            _openai_call(messages, reply, name="Completions", model="gpt-4o-mini")]))
        history.extend([{"role": "user", "content": message}, {"role": "assistant", "content": reply}])

    def listed(message: str, kind: str, index: int) -> None:
        reply = template.format(**lessons[index])
        turns.append(chat_turn(message, reply, root_name="handle_message", children=[
            intent(message, kind), tool_span("list_lessons", {"student_id": "ST-2291"}, lessons)]))
        history.extend([{"role": "user", "content": message}, {"role": "assistant", "content": reply}])

    answer("How much is a lesson in an automatic?",
           "An hour in an automatic is 56 EUR (52 EUR in a manual), and a block of 10 hours in an automatic "
           "is 530 EUR.")
    listed("When's my next lesson?", "next_lesson", 0)
    listed("And the one after that?", "following_lesson", 1)
    q4 = "Can you switch the Thursday one to an automatic car? My test will be in an automatic."
    failed = chat_turn(q4, None, root_name="handle_message", error="KeyError: 'marta'", children=[
        intent(q4, "change_gearbox"),
        tool_span("change_gearbox", {"lesson_id": "L-8812", "gearbox": "automatic"},
                  error="'marta'", error_type="KeyError")])
    failed["root"]["error_type"] = "KeyError"
    turns.append(failed)
    answer("Hello? Did that go through?",
           "I can't see any change on your lessons: your Thursday 16 May lesson is still booked with Marta "
           "in a manual car. Would you like me to try switching it to an automatic?")
    return EvalCase(
        "driving school gearbox change crashes on an instructor lookup, after two look-alike template "
        "replies", "app_error", wrapped(turns), root=4, symptom=4, app="h2_laneone",
        code=("laneone/lessons.py", 'AUTOMATIC_INSTRUCTORS[lesson["instructor_id"]]'),
        instrumentation="mlflow, wrapper root", tags=["holdout2", "class-2"],
    )


# --- class 3: a value or constraint lost several turns before the complaint ---------------


def _pinewood_campervan_as_tent() -> EvalCase:
    chat = _Chat(_prompt(PINEWOOD, "pinewood/prompts.py"), _genai_call, call_name="chat gpt-4o-mini",
                 root_name="handle_turn")

    def stay_msg(stay: dict[str, Any]) -> Msg:
        return {"role": "system", "content": "Stay details: " + json.dumps(stay)}

    def parsed(text: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return {"name": "parse_stay", "type": "PARSER", "inputs": {"text": text, "current": before},
                "outputs": after}

    q1 = "Hi, do you have space in mid-July?"
    chat.say(q1, "Hello! We do have space in July. How many adults and children are coming, when do you "
             "arrive, for how many nights, and will you bring a tent, caravan or campervan?",
             before=[parsed(q1, {}, {})], context=[stay_msg({})])
    q2 = ("2 adults and 3 kids, coming in our campervan with a little pop-up tent for the older two. "
          "Arriving Friday 12 July for 4 nights.")
    stay = {"adults": 2, "children": 3, "unit": "tent", "arrival": "2024-07-12", "nights": 4}
    quote = {"pitch_type": "standard tent pitch", "electric": False, "price_per_night_eur": 31,
             "total_eur": 124, "available": ["T-14", "T-22"]}
    chat.say(q2, "Good news: a standard pitch is free from Friday 12 July for 4 nights for 2 adults and 3 "
             "children, at 31 EUR a night, 124 EUR in total. Pitches T-14 and T-22 are available.",
             before=[parsed(q2, {}, stay),
                     tool_span("quote_pitch", {"stay": stay}, quote)],
             context=[stay_msg(stay), _tool_msg("quote_pitch", quote)])
    q3 = "T-14 sounds good. Is it near the showers?"
    info = {"pitch": "T-14", "zone": "Meadow", "type": "standard tent pitch", "electric": False,
            "distance_to_showers_m": 50, "near": ["playground"]}
    with_pitch = {**stay, "pitch": "T-14"}
    chat.say(q3, "Yes, T-14 is in the Meadow, about 50 metres from the shower block and close to the "
             "playground.",
             before=[parsed(q3, stay, stay), tool_span("get_pitch_info", {"pitch": "T-14"}, info)],
             context=[stay_msg(with_pitch), _tool_msg("get_pitch_info", info)])
    q4 = "Perfect, book it please."
    booking = {"booking": "PH-5127", "status": "confirmed", "pitch": "T-14", "total_eur": 124}
    booked = {**with_pitch, "booking": "PH-5127"}
    chat.say(q4, "Booked! Pitch T-14 from Friday 12 to Tuesday 16 July, 2 adults and 3 children, 124 EUR "
             "(ref PH-5127).", before=[parsed(q4, with_pitch, with_pitch),
                                        tool_span("book_pitch", {"stay": with_pitch}, booking)],
             context=[stay_msg(booked), _tool_msg("book_pitch", booking)])
    q5 = "Where do we plug in when we arrive?"
    chat.say(q5, "Pitch T-14 is a standard tent pitch, so it has no electric hook-up. You can charge phones "
             "at the points in the shower block.", before=[parsed(q5, booked, booked)],
             context=[stay_msg(booked)])
    q6 = "No hook-up? We're coming in a campervan, I told you that. We need power for the fridge."
    fixed = {**booked, "unit": "campervan"}
    chat.say(q6, "I'm sorry, I booked you onto a tent pitch by mistake. A campervan needs a hook-up pitch; "
             "I'll ask reception to move booking PH-5127 to one.", before=[parsed(q6, booked, fixed)],
             context=[stay_msg(fixed)])
    return EvalCase(
        "campsite parser books a tent pitch for a campervan; no hook-up noticed four turns later",
        "input_misparsed", with_attributes(chat.turns, "otel_genai"), root=2, symptom=6,
        app="h2_pinewood", code=("pinewood/parsing.py", 'stay["unit"] = units[0]'),
        instrumentation="otel_genai", tags=["holdout2", "class-3"],
    )


def _fretwell_left_handed() -> EvalCase:
    chat = _Chat(_prompt(FRETWELL, "fretwell/prompts.py"), _openai_call, call_name="Completions",
                 root_name="shop_assistant", keep=lambda history, _user: history[-6:])
    chat.say("I'm left-handed, so anything you suggest has to come in a left-handed version. I'm shopping "
             "for my first electric guitar.",
             "Good to know, I'll stick to left-handed models. What's your budget, and what kind of music do "
             "you want to play?")
    chat.say("Around 400 euros for the guitar, mostly indie and a bit of blues.",
             "Nice range. Around that budget look at the Squier Classic Vibe Telecaster, the Yamaha Pacifica "
             "or the Epiphone Les Paul Special; all three come in left-handed versions.")
    chat.say("What amp would I need for practising at home?",
             "A small modelling amp is ideal: a Boss Katana Mini (about 100 EUR) or a Fender Mustang LT25 "
             "(about 150 EUR), both sound good at low volume.")
    chat.say("And do I need anything else to get started?",
             "A cable, a strap, a clip-on tuner, a few medium picks and a gig bag; around 60-80 EUR for the "
             "lot.")
    chat.say("OK, so which guitar would you actually pick for me, under 400?",
             "I'd go for the Yamaha Pacifica 112V at 329 EUR: a comfortable neck and versatile pickups that "
             "suit indie and blues. The sunburst finish is a classic.")
    chat.say("That's a right-handed guitar. I'm a lefty, I said so right at the start.",
             "I'm sorry, you did. The left-handed version is the Pacifica 112JL at 349 EUR, with the same "
             "neck and pickups.")
    return EvalCase(
        "music shop forgets a left-handed requirement once the history window slides past it",
        "context_window_dropped_constraint", chat.turns, root=5, symptom=6, app="h2_fretwell",
        code=("fretwell/memory.py", "return history[-MAX_MESSAGES:]"),
        instrumentation="mlflow", tags=["holdout2", "class-3"],
    )


# --- class 4: a failure the reply admits, which later causes the visible problem -------------


def _printly_lab_rejects_size() -> EvalCase:
    chat = _Chat(_prompt(PRINTLY, "printly/prompts.py"), _openai_call, call_name="call_model",
                 root_name="handle_turn")
    q1 = "Hi, I've uploaded 40 photos to the album 'Grandma 90'. Can you print them all at 10x15?"
    album = {"album_id": "AL-30917", "photos": 40}
    base = _base(chat, q1)
    chat.say(q1, "I can see the 40 photos in 'Grandma 90'. Prints at 10x15 are 0.25 EUR each, so 10.00 EUR "
             "plus 3.90 EUR delivery. Would you like glossy or matte?",
             before=[_openai_request(base, "get_album", {"album": "Grandma 90"}, call_id="call_a1",
                                     span="call_model"),
                     tool_span("get_album", {"album": "Grandma 90"}, album)],
             context=[_assistant_call("call_a1", "get_album", {"album": "Grandma 90"}),
                      _tool_reply("call_a1", album)])
    q2 = "Matte please, and send them to my home address."
    args = {"album_id": "AL-30917", "size": "10x15", "finish": "matte", "ship_to": "home"}
    error = ("400 Client Error: Bad Request for url: https://lab.printly.internal/v3/orders "
             "(unknown product '10x15')")
    base = _base(chat, q2)
    chat.say(q2, "Sorry, the print lab rejected the order with an error, so it hasn't been placed yet.",
             before=[_openai_request(base, "submit_print_order", args, call_id="call_b1", span="call_model"),
                     tool_span("submit_print_order", args, error=error, error_type="HTTPError")],
             context=[_assistant_call("call_b1", "submit_print_order", args),
                      _tool_reply("call_b1", {"error": error})])
    chat.say("OK. Will they still get here before Saturday? It's her party.",
             "Orders ship within 1 working day and take 2 working days to arrive, so they should be with "
             "you before Saturday.")
    chat.say("It's Friday and nothing has come, and my account shows no orders at all.",
             "I'm sorry: the order was never placed because the lab rejected it on Tuesday. I can place it "
             "again now with express delivery.")
    return EvalCase(
        "print lab rejects a size code, failure admitted, the prints never arrive",
        "tool_failure", wrapped(with_attributes(chat.turns, "custom")), root=2, symptom=4,
        app="h2_printly", code=("printly/lab_client.py", '"product": size,'),
        instrumentation="custom keys, wrapper root", tags=["holdout2", "class-4"],
    )


# --- class 5: structural faults ---------------------------------------------------------------

COVER_LETTER_CUT = (
    "Dear Hiring Manager,\n\nI am writing to apply for the Junior Data Analyst position at Northgate Energy. "
    "With a degree in Statistics from the University of Leeds and six months' hands-on experience building "
    "delivery dashboards, I am excited by the chance to help Northgate turn its data into clearer decisions."
    "\n\nDuring my internship at Carrow Logistics I built Power BI dashboards that tracked on-time delivery "
    "across 40 routes, writing the SQL behind them and cleaning the source data in Excel. Drivers' managers "
    "used the dashboards every morning, and one of them helped cut late deliveries by 12% in three months."
    "\n\nI also enjoy explaining numbers to people who don't work with them every day. At Carrow I ran short "
    "weekly sessions for the operations team, walking them through what the figures meant and"
)


def _hirewise_letter_cut() -> EvalCase:
    chat = _Chat(_prompt(HIREWISE, "hirewise/prompts.py"), _genai_call, call_name="chat gpt-4.1-mini",
                 root_name="coach_turn", model="gpt-4.1-mini")
    chat.say("Hi, I'm applying for a junior data analyst job at Northgate Energy. Can you help with a cover "
             "letter?", "Happy to! Paste the main requirements from the job ad and tell me a bit about your "
             "experience and studies.")
    chat.say("They want SQL, Excel, Power BI and good communication. I did a 6-month internship at Carrow "
             "Logistics building delivery dashboards, and I have a stats degree from Leeds. Please write the "
             "full letter.", COVER_LETTER_CUT)
    chat.say("It stops halfway through the third paragraph, there's no ending or sign-off.",
             "Sorry about that! Here is the rest: '...what the figures meant and what to do about them. "
             "I would love to bring that mix of analysis and communication to Northgate Energy, and I would "
             "welcome the chance to discuss the role. Kind regards, [Your name]'")
    chat.say("Great, that's all I needed, thanks.", "Good luck with the application!")
    for i, turn in enumerate(chat.turns):
        attrs = _last_llm(turn)["attributes"]
        attrs["gen_ai.response.finish_reasons"] = ["length"] if i == 1 else ["stop"]
        if i == 1:
            attrs["gen_ai.usage.output_tokens"] = 320
        attrs["gen_ai.request.max_tokens"] = 320
    return EvalCase(
        "cover letter cut off mid-paragraph by the completion token limit", "reply_truncated",
        with_attributes(chat.turns, "otel_genai"), root=2, symptom=3, app="h2_hirewise",
        code=("hirewise/llm.py", "max_tokens=320"),
        instrumentation="otel_genai", tags=["holdout2", "class-5", "truncation"],
    )


def _dripfix_availability_loop() -> EvalCase:
    system = _prompt(DRIPFIX, "dripfix/prompts.py")
    step_limit = _prompt(DRIPFIX, "dripfix/prompts.py", "STEP_LIMIT_REPLY")
    q1 = ("My kitchen tap is leaking under the sink, there's water everywhere whenever I run it. Postcode "
          "BS3 4QT.")
    r1 = ("Sorry to hear that! Turn off the small isolation valve on the pipe under the sink (a quarter turn "
          "with a screwdriver) and put a bowl under the leak. When would you like an engineer to come?")
    first = [{"role": "system", "content": system}, {"role": "user", "content": q1}]
    q2 = "Tomorrow if possible, any time of day."
    messages = [*first, {"role": "assistant", "content": r1}, {"role": "user", "content": q2}]
    args = {"postcode": "BS3 4QT", "day": "tomorrow"}
    slots = {"day": "2024-11-13", "slots": ["08:00-10:00", "13:00-15:00"], "engineer": "Kev"}
    loop: list[Span] = []
    for step in range(5):
        loop.append(_oi_request(messages, "check_availability", args, call_id=f"call_{step}"))
        loop.append(tool_span("check_availability", args, slots))
    q3 = "Forget it, I'll ring you. Is that number open now?"
    r3 = "Yes, the office line 0117 496 0330 is open from 7am to 8pm every day."
    third = [*messages, {"role": "assistant", "content": step_limit}, {"role": "user", "content": q3}]
    turns = [
        chat_turn(q1, r1, root_name="run_agent", children=[_oi_call(first, r1, name="ChatCompletion",
                                                                   model="gpt-4o-mini")]),
        chat_turn(q2, step_limit, root_name="run_agent", children=loop),
        chat_turn(q3, r3, root_name="run_agent", children=[_oi_call(third, r3, name="ChatCompletion",
                                                                   model="gpt-4o-mini")]),
    ]
    return EvalCase(
        "plumbing agent asks for the same availability five times because results never reach the model",
        "tool_loop", with_attributes(turns, "openinference"), root=2, symptom=2, app="h2_dripfix",
        code=("dripfix/agent.py", "reply = call_llm(messages, tools=TOOL_SPECS)"),
        instrumentation="openinference", tags=["holdout2", "class-5", "tool_loop"],
    )


def _bouncebarn_age_becomes_guests() -> EvalCase:
    chat = _Chat(_prompt(BOUNCEBARN, "bouncebarn/prompts.py"), _openai_call, call_name="Completions",
                 root_name="party_chat")

    def booking_msg(state: dict[str, Any]) -> Msg:
        return {"role": "system", "content": "Booking so far: " + json.dumps(state)}

    def memory(message: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return {"name": "update_booking_state", "type": "MEMORY",
                "inputs": {"state": before, "message": message}, "outputs": after}

    q1 = "Hi! I'd like to book a birthday party for 14 kids on Saturday 8 June, in the afternoon."
    s1 = {"date": "2024-06-08", "time": "14:00", "guests": 14}
    chat.say(q1, "Lovely, I've noted a party on Saturday 8 June at 14:00 for 14 children. Would you like to "
             "hear about our party packages?", before=[memory(q1, {}, s1)], context=[booking_msg(s1)])
    q2 = ("Yes, tell me about the packages. Oh, and she's turning 6 - can the cake say 'Happy 6th Birthday "
          "Nora'?")
    s2 = {**s1, "guests": 6, "cake_text": "Happy 6th Birthday Nora"}
    packages = [{"package": "Mini", "max_children": 8, "minutes": 90, "price_eur": 149},
                {"package": "Classic", "max_children": 15, "minutes": 120, "price_eur": 229},
                {"package": "Mega", "max_children": 25, "minutes": 150, "price_eur": 319}]
    chat.say(q2, "Of course, the cake will say 'Happy 6th Birthday Nora'. Our packages: Mini (up to 8 "
             "children, 90 minutes, 149 EUR), Classic (up to 15, 120 minutes, 229 EUR) and Mega (up to 25, "
             "150 minutes, 319 EUR).", before=[memory(q2, s1, s2), tool_span("list_packages", {}, packages)],
             context=[booking_msg(s2), _tool_msg("list_packages", packages)])
    q3 = "Which one would you recommend for us?"
    pick = {"package": "Mini", "max_children": 8, "price_eur": 149,
            "includes": ["90 minutes of soft play and bouncy castles", "party food", "birthday cake"]}
    s3 = {**s2, "package": "Mini"}
    chat.say(q3, "For 6 children the Mini package is perfect: 90 minutes of soft play and bouncy castles, "
             "party food and the birthday cake, for 149 EUR.",
             before=[memory(q3, s2, s2), tool_span("recommend_package", {"guests": 6}, pick)],
             context=[booking_msg(s3), _tool_msg("recommend_package", pick)])
    q4 = "Sounds good, book it."
    booking = {"ref": "BB-7710", "status": "confirmed", "price_eur": 149}
    s4 = {**s3, "booking": "BB-7710"}
    chat.say(q4, "Booked: a Mini party on Saturday 8 June at 14:00 for 6 children, with the 'Happy 6th "
             "Birthday Nora' cake, 149 EUR (ref BB-7710).",
             before=[memory(q4, s3, s3), tool_span("book_party", {"state": s3}, booking)],
             context=[booking_msg(s4), _tool_msg("book_party", booking)])
    q5 = "Six children? There are 14 coming, I said so at the start. The Mini only takes 8."
    s5 = {**s4, "guests": 14}
    chat.say(q5, "I'm so sorry, you're right: for 14 children you need the Classic package (up to 15, 229 "
             "EUR). I'll ask the team to change booking BB-7710.",
             before=[memory(q5, s4, s5)], context=[booking_msg(s5)])
    return EvalCase(
        "party booking memory takes the child's age as the guest count", "state_corruption",
        chat.turns, root=2, symptom=5, app="h2_bouncebarn",
        code=("bouncebarn/state.py", 'state["guests"] = int(match.group(1))'),
        instrumentation="mlflow", tags=["holdout2", "class-5", "state_overwrite"],
    )


def _hearth_flood_zone_default() -> EvalCase:
    chat = _Chat(_prompt(HEARTH, "hearth/prompts.py"), _legacy_call, call_name="openai.chat",
                 root_name="quote_chat")
    q1 = ("Hi, I'd like a buildings and contents quote for my house: a 3-bed terrace in York, postcode "
          "YO1 7PR, built in 1910.")
    details = {"postcode": "YO1 7PR", "bedrooms": 3, "built": 1910, "type": "terrace", "complete": True}
    flood = tool_span("get_flood_zone", {"postcode": "YO1 7PR"}, {"postcode": "YO1 7PR", "flood_zone": "low"},
                      children=[tool_span("fetch_zone", {"postcode": "YO1 7PR"},
                                          error="HTTPSConnectionPool(host='floodmap.hearth.internal', "
                                                "port=443): Read timed out. (read timeout=2)",
                                          error_type="requests.exceptions.ReadTimeout")])
    quote = {"quote_ref": "HQ-40551", "cover": "buildings_and_contents", "annual_premium_gbp": 412,
             "excess_gbp": 250, "flood_cover": True, "flood_excess_gbp": 250}
    chat.say(q1, "Your buildings and contents quote is 412 GBP a year, with a 250 GBP excess (quote "
             "HQ-40551).",
             before=[{"name": "extract_property", "type": "PARSER",
                      "inputs": {"message": q1, "current": {}}, "outputs": details},
                     flood, tool_span("price_policy", {"details": details, "flood_zone": "low"}, quote)],
             context=[_tool_msg("price_policy", quote)])
    q2 = "Does that include flood damage?"
    chat.say(q2, "Yes, flood damage is covered as standard, and the excess for a flood claim is the same "
             "250 GBP.", before=[{"name": "extract_property", "type": "PARSER",
                                   "inputs": {"message": q2, "current": details}, "outputs": details}])
    q3 = "Great, please send me the paperwork."
    sent = {"quote_ref": "HQ-40551", "sent": True, "to": "j.w•••@example.com"}
    chat.say(q3, "Done: the documents for quote HQ-40551 are on their way to your email.",
             before=[{"name": "extract_property", "type": "PARSER",
                      "inputs": {"message": q3, "current": details}, "outputs": details},
                     tool_span("send_quote_documents", {"quote_ref": "HQ-40551"}, sent)],
             context=[_tool_msg("send_quote_documents", sent)])
    q4 = ("The quote that came by email says 1,071 pounds a year and a 5,000 pound flood excess, because the "
          "house is in a high flood-risk zone. That's nothing like what you told me.")
    chat.say(q4, "I'm sorry about that. The emailed quote is the correct one; the figures I gave you were "
             "lower than they should have been.",
             before=[{"name": "extract_property", "type": "PARSER",
                      "inputs": {"message": q4, "current": details}, "outputs": details}])
    return EvalCase(
        "flood-map timeout silently priced as a low-risk zone", "silent_fallback",
        with_attributes(chat.turns, "otel_genai_legacy"), root=1, symptom=4, app="h2_hearth",
        code=("hearth/flood.py", "except requests.Timeout:"),
        instrumentation="otel_genai_legacy", tags=["holdout2", "class-5", "silent_fallback"],
    )


def _acorns_old_fee_schedule() -> EvalCase:
    prompt = _prompt(ACORNS, "acorns/prompts.py")
    fees_old = {"id": "fees-2023-24", "content": "Full-time place (under 3s): 1,040 GBP per month. Full-time "
                "place (3-4 years): 890 GBP per month before funded hours. Fees include meals, snacks and "
                "nappies.", "metadata": {"source": "handbook/fees-2023-24.pdf", "title": "Fees and funding",
                                         "page": 4}}
    fees_new = {"id": "fees-2024-25", "content": "Full-time place (under 3s): 1,150 GBP per month. Full-time "
                "place (3-4 years): 965 GBP per month before funded hours. Fees include meals, snacks and "
                "nappies.", "metadata": {"source": "handbook/fees-2024-25.pdf", "title": "Fees and funding",
                                         "page": 4}}
    sessions = {"id": "sessions", "content": "Full-time means five days a week, 08:00-18:00. Part-time "
                "places are three full days.", "metadata": {"source": "handbook/sessions.pdf",
                                                     "title": "Session times", "page": 2}}
    siblings = {"id": "siblings", "content": "Sibling discount: 10% off the older child's fees while both "
                "children attend.",
                "metadata": {"source": "handbook/policies.pdf", "title": "Sibling discount", "page": 7}}
    deposit = {"id": "deposit", "content": "A deposit of one month's full fees is payable when a place is "
               "accepted, and refunded in the final month.", "metadata": {"source": "handbook/policies.pdf",
                                                                         "title": "Deposit", "page": 6}}
    history: list[Msg] = []
    turns: list[dict[str, Any]] = []

    def doc(d: dict[str, Any]) -> dict[str, Any]:
        return {"id": d["id"], "page_content": d["content"], "metadata": d["metadata"]}

    def say(user: str, reply: str, hits: list[dict[str, Any]]) -> None:
        picked, seen = [], set()
        for hit in hits:  # what pick_documents keeps: the first hit of each title, at most two
            if hit["metadata"]["title"] not in seen:
                seen.add(hit["metadata"]["title"])
                picked.append(hit)
        picked = picked[:2]
        context = "\n\n".join(f"{d['metadata']['title']}: {d['content']}" for d in picked)
        messages = [{"role": "system", "content": f"{prompt}\n\nHandbook:\n{context}"}, *history,
                    {"role": "user", "content": user}]
        turns.append(chat_turn(user, reply, root_name="nursery_chat", children=[
            retriever_span("search_handbook", user, hits),
            {"name": "pick_documents", "type": "PARSER", "inputs": {"hits": [doc(h) for h in hits]},
             "outputs": [doc(p) for p in picked]},
            _openai_call(messages, reply, name="Completions", model="gpt-4o-mini")]))
        history.extend([{"role": "user", "content": user}, {"role": "assistant", "content": reply}])

    say("Hi, my son Theo starts in September, he'll be 2. How much is a full-time place?",
        "A full-time place for under-3s is 1,040 GBP a month, five days a week from 08:00 to 18:00, "
        "including meals, snacks and nappies.", [fees_old, fees_new, sessions])
    say("Are there any sibling discounts? His sister might start next year.",
        "Yes: while both children attend, you get 10% off the older child's fees.",
        [siblings, fees_old, fees_new])
    say("What's the deposit to hold his place?",
        "The deposit is one month's full fees, so 1,040 GBP, payable when you accept the place and refunded "
        "in Theo's final month.", [deposit, fees_old, fees_new])
    say("We've just had the invoice for the deposit and it's 1,150 pounds. Is that a mistake?",
        "I'm sorry for the confusion. The handbook I have shows 1,040 GBP a month for a full-time under-3s "
        "place, so I'd ask the office to check the invoice: office@littleacorns.example.",
        [deposit, fees_old, fees_new])
    return EvalCase(
        "nursery answers fees from the 2023-24 schedule kept over the 2024-25 one with the same title",
        "outdated_retrieval", wrapped(turns), root=1, symptom=4, app="h2_acorns",
        code=("acorns/retrieval.py", 'best.setdefault(hit["metadata"]["title"], hit)'),
        instrumentation="mlflow, wrapper root", tags=["holdout2", "class-5", "dated_source"],
    )


def _applianza_model_number_dropped() -> EvalCase:
    chat = _Chat(_prompt(APPLIANZA, "applianza/prompts.py"), _legacy_call, call_name="openai.chat",
                 root_name="handle_message")

    def details(message: str, before: dict[str, Any], after: dict[str, Any]) -> Span:
        return {"name": "extract_details", "type": "PARSER", "inputs": {"message": message, "state": before},
                "outputs": after}

    q1 = ("Hi, my washing machine stopped draining halfway through a cycle. It's a Bosch, model WAN28281GB, "
          "and it's on your repair plan.")
    s1 = {"model": "WAN28281GB", "brand": "Bosch", "fault": "not draining"}
    cover = {"covered": True, "plan": "RP-22871", "appliance": "Bosch WAN28281GB washing machine"}
    chat.say(q1, "Thanks! Your Bosch WAN28281GB is covered by repair plan RP-22871. What's your postcode, so "
             "I can find a technician?",
             before=[details(q1, {}, s1), tool_span("check_cover", {"model_number": "WAN28281GB"}, cover)],
             context=[_tool_msg("check_cover", cover)])
    q2 = "LS6 2AB."
    s2 = {**s1, "cover": cover, "postcode": "LS6 2AB"}
    slots = {"slots": ["2024-05-21 08:00-12:00", "2024-05-22 12:00-16:00"]}
    chat.say(q2, "I can send a technician on Tuesday 21 May between 8am and 12pm, or Wednesday 22 May "
             "between 12pm and 4pm. Which suits you?",
             before=[details(q2, {**s1, "cover": cover}, s2), tool_span("find_slots", {"postcode": "LS6 2AB"},
                                                                     slots)],
             context=[_tool_msg("find_slots", slots)])
    s3 = {**s2, "slots": slots["slots"], "slot": "2024-05-21 08:00-12:00"}
    rejected = "422 Unprocessable Entity: model_number is required"
    sent = {"postcode": "LS6 2AB", "date": "2024-05-21 08:00-12:00", "fault": "not draining"}

    def booking(state: dict[str, Any]) -> Span:
        return {"name": "confirm_booking", "type": "TOOL", "inputs": {"state": state,
                                                                       "slot": "2024-05-21 08:00-12:00"},
                "error": rejected, "error_type": "applianza.booking.BookingRejected",
                "children": [tool_span("book_technician", sent, error=rejected,
                                       error_type="applianza.booking.BookingRejected")]}

    q3 = "Tuesday morning please."
    chat.say(q3, "Nearly there! To confirm the visit I just need the model number of your washing machine. "
             "Could you tell me what it is?",
             before=[details(q3, {**s2, "slots": slots["slots"], "slot": None},
                             {**s2, "slots": slots["slots"], "slot": None}),
                     booking(s3)],
             context=[_tool_msg("book_technician", {"error": rejected})])
    q4 = "I gave you the model number in my very first message: WAN28281GB."
    chat.say(q4, "I'm sorry, you did. The booking system still won't accept the visit, so please call us on "
             "0113 496 0555 and quote plan RP-22871 to book the Tuesday morning slot.",
             before=[details(q4, s3, s3), booking(s3)],
             context=[_tool_msg("book_technician", {"error": rejected})])
    return EvalCase(
        "repair booking call site leaves out the model number the customer gave", "malformed_tool_call",
        with_attributes(chat.turns, "otel_genai_legacy"), root=3, symptom=4, app="h2_applianza",
        code=("applianza/booking.py", 'book_technician(postcode=state["postcode"], date=slot'),
        instrumentation="otel_genai_legacy", tags=["holdout2", "class-5", "missing_fields"],
    )


# --- class 6: a stale source named by its loader ------------------------------------------------


def _alpenglow_old_lift_prices() -> EvalCase:
    chat = _Chat(_prompt(ALPENGLOW, "alpenglow/prompts.py"), _oi_call, call_name="ChatCompletion",
                 root_name="guest_assistant")
    passes = [{"id": "lift-passes-2022-23", "content": "Alpenglow Skiarena lift passes, season 2022/23. "
               "Adult 6-day: 264 EUR. Youth (16-19) 6-day: 211 EUR. Child (6-15) 6-day: 132 EUR. Under 6 "
               "free. Passes can be bought online until 18:00 the day before and collected at any ticket "
               "office with the booking code.",
               "metadata": {"doc_uri": "kb/lift-passes-2022-23.md", "season": "2022-23",
                            "title": "Lift passes"}}]

    def kb(query: str) -> dict[str, Any]:
        return {"before": [retriever_span("search_kb", query, passes)], "context": [_docs_msg(passes)]}

    q1 = "How much is a 6-day adult lift pass for the whole area?"
    chat.say(q1, "A 6-day adult pass for the whole Skiarena is 264 EUR.", **kb(q1))
    q2 = "And for my kids, they're 9 and 17?"
    chat.say(q2, "Your 9-year-old needs a child pass at 132 EUR and your 17-year-old a youth pass at 211 "
             "EUR, so 343 EUR for the two.", **kb(q2))
    q3 = "Can we buy them online before we arrive?"
    chat.say(q3, "Yes, buy them online until 18:00 the day before, then collect the cards at any ticket "
             "office with your booking code.", **kb(q3))
    q4 = "The website is charging 298 for the adult 6-day pass, not 264. Which one is right?"
    chat.say(q4, "The website price is the one that applies. I'm sorry, the figure I gave you was out of "
             "date.", **kb(q4))
    return EvalCase(
        "ski resort quotes lift passes from a previous season's file the loader still lists",
        "outdated_retrieval", with_attributes(chat.turns, "openinference"), root=1, symptom=4,
        app="h2_alpenglow", code=("alpenglow/kb_loader.py", '"kb/lift-passes-2022-23.md",'),
        instrumentation="openinference", tags=["holdout2", "class-6", "data_source"],
    )


# --- healthy look-alikes ----------------------------------------------------------------------


def _bakery_flavour_change() -> EvalCase:
    order = {"order": "CK-2214", "flavour": "vanilla", "serves": 12, "message": "Happy 40th Sam",
             "collect": "2024-09-14", "price_eur": 38}
    changed = {**order, "flavour": "chocolate", "price_eur": 40}
    turns = [
        chat_turn("Hi, I'd like to order a birthday cake for Saturday: vanilla sponge, serves 12, with "
                  "'Happy 40th Sam' on top.",
                  "Done: a vanilla sponge for 12 with 'Happy 40th Sam', ready to collect on Saturday 14 "
                  "September, 38 EUR (order CK-2214).", root_name="bakery_turn",
                  children=[tool_span("create_cake_order", {"flavour": "vanilla", "serves": 12,
                                                            "message": "Happy 40th Sam",
                                                            "collect": "2024-09-14"}, order)]),
        chat_turn("Oh wait, sorry, make it chocolate instead. Sam prefers chocolate.",
                  "No problem: order CK-2214 is now a chocolate sponge for 12 with 'Happy 40th Sam', still "
                  "for Saturday 14 September. Chocolate is 40 EUR.", root_name="bakery_turn",
                  children=[tool_span("update_cake_order", {"order": "CK-2214", "flavour": "chocolate"},
                                      changed)]),
        chat_turn("Perfect. What time can I collect it?",
                  "Any time from 9am to 5pm on Saturday at the Mill Street shop.", root_name="bakery_turn"),
        chat_turn("No, that's all, thanks!", "Lovely, see you on Saturday!", root_name="bakery_turn"),
    ]
    return EvalCase(
        "healthy: customer switches their own cake flavour, then that's all", None,
        with_attributes(turns, "custom"), instrumentation="custom keys", tags=["holdout2", "healthy"],
    )


def _recycling_curious_question() -> EvalCase:
    chat = _Chat("You are the Ashford Borough Council waste assistant. Use the collection tool for dates.",
                 _genai_call, call_name="chat gpt-4o-mini", root_name="waste_assistant")
    days = {"address": "14 Alder Close", "next": [
        {"date": "2024-10-08", "bins": ["general waste (grey)"]},
        {"date": "2024-10-15", "bins": ["recycling (blue)", "glass box"]}]}
    chat.say("When is my next bin collection? 14 Alder Close.",
             "Your grey general-waste bin goes out on Tuesday 8 October, then the blue recycling bin and the "
             "glass box on Tuesday 15 October.",
             before=[tool_span("get_collections", {"address": "14 Alder Close"}, days)],
             context=[_tool_msg("get_collections", days)])
    chat.say("How come glass goes in its own box and not in the blue bin?",
             "Broken glass contaminates the paper and card in the blue bin and is dangerous for the sorting "
             "staff, so it's collected separately and goes straight to the glass recycler.")
    chat.say("Ah, that makes sense. Can I put an extra bag of recycling out next to the bin?",
             "Yes, one extra clear bag of recycling next to the blue bin is fine on collection day.")
    chat.say("Great, that's everything, thanks.", "You're welcome, have a good week!")
    return EvalCase(
        "healthy: a curious 'how come' about glass collection", None,
        with_attributes(chat.turns, "otel_genai"), instrumentation="otel_genai", tags=["holdout2", "healthy"],
    )


def _piano_booking_retry() -> EvalCase:
    chat = _Chat("You are the booking assistant of Keynote Music School. Book lessons with the booking tool "
                 "and report exactly what it returns.", _openai_call, call_name="Completions",
                 root_name="music_school_chat")
    args = {"student": "Ella Brooks", "teacher": "Mr Ahn", "instrument": "piano", "minutes": 30,
            "start": "2024-10-09T16:00"}
    booked = {"booking": "KM-6612", "status": "confirmed", **args}
    timeout = "booking service timed out after 10s"
    chat.say("Can you book my daughter Ella into a 30-minute piano lesson with Mr Ahn on Wednesday at 4pm?",
             "Booked: Ella's 30-minute piano lesson with Mr Ahn on Wednesday 9 October at 16:00 (ref "
             "KM-6612).",
             before=[tool_span("book_lesson", args, error=timeout, error_type="TimeoutError"),
                     tool_span("book_lesson", args, booked)],
             context=[_tool_msg("book_lesson", {"error": timeout}), _tool_msg("book_lesson", booked)])
    chat.say("Thanks! Does she need to bring her own music books?",
             "Mr Ahn will recommend a book at the first lesson; for now she only needs a notebook.")
    chat.say("Great, that's all.", "See you on Wednesday!")
    return EvalCase(
        "healthy: lesson booking times out, is retried and succeeds, reported correctly", None,
        chat.turns, instrumentation="mlflow", tags=["holdout2", "healthy"],
    )


def _tailor_own_ticket_number() -> EvalCase:
    coat = {"ticket": "4417", "item": "wool coat", "work": "replace lining", "ready": "2024-11-02"}
    trousers = {"ticket": "4471", "item": "suit trousers", "work": "shorten hem by 3 cm",
                "ready": "2024-10-30"}
    turns = [
        chat_turn("Hi, can you check on my alterations? Ticket 4417.",
                  "Ticket 4417 is a wool coat getting a new lining, ready on Saturday 2 November.",
                  root_name="alterations_chat",
                  children=[tool_span("get_ticket", {"ticket": "4417"}, coat)]),
        chat_turn("Oh sorry, that's not mine, I mixed up the digits. It's 4471.",
                  "No problem: ticket 4471 is your suit trousers, with the hem shortened by 3 cm, ready on "
                  "Wednesday 30 October.", root_name="alterations_chat",
                  children=[tool_span("get_ticket", {"ticket": "4471"}, trousers)]),
        chat_turn("Is it normal for a hem to take a week?",
                  "Yes, a week is our usual turnaround. If you need them sooner, an express hem is ready "
                  "in 2 days for 8 EUR extra.", root_name="alterations_chat"),
        chat_turn("No, a week is fine. That's all, thanks.", "You're welcome, see you on the 30th!",
                  root_name="alterations_chat"),
    ]
    return EvalCase(
        "healthy: customer corrects their own ticket number and asks a plain question", None,
        wrapped(turns), instrumentation="mlflow, wrapper root", tags=["holdout2", "healthy"],
    )


def cases() -> list[EvalCase]:
    return [
        _pressto_duvet_price(),
        _cellar_gran_reserva(),
        _racebot_bib_pickup(),
        _laneone_gearbox_crash(),
        _pinewood_campervan_as_tent(),
        _fretwell_left_handed(),
        _printly_lab_rejects_size(),
        _hirewise_letter_cut(),
        _dripfix_availability_loop(),
        _bouncebarn_age_becomes_guests(),
        _hearth_flood_zone_default(),
        _acorns_old_fee_schedule(),
        _applianza_model_number_dropped(),
        _alpenglow_old_lift_prices(),
        _bakery_flavour_change(),
        _recycling_curious_question(),
        _piano_booking_retry(),
        _tailor_own_ticket_number(),
    ]
