"""Labelled single user turns for a dissatisfaction detector (dev split).

Each turn: `user` (the message), `previous_reply` (the assistant reply just before it),
`complaint` (does the user say or imply that this or an earlier answer was wrong, unhelpful, or
that they are dissatisfied) and `kind`. Complaints are in ordinary words. The healthy turns
include hard look-alikes: closings with "no", self-corrections, "how come"/"since when" asked
out of plain curiosity, and "no" given as the answer to a question. Written without reading
the engine.
"""

from __future__ import annotations

TURNS: list[dict] = [
    # --- complaints
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "The Rijksmuseum is open until 22:00 on Fridays.",
        "user": ("Since when does the Rijksmuseum stay open till ten? I've never once seen it open"
                 " past five."),
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "Your order total is 84.90 EUR including shipping.",
        "user": "How come it's 84.90 when the cart showed 79.90 with free shipping?",
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": ("To undo the last commit and keep your changes, run `git reset --hard "
                           "HEAD~1`."),
        "user": "Wait, how is --hard supposed to keep my changes? Doesn't that wipe them?",
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "Yes, take the 14:05 bus; it stops right at the hospital entrance.",
        "user": ("Why did you say the 14:05 stops at the entrance? Route 7 doesn't even go down "
                 "Hospital Road."),
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "Your streaming subscription renews on 3 March for 119 DKK.",
        "user": "How can it renew if you told me yesterday that it was cancelled?",
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "A 250 g serving of cooked rice has about 900 kcal.",
        "user": "That can't be right, that's more than a large pizza.",
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "Over five years the loan would cost you 1,200 EUR in interest.",
        "user": ("Those numbers make no sense to me. 20,000 at 6% over five years is way more than"
                 " 1,200 in interest."),
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "Kilimanjaro is the highest mountain in South America.",
        "user": "Hmm, I really doubt that.",
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "Your package was delivered at 10:14 and signed for by 'J. Olsen'.",
        "user": "Nobody called Olsen lives here and I was home all morning. Something is off.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "Thank you, Mr. Jansen, your table is booked for Friday.",
        "user": "It's Janssen, with two s's.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "I've set your alarm for 6:30 tomorrow.",
        "user": "7:30. Seven thirty.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "The IBAN on file for your landlord is DK50 0040 0440 1162 43.",
        "user": "The last digits should be 1162 34.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "Your call with the Berlin office is on Thursday the 12th.",
        "user": "The 21st. The Berlin call is on the 21st.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "Sending 500 EUR to Marta Kowalski now.",
        "user": "50 euros, not 500!",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": "Your flight LX 1724 lands in Zurich at 21:40.",
        "user": "My e-ticket says it gets in at 23:10.",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": "The warranty on this laptop is 12 months.",
        "user": "The leaflet in the box says 24 months for customers in the EU.",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": "Your water bill for the second quarter is 142 EUR.",
        "user": "The paper bill that came in the post says 98.40.",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": ("Here's a packing list for the island weekend: layers, rain jacket, "
                           "walking shoes."),
        "user": ("Before the packing list: the ferry you recommended earlier isn't running until "
                 "April, according to the port's timetable."),
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": "To reset the router, hold the WPS button for 10 seconds.",
        "user": ("I may be doing something wrong, but holding WPS just makes the light blink blue "
                 "and nothing resets. Could it be a different button?"),
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": ("Here's a vegan lasagne: layer the pasta sheets with tomato sauce, "
                           "spinach and 200 g of ricotta."),
        "user": "Sorry to be a pain, but I think ricotta might not be vegan?",
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": "Your next dentist appointment is on Monday at 9:00.",
        "user": ("Hmm, I'm not sure that's quite right, I had a text saying Tuesday. Would you "
                 "mind double-checking?"),
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": "In Python, list.sort() returns the sorted list.",
        "user": "I could be wrong here, but when I do x = nums.sort() I just get None back?",
    },
    {
        "kind": "abandonment", "complaint": True,
        "previous_reply": "Could you share your order number once more?",
        "user": "Forget it, I'll just call the shop.",
    },
    {
        "kind": "abandonment", "complaint": True,
        "previous_reply": "I wasn't able to find that policy. Could you rephrase your question?",
        "user": "Never mind. This is going nowhere.",
    },
    {
        "kind": "repeated_request", "complaint": True,
        "previous_reply": ("I can help with all kinds of travel bookings! What would you like to "
                           "do?"),
        "user": "Again: I want to cancel the hotel in Lisbon, booking 55XK2.",
    },
    {
        "kind": "repeated_request", "complaint": True,
        "previous_reply": ("Sure! Here are some tips for better sleep: keep a regular bedtime, "
                           "avoid screens."),
        "user": ("I asked for the opening hours of the sleep clinic, not tips. The opening hours, "
                 "please."),
    },
    {
        "kind": "plain_negation", "complaint": True,
        "previous_reply": "The capital of Australia is Sydney.",
        "user": "No it isn't.",
    },
    {
        "kind": "plain_negation", "complaint": True,
        "previous_reply": "Your current balance is 0.00 EUR.",
        "user": "That's wrong.",
    },
    # --- not complaints (look-alikes included)
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Your appointment is confirmed for Tuesday at 10:30. Anything else?",
        "user": "No, that's all, thanks.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": ("I've renewed both library books until 14 June. Is there anything else "
                           "I can do?"),
        "user": "Nope, we're good!",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Done! Your parcel will be held at the post office for 7 days.",
        "user": "No worries, cheers.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": ("Sorry for the short wait while I looked that up. The pharmacy on Main "
                           "Street is open until 20:00."),
        "user": "No worries at all, that's perfect.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Glad I could help with the spreadsheet! Anything else?",
        "user": "Not right now. Have a good one.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Your return label has been emailed to you.",
        "user": "Great, that's everything for today.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "You're welcome!",
        "user": "Bye!",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Great, I've found a table for 2 at 19:00 at Bistro Lumen.",
        "user": "Actually, make it 4 people.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "I've booked a standard room for 3 nights.",
        "user": "Sorry, my mistake, I need it for 4 nights, not 3. I mixed up the dates.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Here's a chicken curry recipe for 4 people.",
        "user": ("Oh, I forgot to mention my brother is vegetarian. Can you swap the chicken for "
                 "chickpeas?"),
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "250 USD is about 230 EUR at today's rate.",
        "user": "Oops, I meant 250 GBP, not dollars.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Your reminder 'call the plumber' is set for 15:00.",
        "user": "Can we push that to 16:00? I've got a meeting at 3.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "I've drafted the email to Professor Lindqvist as you asked.",
        "user": ("Hmm, on second thought, let's make it less formal. She's actually pretty "
                 "relaxed."),
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Searching flights from Oslo to Rome on 3 May.",
        "user": "No, hang on, I typed that wrong. I'm flying from Bergen.",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "Sure, ask me anything!",
        "user": "Why is the sky blue?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The Design Museum is at Bredgade 68.",
        "user": "Is it open on Sunday?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The recipe needs 3 eggs.",
        "user": "Can I use flax eggs instead?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "Your account has two-factor authentication switched on.",
        "user": "How come it never asks me for a code on my own laptop?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The train journey takes about 4 hours.",
        "user": "What's the quickest way from the station to the old town?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "Photosynthesis turns light into chemical energy stored in sugars.",
        "user": "Why do leaves turn red in autumn, then?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "You can pay by card, MobilePay or invoice.",
        "user": "Is there a fee for paying by invoice?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The exhibition runs until 30 September.",
        "user": "Since when has the museum had a rooftop café? A friend mentioned it.",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": ("To set up a virtual environment, run python -m venv .venv and activate"
                           " it."),
        "user": "What's the difference between venv and conda?",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "Your refund of 49 EUR has been processed.",
        "user": "Thank you so much!",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "I've added the dentist appointment to your calendar.",
        "user": "Thanks, that's really helpful.",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "Here's the translation: 'Où est la gare ?'",
        "user": "Perfect, merci!",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "The fix is to add `await` before the fetch call.",
        "user": "That did it, thanks a lot.",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "I've emailed you the receipt.",
        "user": "Got it, cheers.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Your car is booked in for a service on Monday at 8:00.",
        "user": "Can you also book a tyre change for the same visit?",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Here's a 3-day itinerary for Kraków.",
        "user": "Now do the same for Wrocław, 2 days.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "I've summarised the article in five bullet points.",
        "user": "Translate the summary into German, please.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Invoice 2291 is marked as paid.",
        "user": "Please send me last year's invoices as a PDF.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Your paint order is confirmed for delivery on Friday.",
        "user": "Also, which primer would you recommend for bare plaster?",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Workout logged: 5 km run in 27 minutes.",
        "user": "Make me a plan to get under 25 minutes by June.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "I've unsubscribed you from the newsletter.",
        "user": "Please delete my account entirely as well.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "The error was a missing comma on line 12. It should run now.",
        "user": "It runs. Next, can you help me add logging to it?",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Would you like to add travel insurance for 19 EUR?",
        "user": "No, thanks.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Shall I also cancel your return flight?",
        "user": "No, keep the return flight.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Do you want the receipt sent to your work email?",
        "user": "No, to my personal one, anna.berg@example.com.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Is this your first visit to the clinic?",
        "user": "No, I've been twice before.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Do you need wheelchair assistance at the airport?",
        "user": "Not this time, no.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Should I round the totals to whole euros?",
        "user": "No, keep the cents, the accountant wants exact figures.",
    },
]
