"""Fresh labelled sessions, dev split.

Everyday domains not used by the other dev sets: pushback worded without stock phrases
(class 1), a wrong value whose earliest origin is several turns before the complaint (class 3),
tool errors reported as success (class 2) and healthy look-alikes (class 7). Written from the
story of each session, without running the engine. No app code: `app` and `code` are None.
"""

from __future__ import annotations

from typing import Any

from turnback.demo.builder import chat_turn, retriever_span, tool_span

from evals.cases import EvalCase, conversation, with_attributes, wrapped
from evals.sets.recording import _Chat, _genai_call, _legacy_call, _oi_call, _openai_call, _tool_msg

Span = dict[str, Any]

APPS: dict[str, dict[str, str]] = {}


# --- class 1: pushback in varied wording ---------------------------------------------------


def _car_rental() -> list[dict[str, Any]]:
    """Thursday noon to Sunday noon is 3 rental days; the reply says 4 and the next one repeats it."""
    chat = _Chat("You are the booking assistant of Sol Rent-a-Car. Quote from the rates tool.",
                 _oi_call, root_name="assistant")
    rates = {"station": "FAO", "class": "compact", "model": "Renault Clio or similar",
             "daily_rate_eur": 42, "billing": "per 24 hours from pick-up",
             "extras": {"child_seat_eur_per_day": 7}}
    q1 = ("I'd like a compact car from Faro airport, pick-up Thursday 12 September at noon, drop-off "
          "Sunday 15 September at noon. What would that cost?")
    chat.say(q1, "A compact (Renault Clio or similar) is 42 EUR a day. Thursday noon to Sunday noon is "
             "4 rental days, so 168 EUR in total.",
             before=[tool_span("get_rates", {"station": "FAO", "class": "compact"}, rates)],
             context=[_tool_msg("get_rates", rates)])
    chat.say("We'll need a child seat for our 3-year-old as well.",
             "A child seat is 7 EUR per rental day, so 28 EUR for the 4 days; your total comes to 196 EUR.",
             context=[_tool_msg("get_rates", rates)])
    chat.say("Hang on, how is that 4 days? We collect it Thursday at 12 and bring it back Sunday at 12.",
             "You're right, I'm sorry: that's 3 rental days, so 126 EUR for the car plus 21 EUR for the "
             "child seat, 147 EUR in total.", context=[_tool_msg("get_rates", rates)])
    booking = {"booking_ref": "SOL-83310", "days": 3, "total_eur": 147, "status": "confirmed"}
    chat.say("OK, book it with the seat please.",
             "Booked: compact car with child seat, Faro airport, 12-15 September, 147 EUR (ref SOL-83310).",
             before=[tool_span("create_booking", {"station": "FAO", "class": "compact",
                                                  "pickup": "2024-09-12T12:00", "dropoff": "2024-09-15T12:00",
                                                  "extras": ["child_seat"]}, booking)],
             context=[_tool_msg("create_booking", booking)])
    return with_attributes(chat.turns, "openinference")


def _recipe_scaling() -> list[dict[str, Any]]:
    """200 g butter x 2.5 is 500 g; the reply says 800 g and the shopping list repeats it."""
    return with_attributes(conversation([
        ("My shortbread recipe makes 12 biscuits: 300 g flour, 200 g butter and 100 g sugar. Can you "
         "scale it up to 30 biscuits?",
         "For 30 biscuits multiply everything by 2.5: 750 g flour, 800 g butter and 250 g sugar."),
        ("How long should they bake?",
         "At 160°C for 18-20 minutes, until the edges are just turning pale golden."),
        ("Can you give me a shopping list? I already have 250 g of butter in the fridge.",
         "Shopping list: 750 g flour, 250 g sugar and 550 g butter (on top of the 250 g you have, "
         "800 g in all)."),
        ("800 grams of butter for 30 biscuits. No. That is not right.",
         "You're right, I'm sorry: 200 g x 2.5 is 500 g of butter, so you only need 250 g more."),
    ], system="You are Crumb, a friendly baking assistant. Scale recipes precisely."), "custom")


def _train_tickets() -> list[dict[str, Any]]:
    """The parser turns 'the 18:15' into 08:15; the user restates the right time two turns later."""
    q1 = "Two second-class tickets from Utrecht to Groningen on the 18:15 this Friday, please."
    journey = {"from": "Utrecht Centraal", "to": "Groningen", "date": "2024-10-18", "time": "08:15",
               "passengers": 2, "class": 2}
    booked = {"booking_ref": "NSX-40218", "departure": "2024-10-18T08:15", "seats": ["12", "13"],
              "price_eur": 57.40, "status": "booked"}
    return wrapped([
        chat_turn(q1, "Booked: 2 second-class tickets Utrecht Centraal to Groningen, Friday 18 October at "
                  "08:15, seats 12 and 13, 57.40 EUR in total (ref NSX-40218).", root_name="handle_message",
                  children=[tool_span("parse_journey", {"text": q1}, journey),
                            tool_span("book_tickets", journey, booked)]),
        chat_turn("Can we bring a folding bike?",
                  "Yes, a folded bike travels free as hand luggage, no bike ticket needed.",
                  root_name="handle_message"),
        chat_turn("It's the 18:15 we want. Quarter past six in the evening, we both work until five.",
                  "Apologies, I've moved booking NSX-40218 to the 18:15 departure on Friday 18 October.",
                  root_name="handle_message",
                  children=[tool_span("change_booking", {"booking_ref": "NSX-40218", "time": "18:15"},
                                      {**booked, "departure": "2024-10-18T18:15"})]),
    ])


def _utility_bill() -> list[dict[str, Any]]:
    """The account tool says 84 EUR and the reply reports it; the user's letter says 112 EUR."""
    chat = _Chat("You are Nordvolt Energy's customer assistant. Use the account tools for figures.",
                 _genai_call, call_name="generate", root_name="handle_turn", model="gpt-4.1-mini")
    account = {"account": "5512008743", "tariff": "Flex Green", "monthly_debit_eur": 84,
               "debit_day": 1, "next_debit": "2024-11-01"}
    q1 = "Hi, account 5512 0087 43. How much is my monthly direct debit for electricity now?"
    chat.say(q1, "Your monthly direct debit is 84 EUR on the Flex Green tariff, next taken on 1 November.",
             before=[tool_span("get_account", {"account": "5512008743"}, account)],
             context=[_tool_msg("get_account", account)])
    changed = {**account, "debit_day": 15, "next_debit": "2024-12-15"}
    chat.say("Could you move the collection date to the 15th? Payday is the 12th.",
             "Done: from December your 84 EUR debit will be taken on the 15th of each month.",
             before=[tool_span("update_debit_day", {"account": "5512008743", "day": 15}, changed)],
             context=[_tool_msg("update_debit_day", changed)])
    chat.say("That's odd. I've got your letter of 3 October in front of me, and it says my payment goes up "
             "to 112 EUR from November because of the new unit rates.",
             "Thanks for flagging it. The account I can see still shows 84 EUR; I've asked billing to check "
             "whether the new amount has been applied and to write to you.",
             context=[_tool_msg("get_account", changed)])
    return with_attributes(chat.turns, "otel_genai")


def _pet_insurance() -> list[dict[str, Any]]:
    """Dental cover is invented at turn 2 (the policy lists accident and illness only)."""
    chat = _Chat("You are PawSure's policy assistant. Answer from the customer's policy.", _legacy_call,
                 root_name="policy_chat")
    policy = {"policy": "PP-88310", "plan": "Essential", "pet": "Miso (cat)",
              "covers": ["accident", "illness"], "annual_limit_eur": 3000, "excess_eur": 100}
    chat.say("Hi, I have the Essential plan for my cat Miso, policy PP-88310. What does it cover?",
             "Your Essential plan covers accidents and illness up to 3,000 EUR a year, with a 100 EUR "
             "excess per claim.",
             before=[tool_span("get_policy", {"policy": "PP-88310"}, policy)],
             context=[_tool_msg("get_policy", policy)])
    chat.say("Miso has cracked a tooth and the vet wants to take it out. Would that be covered?",
             "Yes, Essential includes dental treatment up to 500 EUR a year, so the extraction is covered "
             "after your 100 EUR excess.", context=[_tool_msg("get_policy", policy)])
    chat.say("Great, the vet quoted 380 EUR. How do I claim?",
             "Pay the vet, then upload the invoice under Claims > New claim and choose 'Dental'. You'd get "
             "280 EUR back (380 EUR minus the 100 EUR excess).", context=[_tool_msg("get_policy", policy)])
    chat.say("Sorry if I've misunderstood something, but the claim form only offers Accident and Illness, "
             "there's no Dental option. Would you mind having another look at what my plan includes?",
             "I'm sorry, I was wrong: dental treatment isn't part of Essential, which covers accidents and "
             "illness only. A tooth broken in an accident may still be claimable under Accident.",
             context=[_tool_msg("get_policy", policy)])
    return with_attributes(chat.turns, "otel_genai_legacy")


# --- class 3: the earliest origin of a value later turns build on ---------------------------


def _school_enrolment() -> list[dict[str, Any]]:
    """04/09/2019 read month-first at turn 2: Year 1 instead of Reception, carried to turn 5."""
    chat = _Chat("You help parents enrol children at Linden Park Primary. Year groups follow the "
                 "1 September cut-off.", _openai_call, root_name="enrol_chat")
    chat.say("Hello, I'd like to enrol my daughter at Linden Park Primary for this September.",
             "Happy to help. What is her full name and date of birth?")
    q2 = "Mila Kowalski, born 04/09/2019."
    child = {"name": "Mila Kowalski", "date_of_birth": "2019-04-09"}
    application = {"application_id": "LP-2024-0613", "child": "Mila Kowalski", "year_group": "Year 1",
                   "status": "draft"}
    chat.say(q2, "Thanks! Mila goes into Year 1 this September. I've started application LP-2024-0613.",
             before=[{"name": "extract_child_details", "type": "PARSER", "inputs": {"text": q2},
                      "outputs": child},
                     tool_span("create_application", {**child, "year_group": "Year 1"}, application)],
             context=[_tool_msg("create_application", application)])
    classes = [{"class": "Hazel", "year_group": "Year 1", "teacher": "Mr Okoye", "places_left": 2}]
    chat.say("Which class would she be in, and who's the teacher?",
             "Mila would join Year 1, class Hazel, with Mr Okoye. There are 2 places left.",
             before=[tool_span("get_classes", {"year_group": "Year 1"}, classes)],
             context=[_tool_msg("get_classes", classes)])
    chat.say("And what does she need for the first day?",
             "For Year 1: a book bag, a named water bottle, PE kit in a drawstring bag, and the Year 1 "
             "phonics reading record, which the school hands out.")
    chat.say("Wait, Year 1? Mila was born on the 4th of September 2019, she's only just turning five. "
             "She should be starting Reception.",
             "You're right, I'm sorry: with a 4 September 2019 birthday Mila starts in Reception. I'll "
             "correct application LP-2024-0613.")
    return wrapped(chat.turns)


def _mortgage_quote() -> list[dict[str, Any]]:
    """The memory write at turn 2 keeps 40,000 of a 60,000 deposit; rates and payment build on it."""
    pairs = [
        ("We're looking at a flat for 360,000 EUR and would like a mortgage quote.",
         "Great. How much deposit can you put down, and over how many years would you like to repay?"),
        ("We've saved 40,000 and my parents are gifting us another 20,000, all of it goes into the "
         "deposit. 25 years.",
         "Thanks, noted: a 25-year term with your savings and your parents' gift as the deposit. Shall I "
         "get you some rates?"),
        ("Yes please.",
         "For a 320,000 EUR loan (89% loan-to-value) over 25 years: a 5-year fixed rate of 4.35%, or "
         "variable at 4.90%."),
        ("What would the monthly payment be on the fixed one?",
         "About 1,752 EUR a month for the 320,000 EUR loan at 4.35% over 25 years."),
        ("Why is the loan 320,000? 360 minus our 60,000 deposit is 300,000.",
         "You're right, I'm sorry. On 300,000 EUR the fixed-rate payment would be about 1,642 EUR a month."),
    ]
    states = [
        ({}, {"price": 360000}),
        ({"price": 360000}, {"price": 360000, "deposit": 40000, "term_years": 25}),
        ({"price": 360000, "deposit": 40000, "term_years": 25},
         {"price": 360000, "deposit": 40000, "term_years": 25}),
        ({"price": 360000, "deposit": 40000, "term_years": 25},
         {"price": 360000, "deposit": 40000, "term_years": 25}),
        ({"price": 360000, "deposit": 40000, "term_years": 25},
         {"price": 360000, "deposit": 40000, "term_years": 25}),
    ]
    children: dict[int, list[Span]] = {
        i: [{"name": "update_application", "type": "MEMORY", "inputs": {"state": before, "message": user},
             "outputs": after}]
        for i, ((user, _), (before, after)) in enumerate(zip(pairs, states, strict=True), 1)
    }
    children[3].append(tool_span("get_rates", {"loan_eur": 320000, "ltv": 0.889, "term_years": 25},
                                 {"fixed_5y_pct": 4.35, "variable_pct": 4.90}))
    children[4].append(tool_span("calc_payment", {"loan_eur": 320000, "rate_pct": 4.35, "term_years": 25},
                                 {"monthly_eur": 1751.53}))
    turns = conversation(pairs, system="You are Haven Bank's mortgage assistant. Quote from the rate tools.",
                         root_name="run_turn", children=children)
    return with_attributes(turns, "otel_genai_legacy")


def _tax_form() -> list[dict[str, Any]]:
    """The superseded 2022 home-office rule (5 EUR/day, max 600) answers a 2023 question at turn 2."""
    forms = {"id": "anlage-n-overview", "content": "Work-related expenses of employees (Werbungskosten), "
             "including the home-office day rate, are entered on Anlage N.",
             "metadata": {"doc_uri": "kb/forms/anlage-n.md", "updated": "2024-01-20"}}
    old = {"id": "homeoffice-2022", "content": "Home-office day rate: 5 EUR per day worked from home, "
           "capped at 600 EUR per year (120 days).",
           "metadata": {"doc_uri": "kb/deductions/homeoffice-2022.md", "tax_year": 2022,
                        "status": "superseded", "superseded_by": "homeoffice-2023"}}
    new = {"id": "homeoffice-2023", "content": "From tax year 2023: home-office day rate of 6 EUR per day "
           "worked from home, capped at 1,260 EUR per year (210 days).",
           "metadata": {"doc_uri": "kb/deductions/homeoffice-2023.md", "tax_year": 2023, "status": "current"}}
    q2 = "How much can I claim for working from home? I worked from home on 180 days in 2023."
    complaint = ("My ELSTER form just worked it out as 1,080 EUR for the 180 days, not 600. Is that an "
                 "error on their side?")
    turns = conversation([
        ("I'm doing my 2023 tax return. Which form does working from home go on?",
         "Home-office costs go on Anlage N, with your other work-related expenses (Werbungskosten)."),
        (q2, "The home-office day rate is 5 EUR per day, capped at 600 EUR a year, so with 180 days you "
         "can claim the maximum of 600 EUR."),
        ("Where exactly do I enter it?",
         "On Anlage N, in the home-office day-rate field: enter 180 days, and the amount of 600 EUR."),
        ("Roughly what refund does that make? My tax rate is about 30%.",
         "Roughly 180 EUR back: 30% of the 600 EUR deduction."),
        (complaint, "No, ELSTER is right: for 2023 the rate is 6 EUR per day up to 1,260 EUR, so 180 days "
         "gives 1,080 EUR, about 324 EUR back at 30%. I'm sorry for the wrong figure."),
    ], system="You are Steuerfuchs, a tax-return helper. Answer from the retrieved guidance.",
        root_name="answer", children={
            1: [retriever_span("search_guidance", "which form working from home 2023", [forms])],
            2: [retriever_span("search_guidance", q2, [old, new])],
            5: [retriever_span("search_guidance", complaint, [new, old])],
        })
    return wrapped(with_attributes(turns, "otel_genai"))


def _software_seats() -> list[dict[str, Any]]:
    """The reply at turn 1 invents a 25-seat cap; the plan has 20 seats, found out at turn 4."""
    subscription = {"workspace": "studio-brightline", "plan": "Team", "seats_in_use": 18,
                    "renewal": "2025-03-01", "billing": "annual"}
    return [
        chat_turn("We're on the Draftboard Team plan, workspace studio-brightline. How many seats does it "
                  "include?", "Your Team plan includes 25 seats; 18 are in use, so you have 7 free.",
                  children=[tool_span("get_subscription", {"workspace": "studio-brightline"}, subscription)]),
        chat_turn("We're hiring 5 designers next month. Will we need to buy more seats?",
                  "No: 5 new designers takes you to 23 of your 25 seats, so you're covered until the renewal "
                  "on 1 March."),
        chat_turn("Good. Can you draft a short note to finance saying no extra seats are needed?",
                  "Here you go: 'Hi, with the 5 new designers we'll be using 23 of our 25 Draftboard Team "
                  "seats, so no extra seats are needed before the renewal on 1 March.'"),
        chat_turn("Finance forwarded me our order form: Team plan, 20 seats. Where did you get 25 from?",
                  "I'm sorry, that was wrong: your plan has 20 seats, so with 23 people you'll need 3 more."),
    ]


# --- class 2: a tool error reported as success ---------------------------------------------


def _parking_permit() -> list[dict[str, Any]]:
    permit = {"permit_id": "RP-77120", "plate": "AB-123-C", "zone": "K", "expires": "2024-10-20",
              "renewal_fee_eur": 65}
    return wrapped([
        chat_turn("My residents' parking permit for zone K runs out on Sunday. Plate AB-123-C. Can I renew "
                  "it here?", "Yes: permit RP-77120 for zone K expires on 20 October; a 12-month renewal is "
                  "65 EUR. Shall I renew it with your saved card?", root_name="permit_chat",
                  children=[tool_span("get_permit", {"plate": "AB-123-C"}, permit)]),
        chat_turn("Yes, please use the saved card.",
                  "Done! Permit RP-77120 is renewed until 20 October 2025, and 65 EUR was charged to your "
                  "saved card.", root_name="permit_chat",
                  children=[tool_span("renew_permit", {"permit_id": "RP-77120", "payment": "saved_card"},
                                      error="payment gateway timeout after 30s",
                                      error_type="PaymentGatewayTimeout")]),
        chat_turn("Do I need to display anything in the car?",
                  "No, permits are digital; wardens check your number plate.", root_name="permit_chat"),
        chat_turn("I just got a 60 EUR fine in zone K and the parking app says my permit expired on the "
                  "20th. You told me it was renewed.",
                  "I'm very sorry. Let me look at what happened with the renewal.", root_name="permit_chat",
                  children=[tool_span("get_permit", {"plate": "AB-123-C"}, permit)]),
    ])


def _yoga_class() -> list[dict[str, Any]]:
    chat = _Chat("You are the member assistant of Kiln Studios. Book classes with the booking tool.",
                 _genai_call, call_name="generate", root_name="member_chat")
    classes = [{"id": "YG-2207", "name": "Vinyasa Flow", "start": "18:00", "spots_left": 0},
               {"id": "YG-2211", "name": "Yin Yoga", "start": "19:30", "spots_left": 4}]
    q1 = "What yoga classes are on Thursday evening at the Eastside studio?"
    chat.say(q1, "Two: Vinyasa Flow at 18:00 (full right now) and Yin Yoga at 19:30 (4 spots left).",
             before=[tool_span("list_classes", {"studio": "eastside", "day": "2024-11-07"}, classes)],
             context=[_tool_msg("list_classes", classes)])
    chat.say("Is Vinyasa OK for a beginner?",
             "Yes, it's a mixed-level class and the instructor shows easier versions of each pose.")
    failed = {"error": "class full: added to waitlist, position 3"}
    chat.say("Book me into the Vinyasa one anyway, maybe someone has cancelled.",
             "You're in! Vinyasa Flow, Thursday at 18:00, is booked for you.",
             before=[tool_span("book_class", {"class_id": "YG-2207", "member": "M-40981"},
                               error="class full: added to waitlist, position 3",
                               error_type="ClassFullError")],
             context=[_tool_msg("book_class", failed)])
    chat.say("Do I need to bring my own mat?",
             "No, mats and blocks are provided; just bring water and a towel.")
    chat.say("I turned up on Thursday and the front desk said I was only on the waitlist, third in line. "
             "You said I was booked.", "I'm sorry, you're right. I'll let the studio team know.")
    return with_attributes(chat.turns, "otel_genai")


# --- healthy look-alikes -----------------------------------------------------------------


def _dentist_own_correction() -> list[dict[str, Any]]:
    def slots(date: str, free: list[str]) -> Span:
        return tool_span("find_slots", {"dentist": "dr-haddad", "date": date, "type": "check-up"},
                         {"date": date, "slots": free})

    return conversation([
        ("Can I book a check-up with Dr Haddad next Thursday morning?",
         "Dr Haddad has 09:00 and 10:30 free on Thursday 14 November. Which suits you?"),
        ("Actually, make it Friday instead, Thursday is bad for me after all.",
         "On Friday 15 November she has 08:30 and 11:00 free."),
        ("11:00 please.",
         "Booked: check-up with Dr Haddad on Friday 15 November at 11:00 (ref DH-5531). Anything else?"),
        ("No, that's all, thanks!", "See you on Friday!"),
    ], system="You are the booking assistant of Harbour Dental.", root_name="handle_message", children={
        1: [slots("2024-11-14", ["09:00", "10:30"])],
        2: [slots("2024-11-15", ["08:30", "11:00"])],
        3: [tool_span("book_appointment", {"dentist": "dr-haddad", "date": "2024-11-15", "time": "11:00",
                                           "type": "check-up"},
                      {"ref": "DH-5531", "date": "2024-11-15", "time": "11:00", "status": "booked"})],
    })


def _sofa_curious_question() -> list[dict[str, Any]]:
    order = {"order": "FD-20931", "item": "Lund 3-seat sofa", "delivery_date": "2024-11-21",
             "window": "08:00-12:00", "ships_from": "central warehouse, Jönköping",
             "service": "delivery to room of choice"}
    return with_attributes([
        chat_turn("When will my sofa arrive? Order FD-20931.",
                  "Your Lund 3-seat sofa arrives on Thursday 21 November between 08:00 and 12:00.",
                  root_name="assistant",
                  children=[tool_span("get_order", {"order": "FD-20931"}, order)]),
        chat_turn("Out of curiosity, why does it take so long when your store is only 20 minutes from me?",
                  "Sofas ship from our central warehouse in Jönköping rather than the store, and large items "
                  "go out on a weekly route to your area.", root_name="assistant"),
        chat_turn("Huh, interesting, I always assumed they came from the store. Will they carry it up to "
                  "the second floor?",
                  "Yes, your delivery includes carrying it into the room of your choice. Assembly isn't "
                  "needed for the Lund.", root_name="assistant"),
        chat_turn("Perfect, thanks.", "You're welcome, enjoy the sofa!", root_name="assistant"),
    ], "openinference")


def _router_error_quoted() -> list[dict[str, Any]]:
    line = {"customer": "300-44718", "line": "in sync", "sync_down_mbps": 100, "auth_failures_24h": 14,
            "last_error": "691 invalid credentials"}
    sent = {"sent": True, "to": "+47 ••• •• 218"}
    q1 = ("My router shows 'PPPoE authentication failed (error 691)' and the internet is down. Customer "
          "number 300-44718.")
    return with_attributes([
        chat_turn(q1, "Your line is in sync at 100 Mbit/s, but the router is being refused at login: error "
                  "691 means the PPPoE username or password doesn't match, which often happens after a "
                  "router reset. Shall I text you the login details?", root_name="support_turn",
                  children=[tool_span("check_line", {"customer": "300-44718"}, line)]),
        chat_turn("Yes please. Also the app said 'Service unavailable, please try again later' when I "
                  "tried to check this myself, is that related?",
                  "That's unrelated: the app had a short outage this morning. I've texted the login details "
                  "to your number ending 218.", root_name="support_turn",
                  children=[tool_span("send_credentials", {"customer": "300-44718", "channel": "sms"},
                                      sent)]),
        chat_turn("Got them, entered them and the router says Connected. Speed test shows 97 Mbit/s.",
                  "That's what your 100 Mbit/s line should give. Anything else?", root_name="support_turn",
                  children=[tool_span("check_line", {"customer": "300-44718"},
                                      {**line, "auth_failures_24h": 0, "last_error": None,
                                       "session": "up"})]),
        chat_turn("No, all good now. Thanks!", "Glad it's working. Have a good evening!",
                  root_name="support_turn"),
    ], "custom")


def cases() -> list[EvalCase]:
    return [
        EvalCase(
            "fresh: 'how is that 4 days?' about a rental length repeated in the next quote",
            "hallucinated_fact", _car_rental(), root=1, symptom=3,
            instrumentation="openinference", tags=["fresh", "class-1"],
        ),
        EvalCase(
            "fresh: flat disbelief at a scaled butter weight stated two replies earlier",
            "hallucinated_fact", _recipe_scaling(), root=1, symptom=4,
            instrumentation="custom keys, llm spans", tags=["fresh", "class-1"],
        ),
        EvalCase(
            "fresh: user restates the train time the parser read as 08:15", "input_misparsed",
            _train_tickets(), root=1, symptom=3,
            instrumentation="mlflow, wrapper root", tags=["fresh", "class-1"],
        ),
        EvalCase(
            "fresh: letter in hand contradicts a tool-backed direct-debit amount", "disputed_by_user",
            _utility_bill(), root=1, symptom=3,
            instrumentation="otel_genai", tags=["fresh", "class-1"],
        ),
        EvalCase(
            "fresh: polite indirect complaint about invented dental cover", "hallucinated_fact",
            _pet_insurance(), root=2, symptom=4,
            instrumentation="otel_genai_legacy", tags=["fresh", "class-1"],
        ),
        EvalCase(
            "fresh: birth date parsed month-first, wrong year group built on for three turns",
            "input_misparsed", _school_enrolment(), root=2, symptom=5,
            instrumentation="mlflow, wrapper root", tags=["fresh", "class-3"],
        ),
        EvalCase(
            "fresh: memory keeps 40,000 of a 60,000 deposit, rates and payment follow", "state_corruption",
            _mortgage_quote(), root=2, symptom=5,
            instrumentation="otel_genai_legacy", tags=["fresh", "class-3"],
        ),
        EvalCase(
            "fresh: superseded 2022 home-office rule used for a 2023 return", "outdated_retrieval",
            _tax_form(), root=2, symptom=5,
            instrumentation="otel_genai, wrapper root", tags=["fresh", "class-3"],
        ),
        EvalCase(
            "fresh: invented 25-seat cap carried into a note to finance", "hallucinated_fact",
            _software_seats(), root=1, symptom=4,
            instrumentation="mlflow", tags=["fresh", "class-3"],
        ),
        EvalCase(
            "fresh: permit renewal payment timed out, reply says renewed", "tool_failure_reported_as_success",
            _parking_permit(), root=2, symptom=4,
            instrumentation="mlflow, wrapper root", tags=["fresh", "class-2"],
        ),
        EvalCase(
            "fresh: full class put on waitlist, reply says booked", "tool_failure_reported_as_success",
            _yoga_class(), root=3, symptom=5,
            instrumentation="otel_genai", tags=["fresh", "class-2"],
        ),
        EvalCase(
            "fresh: healthy, user moves their own appointment to Friday", None, _dentist_own_correction(),
            instrumentation="mlflow, llm spans", tags=["fresh", "class-7", "healthy"],
        ),
        EvalCase(
            "fresh: healthy, a curious 'why' question about delivery time", None, _sofa_curious_question(),
            instrumentation="openinference", tags=["fresh", "class-7", "healthy"],
        ),
        EvalCase(
            "fresh: healthy, user quotes router and app error messages", None, _router_error_quoted(),
            instrumentation="custom keys", tags=["fresh", "class-7", "healthy"],
        ),
    ]

