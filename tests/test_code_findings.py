"""Code correlation names the line a developer would change, not only the function: the
prompt sentence that invites guessing, the line that drops history, the parser line that
computed the wrong field, the sort that picks the old document. Real stores, real git repos."""

from __future__ import annotations

from typing import Any

from turnback import analyze_session
from turnback.demo.builder import chat_turn, llm_span, retriever_span, tool_span

PROMPTS_PY = '''SUPPORT_PROMPT = (
    "You are the helpdesk assistant for Arden Labs. Keep answers short and numbered. "
    "If the knowledge base does not name a setting, fill the gaps with the usual values."
)
'''
AGENT_PY = '''import mlflow

from app.prompts import SUPPORT_PROMPT


@mlflow.trace(name="answer")
def answer(history, message):
    messages = [{"role": "system", "content": SUPPORT_PROMPT}, *history]
    return call_model(messages + [{"role": "user", "content": message}])


@mlflow.trace(name="call_model", span_type="CHAT_MODEL")
def call_model(messages):
    return client.chat.completions.create(model="gpt-4o-mini", messages=messages)
'''


def _analyze(write, store_uri: str, repo, session_id: str, turns: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    experiment_id = write(session_id, turns)
    return analyze_session(session_id, tracking_uri=store_uri, experiment_id=experiment_id,
                           repo=repo, self_trace_uri=None)


def _top(report, n: int = 3) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{f.path}:{f.line}" for f in report.code_findings[:n]]


def _invented_setting(prompt: str | None) -> list[dict[str, Any]]:
    first_children = [llm_span([{"role": "system", "content": prompt},
                                {"role": "user", "content": "What is the VPN gateway address?"}],
                               "Use vpn.arden-labs.com on port 443.", name="call_model")] if prompt else []
    return [
        chat_turn("What is the VPN gateway address?", "Use vpn.arden-labs.com on port 443.",
                  children=first_children),
        chat_turn("Thanks, connecting now.", "Great, let me know how it goes."),
        chat_turn("That host does not exist. IT says the gateway is gw.arden.internal. Where did "
                  "vpn.arden-labs.com come from?", "Sorry about that."),
    ]


def test_the_prompt_sentence_that_invites_guessing_is_named_when_the_prompt_was_recorded(
        write, store_uri, git_repo) -> None:
    repo = git_repo({"app/prompts.py": PROMPTS_PY, "app/agent.py": AGENT_PY})
    prompt = ("You are the helpdesk assistant for Arden Labs. Keep answers short and numbered. "
              "If the knowledge base does not name a setting, fill the gaps with the usual values.")

    report = _analyze(write, store_uri, repo, "vpn", _invented_setting(prompt))

    assert report.root_cause is not None and report.root_cause.turn == 1
    top = report.code_findings[0]
    assert (top.path, top.line, top.kind) == ("app/prompts.py", 3, "prompt_text")
    assert "answer without the facts" in top.answers
    places = [f"{f.path}:{f.line}" for f in report.code_findings]
    assert "app/prompts.py:2" in places  # the rest of the prompt
    # The traced model call is one finding, at its def, not also at its decorator.
    assert "app/agent.py:13" in places and "app/agent.py:12" not in places


def test_without_a_recorded_prompt_the_apps_prompt_definitions_are_searched(
        write, store_uri, git_repo) -> None:
    repo = git_repo({"app/prompts.py": PROMPTS_PY, "app/agent.py": AGENT_PY})

    report = _analyze(write, store_uri, repo, "vpn", _invented_setting(None))

    assert report.root_cause is not None and report.root_cause.turn == 1
    assert _top(report, 1) == ["app/prompts.py:3"]
    assert "none was recorded" in report.code_findings[0].answers


def test_a_prompt_sentence_without_such_an_instruction_is_not_ranked_first(
        write, store_uri, git_repo) -> None:
    plain = PROMPTS_PY.replace("fill the gaps with the usual values", "say that you do not know")
    repo = git_repo({"app/prompts.py": plain, "app/agent.py": AGENT_PY})

    report = _analyze(write, store_uri, repo, "vpn", _invented_setting(None))

    assert all("answer without the facts" not in f.answers for f in report.code_findings)


CONTEXT_PY = '''MAX_PROMPT_CHARS = 300


def fit_history(history, message):
    history = list(history)
    while history and sum(len(m["content"]) for m in history) + len(message) > MAX_PROMPT_CHARS:
        history.pop(0)
    return history
'''


def _dropped_constraint_turns() -> list[dict[str, Any]]:
    """A constraint given at turn 1 that turn 3's model call no longer received."""
    system = {"role": "system", "content": "You are a dinner planner."}
    constraint = "I'm allergic to shrimp, keep that in mind."
    paste = "Here is our week so far: " + "museum, lunch, walk, " * 12
    return [
        chat_turn(constraint, "Noted: step-free places only.", children=[llm_span(
            [system, {"role": "user", "content": constraint}], "Noted: step-free places only.",
            name="generate")]),
        chat_turn(paste, "Thanks, that itinerary looks good.", children=[llm_span(
            [system, {"role": "user", "content": constraint},
             {"role": "assistant", "content": "Noted: step-free places only."},
             {"role": "user", "content": paste}], "Thanks, that itinerary looks good.", name="generate")]),
        chat_turn("What should we cook tonight?", "Garlic shrimp pasta would be lovely.",
                  children=[llm_span([system, {"role": "user", "content": paste},
                                      {"role": "user", "content": "What should we cook tonight?"}],
                                     "Garlic shrimp pasta would be lovely.", name="generate")]),
    ]


def test_history_dropped_in_place_is_found_for_a_lost_constraint(write, store_uri, git_repo) -> None:
    turns = _dropped_constraint_turns()
    repo = git_repo({"planner/context.py": CONTEXT_PY,
                     "planner/llm.py": "import mlflow\n\n\n@mlflow.trace\ndef generate(messages):\n"
                                       "    return client.chat(messages)\n"})

    report = _analyze(write, store_uri, repo, "trip", turns)

    assert report.root_cause is not None and report.root_cause.category == "context_window_dropped_constraint"
    assert "planner/context.py:7" in _top(report)


PARSING_PY = '''import re

import mlflow


@mlflow.trace(span_type="PARSER")
def parse_move_request(text):
    numbers = [int(n) for n in re.findall(r"\\d+", text)]
    return {
        "bedrooms": numbers[0],
        "floor": numbers[-1],
        "date": re.search(r"\\d{1,2} June", text).group(0),
    }
'''


def test_the_parser_line_that_computed_the_wrong_field_is_named(write, store_uri, git_repo) -> None:
    ask = "We're moving out of a 3-bedroom flat on the 4th floor to Aarhus on 12 June."
    parsed = {"bedrooms": 3, "floor": 12, "date": "12 June"}
    turns = [
        chat_turn(ask, "Noted: 3 bedrooms, 12th floor, moving on 12 June.",
                  children=[tool_span("parse_move_request", {"text": ask}, parsed)]),
        chat_turn("What will it cost?", "About 21,000 DKK including the 12th-floor carry surcharge."),
        chat_turn("Twelfth floor? I said the 4th floor. Please redo the quote.", "Sorry, let me fix that."),
    ]
    repo = git_repo({"movers/parsing.py": PARSING_PY})

    report = _analyze(write, store_uri, repo, "move", turns)

    assert report.root_cause is not None and report.root_cause.turn == 1
    assert report.root_cause.category == "input_misparsed"
    found = next(f for f in report.code_findings if f.kind == "value_origin")
    assert (found.path, found.line) == ("movers/parsing.py", 11)
    assert "'floor'" in found.answers


BOOKING_APP_PY = '''import mlflow

from parser import parse_booking


@mlflow.trace(span_type="MEMORY")
def recall(session_id):
    return STORE.get(session_id, {})


@mlflow.trace(span_type="MEMORY")
def remember(session_id, key, value):
    STORE.setdefault(session_id, {})[key] = value


@mlflow.trace(span_type="LLM")
def call_model(messages):
    return client.chat(messages)


@mlflow.trace(span_type="AGENT")
def handle_turn(session_id, user_message):
    state = recall(session_id)
    booking = parse_booking(user_message)
    remember(session_id, "booking", booking)
    return call_model([state, booking, user_message])
'''
BOOKING_PARSER_PY = '''import re

import mlflow


@mlflow.trace(span_type="PARSER")
def parse_booking(text):
    hour, minute = re.findall(r"(\\d{1,2}):(\\d{2})", text)[0]
    hour = int(hour) - 5 if int(hour) >= 12 else int(hour) + 12
    return {"time": f"{hour}:{minute}", "people": int(re.search(r"for (\\d+)", text).group(1))}
'''


def test_a_misparsed_value_the_input_gives_without_its_key_names_the_parser_first(
        write, store_uri, git_repo) -> None:
    # "19:30" read as "14:30": the input never says "time", so the parser's key is found by
    # the disputed value, and the parser outranks the four other traced functions of the turn.
    ask = "Book a table for 4 on Friday at 19:30 please."
    parse = {**tool_span("parse_booking", {"text": ask}, {"time": "14:30", "people": 4}), "type": "PARSER"}
    steps = [tool_span("recall", {"session_id": "s"}, {}), parse,
             tool_span("remember", {"session_id": "s", "key": "booking"}, {"time": "14:30", "people": 4})]
    turns = [
        chat_turn(ask, "Done: a table for 4 on Friday at 14:30.", root_name="handle_turn", children=steps),
        chat_turn("No, I said 19:30, not 14:30.", "Sorry about that, I changed it to 19:30.",
                  root_name="handle_turn"),
    ]
    repo = git_repo({"app.py": BOOKING_APP_PY, "parser.py": BOOKING_PARSER_PY})

    report = _analyze(write, store_uri, repo, "table", turns)

    assert report.root_cause is not None and report.root_cause.category == "input_misparsed"
    assert _top(report, 2) == ["parser.py:7", "parser.py:10"]
    assert "'time'" in report.code_findings[1].answers
    assert report.recommendations[0].where == "parser.py:7"


RETRIEVAL_PY = '''import mlflow


@mlflow.trace(span_type="RETRIEVER")
def search_policies(query, k=4):
    return store.similarity_search(query, k=k)


def build_context(hits):
    hits = sorted(hits, key=lambda h: h["metadata"]["doc_id"])
    return hits[0]["page_content"]
'''


def test_the_line_that_picks_among_retrieved_documents_is_named_for_a_stale_source(
        write, store_uri, git_repo) -> None:
    docs = [
        {"id": "refund-policy-v3", "content": "Refunds within 30 days of delivery.",
         "metadata": {"doc_id": "refund-policy-v3", "effective_date": "2024-07-01"}},
        {"id": "refund-policy-v2", "content": "Refunds within 60 days of delivery.",
         "metadata": {"doc_id": "refund-policy-v2", "effective_date": "2021-03-15"}},
    ]
    turns = [
        chat_turn("Hi, I have a question about refunds.", "Sure, what would you like to know?"),
        chat_turn("How long do I have to return headphones?",
                  "You can get refunds within 60 days of delivery.",
                  children=[retriever_span("search_policies", "refund window", docs)]),
    ]
    repo = git_repo({"helpdesk/retrieval.py": RETRIEVAL_PY})

    report = _analyze(write, store_uri, repo, "refund", turns)

    assert report.root_cause is not None and report.root_cause.category == "outdated_retrieval"
    assert _top(report, 1) == ["helpdesk/retrieval.py:10"]
    assert "'doc_id'" in report.code_findings[0].answers


TRIAGE_PY = '''from router import billing


def handoff_to_billing(session, message):
    summary = summarize_issue(message)
    return billing.start({"issue": summary}, session)
'''
BILLING_PY = '''import mlflow


@mlflow.trace(name="billing_agent", span_type="AGENT")
def start(handoff, session):
    session["billing"] = {"issue": handoff["issue"]}
    return lookup_invoices(handoff.get("account_id"), month=None)
'''


def test_the_call_that_hands_on_a_payload_without_the_missing_field_is_named(
        write, store_uri, git_repo) -> None:
    turns = [
        chat_turn("My account is AC-55012.", "Thanks, I have your account."),
        chat_turn("I think I was charged twice in March.", "I could not look up your invoices just now.",
                  children=[tool_span("lookup_invoices", {"account_id": None, "month": None},
                                      error="account_id is required", error_type="ValueError")]),
    ]
    repo = git_repo({"router/triage.py": TRIAGE_PY, "router/billing.py": BILLING_PY})

    report = _analyze(write, store_uri, repo, "handoff", turns)

    assert report.root_cause is not None and report.root_cause.turn == 2
    top = report.code_findings[0]
    assert (top.path, top.line, top.kind) == ("router/triage.py", 6, "handoff_builder")
    assert "without 'account_id'" in top.answers


def test_the_handler_that_hides_a_failure_is_found_in_an_untraced_caller(write, store_uri, git_repo) -> None:
    agent_py = '''from bankbot.ledger import post_transfer


def run_tool(args):
    try:
        return post_transfer(**args)
    except Exception:
        return {"status": "done"}
'''
    ledger_py = '''class LedgerUnavailable(Exception):
    pass


def post_transfer(to, amount):
    raise LedgerUnavailable("ledger service answered 503")
'''
    turns = [
        chat_turn("Send $200 to Alex.", "Sending $200 to Alex, please confirm.", children=[]),
        chat_turn("Confirm.", "Done! $200 has been sent to Alex.", children=[
            tool_span("post_transfer", {"to": "Alex", "amount": 200},
                      error="ledger service answered 503", error_type="LedgerUnavailable")]),
    ]
    repo = git_repo({"bankbot/agent.py": agent_py, "bankbot/ledger.py": ledger_py})

    report = _analyze(write, store_uri, repo, "bank", turns)

    assert report.root_cause is not None and report.root_cause.category == "tool_failure_reported_as_success"
    top = report.code_findings[0]
    assert (top.path, top.line, top.kind) == ("bankbot/agent.py", 7, "swallowed_error")
    assert report.recommendations[0].where == "bankbot/agent.py:7"


def test_without_a_handler_found_the_fix_does_not_call_the_raise_a_catch(write, store_uri, git_repo) -> None:
    ledger_py = '''def post_transfer(to, amount):
    raise RuntimeError("ledger service answered 503")
'''
    turns = [
        chat_turn("Send $200 to Alex.", "Done! $200 has been sent to Alex.", children=[
            tool_span("post_transfer", {"to": "Alex", "amount": 200}, error="ledger service answered 503")]),
    ]
    repo = git_repo({"bankbot/ledger.py": ledger_py})

    report = _analyze(write, store_uri, repo, "bank", turns)

    assert report.root_cause is not None and report.root_cause.category == "tool_failure_reported_as_success"
    assert "no such handler was found" in report.recommendations[0].detail


INTAKE_PY = '''import re

import mlflow

FLOOR_RE = re.compile(r"(\\d+)(?:st|nd|rd|th)? floor")


@mlflow.trace(span_type="PARSER")
def extract_move_details(text):
    floor = FLOOR_RE.search(text)
    return {"details": {"bedrooms": 3, "floor": int(floor.group(1)) if floor else 0}}
'''


def test_a_misparse_in_words_names_the_parser_the_pattern_and_where_it_is_applied(
        write, store_uri, git_repo) -> None:
    ask = "We're on the fourth floor with no lift, moving a three-bedroom flat."
    parsed = {"details": {"bedrooms": 3, "floor": 0}}
    turns = [
        chat_turn(ask, "Quote Q-77: 780 GBP for a ground-floor move.",
                  children=[tool_span("extract_move_details", {"text": ask}, parsed)]),
        chat_turn("The crew says their sheet has ground floor, but we are four flights up.",
                  "I'm sorry, your move was recorded as ground floor. I'll fix the sheet."),
    ]
    repo = git_repo({"movers/intake.py": INTAKE_PY})

    report = _analyze(write, store_uri, repo, "move-words", turns)

    assert report.root_cause is not None and report.root_cause.turn == 1
    top = {f"{f.path}:{f.line}" for f in report.code_findings[:4]}
    assert {"movers/intake.py:10", "movers/intake.py:5", "movers/intake.py:11"} <= top


CART_PY = '''from shop.prices import price_of


def apply_coupon(cart, code):
    rate = COUPONS[code]
    total = sum(price_of(item) for item in cart)
    return round(total * (1 - rate), 2)


COUPONS = {"SPRING10": 0.10}
'''
PRICES_PY = '''def price_of(item):
    return float(item["price"].replace(" ", ""))
'''
TRACEBACK = '''Traceback (most recent call last):
  File "/srv/app/shop/cart.py", line 6, in apply_coupon
    total = sum(price_of(item) for item in cart)
  File "/srv/app/shop/prices.py", line 2, in price_of
    return float(item["price"].replace(" ", ""))
  File "/usr/lib/python3.11/site-packages/somelib/core.py", line 88, in convert
ValueError: could not convert string to float: '12,50'
'''


def test_the_line_a_recorded_stack_trace_raised_at_comes_first(write, store_uri, git_repo) -> None:
    failing = {"name": "apply_coupon", "type": "TOOL", "inputs": {"code": "SPRING10"},
               "error": "could not convert string to float: '12,50'", "error_type": "ValueError",
               "stacktrace": TRACEBACK, "raise": True}
    turns = [
        chat_turn("Add the blue mug to my cart.", "Added: blue mug, 12,50."),
        {"root": {"name": "chat", "type": "CHAIN", "inputs": {"message": "Apply SPRING10 please."},
                  "children": [failing], "error": "coupon failed", "raise": True}},
    ]
    repo = git_repo({"shop/cart.py": CART_PY, "shop/prices.py": PRICES_PY})

    report = _analyze(write, store_uri, repo, "cart", turns)

    assert report.root_cause is not None and report.root_cause.turn == 2
    first = report.code_findings[0]
    assert (first.path, first.line, first.kind) == ("shop/prices.py", 2, "stack_frame")
    assert "shop/cart.py:6" in _top(report, 4)


TRANSFERS_PY = '''class TransferError(Exception):
    pass


def transfer_ticket(order, recipient_email):
    if not has_account(recipient_email):
        raise TransferError(f"recipient has no Encore account: {recipient_email}")
'''


def test_the_line_whose_format_string_wrote_the_error_is_found(write, store_uri, git_repo) -> None:
    turns = [
        chat_turn("Send my second ticket to ola@example.com.", "Done! Ola will get it by email.",
                  children=[tool_span("run_tool", {"name": "transfer"},
                                      error="recipient has no Encore account: ola@example.com")]),
    ]
    repo = git_repo({"encore/transfers.py": TRANSFERS_PY})

    report = _analyze(write, store_uri, repo, "ticket", turns)

    assert "encore/transfers.py:7" in _top(report)


MEMBERS_PY = '''import re

MEMBER_RE = re.compile(r"GY-(\\\\d+)")


def read_member(text):
    found = {}
    match = MEMBER_RE.search(text)
    if match:
        member = f"GY-{int(match.group(1))}"
        found["member"] = member
    return found
'''


def test_the_parser_line_that_turned_a_restated_value_into_a_near_miss_is_named(
        write, store_uri, git_repo) -> None:
    first = "Book me a spin class, member GY-00731."
    turns = [
        chat_turn(first, "Booked for member GY-731.",
                  children=[{"name": "read_member", "type": "PARSER", "inputs": {"text": first},
                             "outputs": {"member": "GY-731"}}]),
        chat_turn("When does it start?", "At 18:00 in studio 2."),
        chat_turn("The app can't find the booking. My number is GY-00731.", "Sorry about that."),
    ]
    repo = git_repo({"gym/members.py": MEMBERS_PY})

    report = _analyze(write, store_uri, repo, "gym", turns)

    assert report.root_cause is not None and report.root_cause.turn == 1
    assert "gym/members.py:10" in _top(report)


def test_a_frame_deployed_under_another_layout_maps_to_the_one_file_of_that_name(
        write, store_uri, git_repo) -> None:
    failing = {"name": "price_of", "type": "TOOL", "inputs": {"item": "mug"},
               "error": "could not convert string to float: '12,50'", "error_type": "ValueError",
               "stacktrace": TRACEBACK.replace("/srv/app/shop/prices.py", "/opt/deploy/prices.py"),
               "raise": True}
    turns = [{"root": {"name": "chat", "type": "CHAIN", "inputs": {"message": "Price of the mug?"},
                       "children": [failing], "error": "pricing failed", "raise": True}}]
    repo = git_repo({"src/shop/cart.py": CART_PY, "src/shop/prices.py": PRICES_PY})

    report = _analyze(write, store_uri, repo, "layout", turns)

    first = report.code_findings[0]
    assert (first.path, first.line, first.kind) == ("src/shop/prices.py", 2, "stack_frame")


PARSE_HOUR_PY = '''import re


def parse_request(text):
    numbers = re.findall(r"\\\\d+", text)
    people = int(numbers[0]) if numbers else 2
    hour = int(numbers[-1]) if numbers else 19
    return {"people": people, "hour": hour}
'''
BOOK_PY = '''def book_table(people, hour):
    try:
        return reserve(people, hour)
    except Exception:
        return {"status": "reserved", "people": people}
'''


def test_a_misread_number_names_the_parser_line_not_an_unrelated_swallowing_except(
        write, store_uri, git_repo) -> None:
    ask = "Please book a table for 4 people at 7, table 2 by the window"
    turns = [
        chat_turn(ask, "Done! Your table for 4 at 2:00 is reserved.",
                  children=[{"name": "parse_request", "type": "PARSER", "inputs": {"text": ask},
                             "outputs": {"people": 4, "hour": 2}},
                            tool_span("book_table", {"people": 4, "hour": 2}, {"status": "reserved"})]),
        chat_turn("No, I said 7, not 2:00!", "Sorry, let me fix that."),
    ]
    repo = git_repo({"app/parsing.py": PARSE_HOUR_PY, "app/tools.py": BOOK_PY})

    report = _analyze(write, store_uri, repo, "hour", turns)

    assert report.root_cause is not None and report.root_cause.category == "input_misparsed"
    assert all(f.kind != "swallowed_error" for f in report.code_findings)
    assert "app/parsing.py:7" in _top(report)


def test_a_silent_fallback_names_the_value_returned_when_the_call_fails(write, store_uri, git_repo) -> None:
    stock_py = '''import requests

import mlflow

DEFAULT_STOCK = {"in_stock": True, "days": 2}


@mlflow.trace(name="check_stock", span_type="TOOL")
def check_stock(sku):
    try:
        resp = requests.get(f"https://stock.example/{sku}", timeout=2)
        return resp.json()
    except requests.Timeout:
        log.warning("stock service slow for %s", sku)
        return DEFAULT_STOCK
'''
    stock = tool_span("check_stock", {"sku": "KT-9"}, {"in_stock": True, "days": 2})
    stock["events"] = [{"name": "exception", "attributes": {
        "exception.type": "Timeout", "exception.message": "read timed out"}}]
    turns = [chat_turn("Is the KT-9 kettle in stock?", "Yes, it ships in 2 days.", children=[stock])]
    repo = git_repo({"shop/stock.py": stock_py})

    report = _analyze(write, store_uri, repo, "fallback", turns)

    assert report.root_cause is not None and report.root_cause.category == "silent_fallback"
    top = report.code_findings[0]
    assert (top.path, top.line, top.kind) == ("shop/stock.py", 15, "fallback_return")
    assert report.recommendations[0].where == "shop/stock.py:15"


def test_a_traced_caller_that_catches_the_failure_and_carries_on_is_named(write, store_uri, git_repo) -> None:
    enrol_py = '''import mlflow
import requests

from club.members import add_member

WELCOME = "You're in! Welcome to {club}."


@mlflow.trace(name="join")
def join(user, club):
    try:
        add_member(user, club)
    except requests.HTTPError as exc:
        log.info("join failed: %s", exc)
    return WELCOME.format(club=club)
'''
    members_py = '''import requests


def add_member(user, club):
    requests.post("https://clubs.example/members", json={"user": user, "club": club}).raise_for_status()
'''
    turns = [
        chat_turn("Sign me up for the chess club.", "You're in! Welcome to chess club.", children=[
            {"name": "join", "type": "CHAIN", "children": [
                tool_span("add_member", {"user": "u1", "club": "chess"}, error="409 Conflict",
                          error_type="HTTPError")]}]),
        chat_turn("Thanks!", "Have fun."),
    ]
    repo = git_repo({"club/enrol.py": enrol_py, "club/members.py": members_py})

    report = _analyze(write, store_uri, repo, "club", turns)

    assert report.root_cause is not None and report.root_cause.category == "tool_failure_reported_as_success"
    found = [(f.path, f.line, f.kind) for f in report.code_findings[:3]]
    assert ("club/enrol.py", 13, "swallowed_error") in found


def test_a_call_missing_a_field_names_the_tool_schemas_required_list(write, store_uri, git_repo) -> None:
    tools_py = '''TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "book_table",
            "parameters": {
                "type": "object",
                "properties": {
                    "party": {"type": "integer"},
                    "time": {"type": "string"},
                    "name": {"type": "string"},
                },
                "required": ["party", "name"],
            },
        },
    },
]
'''
    book = tool_span("book_table.tool", {"party": 4, "name": "Okafor"}, {"ref": "T-4410", "time": "12:00"})
    turns = [
        chat_turn("A table for 4 at 19:45 tonight, name Okafor.", "Lovely, 4 people at 19:45, under Okafor."),
        chat_turn("Yes, book it.", "Booked, reference T-4410.", children=[book]),
        chat_turn("We got here at 19:45 and there's no table for us!",
                  "I'm so sorry. The booking went through without your 19:45 time, so it was made for noon."),
    ]
    repo = git_repo({"bistro/tools.py": tools_py})

    report = _analyze(write, store_uri, repo, "schema", turns)

    assert report.root_cause is not None
    assert (report.root_cause.turn, report.root_cause.category) == (2, "malformed_tool_call")
    top = report.code_findings[0]
    assert (top.path, top.line, top.kind) == ("bistro/tools.py", 13, "tool_schema")


def test_a_helper_returning_the_last_few_messages_is_a_history_window(write, store_uri, git_repo) -> None:
    store_py = '''def recent(thread):
    rows = load_rows(thread)
    return rows[-4:]
'''
    repo = git_repo({"bot/store.py": store_py})

    report = _analyze(write, store_uri, repo, "window", _dropped_constraint_turns())

    assert report.root_cause is not None
    assert report.root_cause.category == "context_window_dropped_constraint"
    assert "bot/store.py:3" in _top(report)


def test_a_prompt_telling_the_model_to_answer_from_its_own_knowledge_is_ranked_first(
        write, store_uri, git_repo) -> None:
    prompts_py = '''SUPPORT_PROMPT = (
    "You are the assistant of Arden Labs. Keep answers short. "
    "Our API does not list gateway addresses, so answer from your own knowledge. "
    "Be friendly."
)
'''
    repo = git_repo({"app/prompts.py": prompts_py, "app/agent.py": AGENT_PY})

    report = _analyze(write, store_uri, repo, "knowledge", _invented_setting(None))

    assert report.code_findings[0].path == "app/prompts.py" and report.code_findings[0].line == 3


def test_the_parser_line_that_read_the_input_through_a_pattern_feeds_the_wrong_field(
        write, store_uri, git_repo) -> None:
    parser_py = '''import re

import mlflow


@mlflow.trace(span_type="PARSER")
def parse_room(text):
    digits = re.findall(r"\\d", text)
    width, depth = int(digits[0]), int(digits[1])
    return {"width_m": width, "depth_m": depth}
'''
    ask = "The room is 3.5 by 4 metres, how much carpet do I need?"
    turns = [
        chat_turn(ask, "For a 3 by 5 m room you need 15 m² of carpet.",
                  children=[tool_span("parse_room", {"text": ask}, {"width_m": 3, "depth_m": 5}, )]),
        chat_turn("Order that please.", "Ordered 15 m² of carpet."),
        chat_turn("The fitter says it's far too much.",
                  "I'm sorry. Your 3.5 by 4 m room was read as 3 by 5 m, so the order is too large."),
    ]
    repo = git_repo({"carpets/parse.py": parser_py})

    report = _analyze(write, store_uri, repo, "carpet", turns)

    assert report.root_cause is not None
    assert (report.root_cause.turn, report.root_cause.category) == (1, "input_misparsed")
    assert "carpets/parse.py:8" in _top(report)
    reading = next(f for f in report.code_findings if f.line == 8)
    assert "reading the input through a pattern" in reading.answers


READINGS_PY = '''import httpx
import mlflow


@mlflow.trace(name="submit_reading", span_type="TOOL")
def submit_reading(account, raw):
    # Readings arrive as typed; only spaces are stripped.
    value = float(raw.replace(" ", ""))
    httpx.post("https://meters.example/readings", json={"account": account, "value": value})
    return {"value": raw}
'''


def test_a_failure_recorded_without_a_stack_trace_points_at_the_operation_its_message_names(
        write, store_uri, git_repo) -> None:
    repo = git_repo({"meters/readings.py": READINGS_PY})
    turns = [
        chat_turn("gas is 9130.4", "Recorded your gas reading of 9130.4.",
                  children=[tool_span("submit_reading", {"account": "A1", "raw": "9130.4"},
                                      {"value": "9130.4"})]),
        chat_turn("and the night meter says 12.077,5", None, children=[
            tool_span("submit_reading", {"account": "A1", "raw": "12.077,5"},
                      error="could not convert string to float: '12.077,5'", error_type="ValueError")]),
        chat_turn("hello? did the night one go in?", "There's no night reading on your account yet."),
    ]

    report = _analyze(write, store_uri, repo, "meter", turns)

    assert report.root_cause is not None and report.root_cause.turn == 2
    top = report.code_findings[0]
    assert (top.path, top.line, top.kind) == ("meters/readings.py", 8, "failing_operation")
    assert "a float conversion" in top.answers


STATE_PY = '''from datetime import datetime, time, timezone

import mlflow

SESSIONS = {}


def to_storage_date(day):
    local = datetime.combine(day, time.min).astimezone()
    return local.astimezone(timezone.utc).date().isoformat()


@mlflow.trace(name="update_move", span_type="MEMORY")
def update_move(session_id, text, when):
    move = SESSIONS.setdefault(session_id, {})
    if when:
        move["move_date"] = to_storage_date(when)
    if "no lift" in text.lower():
        move["lift"] = False
    return move
'''


def test_a_corrupted_state_value_points_at_the_helper_that_computed_it(write, store_uri, git_repo) -> None:
    repo = git_repo({"movers/state.py": STATE_PY})
    stored = {"move_date": "2024-07-05", "lift": False}
    turns = [
        chat_turn("We move on Saturday 6 July, and there's no lift.", "Noted: Saturday 6 July, no lift.",
                  children=[tool_span("update_move", {"text": "We move on Saturday 6 July, and there's no "
                                                              "lift."}, stored)]),
        chat_turn("Book it please.", "Booked! The crew arrives at 08:00 on Friday 5 July.",
                  children=[tool_span("book_move", stored, {"job": "GM-5521", "date": "2024-07-05"})]),
        chat_turn("How come it says Friday 5 July? I told you Saturday the 6th.",
                  "Sorry, I'll ask operations to move it."),
    ]
    turns[0]["root"]["children"][0]["type"] = "MEMORY"

    report = _analyze(write, store_uri, repo, "movers", turns)

    assert report.root_cause is not None
    assert (report.root_cause.turn, report.root_cause.category) == (1, "state_corruption")
    assert "movers/state.py:10" in _top(report)  # the helper's return, not only the assignment
    assert "movers/state.py:17" in _top(report)
