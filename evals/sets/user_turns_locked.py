"""Labelled single user turns for a dissatisfaction detector: the LOCKED TEST SPLIT.

Written without reading the engine and separately from the dev split (different wording,
no near-duplicates). Never tune on it. Each turn: `user`, `previous_reply` (the assistant
reply just before it), `complaint` (does the user say or imply that this or an earlier answer
was wrong, unhelpful, or that they are dissatisfied) and `kind`.
"""

from __future__ import annotations

TURNS: list[dict] = [
    # --- complaints
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "Based on your payslip, your net salary is 4,150 EUR a month.",
        "user": "Where did you get 4,150 from? I never gave you a payslip.",
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "I've moved your dental check-up to Friday at 14:00.",
        "user": "Why Friday? I asked for Thursday morning.",
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "Dogs can safely eat grapes in small amounts.",
        "user": "Are you sure about that? I always heard grapes are toxic to dogs.",
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "The deadline for the grant application is 30 June.",
        "user": "How is it 30 June? Didn't you say 15 May an hour ago?",
    },
    {
        "kind": "challenge_question", "complaint": True,
        "previous_reply": "I've applied the 20% student discount to your basket.",
        "user": "So why does the total still show the full price?",
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "The drive from Copenhagen to Aarhus takes around 90 minutes.",
        "user": "No way, it's at least three hours.",
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "Your electricity usage last month was 2,400 kWh.",
        "user": "That seems wildly high for a one-bedroom flat.",
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "The Eiffel Tower was completed in 1925.",
        "user": "Hmm, that doesn't sound right to me at all.",
    },
    {
        "kind": "disbelief", "complaint": True,
        "previous_reply": "Your step count for today is 41,000.",
        "user": "I barely left the sofa today. That number is nonsense.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "I've booked the taxi to 14 Elm Street for 8:15.",
        "user": "41 Elm Street.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "I've looked up case QZ-8813 for you.",
        "user": "The one I gave you was QZ-8831.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "Okay Sarah, your password reset link is on its way.",
        "user": "Sara. No h.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "Your order ships to postcode 2100.",
        "user": "My postcode is 2200.",
    },
    {
        "kind": "restated_value", "complaint": True,
        "previous_reply": "I've settled invoice #4471 from your account.",
        "user": "I paid #4417, the other one is still open.",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": "Your gym membership costs 299 DKK per month.",
        "user": "My bank statement has 349 going out to you every month.",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": "The 18:20 ferry to Helsingborg is running normally.",
        "user": "The departure board in front of me says cancelled.",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": "For adults the maximum daily dose of paracetamol is 6 g.",
        "user": "The package insert says no more than 4 g in 24 hours.",
    },
    {
        "kind": "outside_evidence", "complaint": True,
        "previous_reply": "Great choice! Here are three more hiking trails near Bergen.",
        "user": ("Going back to the first trail you suggested: the park service page says it has "
                 "been closed since the landslide in March."),
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": "To change your address, go to Settings > Profile > Address.",
        "user": ("Thanks, though I can't seem to find an Address option under Profile. Might it be"
                 " somewhere else?"),
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": "The capital gains allowance this tax year is 12,300 GBP.",
        "user": ("I wonder if that figure might be a few years old? I thought it had gone down "
                 "quite a lot."),
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": "Here's the query: SELECT name FROM users WHERE age > 30 GROUP BY city;",
        "user": ("Perhaps I'm missing something, but Postgres complains that name must appear in "
                 "the GROUP BY clause."),
    },
    {
        "kind": "polite_indirect", "complaint": True,
        "previous_reply": "Your cabin booking includes bed linen and towels.",
        "user": ("Just to be safe, the welcome email mentions bringing our own sheets, so maybe I "
                 "misread something?"),
    },
    {
        "kind": "abandonment", "complaint": True,
        "previous_reply": "I'm sorry, I didn't understand that. Could you try again?",
        "user": "I give up, I'll go to the branch tomorrow.",
    },
    {
        "kind": "abandonment", "complaint": True,
        "previous_reply": "Let me look into that for you.",
        "user": "Don't bother, I'll sort it out myself.",
    },
    {
        "kind": "repeated_request", "complaint": True,
        "previous_reply": "Here's some general information about our savings accounts.",
        "user": "I'm asking for the interest rate on MY account, for the third time.",
    },
    {
        "kind": "repeated_request", "complaint": True,
        "previous_reply": "Is there anything else I can help you with?",
        "user": "You still haven't told me when the technician is coming.",
    },
    {
        "kind": "plain_negation", "complaint": True,
        "previous_reply": "Water boils at 90°C at sea level.",
        "user": "Incorrect.",
    },
    {
        "kind": "plain_negation", "complaint": True,
        "previous_reply": "You have 3 vacation days left this year.",
        "user": "Uh, no. Way off.",
    },
    # --- not complaints (look-alikes included)
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Your prescription is ready for pickup. Anything else?",
        "user": "Nope, that covers it, cheers.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Your seat is now 12A. Can I help with anything else?",
        "user": "No no, all good, thank you!",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": ("Sorry that took a minute, the order system was slow. Your order is on "
                           "its way."),
        "user": "No problem at all, thanks for checking.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "I've saved your notification preferences.",
        "user": "That'll be all.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "You're all set for Saturday.",
        "user": "Lovely, speak soon.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Happy to help! Anything else today?",
        "user": "Nothing else, have a nice evening.",
    },
    {
        "kind": "healthy_closing", "complaint": False,
        "previous_reply": "Your concert tickets are in your inbox now.",
        "user": "Brilliant. Bye for now.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Booked a table for 2 at 20:00 on Saturday.",
        "user": "Oh wait, change that to 6 guests.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "I'll search for flights on 14 July.",
        "user": "Sorry, I gave you the wrong date, it's the 17th.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Okay, setting the thermostat to 25 degrees.",
        "user": "Hmm, 25 is too warm now that I think about it. Let's do 22.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Added 2 kg of potatoes to your basket.",
        "user": "Ah, I meant sweet potatoes, my bad.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "Here's your cover letter for the marketing role.",
        "user": "Forgot to say: the job is in Munich, so could you mention that I speak German?",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "I'll translate the brochure into Spanish.",
        "user": "Scratch that, Portuguese please, the client is in Lisbon.",
    },
    {
        "kind": "self_correction", "complaint": False,
        "previous_reply": "A transfer of 200 EUR to Jonas is scheduled for Friday.",
        "user": "No, actually make it Thursday, his rent is due then.",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "Happy to answer any science questions.",
        "user": "Why do cats purr?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The hotel pool is on the 5th floor.",
        "user": "Does the pool open on Saturdays?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "Your ticket includes one 23 kg checked bag.",
        "user": "Can I bring a bike box instead of a suitcase?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The museum offers free entry on the first Sunday of every month.",
        "user": "How come they do that? Is it a city rule?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The vaccine is given in two doses, four weeks apart.",
        "user": "Why are two doses needed?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "Your bill is due on the 25th.",
        "user": "What happens if I pay a few days late?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "The bakery has used the same sourdough starter for all its breads.",
        "user": "How long has the bakery been around?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": "To install it, run pip install requests.",
        "user": "Does that work inside a Jupyter notebook too?",
    },
    {
        "kind": "neutral_question", "complaint": False,
        "previous_reply": ("The northern lights come from charged particles hitting the upper "
                           "atmosphere."),
        "user": "Where in Norway is best for seeing them in February?",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "Your parking permit is renewed until December.",
        "user": "Thanks a million.",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "Here are the three quotes side by side.",
        "user": "This is exactly what I needed, thank you.",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "The formula is =SUMIF(A:A,\"Rent\",B:B).",
        "user": "Worked first time, much appreciated.",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "Your appointment reminder is set.",
        "user": "Ta!",
    },
    {
        "kind": "thanks", "complaint": False,
        "previous_reply": "I've attached the packing list.",
        "user": "You're a star, thanks.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Your boiler service is booked for 3 March.",
        "user": "While you're at it, can you book a chimney sweep too?",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Here's a birthday message for your grandfather.",
        "user": "Now write one for my niece, she's turning 8.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Your CV now fits on one page.",
        "user": "Could you also write a short LinkedIn summary from it?",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "The route avoids toll roads.",
        "user": "Add a stop in Odense for lunch.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "The unit tests pass now.",
        "user": "Great, now let's write a README for the project.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Your meal-kit subscription is paused for a month.",
        "user": "Can you also move the delivery day to Wednesday?",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "I've listed the 5 cheapest flights.",
        "user": "Show me hotels near the airport for that night as well.",
    },
    {
        "kind": "new_request", "complaint": False,
        "previous_reply": "Your library card is renewed.",
        "user": "Please put a hold on 'The Overstory' for me.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Would you like me to save this card for future purchases?",
        "user": "No, don't save it.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Do you want a window seat?",
        "user": "No, aisle please.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Shall I book the same hotel as last year?",
        "user": "No, something closer to the conference centre this time.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Have you tried restarting the device?",
        "user": "Not yet, I'll do that now.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Do you have a discount code?",
        "user": "No, I don't.",
    },
    {
        "kind": "answer_no", "complaint": False,
        "previous_reply": "Should I include weekend days in the count?",
        "user": "No, only weekdays.",
    },
]
