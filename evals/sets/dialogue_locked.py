"""Labelled dialogue sessions: the LOCKED TEST SPLIT. Never tune the engine on these.

Written without reading the engine's code (signals, judge, dispute logic or nodes) and without
running its analysis on them. Covers pushback in ordinary words, text no user wrote, strong vs
weak signals, earliest origin of a disputed value, and healthy look-alikes. Each case has its own
small app (`APPS`, names prefixed `dlg_`); `code` is (path, a substring of the culprit line).
"""

from __future__ import annotations

import re
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
_FULL_NAME = re.compile(r"\b([A-Z][a-z]+ [A-Z][a-z]+)\b")

# --- how the apps' model calls are recorded -----------------------------------------------


# --- apps ------------------------------------------------------------------------------------

TELECOM = {
    "telecom/tools.py": '''import mlflow

from telecom import bss


@mlflow.trace(span_type="TOOL")
def get_plan(msisdn):
    account = bss.subscriber(msisdn)
    return {"plan": account.tariff_name, "monthly_eur": account.monthly_fee,
            "contract_end": account.contract_end.isoformat()}
''',
    "telecom/agent.py": '''import mlflow

from telecom.llm import call_llm
from telecom.tools import get_plan

SYSTEM_PROMPT = "You are Nordtel's customer assistant. Answer billing and plan questions."


@mlflow.trace
def respond(session, message):
    if session.plan is None:
        session.plan = get_plan(session.msisdn)
    user_msg = {"role": "user", "content": message}
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session.history, user_msg]
    reply = call_llm(messages)
    session.history += [user_msg, {"role": "assistant", "content": reply}]
    return reply
''',
    "telecom/llm.py": '''from openai import OpenAI
from opentelemetry import trace

client = OpenAI()
tracer = trace.get_tracer("nordtel-assistant")


def call_llm(messages):
    with tracer.start_as_current_span("call_llm"):
        response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
        return response.choices[0].message.content
''',
}

ANALYTICS = {
    "analytics/loader.py": '''import warnings

import mlflow
import pandas as pd

from analytics.db import register_table

DATA_DIR = "/srv/shared/exports"


@mlflow.trace(span_type="TOOL")
def load_csv(filename):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = pd.read_csv(f"{DATA_DIR}/{filename}")
    register_table("sales", frame)
    return {"rows": len(frame), "columns": list(frame.columns),
            "warnings": [f"{w.category.__name__}: {w.message}" for w in caught]}
''',
    "analytics/warehouse.py": '''import mlflow
from mlflow.entities import SpanEvent

from analytics.db import QueryTimeout, client


@mlflow.trace(span_type="TOOL")
def run_query(sql):
    try:
        return client.execute(sql, timeout_s=30)
    except QueryTimeout as exc:
        mlflow.get_current_active_span().add_event(SpanEvent.from_exception(exc))
        return []
''',
    "analytics/agent.py": '''import mlflow

from analytics.llm import agent_loop
from analytics.loader import load_csv
from analytics.warehouse import run_query

SYSTEM_PROMPT = "You are a data analyst. Use load_csv and run_query (DuckDB SQL) to answer."


@mlflow.trace
def analyst(history, message):
    return agent_loop(SYSTEM_PROMPT, history, message, tools=[load_csv, run_query])
''',
}

PHARMACY = {
    "pharmacy/parsing.py": '''import re

import mlflow

RX_NUMBER = re.compile(r"RX-?(\\d{4})")


@mlflow.trace(span_type="PARSER")
def extract_rx(text):
    match = RX_NUMBER.search(text.upper())
    return {"rx_number": f"RX-{match.group(1)}"} if match else {}
''',
    "pharmacy/tools.py": '''import mlflow

from pharmacy import pms


@mlflow.trace(span_type="TOOL")
def lookup_prescription(rx_number):
    return pms.prescription(rx_number)


@mlflow.trace(span_type="TOOL")
def request_refill(rx_number, branch):
    return pms.refill(rx_number, branch=branch)


@mlflow.trace(span_type="TOOL")
def cancel_refill(request_id):
    return pms.cancel(request_id)
''',
    "pharmacy/agent.py": '''import mlflow

from pharmacy.llm import call_llm, choose_action
from pharmacy.parsing import extract_rx
from pharmacy.tools import cancel_refill, lookup_prescription, request_refill


@mlflow.trace
def handle(session, message):
    found = extract_rx(message)
    if found and found["rx_number"] != session.rx_number:
        session.rx_number = found["rx_number"]
        session.prescription = lookup_prescription(session.rx_number)
    action = choose_action(session, message)
    if action.name == "refill":
        session.request = request_refill(session.rx_number, action.branch)
    elif action.name == "cancel":
        cancel_refill(session.request["request_id"])
    return call_llm(session, message)
''',
}

EXPENSES = {
    "expenses/prompts.py": '''SYSTEM_PROMPT = (
    "You are Ledgerly's expense assistant. Use the tools to list and file expenses. "
    "When the user asks for a total, add up the listed amounts yourself."
)
''',
    "expenses/tools.py": '''import mlflow

from expenses import ledger


@mlflow.trace(span_type="TOOL")
def list_expenses(category, month):
    return [{"date": e.date.isoformat(), "amount_eur": e.amount, "merchant": e.merchant}
            for e in ledger.expenses(category=category, month=month)]


@mlflow.trace(span_type="TOOL")
def create_reimbursement(project, category, total_eur):
    return ledger.new_reimbursement(project=project, category=category, total=total_eur)


@mlflow.trace(span_type="TOOL")
def update_reimbursement(form_id, total_eur):
    return ledger.update_reimbursement(form_id, total=total_eur)
''',
    "expenses/agent.py": '''import mlflow

from expenses.llm import run_tools_loop
from expenses.prompts import SYSTEM_PROMPT
from expenses.tools import create_reimbursement, list_expenses, update_reimbursement


@mlflow.trace
def run_agent(history, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *history, {"role": "user", "content": message}]
    return run_tools_loop(messages, [list_expenses, create_reimbursement, update_reimbursement])
''',
    "expenses/server.py": '''from flask import Flask, request

from expenses.agent import run_agent
from expenses.store import history_for

app = Flask(__name__)


@app.post("/chat")
def chat():
    history = history_for(request.json["session"])
    return {"reply": run_agent(history, request.json["message"])}
''',
}

GROCERY = {
    "grocery/payments.py": '''import mlflow

from grocery.psp import psp


@mlflow.trace(span_type="TOOL")
def refund(payment_id, amount_eur):
    response = psp.refunds.create(payment=payment_id, amount=round(amount_eur * 100))
    return {"status": response.status, "decline_code": response.decline_code}
''',
    "grocery/refunds.py": '''import mlflow

from grocery import orders, payments


@mlflow.trace(span_type="TOOL")
def refund_missing_item(order_id, sku):
    line = orders.line(order_id, sku)
    payments.refund(line["payment_id"], line["paid_eur"])
    orders.mark_refunded(order_id, sku)
    return {"ok": True, "refunded_eur": line["paid_eur"]}
''',
    "grocery/agent.py": '''import mlflow
from openinference.instrumentation.openai import OpenAIInstrumentor

from grocery.llm import tool_loop
from grocery.orders import add_to_order, get_order
from grocery.refunds import refund_missing_item

OpenAIInstrumentor().instrument()
SYSTEM_PROMPT = "You are Kurv's grocery delivery assistant. Help with orders, refunds and deliveries."


@mlflow.trace(span_type="AGENT")
def shop_assistant(history, message):
    return tool_loop(SYSTEM_PROMPT, history, message, [get_order, refund_missing_item, add_to_order])
''',
}

APPLIANCES = {
    "appliances/prompts.py": '''SYSTEM_PROMPT = (
    "You are the after-sales assistant for Kelvo appliances. Answer warranty questions briefly. "
    "End every reply with: Anything else I can help with today?"
)
''',
    "appliances/kb.py": '''import mlflow

from appliances.index import policy_index


@mlflow.trace(span_type="RETRIEVER")
def search_policies(query):
    return policy_index.query(query, top_k=2)
''',
    "appliances/agent.py": '''import mlflow

from appliances.kb import search_policies
from appliances.llm import call_llm
from appliances.prompts import SYSTEM_PROMPT
from appliances.service import book_repair


@mlflow.trace
def support_agent(session, message):
    docs = search_policies(message) if "warrant" in message.lower() else []
    if session.wants_repair(message):
        session.job = book_repair(session.model, session.under_warranty, session.day_from(message))
    return call_llm(SYSTEM_PROMPT, session.history, message, docs, session.job)
''',
    "appliances/service.py": '''import mlflow

from appliances import field_service


@mlflow.trace(span_type="TOOL")
def book_repair(model, warranty, day):
    return field_service.create_job(model=model, warranty_claim=warranty, preferred_day=day)
''',
}

TENANCY = {
    "tenancy/units.py": '''"""Unit codes (door plates, lower case) to facilities-system ids."""

UNITS = {
    "4a": 1041,
    "4b": 1042,
    "4c": 1043,
    "5a": 1051,
}
''',
    "tenancy/workorders.py": '''import mlflow

from tenancy import facilities_api
from tenancy.units import UNITS


@mlflow.trace(span_type="TOOL")
def create_work_order(unit, category, description):
    return facilities_api.post("/work-orders", json={
        "unit_id": UNITS[unit],
        "category": category,
        "description": description,
    })


@mlflow.trace(span_type="TOOL")
def list_work_orders(unit):
    return facilities_api.get("/work-orders", params={"unit_id": UNITS.get(unit.lower())})
''',
    "tenancy/agent.py": '''import logging

import mlflow

from tenancy.llm import call_llm, plan
from tenancy.workorders import create_work_order, list_work_orders

log = logging.getLogger(__name__)
SYSTEM_PROMPT = (
    "You help Birkegaarden tenants report repairs. "
    "Close with: Is there anything else I can help you with?"
)


@mlflow.trace
def handle_message(session, message):
    action = plan(session.history, message)
    if action.tool == "create_work_order":
        try:
            create_work_order(**action.args)
        except Exception:
            log.exception("work order failed")
    elif action.tool == "list_work_orders":
        session.orders = list_work_orders(**action.args)
    return call_llm(SYSTEM_PROMPT, session.history, message, session.orders)
''',
}

BIKES = {
    "bikes/stations.py": '''"""Shop pages indexed for the CityBike helper, one file per shop."""

SHOP_PAGES = {
    "kastrup-street": "content/shops/kastrup_street_hours_2022.md",
    "norrebro": "content/shops/norrebro_hours.md",
    "vesterbro": "content/shops/vesterbro_hours.md",
}
''',
    "bikes/retrieval.py": '''from pathlib import Path

import mlflow

from bikes.stations import SHOP_PAGES
from bikes.vectors import embed, nearest

PAGES = {slug: Path(path).read_text(encoding="utf-8") for slug, path in SHOP_PAGES.items()}


@mlflow.trace(span_type="RETRIEVER")
def search_shops(query):
    return nearest(embed(query), PAGES, k=1)
''',
    "bikes/agent.py": '''import mlflow

from bikes.llm import call_llm
from bikes.retrieval import search_shops

SYSTEM_PROMPT = "You are the CityBike helper. Answer from the shop information provided."


@mlflow.trace
def reply(history, message):
    context = "\\n\\n".join(doc.page_content for doc in search_shops(message))
    messages = [{"role": "system", "content": SYSTEM_PROMPT + "\\n\\n" + context}, *history,
                {"role": "user", "content": message}]
    return call_llm(messages)
''',
}

FLORIST = {
    "florist/agent.py": '''import mlflow

from florist.llm import call_llm

SYSTEM_PROMPT = "You are Petal & Stem's flower advisor. Suggest arrangements that suit the occasion."


@mlflow.trace
def advise(history, message):
    recent = history[-6:]
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *recent, {"role": "user", "content": message}]
    return call_llm(messages)
''',
    "florist/llm.py": '''import mlflow
from openai import OpenAI

client = OpenAI()


@mlflow.trace(span_type="CHAT_MODEL")
def call_llm(messages):
    response = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    return response.choices[0].message.content
''',
}

HOTELS = {
    "hotels/memory.py": '''import re

import mlflow

FULL_NAME = re.compile(r"\\b([A-Z][a-z]+ [A-Z][a-z]+)\\b")


@mlflow.trace(span_type="MEMORY")
def update_guest_profile(profile, message):
    names = FULL_NAME.findall(message)
    if names:
        profile["guest_name"] = names[0]
    return dict(profile)
''',
    "hotels/tools.py": '''import mlflow

from hotels import channel_manager as cm


@mlflow.trace(span_type="TOOL")
def search_hotels(city, check_in, check_out, near=None):
    return cm.availability(city=city, check_in=check_in, check_out=check_out, near=near)[:3]


@mlflow.trace(span_type="TOOL")
def book_hotel(hotel_id, rooms, check_in, check_out, guest_name):
    return cm.book(hotel_id, rooms=rooms, check_in=check_in, check_out=check_out, guest=guest_name)


@mlflow.trace(span_type="TOOL")
def update_booking(confirmation, guest_name):
    return cm.amend(confirmation, guest=guest_name)
''',
    "hotels/agent.py": '''import mlflow

from hotels.llm import call_llm, pick_tool
from hotels.memory import update_guest_profile


@mlflow.trace
def concierge(session, message):
    session.profile = update_guest_profile(session.profile, message)
    tool, args = pick_tool(session.history, message, session.profile)
    result = tool(**args) if tool else None
    return call_llm(session.history, message, session.profile, result)
''',
}

TAXHELPER = {
    "taxhelper/prompts.py": '''SYSTEM_PROMPT = (
    "You are TaxPal, a US tax filing helper. Quote federal figures such as deductions and "
    "brackets from memory to keep answers fast; use the tools only for state taxes and "
    "for filling worksheets."
)
''',
    "taxhelper/tools.py": '''import mlflow

from taxhelper import returns


@mlflow.trace(span_type="TOOL")
def fill_worksheet(return_id, fields):
    draft = returns.get(return_id)
    draft.worksheet.update(fields)
    returns.save(draft)
    return {"return_id": return_id, "updated": sorted(fields)}
''',
    "taxhelper/agent.py": '''import mlflow

from taxhelper.llm import chat_with_tools
from taxhelper.prompts import SYSTEM_PROMPT
from taxhelper.tools import fill_worksheet


@mlflow.trace
def taxpal_turn(session, message):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, *session.history,
                {"role": "user", "content": message}]
    return chat_with_tools(messages, [fill_worksheet], return_id=session.return_id)
''',
}

ENERGY = {
    "energy/tools.py": '''import mlflow

from energy import billing


@mlflow.trace(span_type="TOOL")
def submit_meter_reading(account, kwh):
    previous = billing.last_reading(account)
    billing.store_reading(account, kwh)
    return {"accepted": True, "previous_kwh": previous, "used_kwh": kwh - previous}


@mlflow.trace(span_type="TOOL")
def get_usage_history(account, months=12):
    return billing.monthly_usage(account, months=months)
''',
    "energy/agent.py": '''import mlflow

from energy.llm import generate, tool_calls
from energy.tools import get_usage_history, submit_meter_reading

TOOLS = {"submit_meter_reading": submit_meter_reading, "get_usage_history": get_usage_history}


@mlflow.trace
def support_chat(session, message):
    results = [TOOLS[call.name](**call.args) for call in tool_calls(session.history, message)]
    return generate(session.history, message, results)
''',
}

RAIL = {
    "rail/tools.py": '''import mlflow

from rail import irail


@mlflow.trace(span_type="TOOL")
def get_departures(origin, destination, after):
    return [{"train": d.vehicle, "time": d.time, "platform": d.platform,
             "cancelled": d.canceled, "remark": d.remark}
            for d in irail.connections(origin, destination, time=after)[:3]]


@mlflow.trace(span_type="TOOL")
def station_services(station):
    return irail.facilities(station)
''',
    "rail/agent.py": '''import mlflow

from rail.llm import run_agent
from rail.tools import get_departures, station_services

SYSTEM_PROMPT = "You are a Belgian rail travel assistant. Use live data from the tools."


@mlflow.trace(span_type="AGENT")
def travel_assistant(history, message):
    return run_agent(SYSTEM_PROMPT, history, message, tools=[get_departures, station_services])
''',
    "rail/server.py": '''from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from rail.agent import travel_assistant
from rail.sessions import history_for

app = FastAPI()
FastAPIInstrumentor.instrument_app(app)


@app.post("/chat")
def chat(body: dict):
    return {"reply": travel_assistant(history_for(body["session"]), body["message"])}
''',
}

APPS: dict[str, dict[str, str]] = {
    "dlg_telecom": TELECOM, "dlg_analytics": ANALYTICS, "dlg_pharmacy": PHARMACY,
    "dlg_expenses": EXPENSES, "dlg_grocery": GROCERY, "dlg_appliances": APPLIANCES,
    "dlg_tenancy": TENANCY, "dlg_bikes": BIKES, "dlg_florist": FLORIST, "dlg_hotels": HOTELS,
    "dlg_taxhelper": TAXHELPER, "dlg_energy": ENERGY, "dlg_rail": RAIL,
}


# --- sessions ------------------------------------------------------------------------------


def _telecom() -> list[dict[str, Any]]:
    chat = _Chat("You are Nordtel's customer assistant. Answer billing and plan questions.", _genai_call,
                 root_name="respond")
    plan = {"plan": "Flex Unlimited 30", "monthly_eur": 30.0, "contract_end": "2025-01-31"}
    chat.say("How much am I paying each month for my mobile plan?",
             "Your plan costs 35 EUR per month, billed on the 1st of each month.",
             before=[tool_span("get_plan", {"msisdn": "+45 31 22 80 17"}, plan)])
    chat.say("Is roaming included when I go to Norway next month?",
             "Yes. Norway is in the EEA, so calls, texts and data work there at no extra cost, within a "
             "fair-use data allowance.")
    chat.say("Great. Also, I'm thinking of adding my son to the account. He's 15, uses data mostly for "
             "videos and school stuff, and runs out every month on his prepaid card. My partner says a "
             "family plan is only worth it with three or more lines, but I'm not sure that's right, and I "
             "don't want him running up a huge bill while we're abroad either. What would you suggest?",
             "A second line on your account works well here: the Flex 20 GB line is 15 EUR a month, and "
             "you can set a spending cap of 0 EUR on extras so he can't buy add-ons or premium services. "
             "A family plan isn't required for two lines; extra lines are simply added to your bill.")
    chat.say("How come my bill says 30 euros then? Were you looking at someone else's plan?",
             "I'm sorry for the confusion. Let me check your plan details again.")
    return with_attributes(chat.turns, "otel_genai")


def _analytics() -> list[dict[str, Any]]:
    chat = _Chat("You are a data analyst. Use load_csv and run_query (DuckDB SQL) to answer.", _openai_call,
                 root_name="analyst", model="gpt-4.1")
    loaded = {"rows": 12430, "columns": ["order_id", "date", "customer", "region", "discount_code", "amount"],
              "warnings": ["DtypeWarning: Columns (4) have mixed types. Specify dtype option on import or "
                           "set low_memory=False."]}
    chat.say("Load sales_q2.csv and tell me what's in it.",
             "Loaded 12,430 rows with columns order_id, date, customer, region, discount_code and amount. "
             "pandas raised a DtypeWarning because column 4 (discount_code) mixes numbers and text; that's "
             "harmless for revenue figures.",
             before=[tool_span("load_csv", {"filename": "sales_q2.csv"}, loaded)],
             context=[_tool_msg("load_csv", loaded)])
    sql = ("SELECT region, SUM(amount) AS revenue FROM sales WHERE region <> 'ZZ' GROUP BY region "
           "ORDER BY revenue DESC")
    rows = [{"region": "N", "revenue": 1204330.5}, {"region": "S", "revenue": 918220.0},
            {"region": "E", "revenue": 702415.25}, {"region": "W", "revenue": 401980.0}]
    chat.say("Revenue by region please, and leave out the test region.",
             "Revenue by region (test region ZZ excluded): N 1.20M, S 0.92M, E 0.70M, W 0.40M. Note there "
             "is no region called 'North' in the data; regions are single-letter codes.",
             before=[tool_span("run_query", {"sql": sql}, rows)], context=[_tool_msg("run_query", rows)])
    top_sql = ("SELECT customer, SUM(amount) AS revenue FROM sales WHERE date >= '2024-06-01' AND "
               "date < '2024-07-01' GROUP BY customer ORDER BY revenue DESC LIMIT 5")
    timeout = {"name": "exception", "attributes": {
        "exception.type": "QueryTimeout",
        "exception.message": "canceling statement due to statement timeout (30s)"}}
    chat.say("Which were the top 5 customers by revenue in June?",
             "There were no customers with recorded revenue in June, so there is no top 5 to show.",
             before=[{"name": "run_query", "type": "TOOL", "inputs": {"sql": top_sql}, "outputs": [],
                      "events": [timeout]}],
             context=[_tool_msg("run_query", [])])
    top = [{"customer": "Halvorsen AS", "revenue": 61200.0}, {"customer": "Brik & Co", "revenue": 48710.0},
           {"customer": "Nordlys Foods", "revenue": 40155.5}, {"customer": "Vika Bygg", "revenue": 38900.0},
           {"customer": "Tromsø Marine", "revenue": 35020.0}]
    chat.say("That's impossible, June was our best month. The dashboard shows over 400k for June alone.",
             "You're right to question it. Running the query again: the top 5 in June were Halvorsen AS "
             "(61.2k), Brik & Co (48.7k), Nordlys Foods (40.2k), Vika Bygg (38.9k) and Tromsø Marine "
             "(35.0k).",
             before=[tool_span("run_query", {"sql": top_sql}, top)], context=[_tool_msg("run_query", top)])
    chat.say("Ok, those look right.", "Good. Want me to chart June against April and May?")
    return with_attributes(chat.turns, "custom")


def _pharmacy() -> list[dict[str, Any]]:
    chat = _Chat("You are Apotek Nord's refill assistant. Confirm the drug name before refilling.",
                 _legacy_call, root_name="handle")
    q1 = "Hi, I'd like to refill my prescription RX-40718 please."
    rx = {"rx_number": "RX-4071", "drug": "Amoxicillin 500 mg capsules", "refills_left": 1,
          "prescriber": "Dr. Holm"}
    chat.say(q1, "I found RX-4071: Amoxicillin 500 mg capsules, 1 refill left. Which branch should I send "
             "the refill to?",
             before=[{"name": "extract_rx", "type": "PARSER", "inputs": {"text": q1},
                      "outputs": {"rx_number": "RX-4071"}},
                     tool_span("lookup_prescription", {"rx_number": "RX-4071"}, rx)],
             context=[_tool_msg("lookup_prescription", rx)])
    refill = {"request_id": "RF-22817", "ready_from": "2024-04-11T14:00", "branch": "Sankt Hans Torv"}
    chat.say("The one on Sankt Hans Torv.",
             "Done: refill RF-22817 will be ready at Sankt Hans Torv tomorrow after 14:00.",
             before=[{"name": "extract_rx", "type": "PARSER",
                      "inputs": {"text": "The one on Sankt Hans Torv."}, "outputs": {}},
                     tool_span("request_refill", {"rx_number": "RX-4071", "branch": "Sankt Hans Torv"},
                               refill)],
             context=[_tool_msg("request_refill", refill)])
    q3 = "Hmm. It's RX-40718. Mine is lisinopril 10 mg, I've never been on amoxicillin."
    chat.say(q3, "Sorry for the mix-up. I've cancelled RF-22817. Please ask the pharmacist at Sankt Hans "
             "Torv to refill RX-40718 for you directly.",
             before=[{"name": "extract_rx", "type": "PARSER", "inputs": {"text": q3},
                      "outputs": {"rx_number": "RX-4071"}},
                     tool_span("cancel_refill", {"request_id": "RF-22817"}, {"status": "cancelled"})])
    chat.say("Fine, thanks.", "You're welcome. Take care!")
    return with_attributes(chat.turns, "otel_genai_legacy")


def _expenses() -> list[dict[str, Any]]:
    chat = _Chat(system_prompt(EXPENSES, "expenses/prompts.py"), _openai_call, root_name="run_agent")
    taxis = [{"date": "2024-05-03", "amount_eur": 120.0, "merchant": "Taxa 4x35"},
             {"date": "2024-05-14", "amount_eur": 95.5, "merchant": "Dantaxi"},
             {"date": "2024-05-28", "amount_eur": 167.0, "merchant": "Taxa 4x35"}]
    chat.say("Show me my taxi expenses for May.",
             "Your taxi expenses for May:\n- 3 May, Taxa 4x35: 120.00 EUR\n- 14 May, Dantaxi: 95.50 EUR\n"
             "- 28 May, Taxa 4x35: 167.00 EUR",
             before=[tool_span("list_expenses", {"category": "taxi", "month": "2024-05"}, taxis)],
             context=[_tool_msg("list_expenses", taxis)])
    chat.say("What's the total?", "The total is 412.50 EUR.")
    form = {"form_id": "RF-0931", "status": "draft", "total_eur": 412.5}
    chat.say("Put that on my reimbursement form for project Falcon.",
             "Draft RF-0931 is created: taxi, project Falcon, 412.50 EUR. Submit it when you're ready.",
             before=[tool_span("create_reimbursement", {"project": "Falcon", "category": "taxi",
                                                        "total_eur": 412.5}, form)],
             context=[_tool_msg("create_reimbursement", form)])
    chat.say("Hmm, that doesn't add up. 120 + 95.50 + 167 comes to 382.50 on my calculator.",
             "You're right, the total is 382.50 EUR. I've corrected draft RF-0931.",
             before=[tool_span("update_reimbursement", {"form_id": "RF-0931", "total_eur": 382.5},
                               {**form, "total_eur": 382.5})])
    return wrapped(chat.turns)


def _grocery() -> list[dict[str, Any]]:
    chat = _Chat("You are Kurv's grocery delivery assistant. Help with orders, refunds and deliveries.",
                 _oi_call, root_name="shop_assistant")
    order = {"order_id": "88213", "delivered": "2024-04-03",
             "lines": [{"sku": "OAT-BAR-1L", "name": "Oatly Barista 1 L", "paid_eur": 2.89, "packed": True},
                       {"sku": "RYE-500", "name": "Rye bread 500 g", "paid_eur": 3.45, "packed": True}]}
    chat.say("Order 88213 came without the oat milk.",
             "Sorry about that! Order 88213 lists Oatly Barista 1 L at 2.89 EUR, marked as packed. Shall I "
             "refund it?",
             before=[tool_span("get_order", {"order_id": "88213"}, order)],
             context=[_tool_msg("get_order", order)])
    result = {"ok": True, "refunded_eur": 2.89}
    chat.say("Yes please, back to my card.",
             "Done: 2.89 EUR is refunded to your card and should show within 3 to 5 working days.",
             before=[tool_span("refund_missing_item", {"order_id": "88213", "sku": "OAT-BAR-1L"}, result,
                               children=[tool_span("refund", {"payment_id": "pay_7Hq2x", "amount_eur": 2.89},
                                                   {"status": "declined", "decline_code": "expired_card"})])],
             context=[_tool_msg("refund_missing_item", result)])
    added = {"order_id": "88640", "delivery": "2024-04-16", "added": [{"sku": "OAT-BAR-1L", "qty": 2}]}
    chat.say("Thanks. Can you add two of them to next Tuesday's order?",
             "Added 2 × Oatly Barista 1 L to your delivery on Tuesday 16 April.",
             before=[tool_span("add_to_order", {"order_id": "88640", "sku": "OAT-BAR-1L", "qty": 2}, added)],
             context=[_tool_msg("add_to_order", added)])
    chat.say("Back again. It's been eight days, and my banking app shows the 2.89 charge from the 3rd and "
             "nothing coming back.",
             "I'm sorry, I'll ask our payments team to look into the refund for order 88213.")
    return with_attributes(chat.turns, "openinference")


def _appliances() -> list[dict[str, Any]]:
    chat = _Chat(system_prompt(APPLIANCES, "appliances/prompts.py"), _oi_call, root_name="support_agent")
    closing = " Anything else I can help with today?"
    chat.say("My Kelvo DW-60 dishwasher won't drain. It's three years old.",
             "Sorry to hear that. First check the filter under the lower basket: twist it out, rinse it and "
             "clear the sump. That fixes most drainage problems." + closing,
             assessments=[{"name": "groundedness", "value": True, "rationale": "General troubleshooting."}])
    q2 = "The filter is clean. Is the drain pump covered by the warranty?"
    policy = {"id": "kelvo-warranty-dw", "content": "Kelvo dishwashers: 2-year warranty on all parts and "
              "labour. The inverter motor carries an extended 10-year parts-only warranty.",
              "metadata": {"doc_uri": "policies/dishwasher-warranty.md", "version": "2024.1"}}
    chat.say(q2, "Good news: the DW-60 has a 10-year warranty, so the drain pump is covered." + closing,
             before=[retriever_span("search_policies", q2, [policy])], context=[_docs_msg([policy])],
             assessments=[{"name": "groundedness", "value": False, "rationale":
                           "The reply says the drain pump is covered by a 10-year warranty; the retrieved "
                           "policy limits the 10-year warranty to the inverter motor and gives 2 years on "
                           "all other parts. A three-year-old pump is out of warranty."}])
    job = {"job_id": "J-7781", "model": "DW-60", "warranty_claim": True, "visit": "Thursday 08:00-12:00"}
    chat.say("Great, please book a technician then. Thursday works for me.",
             "Booked: job J-7781, a warranty repair on Thursday between 08:00 and 12:00." + closing,
             before=[tool_span("book_repair", {"model": "DW-60", "warranty": True, "day": "Thursday"}, job)],
             context=[_tool_msg("book_repair", job)],
             assessments=[{"name": "groundedness", "value": True, "rationale": "Matches the booking."}])
    chat.say("No, that's all.", "Thanks for contacting Kelvo." + closing,
             context=[_tool_msg("book_repair", job)])
    return wrapped(with_attributes(chat.turns, "openinference"))


def _tenancy() -> list[dict[str, Any]]:
    chat = _Chat("You help Birkegaarden tenants report repairs. Close with: Is there anything else I can "
                 "help you with?", _openai_call, root_name="handle_message")
    closing = " Is there anything else I can help you with?"
    chat.say("Hi, the radiator in my bedroom has been cold since Sunday.",
             "Thanks for letting us know. Could you tell me your unit number?" + closing)
    chat.say("Unit 4B, Birkegade 12.", "Thanks for letting us know about the radiator in 4B." + closing,
             before=[tool_span("create_work_order", {"unit": "4B", "category": "heating",
                                                     "description": "Bedroom radiator cold since Sunday"},
                               None, error="KeyError: '4B'", error_type="KeyError")])
    chat.say("No, that's it.", "Thanks for letting us know." + closing)
    chat.say("It's Thursday and nobody has come or called. Is there even a request on file?",
             "I can't find an open request for unit 4B." + closing,
             before=[tool_span("list_work_orders", {"unit": "4B"}, [])],
             context=[_tool_msg("list_work_orders", [])])
    chat.say("Then please log it properly this time, it's 14 degrees in there.",
             "I'm sorry. I've flagged it to the caretaker as urgent; they will call you today." + closing)
    return chat.turns


def _bikes() -> list[dict[str, Any]]:
    page = {"id": "kastrup-street", "content": "Kastrup Street shop: open daily 9:00-19:00. E-bikes and "
            "regular bikes can be returned at the counter.",
            "metadata": {"source": "content/shops/kastrup_street_hours_2022.md", "updated": "2022-04-01"}}
    system = ("You are the CityBike helper. Answer from the shop information provided.\n\n" + page["content"])
    chat = _Chat(system, _legacy_call, root_name="reply")
    q1 = "Till what time is the Kastrup Street bike shop open today?"
    same = "The Kastrup Street shop is open until 19:00 today."
    chat.say(q1, same, before=[retriever_span("search_shops", q1, [page])])
    q2 = "Great. Can I return an e-bike there, or only regular bikes?"
    chat.say(q2, "Both: e-bikes and regular bikes can be returned at the counter during opening hours.",
             before=[retriever_span("search_shops", q2, [page])])
    q3 = "I'm standing outside at 17:40 and the shutter is down. The sign on the door says Sundays 10 to 17."
    chat.say(q3, same, before=[retriever_span("search_shops", q3, [page])])
    q4 = "You just said exactly the same thing again. Where do I leave the bike now?"
    chat.say(q4, "Sorry! You can dock the e-bike at the 24/7 CityBike station at Amagerbrogade 40, about "
             "300 m away.", before=[retriever_span("search_shops", q4, [page])])
    return with_attributes(chat.turns, "otel_genai_legacy")


def _florist() -> list[dict[str, Any]]:
    pairs = [
        ("We're doing the flowers for my mum's 70th. One rule: no lilies anywhere, she's badly allergic "
         "to the pollen.", "Noted: no lilies in anything I suggest."),
        ("What's in season in late April?", "Tulips, ranunculus, anemones, early sweet peas, hyacinths and "
         "blossom branches like cherry or apple are all at their best."),
        ("She loves soft pinks and whites. The party is in the garden room of the old rectory, long tables "
         "for about 40 people, white linen, lots of daylight from tall windows, and we're serving afternoon "
         "tea rather than dinner, so it's all quite light and informal. My sister wants something that "
         "feels a bit vintage, like the tea dances mum used to go to, but nothing stuffy.",
         "Pale pink ranunculus, white tulips and blush sweet peas in mismatched vintage teacups and small "
         "glass bottles down the tables would be lovely: light, a little nostalgic and easy to chat over."),
        ("Budget is around 80 EUR for the main table centrepiece.",
         "For 80 EUR, a low, long arrangement of ranunculus, tulips and eucalyptus in a footed bowl works "
         "well and keeps sight lines clear."),
        ("And a big statement bouquet for the entrance, money no object?",
         "Go for tall white Oriental lilies with pink stargazers and trailing eucalyptus in a stone urn: "
         "dramatic, fragrant and very elegant."),
        ("Lilies?! That's the one flower I said she can't be near.",
         "I'm so sorry. Let's do tall white delphiniums, pink peonies and cherry blossom branches instead."),
    ]
    return with_attributes(conversation(pairs, system="You are Petal & Stem's flower advisor. Suggest "
                                        "arrangements that suit the occasion.", window=3, root_name="advise"),
                           "otel_genai")


def _hotels() -> list[dict[str, Any]]:
    chat = _Chat("You are Atlas Travel's hotel concierge. Book what the guest asks for.", _openai_call,
                 root_name="concierge")
    profile: dict[str, Any] = {}

    def memory(message: str) -> Span:
        before = dict(profile)
        names = _FULL_NAME.findall(message)
        if names:
            profile["guest_name"] = names[0]
        return {"name": "update_guest_profile", "type": "MEMORY",
                "inputs": {"profile": before, "message": message}, "outputs": dict(profile)}

    q1 = "I need a double room in Lyon from 3 to 5 October, near Part-Dieu."
    options = [{"hotel_id": "silky-lyon", "name": "Hotel Silky", "eur_per_night": 142},
               {"hotel_id": "okko-pont-lafayette", "name": "Okko Lyon Pont Lafayette", "eur_per_night": 128}]
    chat.say(q1, "Two good options near Part-Dieu: Hotel Silky at 142 EUR a night, or Okko Lyon Pont "
             "Lafayette at 128 EUR a night, breakfast included.",
             before=[memory(q1), tool_span("search_hotels", {"city": "Lyon", "check_in": "2024-10-03",
                                                             "check_out": "2024-10-05", "near": "Part-Dieu"},
                                           options)], context=[_tool_msg("search_hotels", options)])
    q2 = "I'm travelling with my colleague Priya Nair, but the booking should be in my name, Tom Becker."
    chat.say(q2, "Got it, thanks. Which of the two hotels would you like?", before=[memory(q2)])
    q3 = "Let's take the Okko, two rooms actually, one each."
    booked = {"confirmation": "OK-55810", "hotel": "Okko Lyon Pont Lafayette", "rooms": 2,
              "guest": "Priya Nair", "status": "confirmed"}
    chat.say(q3, "Booked: two rooms at Okko Lyon Pont Lafayette, 3 to 5 October, under Priya Nair. "
             "Confirmation OK-55810.",
             before=[memory(q3), tool_span("book_hotel", {"hotel_id": "okko-pont-lafayette", "rooms": 2,
                                                          "check_in": "2024-10-03", "check_out": "2024-10-05",
                                                          "guest_name": "Priya Nair"}, booked)],
             context=[_tool_msg("book_hotel", booked)])
    q4 = ("While I have you: what's the best way from the airport to the hotel? Our flight lands at 22:50, "
          "I've read conflicting things about whether the airport express tram still runs that late, my "
          "colleague has a very large suitcase with sample boards for the trade fair, and honestly after a "
          "full day of meetings I don't want to be standing around in the cold working out ticket machines.")
    chat.say(q4, "The Rhônexpress tram runs until around midnight, every 30 minutes after 21:00, and takes "
             "30 minutes to Part-Dieu, from where the Okko is a 5-minute walk. With a large case and a late "
             "landing, a taxi is simpler: about 60 EUR, 25 to 30 minutes, from the rank outside arrivals.",
             before=[memory(q4)])
    q5 = "Will breakfast be included?"
    chat.say(q5, "Yes, breakfast is included for both rooms.", before=[memory(q5)])
    q6 = ("The confirmation email is addressed to Priya. Our company needs the booking in my name, "
          "Tom Becker, as I said, or they won't reimburse it.")
    chat.say(q6, "I'm sorry about that. I've changed the lead guest on OK-55810 to Tom Becker.",
             before=[memory(q6), tool_span("update_booking", {"confirmation": "OK-55810",
                                                              "guest_name": "Tom Becker"},
                                           {**booked, "guest": "Tom Becker"})])
    return wrapped(with_attributes(chat.turns, "custom"))


def _taxhelper() -> list[dict[str, Any]]:
    chat = _Chat(system_prompt(TAXHELPER, "taxhelper/prompts.py"), _openai_call, root_name="taxpal_turn")
    chat.say("I'm filing single for 2023, W-2 salary of 68,000 USD, no mortgage, no kids. Where do I start?",
             "Start with your W-2 and any 1099 forms. With no mortgage or large deductible expenses, most "
             "single filers in your position take the standard deduction rather than itemizing.")
    chat.say("What's the standard deduction for me?",
             "For tax year 2023, the standard deduction for single filers is 12,950 USD.")
    chat.say("So what's my taxable income?",
             "68,000 − 12,950 = 55,050 USD of taxable income, assuming no other adjustments.")
    filled = {"return_id": "TR-2023-4471", "updated": ["line_12", "line_15"]}
    chat.say("Fill in the worksheet with that, please.",
             "Done: line 12 (standard deduction) is 12,950 and line 15 (taxable income) is 55,050.",
             before=[tool_span("fill_worksheet", {"return_id": "TR-2023-4471",
                                                  "fields": {"line_12": 12950, "line_15": 55050}}, filled)],
             context=[_tool_msg("fill_worksheet", filled)])
    chat.say("The 1040 instructions I have open list 13,850 for single filers in 2023, not 12,950.",
             "Thank you for checking. I'll update line 12 to 13,850 and line 15 to 54,150.",
             before=[tool_span("fill_worksheet", {"return_id": "TR-2023-4471",
                                                  "fields": {"line_12": 13850, "line_15": 54150}}, filled)])
    return chat.turns


def _energy() -> list[dict[str, Any]]:
    chat = _Chat("You are Volta Energi's support assistant. Be friendly and brief.", _legacy_call,
                 call_name="generate", root_name="support_chat")
    reading = {"accepted": True, "previous_kwh": 47650, "used_kwh": 563}
    chat.say("I'd like to submit my electricity meter reading: 48213 kWh, account 7730-119.",
             "Thanks, reading 48,213 kWh is accepted for account 7730-119. That's 563 kWh since your last "
             "reading.",
             before=[tool_span("submit_meter_reading", {"account": "7730-119", "kwh": 48213}, reading)],
             context=[_tool_msg("submit_meter_reading", reading)])
    usage = [{"month": "2023-12", "kwh": 521}, {"month": "2024-01", "kwh": 563}]
    chat.say("Is that a lot? It seems higher than last winter.",
             "It's a little higher: 563 kWh this period against 521 kWh for the same period last year, "
             "about 8% more.",
             before=[tool_span("get_usage_history", {"account": "7730-119", "months": 13}, usage)],
             context=[_tool_msg("get_usage_history", usage)])
    chat.say("Why would it go up if we haven't changed anything at home?",
             "Common reasons are a colder month (January was about 2 degrees colder than last year), more "
             "time at home, or an appliance like a freezer or tumble dryer working harder as it ages.")
    chat.say("No, that's all, thanks.", "You're welcome! Have a lovely evening.")
    chat.say("Thanks again!", "You're welcome! Have a lovely evening.")
    return with_attributes(chat.turns, "otel_genai_legacy")


def _rail() -> list[dict[str, Any]]:
    chat = _Chat("You are a Belgian rail travel assistant. Use live data from the tools.", _oi_call,
                 root_name="travel_assistant")
    deps = [{"train": "IC 1512", "time": "14:28", "platform": "12", "cancelled": True,
             "remark": "Cancelled: national strike"},
            {"train": "IC 1514", "time": "14:58", "platform": "12", "cancelled": False, "remark": ""}]
    chat.say("When's the next train from Brussels-Central to Bruges?",
             "Sorry, the 14:28 IC to Bruges is cancelled because of today's national rail strike. The next "
             "one is the IC at 14:58 from platform 12.",
             before=[tool_span("get_departures", {"origin": "Brussels-Central", "destination": "Brugge",
                                                  "after": "14:15"}, deps)],
             context=[_tool_msg("get_departures", deps)])
    chat.say("How come there's a strike on a Tuesday?",
             "The rail unions called a 24-hour national strike for today over pension reforms; strike days "
             "are announced for a specific date rather than a particular weekday.")
    services = {"station": "Brugge", "luggage_lockers": True, "lockers_hours": "06:00-22:00 daily",
                "lifts": True}
    chat.say("Is there left luggage at Bruges station, and is it open on Sunday?",
             "Yes, Bruges station has luggage lockers, open 06:00 to 22:00 every day, Sundays included.",
             before=[tool_span("station_services", {"station": "Brugge"}, services)],
             context=[_tool_msg("station_services", services)])
    chat.say("Ok, I'll take the 14:58. Not your fault about the strike, thanks for the help.",
             "Safe travels, and enjoy Bruges!")
    return wrapped(with_attributes(chat.turns, "openinference"))


def cases() -> list[EvalCase]:
    return [
        EvalCase(
            "dlg: 'how come' about a price the model never saw", "hallucinated_fact", _telecom(),
            root=1, symptom=4, app="dlg_telecom", code=("telecom/agent.py", "messages = ["),
            instrumentation="otel_genai", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: pasted DtypeWarning and 'there is no' replies; the fault is a swallowed timeout",
            "silent_fallback", _analytics(),
            root=3, symptom=4, app="dlg_analytics", code=("analytics/warehouse.py", "except QueryTimeout"),
            instrumentation="custom keys", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: user restates the prescription number the regex cut short", "input_misparsed", _pharmacy(),
            root=1, symptom=3, app="dlg_pharmacy", code=("pharmacy/parsing.py", "RX_NUMBER = re.compile"),
            instrumentation="otel_genai_legacy", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: 'that doesn't add up' about a total the model summed", "hallucinated_fact", _expenses(),
            root=2, symptom=4, app="dlg_expenses",
            code=("expenses/prompts.py", "add up the listed amounts yourself"),
            instrumentation="mlflow, wrapper root", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: banking app as outside evidence for a declined refund", "tool_failure_reported_as_success",
            _grocery(), root=2, symptom=4, app="dlg_grocery", code=("grocery/refunds.py", "payments.refund("),
            instrumentation="openinference", tags=["dialogue", "class-1"],
        ),
        EvalCase(
            "dlg: failing groundedness score among template closings", "hallucinated_fact", _appliances(),
            root=2, symptom=2, app="dlg_appliances", code=None,
            instrumentation="openinference, wrapper root", tags=["dialogue", "class-2"],
        ),
        EvalCase(
            "dlg: work-order tool error hidden behind template replies", "tool_failure", _tenancy(),
            root=2, symptom=4, app="dlg_tenancy", code=("tenancy/workorders.py", '"unit_id": UNITS[unit],'),
            instrumentation="mlflow", tags=["dialogue", "class-2"],
        ),
        EvalCase(
            "dlg: wrong hours repeated word for word at the complaint", "outdated_retrieval", _bikes(),
            root=1, symptom=3, app="dlg_bikes", code=("bikes/stations.py", "kastrup_street_hours_2022.md"),
            instrumentation="otel_genai_legacy", tags=["dialogue", "class-2"],
        ),
        EvalCase(
            "dlg: lily allergy slides out of a three-exchange window", "context_window_dropped_constraint",
            _florist(), root=5, symptom=6, app="dlg_florist", code=("florist/agent.py", "history[-6:]"),
            instrumentation="otel_genai", tags=["dialogue", "class-3"],
        ),
        EvalCase(
            "dlg: memory step stores the colleague's name, booking and replies carry it", "state_corruption",
            _hotels(), root=2, symptom=6, app="dlg_hotels",
            code=("hotels/memory.py", 'profile["guest_name"] = names[0]'),
            instrumentation="custom keys, wrapper root", tags=["dialogue", "class-3"],
        ),
        EvalCase(
            "dlg: last year's deduction stated at turn 2, reused, then disputed", "hallucinated_fact",
            _taxhelper(), root=2, symptom=5, app="dlg_taxhelper",
            code=("taxhelper/prompts.py", "brackets from memory to keep answers fast"),
            instrumentation="mlflow", tags=["dialogue", "class-3"],
        ),
        EvalCase(
            "dlg: healthy meter reading with a 'why' question and repeated closings", None, _energy(),
            app="dlg_energy", instrumentation="otel_genai_legacy", tags=["dialogue", "class-7"],
        ),
        EvalCase(
            "dlg: healthy, strike apology and a 'how come' that is a real question", None, _rail(),
            app="dlg_rail", instrumentation="openinference, wrapper root", tags=["dialogue", "class-7"],
        ),
    ]
