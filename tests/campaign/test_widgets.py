"""The Python-rendered widgets write Django's markup, and the allies' pickers stay cheap with thousands of allies."""

import re

from django import forms
from django.urls import reverse

from allies.models import Ally
from campaign.widgets import FastSelectMultiple
from tests.factories import DepartmentFactory, ServiceProblemFactory


def squeezed(html):
    return " ".join(str(html).split()).replace("> <", "><")


def test_the_fast_multiple_select_writes_what_djangos_writes():
    choices = [(1, "Ana & <b>"), ("Group", [(2, "Two"), (3, "Three")]), (4, "Four")]
    for value in (None, [], [1], [2, 4], ["3"]):
        for attrs in (None, {"id": "id_people", "required": True}):
            django_html = forms.SelectMultiple(choices=choices).render("people", value, attrs)
            fast_html = FastSelectMultiple(choices=choices).render("people", value, attrs)
            assert squeezed(fast_html) == squeezed(django_html)


def test_the_problem_form_lists_thousands_of_allies_in_one_query(
    client_for, champion, campaign, django_assert_max_num_queries
):
    sales = DepartmentFactory(campaign=campaign, name="Sales")
    Ally.objects.bulk_create(
        Ally(campaign=campaign, name=f"Ally {i:04d}", department=sales, email=f"ally{i}@example.com")
        for i in range(600)
    )
    client = client_for(champion)
    new = reverse("campaign:problem-new", kwargs={"slug": campaign.slug})
    with django_assert_max_num_queries(12):
        response = client.get(new)
    people = re.search(r'<select name="people".*?</select>', response.text, re.S).group(0)
    assert people.count("<option") == 600
    assert " multiple" in people
    chosen = list(Ally.objects.filter(name__in=["Ally 0007", "Ally 0420"]))
    problem = ServiceProblemFactory(campaign=campaign)
    problem.people.set(chosen)
    edit = client.get(reverse("campaign:problem-edit", kwargs={"slug": campaign.slug, "pk": problem.pk})).text
    people = re.search(r'<select name="people".*?</select>', edit, re.S).group(0)
    assert people.count(" selected") == 2
    assert f'<option value="{chosen[0].pk}" selected>{chosen[0].name}</option>' in people
