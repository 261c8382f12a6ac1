"""
Demo headcounts, so the demo coverage map measures departments against the campaign's target.

Idempotent: it sets the same numbers on the demo departments by name each run. Two departments
keep an unknown headcount on purpose, to show how the map reads without one.
"""

HEADCOUNTS = {
    "Customer Support": 85,
    "Sales": 40,
    "Field Service": 60,
    "Marketing": 18,
    "Account Management": 25,
    "Logistics & Warehousing": 120,
    "Finance & Billing": 30,
    "IT": 35,
    "HR": 12,
    "Legal": 6,
}


def seed(campaign):
    for department in campaign.departments.filter(name__in=HEADCOUNTS):
        department.headcount = HEADCOUNTS[department.name]
        department.save(update_fields=["headcount"])
