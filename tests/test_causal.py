"""The causal engine, one behaviour per test, each on a session written to a real store:
what the user sees is the root turn, its category and the runners-up."""

from __future__ import annotations

from typing import Any

from turnback import analyze_session
from turnback.causal.detectors import repeated_replies
from turnback.causal.links import ContentIndex
from turnback.demo.builder import chat_turn, llm_span, retriever_span, tool_span
from turnback.state import Turn


def analyze(write, store_uri: str, turns: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    experiment_id = write("s-1", turns)
    return analyze_session("s-1", tracking_uri=store_uri, experiment_id=experiment_id, self_trace_uri=None)


def root_of(report) -> tuple[int, str] | None:  # type: ignore[no-untyped-def]
    return (report.root_cause.turn, report.root_cause.category) if report.root_cause else None


def test_a_reply_cut_off_by_the_length_limit_is_the_root(write, store_uri):
    truncated = llm_span([{"role": "user", "content": "List the steps."}], "Step 1: open the valve. Step 2:")
    truncated["outputs"]["choices"][0]["finish_reason"] = "length"
    report = analyze(write, store_uri, [
        chat_turn("Hi, I need to reset my boiler.", "Sure, which model do you have?"),
        chat_turn("It's the Vaillant ecoTEC.", "Step 1: open the valve. Step 2:", children=[truncated]),
        chat_turn("Thanks.", "You're welcome."),
    ])

    assert root_of(report) == (2, "reply_truncated")
    assert "length" in report.root_cause.explanation


def test_a_finish_reason_recorded_as_an_otel_attribute_counts_too(write, store_uri):
    span = {"name": "generate", "type": "LLM", "attributes": {"gen_ai.response.finish_reasons": ["length"]},
            "outputs": "The policy covers"}
    report = analyze(write, store_uri, [
        chat_turn("What does the policy cover?", "The policy covers", children=[span]),
    ])

    assert root_of(report) == (1, "reply_truncated")


def test_the_same_tool_call_again_and_again_blames_the_first_call(write, store_uri):
    search = tool_span("search_flights", {"origin": "SFO", "day": "2026-12-01"}, {"flights": []})
    report = analyze(write, store_uri, [
        chat_turn("Find me a flight from SFO on Dec 1.", "Let me look.", children=[search]),
        chat_turn("Any luck?", "Still looking.", children=[search, search]),
        chat_turn("Hello?", "Still looking.", children=[search]),
    ])

    assert root_of(report) == (1, "tool_loop")


def test_an_exception_caught_inside_a_span_that_ended_ok_is_a_silent_fallback(write, store_uri):
    quote = tool_span("get_quote", {"sku": "A7"}, {"price": 19.0})
    quote["events"] = [{"name": "exception", "attributes": {
        "exception.type": "TimeoutError", "exception.message": "pricing service timed out"}}]
    report = analyze(write, store_uri, [
        chat_turn("How much is the A7 lamp?", "The A7 lamp costs $19.", children=[quote]),
        chat_turn("Great, thanks.", "Anything else?"),
    ])

    assert root_of(report) == (1, "silent_fallback")
    assert "TimeoutError" in report.root_cause.explanation


def test_a_result_the_app_marked_as_a_fallback_is_a_silent_fallback(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("What's the weather in Oslo?", "It is 21°C and sunny in Oslo.",
                  children=[tool_span("get_weather", {"city": "Oslo"}, {"temp_c": 21, "source": "default"})]),
    ])

    assert root_of(report) == (1, "silent_fallback")


def test_a_stored_value_overwritten_from_an_unrelated_message_is_the_root(write, store_uri):
    def profile(city: str) -> dict[str, Any]:
        return tool_span("save_profile", {"note": "profile"}, {"destination": city})

    report = analyze(write, store_uri, [
        chat_turn("I'm flying to Denver next week.", "Noted: Denver.", children=[profile("Denver")]),
        chat_turn("My sister lives in Boston, she may visit me.", "How nice!", children=[profile("Boston")]),
        chat_turn("Which hotel do you suggest?", "The Langham in Boston is lovely.",
                  children=[profile("Boston")]),
        chat_turn("No, that's wrong: my trip is to Denver, not Boston.", "Sorry about that."),
    ])

    assert root_of(report) == (2, "state_corruption")


def test_a_user_changing_their_own_value_is_not_state_corruption(write, store_uri):
    def party(size: int) -> dict[str, Any]:
        return tool_span("save_booking_state", {"note": "state"}, {"party_size": size})

    report = analyze(write, store_uri, [
        chat_turn("A table for 2 on Friday please.", "Booked for 2 on Friday.", children=[party(2)]),
        chat_turn("Actually, make it 4 people.", "Updated to 4 people.", children=[party(4)]),
        chat_turn("Perfect, that's all.", "Enjoy your dinner!"),
    ])

    assert report.root_cause is None


def test_a_source_dated_older_than_its_sibling_whose_content_the_reply_used(write, store_uri):
    docs = [
        {"id": "pricing_2022.md", "content": "The Pro plan costs 49 dollars per month.",
         "metadata": {"source": "docs/pricing_2022.md"}},
        {"id": "pricing_2024.md", "content": "The Pro plan costs 59 dollars per month.",
         "metadata": {"source": "docs/pricing_2024.md"}},
    ]
    report = analyze(write, store_uri, [
        chat_turn("How much is the Pro plan?", "The Pro plan costs 49 dollars per month.",
                  children=[retriever_span("search_docs", "pro plan price", docs)]),
    ])

    assert root_of(report) == (1, "outdated_retrieval")
    assert "pricing_2022" in report.root_cause.explanation


def test_a_stale_source_is_blamed_where_a_reply_first_used_it(write, store_uri):
    old = {"id": "hours_2019", "content": "Saturday 9:00-13:00. Sunday closed.",
           "metadata": {"source": "docs/hours_2019.md"}}
    new = {"id": "hours_2024", "content": "Saturday 9:00-17:00. Sunday 12:00-16:00.",
           "metadata": {"source": "docs/hours_2024.md"}}
    report = analyze(write, store_uri, [
        # Only the old page is retrieved here: nothing yet shows it is stale.
        chat_turn("When are you open on Saturday?", "On Saturdays we are open from 9:00 to 13:00.",
                  children=[retriever_span("search_docs", "saturday hours", [old])]),
        chat_turn("Can I print there?", "Yes, printing is on the 2nd floor."),
        chat_turn("And on Sunday?", "On Sundays we are closed.",
                  children=[retriever_span("search_docs", "sunday hours", [old, new])]),
    ])

    assert root_of(report) == (1, "outdated_retrieval")
    assert "hours_2019" in report.root_cause.explanation


def test_a_recorded_fault_the_complaint_touches_outranks_a_text_only_origin(write, store_uri):
    old = {"id": "hours_2019", "content": "Saturday 9:00-13:00.", "metadata": {"source": "hours_2019.md"}}
    new = {"id": "hours_2024", "content": "Saturday 9:00-17:00.", "metadata": {"source": "hours_2024.md"}}
    report = analyze(write, store_uri, [
        chat_turn("When are you open on Saturday?", "On Saturdays we are open from 9:00 to 13:00.",
                  children=[retriever_span("search_docs", "saturday hours", [old, new])]),
        chat_turn("Any events for kids?", "There is a story hour on Saturday at 15:00 in the main hall."),
        # The user cites the last reply (a text-only origin) but disputes the hours of turn 1.
        chat_turn("Since when are you shut on Saturday afternoons? "
                  "The story hour you just mentioned is then.",
                  "You may be right, please check with the desk."),
    ])

    assert root_of(report) == (1, "outdated_retrieval")


def test_a_value_the_user_restates_is_traced_to_the_turn_that_lost_it(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Book Biscuit's booster for Tuesday the 14th, in the morning.",
                  "Biscuit is booked for Tuesday 21 May at 09:40."),
        chat_turn("Does he need to fast?", "No fasting is needed for a vaccination."),
        chat_turn("Text me a reminder the day before?", "Done: a reminder on Monday 20 May."),
        chat_turn("Monday the 20th? His appointment is on the 14th. Tuesday the 14th.",
                  "Sorry, I'll ask the desk to move it."),
    ])

    assert report.root_cause is not None
    assert report.root_cause.turn == 1
    assert report.symptom_turn == 4


TASK = "How many even street numbers are in clients.csv?"
FAILED = [{"name": "task_success", "value": False, "session_level": True,
           "rationale": "The final answer was judged wrong."}]
CODE = "import pandas as pd\ndf = pd.read_csv('clients.csv')\nprint(df['Street Address'].str[0])"


def test_a_failed_run_of_code_another_agent_wrote_blames_the_writer(write, store_uri):
    run = tool_span("execute_code", {"code": CODE}, error="KeyError: 'Street Address'", error_type="KeyError")
    report = analyze(write, store_uri, [
        chat_turn(TASK, "Let me load the file and look at the columns.", assessments=FAILED),
        chat_turn(TASK, f"Here is the code:\n```python\n{CODE}\n```"),
        # The same task repeated, no person speaking: this turn only ran turn 2's code.
        chat_turn(TASK, "exitcode: 1 (execution failed)", children=[run]),
        chat_turn(TASK, "The column does not exist, so the answer cannot be computed."),
    ])

    assert root_of(report) == (2, "tool_failure")
    assert "turn 3 ran what this turn wrote" in report.root_cause.explanation


def test_a_session_judged_failed_is_traced_to_the_first_claim_of_what_it_ended_on(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("What was the 2019 population of Lisbon?", "I'll look that up for 2019.",
                  assessments=FAILED),
        chat_turn("Please do.", "The 2019 population of Lisbon was 504,718."),
        chat_turn("And its area?", "About 100 square kilometres."),
        chat_turn("Summarize it for me.", "Final answer: 504,718 people."),
    ])

    # 2019 is the question's own value, not a claim; 504,718 was first claimed at turn 2.
    assert report.root_cause is not None
    assert report.root_cause.turn == 2
    assert report.symptom_turn == 4


def test_a_false_success_claim_after_an_admitted_failure_is_the_root(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Cancel my gym membership please.", "Sorry, the membership service is down right now.",
                  children=[tool_span("cancel_membership", {"member": "M-88"},
                                      error="membership service down")]),
        chat_turn("Can you try again?", "Done! Your membership M-88 has been cancelled."),
        chat_turn("They charged me again this month. You told me it was cancelled!", "Apologies."),
    ])

    # The admitted failure misled nobody; the claim at turn 2 is what the user disputes.
    assert report.root_cause is not None
    assert report.root_cause.turn == 2


def test_a_task_every_step_carries_word_for_word_is_no_complaint(write, store_uri):
    # The task's own wording ("the object rather than the subject") is not a user pushing back.
    task = ("In Tizin the verb Maktay means 'is pleasing to', so the liker is the object rather than "
            "the subject, and the object takes the accusative Mato, not the nominative Pa. "
            "Translate 'I like apples'.")
    report = analyze(write, store_uri, [
        chat_turn(task, "Plan: Maktay is the verb; the liker is the object and the subject is apples."),
        chat_turn(task, "The liker takes the nominative Pa as the object: Maktay Zapple Pa."),
        chat_turn(task, "Verified: Maktay Zapple Pa follows the verb-object-subject order."),
    ])

    assert report.root_cause is None


def test_a_politely_restated_value_is_a_symptom_traced_to_where_it_was_lost(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Two tickets to Groningen on the 18:15 this Friday, please.",
                  "Booked: 2 tickets to Groningen, Friday at 08:15 (ref NSX-40218)."),
        chat_turn("Can we bring a folding bike?", "Yes, a folded bike travels free."),
        chat_turn("It's the 18:15 we want, we both work until five.",
                  "Apologies, I've moved booking NSX-40218 to 18:15."),
    ])

    assert report.root_cause is not None
    assert (report.root_cause.turn, report.symptom_turn) == (1, 3)


def test_a_challenge_the_reply_explains_and_the_user_takes_well_is_no_symptom(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("When will my sofa arrive?", "Your sofa arrives on Thursday 21 November."),
        chat_turn("Why does it take so long when your store is 20 minutes from me?",
                  "Sofas ship from our central warehouse, on a weekly route to your area."),
        chat_turn("Huh, interesting. Will they carry it up to the second floor?",
                  "Yes, delivery includes carrying it into the room of your choice."),
        chat_turn("Perfect, thanks.", "You're welcome!"),
    ])

    assert report.root_cause is None


def test_the_newer_source_used_is_healthy(write, store_uri):
    docs = [
        {"id": "a", "content": "Opening hours: 9 to 17.", "metadata": {"source": "hours_2021.md"}},
        {"id": "b", "content": "Opening hours: 8 to 20.", "metadata": {"source": "hours_2024.md"}},
    ]
    report = analyze(write, store_uri, [
        chat_turn("When are you open?", "We are open from 8 to 20.",
                  children=[retriever_span("search_docs", "opening hours", docs)]),
    ])

    assert report.root_cause is None


def test_a_call_missing_a_required_field_is_malformed(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Book the 7pm show for me.", "I could not book it.",
                  children=[tool_span("book_show", {"show_id": None, "time": "19:00"},
                                      error="show_id is required", error_type="ValidationError")]),
    ])

    assert root_of(report) == (1, "malformed_tool_call")


def test_a_failed_call_retried_successfully_is_healthy(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Where's order 88?", "Order 88 is out for delivery.", children=[
            tool_span("lookup_order", {"id": 88}, error="connection reset"),
            tool_span("lookup_order", {"id": 88}, {"status": "out for delivery"}),
        ]),
    ])

    assert report.root_cause is None


def test_an_honestly_reported_failure_that_later_turns_pay_for_is_the_root(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Book room 12 for Friday.", "Sorry, the booking service is down, I couldn't book it.",
                  children=[tool_span("book_room", {"room": 12}, error="booking service unavailable")]),
        chat_turn("OK. What's the wifi password?", "It's on the card in your room."),
        chat_turn("When I arrived room 12 was given to someone else and the booking service "
                  "says no reservation exists. Why did you not retry the booking?",
                  "I apologise."),
    ])

    assert root_of(report) == (1, "tool_failure")
    assert report.symptom_turn == 3


def test_a_recorded_error_outranks_repeated_template_replies(write, store_uri):
    template = "Thanks for reaching out! Is there anything else I can help you with today?"
    report = analyze(write, store_uri, [
        chat_turn("Hi", template),
        chat_turn("Reset my password please.", template,
                  children=[tool_span("reset_password", {"user": "kim"}, error="LDAP bind failed")]),
        chat_turn("Did it work?", template),
    ])

    assert root_of(report)[0] == 2
    assert all(a.turn != 2 for a in report.root_cause.alternatives)


def test_words_of_failure_in_text_no_user_wrote_are_not_a_complaint(write, store_uri):
    log = "WARNING: the value is incorrect; there is no such column. That's wrong, retrying."
    report = analyze(write, store_uri, [
        chat_turn("Summarise the build log.", f"The log says: {log}",
                  children=[tool_span("read_log", {"path": "build.log"}, log)]),
        chat_turn("Thanks, and what's the next step?", "Run the migration again."),
    ])

    assert report.root_cause is None


def test_another_agents_message_handed_on_is_not_a_users_complaint(write, store_uri):
    planner = "No, that's wrong: the answer you gave is incorrect, the total is 14."
    report = analyze(write, store_uri, [
        chat_turn("Add 6 and 8.", planner),
        chat_turn(planner, "Understood, the total is 14."),
    ])

    assert report.turns[1].user == planner
    assert report.root_cause is None


def test_alternatives_are_in_the_json_with_scores(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Cancel order 5.", "Order 5 is cancelled.",
                  children=[tool_span("cancel_order", {"id": 5}, error="order locked")]),
        chat_turn("And order 6?", "Order 6 is cancelled too.",
                  children=[tool_span("cancel_order", {"id": 6}, error="order locked")]),
    ])

    data = report.model_dump(mode="json")["root_cause"]
    assert data["turn"] == 1
    assert data["alternatives"][0]["turn"] == 2
    assert data["score"] >= data["alternatives"][0]["score"]


def test_repetition_is_found_by_index_not_only_among_neighbours():
    replies = [f"Reply number {i} about topic{i} with words w{i}a w{i}b w{i}c" for i in range(300)]
    replies.append(replies[5])
    turns = [Turn(index=i, trace_id=f"t{i}", timestamp_ms=i, state="OK", assistant=text)
             for i, text in enumerate(replies, 1)]

    found = repeated_replies(turns)

    assert [(c.turn, c.detail) for c in found] == [(301, "the reply repeats turn 6's reply")]


def test_a_reply_conceding_an_earlier_mistake_is_a_symptom_traced_to_that_mistake(write, store_uri):
    # The user only reports what happened; the app's own reply concedes the booking was wrong.
    report = analyze(write, store_uri, [
        chat_turn("Please book Luna, our cat, for her vaccinations on Thursday.",
                  "Booked: vaccinations on Thursday at 10:20 for Bruno (ref PV-2231)."),
        chat_turn("Does she need to skip breakfast?", "No need to fast for vaccinations."),
        chat_turn("The reminder text just arrived and mentions our dog.",
                  "I'm so sorry! The booking was made under Bruno. I'll move PV-2231 to Luna."),
    ])

    assert report.root_cause is not None and report.root_cause.turn == 1
    assert report.symptom_turn == 3


def test_an_apology_without_owning_a_mistake_is_no_symptom(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Two tickets for Saturday's matinee, please.", "Booked: two seats, row F, ref MT-112."),
        chat_turn("Can we also come on Sunday evening?",
                  "I'm sorry, Sunday evening is sold out. Monday evening still has seats."),
        chat_turn("Monday is fine then, same seats if possible.", "Booked: two seats in row F on Monday."),
    ])

    assert report.root_cause is None


def test_a_lookup_the_app_makes_each_turn_a_person_asks_something_new_is_no_loop(write, store_uri):
    timetable = {"mon-fri": "06:30-21:00", "sat": "08:00-18:00"}
    lookup = [tool_span("get_timetable", {"centre": "brookside"}, timetable)]
    report = analyze(write, store_uri, [
        chat_turn("When do the lanes open on weekdays?", "Weekdays from 06:30.", children=lookup),
        chat_turn("And on Saturdays?", "Saturdays from 08:00.", children=lookup),
        chat_turn("Until when on Saturdays?", "Until 18:00.", children=lookup),
        chat_turn("Great, thanks!", "You're welcome.", children=lookup),
    ])

    assert report.root_cause is None


def test_values_disputed_together_are_traced_to_the_reply_that_first_said_them_together(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("When do the lap lanes open on weekdays?", "On weekdays the lanes open at 06:30."),
        chat_turn("And on Sundays?", "On Sundays they also open at 06:30."),
        chat_turn("Do I need to book?", "No booking is needed."),
        chat_turn("The doors were locked when I came this morning.",
                  "I'm sorry: I shouldn't have given you 06:30 for Sunday."),
    ])

    assert report.root_cause is not None and report.root_cause.turn == 2


def test_an_old_document_retrieved_again_does_not_explain_a_claim_it_never_made(write, store_uri):
    terms = [{"id": "pass-terms",
              "content": "Family annual pass: 149 EUR for 12 months, 10% off in the shop.",
              "metadata": {"doc_uri": "cms/annual-passes", "updated": "2019-03-02"}}]
    search = [retriever_span("search_faq", "annual pass", terms)]
    report = analyze(write, store_uri, [
        chat_turn("How much is a family annual pass?", "The family annual pass is 149 EUR for 12 months, "
                  "with 10% off in the shop.", children=search),
        chat_turn("Does that include parking?", "Yes, the family annual pass includes free parking.",
                  children=search),
        chat_turn("Can I buy it online?", "Yes, under Tickets on our website.", children=search),
        chat_turn("The car park just charged me.",
                  "I'm sorry: the pass terms don't mention parking, so I shouldn't have said it's included."),
    ])

    assert report.root_cause is not None and report.root_cause.turn == 2


def test_a_complaint_that_names_nothing_earlier_is_blamed_on_the_recorded_fault_before_it(write, store_uri):
    # The routing call timed out and a default ETA was returned as if computed; the complaint
    # later shares no words with any reply, so the recorded fallback explains it, not a guess.
    fallback = tool_span("estimate_delivery", {"postcode": "EH6 5JT"}, {"eta_minutes": 30})
    fallback["events"] = [{"name": "exception", "attributes": {
        "exception.type": "requests.exceptions.ReadTimeout", "exception.message": "Read timed out."}}]
    report = analyze(write, store_uri, [
        chat_turn("Crispy duck and two egg fried rice to EH6 5JT, please.",
                  "Your basket comes to 38.40 GBP and delivery takes about 30 minutes.", children=[fallback]),
        chat_turn("Yes, place it.", "Order GL-80312 is placed! It should be with you by about 19:45."),
        chat_turn("It's twenty to nine and still nothing. The restaurant has been quoting an hour and a "
                  "half all evening.", "I'm really sorry about the wait."),
    ])

    assert root_of(report) == (1, "silent_fallback")


def test_a_check_the_app_recorded_as_failing_inside_a_turn_is_read_like_an_assessment(write, store_uri):
    def check(passed: bool) -> dict[str, Any]:
        reason = "the refund window is stated in the policy" if passed else "no policy states a 90-day window"
        return {"name": "grounding_check", "type": "EVALUATOR", "inputs": {"claim": "90-day refunds"},
                "outputs": {"passed": passed, "reason": reason}}

    failing = analyze(write, store_uri, [
        chat_turn("How long do I have for a refund?", "You have 90 days.", children=[check(False)]),
        chat_turn("Thanks, I'll send it back.", "Great.", children=[
            tool_span("create_return", {"order": "A-1"}, error="order is past its return window")]),
    ])
    assert failing.root_cause is not None and failing.root_cause.turn == 1
    assert "grounding_check" in failing.root_cause.explanation

    write("s-2", [chat_turn("How long do I have for a refund?", "You have 30 days.", children=[check(True)])])
    healthy = analyze_session("s-2", tracking_uri=store_uri, self_trace_uri=None)
    assert healthy.root_cause is None


def test_a_concession_that_names_nothing_leaves_the_users_words_to_say_what_was_wrong(write, store_uri):
    hours = [{"id": "branch-hours", "content": "Saturday 9:00-13:00. Sunday closed.",
              "metadata": {"doc_uri": "kb/branch-hours"}}]
    report = analyze(write, store_uri, [
        chat_turn("When does the Elm Street branch close on Saturday?", "It closes at 17:00 on Saturday.",
                  children=[retriever_span("search_kb", "branch hours", hours)]),
        chat_turn("Can I get a document notarised there?", "Yes, notary services are available on weekdays."),
        chat_turn("It closes at 13:00 on Saturdays, not 17:00!", "I'm sorry for the confusion."),
    ])

    assert report.root_cause is not None and report.root_cause.turn == 1


def test_the_root_turn_is_never_shown_as_ok_in_the_timeline(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("When does the branch close on Saturday?", "It closes at 17:00 on Saturday."),
        chat_turn("Thanks.", "You're welcome."),
        chat_turn("It closed at 13:00, you told me 17:00!", "I'm sorry, I got that wrong."),
    ])

    assert report.root_cause is not None and report.root_cause.turn == 1
    assert report.turns[0].verdict == "faulty" and report.turns[0].category == report.root_cause.category


def test_a_stored_value_that_keeps_flipping_is_blamed_where_the_flapping_starts(write, store_uri):
    def saved(status: str) -> dict[str, Any]:
        return tool_span("update_order_state", {"note": "state"}, {"refund_status": status})

    report = analyze(write, store_uri, [
        chat_turn("Where is my refund for order 5512?", "I've started your refund.",
                  children=[saved("issued")]),
        chat_turn("How long will it take?", "It is pending review.", children=[saved("pending")]),
        chat_turn("OK, and the amount?", "Your refund of $40 was issued.", children=[saved("issued")]),
        chat_turn("Is it done then?", "It is pending review.", children=[saved("pending")]),
        chat_turn("You keep changing your answer. Which is it?", "Sorry for the confusion."),
    ])

    assert root_of(report) == (1, "state_corruption")
    assert "flapped" in report.root_cause.explanation
    # The later flips are the same fault continuing, not runners-up of their own.
    assert not any(a.category == "state_corruption" for a in report.root_cause.alternatives)


def test_flapping_starts_at_the_first_change_when_the_user_set_the_first_value(write, store_uri):
    def saved(diet: str) -> dict[str, Any]:
        return {"name": "save_preferences", "type": "MEMORY", "inputs": {}, "outputs": {"diet": diet}}

    report = analyze(write, store_uri, [
        chat_turn("I'm vegetarian, please keep that in mind.", "Noted!", children=[saved("vegetarian")]),
        chat_turn("Suggest a lunch place.", "Try Green Bowl.", children=[saved("vegan")]),
        chat_turn("And for dinner?", "Try Trattoria Roma.", children=[saved("vegetarian")]),
        chat_turn("Something for Sunday brunch?", "Try Leaf Cafe.", children=[saved("vegan")]),
        chat_turn("Why do you keep suggesting vegan-only places?", "Sorry about that."),
    ])

    assert root_of(report) == (2, "state_corruption")


def test_a_hand_off_its_span_records_as_missing_fields_is_the_root(write, store_uri):
    handoff = {"name": "billing_agent", "type": "AGENT", "inputs": {"task": "refund the order"},
               "attributes": {"handoff.missing_fields": ["order_id"]}}
    report = analyze(write, store_uri, [
        chat_turn("Please refund my last order.", "I've passed this to our billing team.",
                  children=[handoff]),
        chat_turn("Any news?", "The refund could not be processed.",
                  children=[tool_span("issue_refund", {"order_id": None},
                                      error="order not found", error_type="LookupError")]),
    ])

    assert root_of(report) == (1, "malformed_tool_call")
    assert "order_id" in report.root_cause.explanation


def test_a_restated_value_the_parser_was_given_and_did_not_produce_is_a_misparse(write, store_uri):
    parse = tool_span("parse_request", {"text": "Table for four at 19:30 on Saturday, please."},
                      {"party": 4, "time": "09:30", "day": "Saturday"})
    report = analyze(write, store_uri, [
        chat_turn("Table for four at 19:30 on Saturday, please.",
                  "Booked: a table for 4 on Saturday at 09:30.", children=[parse]),
        chat_turn("Is there a vegetarian menu?", "Yes, there is a full vegetarian menu."),
        chat_turn("We said 19:30. In the evening.", "Apologies, I've moved it to 19:30."),
    ])

    assert root_of(report) == (1, "input_misparsed")
    assert "parse_request" in report.root_cause.explanation


def test_a_disputed_figure_no_lookup_gave_is_a_made_up_fact(write, store_uri):
    plan = tool_span("get_plan", {"workspace": "acme"}, {"plan": "Team", "seats_in_use": 18})
    report = analyze(write, store_uri, [
        chat_turn("How many seats does our Team plan include?",
                  "Your Team plan includes 25 seats; 18 are in use.", children=[plan]),
        chat_turn("Finance says our order form shows 20 seats. Where did you get 25 from?",
                  "I'm sorry, that was wrong."),
    ])

    assert root_of(report) == (1, "hallucinated_fact")
    assert "25" in report.root_cause.explanation


def test_a_disputed_figure_the_lookup_gave_is_not_called_made_up(write, store_uri):
    plan = tool_span("get_plan", {"workspace": "acme"}, {"plan": "Team", "seats_included": 25})
    report = analyze(write, store_uri, [
        chat_turn("How many seats does our Team plan include?",
                  "Your Team plan includes 25 seats.", children=[plan]),
        chat_turn("Finance says our order form shows 20 seats. Where did you get 25 from?",
                  "Our billing system lists 25 seats for your workspace."),
    ])

    assert report.root_cause is not None and report.root_cause.turn == 1
    assert report.root_cause.category != "hallucinated_fact"


def test_a_claim_an_old_document_never_made_is_made_up_not_outdated(write, store_uri):
    terms = retriever_span("search_faq", "annual pass", [{
        "id": "pass-terms", "content": "Family annual pass: 149 EUR. Unlimited entry for 12 months.",
        "metadata": {"doc_uri": "cms/passes", "updated": "2019-03-02"}}])
    report = analyze(write, store_uri, [
        chat_turn("How much is the family annual pass?", "It is 149 EUR for 12 months.", children=[terms]),
        chat_turn("Does that include parking?", "Yes, parking is included with the pass.", children=[terms]),
        chat_turn("Parking included for 149 a year? No way that's right.",
                  "You're right, I'm sorry: the terms don't mention parking."),
    ])

    assert root_of(report) == (2, "hallucinated_fact")


def test_a_unit_named_by_a_key_and_a_month_given_as_an_iso_date_count_as_looked_up(write, store_uri):
    account = tool_span("get_account", {"account": "5512"},
                        {"monthly_debit_eur": 84, "next_debit": "2024-11-01"})
    report = analyze(write, store_uri, [
        chat_turn("How much is my monthly direct debit?",
                  "Your monthly debit is 84 EUR, next taken in November.", children=[account]),
        chat_turn("Odd: your letter says my debit goes up to 112 EUR from November.",
                  "The account I can see still shows 84 EUR; I've asked billing to check."),
    ])

    assert report.root_cause is not None and report.root_cause.turn == 1
    assert report.root_cause.category != "hallucinated_fact"


def test_a_counter_the_app_keeps_is_not_a_state_change(write, store_uri):
    def visits(count: int) -> dict[str, Any]:
        return {"name": "update_state", "type": "MEMORY", "inputs": {}, "outputs": {"visits": count}}

    report = analyze(write, store_uri, [
        chat_turn("Hi, do you ship to Norway?", "Yes, we ship to Norway.", children=[visits(1)]),
        chat_turn("How long does it take?", "Usually 3-5 working days.", children=[visits(2)]),
        chat_turn("Great, thanks.", "You're welcome!", children=[visits(3)]),
    ])

    assert report.root_cause is None
    assert [t.verdict for t in report.turns] == ["ok", "ok", "ok"]


def test_a_value_the_user_restores_is_not_a_fault(write, store_uri):
    def size(value: str) -> dict[str, Any]:
        return {"name": "save_state", "type": "MEMORY", "inputs": {}, "outputs": {"size": value}}

    report = analyze(write, store_uri, [
        chat_turn("I'd like the rain jacket in size M.", "Size M rain jacket, noted.", children=[size("M")]),
        chat_turn("Does it come in green?", "Yes, green in size L is in stock.", children=[size("L")]),
        chat_turn("My size is M, I told you.", "Sorry! Back to size M.", children=[size("M")]),
    ])

    assert root_of(report) == (2, "state_corruption")
    assert report.turns[2].verdict == "ok"


def test_a_memory_read_that_returns_other_than_what_was_stored_is_the_root(write, store_uri):
    def stored(city: str) -> dict[str, Any]:
        return {"name": "remember", "type": "MEMORY", "inputs": {}, "outputs": {"city": city}}

    def recalled(city: str) -> dict[str, Any]:
        return {"name": "recall", "type": "MEMORY", "inputs": {}, "outputs": {"city": city}}

    report = analyze(write, store_uri, [
        chat_turn("I'm moving to Porto next month.", "Noted: Porto.", children=[stored("Porto")]),
        chat_turn("Which neighbourhoods are nice?", "In Lisbon, try Alfama.", children=[recalled("Lisbon")]),
        chat_turn("I said Porto, not Lisbon!", "Sorry, in Porto try Foz do Douro."),
    ])

    assert root_of(report) == (2, "state_corruption")
    assert "read city as 'Lisbon'" in report.root_cause.explanation


def test_a_model_call_that_returned_a_failure_report_is_a_failed_step(write, store_uri):
    asked = [{"role": "user", "content": "Summarise my plan."}]
    refused = {"name": "chat_model", "type": "CHAT_MODEL", "inputs": {"model": "qwen", "messages": asked},
               "outputs": "(status error: the provider refused the call)"}
    report = analyze(write, store_uri, [
        chat_turn("Summarise my plan.", "Sorry, I couldn't do that just now.", children=[refused]),
        chat_turn("Then export it as PDF.", "Exported.",
                  children=[tool_span("export_pdf", {"doc": "plan"}, error="no summary to export")]),
    ])

    assert root_of(report) == (1, "tool_failure")
    assert "refused" in report.root_cause.explanation


def test_a_completion_that_mentions_a_failed_status_is_content_not_a_failed_call(write, store_uri):
    answer = "Your payment status: failed. The card was declined; try another card."
    report = analyze(write, store_uri, [
        chat_turn("Why was my order cancelled?", answer,
                  children=[llm_span([{"role": "user", "content": "Why was my order cancelled?"}], answer)]),
        chat_turn("OK, thanks.", "You're welcome."),
    ])

    assert report.root_cause is None


def test_an_admitted_failure_the_answer_to_a_complaint_names_is_the_root(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("Send the spa gift voucher to my sister, lena.berg@example.org please.",
                  "Sorry, I couldn't send it: the voucher service rejected the address "
                  "(no customer profile for lena.berg@example.org).",
                  children=[tool_span("send_voucher", {"to": "lena.berg@example.org"},
                                      error="no customer profile for lena.berg@example.org")]),
        chat_turn("Oh well. Is the pool heated?", "Yes, it's kept at 29 degrees."),
        chat_turn("Great, so she just says her name at reception?",
                  "Exactly, reception looks her up and hands her a wristband."),
        chat_turn("She's at reception now and they say there's nothing under her name. What's going on??",
                  "I'm sorry. The voucher never went through because there was no customer profile "
                  "for her address, so nothing was booked for her."),
    ])

    assert root_of(report) == (1, "tool_failure")
    assert any(a.turn == 3 for a in report.root_cause.alternatives)


def test_a_named_value_no_lookup_gave_is_made_up_even_beside_an_old_document(write, store_uri):
    old_doc = {"id": "kb-7", "content": "Restart the client, then sign in again.",
               "metadata": {"doc_uri": "kb/printing.md", "updated": "2023-02-01"}}
    report = analyze(write, store_uri, [
        chat_turn("My printer won't print.",
                  "Restart the client, then pick the 'Print-North' queue and sign in again.",
                  children=[retriever_span("search_kb", "printer won't print", [old_doc])]),
        chat_turn("I'm on the 2nd floor, does that matter?", "No, Print-North serves every floor."),
        chat_turn("Maybe I'm blind, but the dialog only lists Print-South and Lobby. "
                  "Where would Print-North be?",
                  "Apologies, choose Print-South."),
    ])

    assert root_of(report) == (1, "hallucinated_fact")


def test_a_date_a_state_step_stored_shifted_is_state_corruption(write, store_uri):
    def trip(stored: dict[str, Any]) -> dict[str, Any]:
        return {"name": "save_trip", "type": "MEMORY", "inputs": {}, "outputs": stored}

    report = analyze(write, store_uri, [
        chat_turn("I'd like a ferry from Hull to Rotterdam.", "Sure, which day?",
                  children=[trip({"from": "Hull", "to": "Rotterdam"})]),
        chat_turn("Thursday 14 March, foot passenger.", "Noted: a foot passenger from Hull to Rotterdam.",
                  children=[trip({"from": "Hull", "to": "Rotterdam", "day": "2024-03-13"})]),
        chat_turn("Book it.", "Booked: sailing on Wednesday 13 March, ref FR-2211."),
        chat_turn("Why does it say Wednesday 13 March? I said Thursday the 14th.", "Sorry about that."),
    ])

    assert root_of(report) == (2, "state_corruption")


def test_a_field_the_complaint_misses_that_the_call_left_empty_is_a_malformed_call(write, store_uri):
    escalate = tool_span("escalate", {"team": "claims"},
                         {"ticket": "ESC-81", "team": "claims", "policy_number": None})
    report = analyze(write, store_uri, [
        chat_turn("My car insurance claim has been stuck for weeks.", "I can see claim CL-5520 is waiting."),
        chat_turn("Please get me a person.", "Done, a claims handler will message you here.",
                  children=[escalate]),
        chat_turn("The handler just asked me for my policy number, didn't you send it?", "I'm sorry."),
    ])

    assert root_of(report) == (2, "malformed_tool_call")


def test_a_document_dated_by_its_own_name_is_outdated(write, store_uri):
    menu = {"id": "menu", "content": "Lunch menu: soup of the day 6.50, club sandwich 9.00.",
            "metadata": {"doc_uri": "menus/2019-05-01_lunch.md"}}
    report = analyze(write, store_uri, [
        chat_turn("How much is the club sandwich?", "The club sandwich is 9.00.",
                  children=[retriever_span("search_menu", "club sandwich price", [menu])]),
        chat_turn("The till says the club sandwich is 11.50, not 9.00.", "Sorry, I'll check."),
    ])

    assert root_of(report) == (1, "outdated_retrieval")


def test_a_bare_exception_message_is_shown_with_its_type(write, store_uri):
    lookup = tool_span("lookup_order", {"order_id": "B200"}, error="'B200'", error_type="KeyError")
    lookup["raise"] = True
    report = analyze(write, store_uri, [
        {"root": {"name": "chat", "type": "CHAIN", "inputs": {"message": "Where is order B200?"},
                  "children": [lookup], "error": "lookup failed", "raise": True}},
    ])

    assert root_of(report) == (1, "app_error")
    assert "KeyError: 'B200'" in report.root_cause.explanation


def test_a_fact_told_again_that_the_models_call_no_longer_had_is_a_dropped_constraint(write, store_uri):
    first = "Dinner ideas for Saturday please. My son has a peanut allergy."

    def model(*said: str) -> dict[str, Any]:
        return llm_span([{"role": "user", "content": text} for text in said], "ok")

    report = analyze(write, store_uri, [
        chat_turn(first, "Happy to help, I'll keep everything peanut-free.", children=[model(first)]),
        chat_turn("Something with chicken?", "Lemon roast chicken with potatoes.",
                  children=[model(first, "Something with chicken?")]),
        chat_turn("And a starter?", "A tomato and basil bruschetta.",
                  children=[model("Something with chicken?", "And a starter?")]),
        chat_turn("Dessert?", "Chocolate brownies topped with crushed roasted nuts and a satay drizzle.",
                  children=[model("And a starter?", "Dessert?")]),
        chat_turn("My son has a peanut allergy. Is that drizzle safe?", "Sorry, let me suggest another."),
    ])

    assert root_of(report) == (4, "context_window_dropped_constraint")


def test_a_day_given_as_an_ordinal_is_carried_by_a_reply_that_says_the_date():
    turns = [Turn(index=1, trace_id="t1", timestamp_ms=0, state="OK", user="A room from the 17th please.",
                  assistant="A double is free from Friday 17 May."),
             Turn(index=2, trace_id="t2", timestamp_ms=0, state="OK", user="Any room from the 24th?",
                  assistant="Only a single from Friday 24 May.")]
    index = ContentIndex(turns)

    assert index.carried("17th", 1)
    assert not index.carried("17th", 2)


def test_a_concession_naming_only_the_users_own_value_is_traced_by_its_words(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("I've got a 30L backpack for a 3-day hike. What should I pack?",
                  "For a 30-litre pack: a light tent, a sleeping bag and a stove."),
        chat_turn("how much water should I carry?",
                  "Carry 14 litres of water in the 30-litre pack, enough for all three days."),
        chat_turn("14 litres on my back for 3 days. sure.",
                  "You're right to push back, I'm sorry: 30 litres is far too small for that much water "
                  "and gear. Carry 2 litres and refill at the streams."),
    ])

    assert root_of(report) == (2, "hallucinated_fact")


def test_a_reply_that_puts_its_own_earlier_value_right_blames_where_it_was_first_said(write, store_uri):
    report = analyze(write, store_uri, [
        chat_turn("What's my broadband plan's monthly price?", "You pay £32.50 a month on Fibre 150."),
        chat_turn("Is there a faster one?", "Fibre 500 is £41.00 a month."),
        chat_turn("Ok, I'll think about it.", "Sure, just ask when you're ready."),
        chat_turn("My bank statement shows £35.75 every month.",
                  "Thanks for checking, and sorry: your Fibre 150 price is £35.75, not £32.50. "
                  "Fibre 500 would be £5.25 more."),
    ])

    assert root_of(report) == (1, "hallucinated_fact")
    assert report.symptom_turn == 4


def test_a_lookup_that_gave_no_value_and_a_reply_that_stated_one_is_a_hallucinated_fact(write, store_uri):
    lookup = tool_span("lookup_bike", {"frame": "FR-2208"},
                       {"model": "Trail 4", "year": 2021, "wheel_size": None})
    report = analyze(write, store_uri, [
        chat_turn("I need new tubes for my Trail 4, frame FR-2208.",
                  "Your Trail 4 uses 27.5-inch wheels, so you need two 27.5 x 2.4 tubes at £8 each.",
                  children=[lookup]),
        chat_turn("Order them please.", "Ordered: 2 x 27.5 x 2.4 tubes, £16."),
        chat_turn("The tyre says 29 x 2.4 on the side. How come you sent tubes for a 27.5 wheel size?",
                  "I'm sorry, the bike lookup gave no wheel size and I should not have assumed 27.5."),
    ])

    assert root_of(report) == (1, "hallucinated_fact")
    assert "no wheel_size" in report.root_cause.explanation


def test_a_concession_is_an_apology_that_says_what_the_app_itself_got_wrong():
    from turnback.causal.symptoms import concession

    assert concession("I'm sorry. Your 4 by 3 m room was read as 43 m, so the order is too big.")
    assert concession("Thanks for checking, and sorry: your rate is 27.84p, not 24.50p.")
    assert concession("I'm so sorry, the order went to the kitchen without your 12:30 time.")
    assert concession("Sorry, that one is sold out, not available until May.") is None
    assert concession("Sorry, we can't deliver without your postcode.") is None


def test_a_count_echoed_in_disbelief_leads_back_to_the_state_write_that_made_it(write, store_uri):
    def state(text: str, tickets: int) -> dict[str, Any]:
        return {**tool_span("update_booking", {"text": text}, {"tickets": tickets}), "type": "MEMORY"}
    asks = "Is it OK for a 12 year old? My nephew is coming."
    report = analyze(write, store_uri, [
        chat_turn("Tickets for The Wild Robot on Saturday afternoon, there's 3 of us",
                  "It shows at 1:10pm and 3:40pm. Which one?", children=[state("3 of us", 3)]),
        chat_turn("The earlier one please", "The 1:10pm it is. Shall I book it?",
                  children=[state("The earlier one please", 3)]),
        chat_turn(asks, "It's rated PG, most 12-year-olds are fine with it.", children=[state(asks, 12)]),
        chat_turn("Ok great, book them please", "Booked! 12 tickets at 1:10pm; £102.00 charged to your card.",
                  children=[state("book them", 12),
                            tool_span("book_seats", {"tickets": 12}, {"tickets": 12, "total": 102.0})]),
        chat_turn("12?! There are three of us. Why have I paid £102?", "I'm sorry, I'll have it refunded."),
    ])

    # The charge the lookup returned (102.0) is no invented £102.00; the 12 came from turn 3.
    assert root_of(report) == (3, "state_corruption")
