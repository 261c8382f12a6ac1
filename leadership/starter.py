"""
The objection handbook every new campaign starts with: the five lines leaders say most often when
service comes up, each answered from the organisation's potential rather than from a complaint.

Kept as plain data so the data migration that fills existing campaigns and `objections_prefill`
for new ones read the same words.
"""

STARTER_OBJECTIONS = [
    {
        "objection": "Service is a cost, and we don't need more cost.",
        "response": (
            "We already pay for poor service: every order keyed twice, every call chasing a late delivery, every "
            "credit note for a wrong invoice. Putting service first means spending what we already spend on "
            "getting it right once. The first wins we are after are small and cost next to nothing; what they "
            "free up is time and goodwill we can put to better use."
        ),
        "evidence": (
            "Our won stories tagged 'time saved' or 'cost saved', with their before-and-after figures. "
            "The hours our teams spend on rework each month."
        ),
    },
    {
        "objection": "What's wrong with our service? Our scores are good.",
        "response": (
            "Nothing is wrong, and the scores prove we have a base to build on. Scores tell us about the "
            "customers who answered the survey; our potential is in the customers who come back, buy more "
            "and recommend us without being asked. We want to turn good into the reason people choose us."
        ),
        "evidence": (
            "Repeat-order and retention figures next to the scores; what our most loyal customers say they "
            "value; the accounts we lost despite good scores."
        ),
    },
    {
        "objection": "We have a customer service department. Why do we need anything more?",
        "response": (
            "Our service department is the last link in a long chain. Everyone serves someone who serves a "
            "customer: billing, IT, logistics and legal all shape what the customer finally gets. When the "
            "teams inside serve each other well, the people on the phone get to shine instead of apologising."
        ),
        "evidence": (
            "How many complaints start upstream of the service desk (billing errors, late dispatch). "
            "A story of an internal team whose fix made the front line's job easier."
        ),
    },
    {
        "objection": "Our service is excellent.",
        "response": (
            "We have a lot to be proud of, and we would like every customer to meet our best on every day, "
            "not only on our good ones. Customers compare us with the best service they have had anywhere, so "
            "excellence keeps moving; staying there is the ambition this campaign serves."
        ),
        "evidence": (
            "Clippings about organisations that raised the bar in other trades; our benchmarking reports; "
            "the spread between our best and our weakest teams."
        ),
    },
    {
        "objection": "How will this help the bottom line?",
        "response": (
            "Customers who are served well stay longer, spend more and bring others, and keeping a customer "
            "costs far less than winning a new one. Organisations that make service their focus have "
            "outperformed their markets over the long run. We start with low-cost wins and measure what they "
            "return, so the case is made with our own numbers."
        ),
        "evidence": (
            "Over fifteen years, the companies leading the American Customer Satisfaction Index returned "
            "several times what the S&P 500 did to their shareholders. Our own won stories tagged "
            "'revenue' or 'customers kept'."
        ),
    },
]

# Which of the campaign's own numbers back each starter answer (Objection.evidence_kind), by the objection's
# words. Kept apart from STARTER_OBJECTIONS: the handbook's first data migration reads those dicts as they were.
STARTER_EVIDENCE_KINDS = {
    "Service is a cost, and we don't need more cost.": "cost",
    "What's wrong with our service? Our scores are good.": "scores",
    "Our service is excellent.": "scores",
    "How will this help the bottom line?": "bottom_line",
}
