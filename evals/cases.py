"""Labelled eval sessions: root turn, symptom turn, category, code location.

Each case is written into a real MLflow store by the runner. Instrumentation varies
(MLflow-native, wrapper roots, OpenInference, OTel GenAI, legacy GenAI, custom keys).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from turnback.demo import demo_turns
from turnback.demo.builder import chat_turn, llm_span, retriever_span, tool_span

from evals.apps import BANK, CHEF, TRAVEL


@dataclass
class EvalCase:
    name: str
    category: str | None
    """Expected root-cause category; None for a healthy session."""
    turns: list[dict[str, Any]]
    root: int | None = None
    symptom: int | None = None
    app: str | None = None
    code: tuple[str, str] | None = None
    """(path, a substring of the expected line) in the app's codebase."""
    instrumentation: str = "mlflow"
    tags: list[str] = field(default_factory=list)


def system_prompt(files: dict[str, str], path: str) -> str:
    """The prompt string an app file defines (its quoted pieces, joined)."""
    import re

    return "".join(re.findall(r'"([^"]*)"', files[path]))


def conversation(
    pairs: list[tuple[str, str]], *, system: str, window: int | None = None,
    children: dict[int, list[dict[str, Any]]] | None = None, assessments: dict[int, list[dict]] | None = None,
    root_name: str = "chat",
) -> list[dict[str, Any]]:
    """MLflow-native turns, each with an LLM span that saw the last `window` exchanges."""
    turns, history = [], []
    for i, (user, reply) in enumerate(pairs, 1):
        kept = history if window is None else history[-2 * window:] if window else []
        messages = [{"role": "system", "content": system}, *kept, {"role": "user", "content": user}]
        spans = [*(children or {}).get(i, []), llm_span(messages, reply, name="call_llm")]
        turns.append(chat_turn(user, reply, children=spans, root_name=root_name,
                               assessments=(assessments or {}).get(i)))
        history += [{"role": "user", "content": user}, {"role": "assistant", "content": reply}]
    return turns


def with_attributes(turns: list[dict[str, Any]], convention: str) -> list[dict[str, Any]]:
    """Move each root's I/O from mlflow.spanInputs/Outputs to another convention's keys."""
    for turn in turns:
        root = turn["root"]
        user = root.pop("inputs", {}).get("message")
        reply = root.pop("outputs", None)
        if convention == "openinference":
            attrs = {"input.value": user, "output.value": reply or "", "openinference.span.kind": "AGENT"}
        elif convention == "otel_genai":
            attrs = {
                "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": user}]}]),
                "gen_ai.output.messages": json.dumps(
                    [{"role": "assistant", "parts": [{"type": "text", "content": reply or ""}]}]),
            }
        elif convention == "otel_genai_legacy":
            attrs = {"gen_ai.prompt.0.role": "user", "gen_ai.prompt.0.content": user,
                     "gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.content": reply or ""}
        else:
            attrs = {"app.user_message": user, "app.bot_reply": reply or ""}
        root["attributes"] = attrs
    return turns


def wrapped(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each turn under a wrapper root span with empty I/O (an HTTP handler)."""
    for turn in turns:
        turn["root"] = {"name": "POST /chat", "type": "CHAIN", "inputs": {}, "children": [turn["root"]]}
    return turns


def cases() -> list[EvalCase]:
    chef_prompt = system_prompt(CHEF, "chef/agent.py")
    travel_prompt = system_prompt(TRAVEL, "travel/prompts.py")
    bank_prompt = system_prompt(BANK, "bank/prompts.py")
    return [
        EvalCase(
            "tool error reported as success", "tool_failure_reported_as_success",
            [
                chat_turn("Where is my order 1234?", "Order 1234 shipped yesterday.",
                          children=[tool_span("lookup_order", {"order_id": "1234"}, {"status": "shipped"})]),
                chat_turn("Please change the delivery address to 12 Oak Street.",
                          "Done, your delivery address is now 12 Oak Street.",
                          children=[tool_span("update_address", {"address": "12 Oak Street"}, {"ok": True},
                                              error="address service returned 503",
                                              error_type="AddressServiceError")]),
                chat_turn("Thanks. When will it arrive?", "It should arrive on Friday."),
                chat_turn("The courier went to my old address! You said the address was changed.",
                          "I apologize for the trouble."),
            ],
            root=2, symptom=4, app="shop", code=("shop/tools.py", "except AddressServiceError:"),
        ),
        EvalCase(
            "demo: swallowed payment timeout under a wrapper root", "tool_failure_reported_as_success",
            demo_turns(), root=2, symptom=4, app="demo", code=("tools.py", "except Exception:"),
            instrumentation="mlflow, wrapper root",
        ),
        EvalCase(
            "tool error payload, custom keys", "tool_failure_reported_as_success",
            with_attributes([
                chat_turn("I need to cancel booking QX7.", "Sure, cancelling booking QX7 now."),
                chat_turn("Yes, go ahead.", "Your booking QX7 is cancelled and refunded.",
                          children=[tool_span("cancel_booking", {"booking_ref": "QX7"},
                                              {"error": "booking locked by provider"})]),
                chat_turn("I was charged anyway! You told me it was cancelled and refunded.",
                          "I'm sorry, let me check."),
            ], "custom"),
            root=2, symptom=3, app="travel", code=("travel/tools.py", "def cancel_booking"),
            instrumentation="custom keys",
        ),
        EvalCase(
            "app error with no reply", "app_error",
            [
                chat_turn("What's my balance?", "Your balance is 1,240 EUR."),
                chat_turn("Send 200 EUR to my landlord.", None, root_name="transfer_funds",
                          error="KeyError: 'iban'"),
                chat_turn("Hello? Did it go through?", "Let me check that for you."),
            ],
            root=2, symptom=2, app="bank", code=("bank/transfers.py", "def transfer_funds"),
        ),
        EvalCase(
            "outdated policy document", "outdated_retrieval",
            [
                chat_turn("What's your return window?", "You can return items within 14 days.", children=[
                    retriever_span("search_kb", "return window", [{
                        "id": "returns-2021", "content": "Returns are accepted within 14 days.",
                        "metadata": {"doc_uri": "kb/returns-2021.md", "last_updated": "2021-02-01"}}])]),
                chat_turn("Do you ship to Canada?", "Yes, we ship to Canada."),
                chat_turn("Your website says 60 days! You told me 14 days, that's wrong.",
                          "Apologies, let me check the current policy."),
            ],
            root=1, symptom=3, app="shop", code=("shop/kb_index.py", "kb/returns-2021.md"),
        ),
        EvalCase(
            "context window dropped an allergy", "context_window_dropped_constraint",
            conversation([
                ("I'm allergic to peanuts, please remember that for every suggestion.",
                 "Noted, I will avoid peanuts."),
                ("What's a quick breakfast?", "Try overnight oats with berries."),
                ("And a light lunch?", "A lentil soup with crusty bread."),
                ("Any snack ideas?", "Hummus with carrot sticks."),
                ("What about dessert?", "Poached pears with yogurt."),
                ("Suggest a Thai dinner.", "Try chicken satay with a rich peanut sauce!"),
                ("I told you I'm allergic to peanuts!", "I'm so sorry, let me suggest something else."),
            ], system=chef_prompt, window=2),
            root=6, symptom=7, app="chef", code=("chef/agent.py", "history[-4:]"),
            instrumentation="mlflow, llm spans",
        ),
        EvalCase(
            "constraint ignored with full context, GenAI attributes", "constraint_ignored",
            with_attributes(conversation([
                ("I'm vegetarian, so no meat please.", "Got it, vegetarian dishes only."),
                ("Give me a dinner idea.", "How about a classic beef stroganoff?"),
                ("I said I'm vegetarian, no meat!", "Sorry! Try a mushroom stroganoff instead."),
            ], system=chef_prompt), "otel_genai"),
            root=2, symptom=3, app="chef", code=("chef/agent.py", "You are ChefBot"),
            instrumentation="otel_genai",
        ),
        EvalCase(
            "hallucinated terminal that later turns build on", "hallucinated_fact",
            with_attributes(conversation([
                ("When does my flight to Rome leave?", "Your flight AZ611 departs at 09:40."),
                ("Which terminal?", "It leaves from Terminal 3."),
                ("Where is the lounge?", "The lounge near Terminal 3 is by gate B12."),
                ("There is no Terminal 3 at this airport! You told me Terminal 3.", "My apologies."),
            ], system=travel_prompt, children={1: [tool_span(
                "get_itinerary", {"booking_ref": "QX7"}, {"flight": "AZ611", "departs": "09:40"})]}),
                "openinference"),
            root=2, symptom=4, app="travel", code=("travel/prompts.py", "Always give the traveller"),
            instrumentation="openinference",
        ),
        EvalCase(
            "party size stored wrong in memory", "state_corruption",
            [
                chat_turn("Book a table for two guests on Friday, name Ana.", "Got it, Ana. Friday it is.",
                          children=[{"name": "save_profile", "type": "UNKNOWN",
                                     "inputs": {"message": "Book a table for two guests on Friday"},
                                     "outputs": {"guests": 1, "day": "Friday", "name": "Ana"}}]),
                chat_turn("What times are free?", "7pm and 8:30pm are free."),
                chat_turn("7pm please.", "Booked: Friday at 7pm, a table for 1 guest.",
                          children=[tool_span("book_table", {"guests": 1, "day": "Friday", "time": "19:00"},
                                              {"status": "booked", "guests": 1})]),
                chat_turn("I said two guests, not one!", "Sorry, I'll fix the booking."),
            ],
            # Labelled at first with the def (all the first engine could name); the line to change
            # is the one that turns an unread "two" into 1.
            root=1, symptom=4, app="dine", code=("dine/memory.py", "if match else 1"),
        ),
        EvalCase(
            "date misparsed, legacy GenAI attributes", "input_misparsed",
            with_attributes([
                chat_turn("Book me a flight to Paris on March 3rd.", "Booked your flight to Paris on March 13.",
                          children=[{"name": "parse_request", "type": "PARSER",
                                     "inputs": {"text": "Book me a flight to Paris on March 3rd."},
                                     "outputs": {"city": "Paris", "date": "March 13"}},
                                    tool_span("book_flight", {"city": "Paris", "date": "March 13"},
                                              {"status": "booked"})]),
                chat_turn("I said March 3rd, not the 13th!", "Sorry, let me rebook."),
            ], "otel_genai_legacy"),
            root=1, symptom=2, app="travel", code=("travel/parsing.py", "def parse_request"),
            instrumentation="otel_genai_legacy",
        ),
        EvalCase(
            "off-topic reply flagged by a guideline scorer", "instruction_drift",
            conversation([
                ("How do I order a new card?", "Open the app, go to Cards, and tap Order new card."),
                ("Write me a poem about pirates.", "Yo ho, the sea is wide, a pirate's heart is full of pride..."),
                ("Ok, what's the daily transfer limit?", "The daily transfer limit is 5,000 EUR."),
            ], system=bank_prompt, assessments={2: [{
                "name": "guideline_adherence", "value": False,
                "rationale": "The reply went off-topic with a poem, violating the banking-only guideline."}]}),
            root=2, symptom=2, app="bank", code=("bank/prompts.py", "Only discuss Acme Bank"),
        ),
        EvalCase(
            "stuck repeating itself", "repetition",
            [
                chat_turn("My parcel hasn't arrived.", "I'm sorry! Could you share your order number?"),
                chat_turn("It's order 5521.", "Please share your order number so I can look into your parcel."),
                chat_turn("I just did: 5521.", "Please share your order number so I can look into your parcel."),
                chat_turn("You keep saying the same thing over and over.", "Apologies for the confusion."),
            ],
            # Relabelled from 3/4: turn 2 already asks again for the number the user just
            # gave, and turn 3's "I just did" is the first pushback; turn 3 repeats turn 2.
            # The engine finds the root but calls it disputed_by_user, so the case is scored
            # in the evals and kept out of the regression gate in tests/test_evals.py.
            root=2, symptom=3, app="shop", code=None, tags=["hard"],
        ),
        EvalCase(
            "allergy broken with no complaint", "context_window_dropped_constraint",
            conversation([
                ("I'm allergic to shrimp, keep that in mind.", "Understood, no shrimp."),
                ("A light starter?", "A tomato and basil bruschetta."),
                ("A main course?", "Grilled vegetables with couscous."),
                ("Something from the sea for tomorrow?", "Garlic shrimp pasta would be lovely."),
            ], system=chef_prompt, window=1),
            root=4, symptom=4, app="chef", code=("chef/agent.py", "history[-4:]"),
        ),
        # Harder cases, written without tuning the judge to them.
        EvalCase(
            "hard: paraphrased pushback with no trigger phrase", "hallucinated_fact",
            [
                chat_turn("Is the Prado open on Mondays?", "Yes, the Prado is open every day including Mondays."),
                chat_turn("Great, we'll go Monday morning.", "Enjoy the visit!"),
                chat_turn("Hmm, we're standing at the door and it's shut. The sign says closed Mondays.",
                          "Sorry about that."),
            ],
            root=1, symptom=3, app="travel", code=("travel/prompts.py", "Always give the traveller"),
            tags=["hard"],
        ),
        EvalCase(
            "hard: wrong fact at turn 1, complaint after many turns", "hallucinated_fact",
            [chat_turn("What's the checkout time at the Alfama?", "Checkout at Hotel Alfama is 2pm.")]
            + [chat_turn(f"Any tip number {i} for Lisbon?", f"Tip {i}: try the pastries in Belem.")
               for i in range(2, 9)]
            + [chat_turn("Reception just charged me a late fee at noon. You told me checkout was 2pm!",
                         "I'm sorry for the confusion.")],
            root=1, symptom=9, app="travel", code=("travel/prompts.py", "Always give the traveller"),
            tags=["hard"],
        ),
        EvalCase(
            "hard: two faults, the complaint is about the second", "tool_failure_reported_as_success",
            [
                chat_turn("Check order 88.", "Sorry, I couldn't reach the order system. Please retry.",
                          children=[tool_span("lookup_order", {"order_id": "88"}, None, error="timeout")]),
                chat_turn("Change the address of order 88 to 4 Elm Road.", "Done, order 88 now ships to 4 Elm Road.",
                          children=[tool_span("update_address", {"address": "4 Elm Road"}, {"ok": True},
                                              error="address service returned 503",
                                              error_type="AddressServiceError")]),
                chat_turn("It went to my old address. You said it ships to Elm Road!", "I'm sorry."),
            ],
            root=2, symptom=3, app="shop", code=("shop/tools.py", "except AddressServiceError:"),
            tags=["hard"],
        ),
        EvalCase(
            "hard: acknowledged failure, then a false success claim", "hallucinated_fact",
            [
                chat_turn("Refund order 31 please.", "Sorry, the refund service is down right now.",
                          children=[tool_span("refund", {"order_id": "31"}, None, error="refund service down")]),
                chat_turn("Can you try again?", "Done! Your refund for order 31 has been issued."),
                chat_turn("My bank shows nothing. You told me the refund was issued!", "Apologies."),
            ],
            root=2, symptom=3, app="shop", code=None, tags=["hard"],
        ),
        EvalCase(
            "hard: only a session-level frustration score", "failing_assessment",
            [
                chat_turn("How do I reset my PIN?", "Go to Cards > PIN > Reset.", assessments=[{
                    "name": "user_frustration", "value": "unresolved", "session_level": True,
                    "rationale": "The user could not find the PIN menu and left frustrated."}]),
                chat_turn("There's no PIN menu in my app.", "It should be under Cards."),
                chat_turn("Forget it.", "Let me know if you need anything else."),
            ],
            root=1, symptom=2, app="bank", code=None, tags=["hard"],
        ),
        EvalCase(
            "healthy order questions", None,
            [
                chat_turn("Where is order 77?", "Order 77 is out for delivery today.",
                          children=[tool_span("lookup_order", {"order_id": "77"}, {"status": "out for delivery"})]),
                chat_turn("Great, thanks!", "You're welcome!"),
            ],
            app="shop",
        ),
        EvalCase(
            "healthy: acknowledged outage and a scorer error", None,
            [
                chat_turn("Transfer 50 EUR to Sam.", "Sorry, the transfer service is unavailable right now. "
                          "Please try again in a few minutes.",
                          children=[tool_span("transfer", {"to": "Sam", "amount": 50}, None,
                                              error="transfer service unavailable")]),
                chat_turn("Ok, thanks.", "You're welcome.",
                          assessments=[{"name": "helpfulness", "error": "judge model timed out"}]),
            ],
            app="bank", tags=["scorer errors"],
        ),
        EvalCase(
            "healthy: misleading assessment values", None,
            [
                chat_turn("Can I change my delivery slot?", "Yes, pick any slot under Orders > Delivery.",
                          assessments=[{"name": "user_frustration", "value": "no",
                                        "rationale": "The user is not frustrated at all."}]),
                chat_turn("Done, thanks.", "Glad it worked!",
                          assessments=[{"name": "contains_error", "value": "no",
                                        "rationale": "No errors; the reply is correct and helpful."},
                                       {"name": "user_frustration", "value": "none", "session_level": True,
                                        "rationale": "No frustration across the session."}]),
            ],
            app="shop", tags=["misleading values"],
        ),
        EvalCase(
            "healthy: long session under a wrapper root", None,
            wrapped([chat_turn(f"What's the price of item {i}?", f"Item {i} costs {10 + i} EUR.")
                     for i in range(1, 21)]),
            app="shop", instrumentation="mlflow, wrapper root",
        ),
        EvalCase(
            "healthy: chef with full context", None,
            conversation([
                ("I'm vegetarian.", "Noted, vegetarian dishes only."),
                ("A dinner idea?", "A mushroom risotto with parmesan."),
                ("Sounds great.", "Enjoy your meal!"),
            ], system=chef_prompt),
            app="chef",
        ),
    ]


