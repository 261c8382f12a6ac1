"""
Every search box finds the same things on SQLite (the embedded default) and on PostgreSQL (CI, production).

The search is a case-insensitive substring match (`icontains`): PostgreSQL answers it from a trigram index
(campaign.search.SearchIndex), SQLite from LIKE. These tests run on whichever database the suite runs on,
and expect the same matches from both: part of a word, across words, any case, with `%` and `_` taken
as themselves.
"""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from campaign.models import Role
from campaign.search import SearchIndex
from leadership.models import Feedback
from tests.factories import (
    AllyFactory,
    BriefingPackFactory,
    FeedbackFactory,
    LeaderFactory,
    MembershipFactory,
    PersonaCardFactory,
    ServiceProblemFactory,
)

pytestmark = pytest.mark.django_db

SUMMARIES = {
    "hold": "Waited 17 minutes on hold before anyone answered",
    "longer": "Waited 117 MINUTES for a callback",
    "short": "Waited 7 minutes, fine",
    "percent": "Promised 50% off and never applied it",
    "underscore": "The form said file_name is invalid",
    "chocolate": "Chocolate box arrived melted",
}


def _shown(response, texts):
    """The keys of `texts` whose text the page shows."""
    assert response.status_code == 200
    return {key for key, text in texts.items() if escape(text) in response.text}


@pytest.fixture
def viewer_client(campaign, client_for):
    return client_for(MembershipFactory(campaign=campaign, role=Role.VIEWER).user)


@pytest.fixture
def feedback(campaign, other_campaign):
    for key, summary in SUMMARIES.items():
        FeedbackFactory(campaign=campaign, summary=summary, customer=f"Customer {key}")
    # Another campaign's matching feedback is never found.
    FeedbackFactory(campaign=other_campaign, summary="Other campaign: waited 17 minutes too")
    return campaign


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("17 minutes", {"hold", "longer"}),  # across words, and inside "117"
        ("17 MINUTES", {"hold", "longer"}),
        ("minutes", {"hold", "longer", "short"}),
        ("late", {"chocolate"}),  # part of a word
        ("50%", {"percent"}),  # % is a character, not a wildcard
        ("%", {"percent"}),
        ("e_n", {"underscore"}),  # and so is _
        ("nobody said this", set()),
    ],
)
def test_the_feedback_search_finds_the_same_items_on_every_database(feedback, viewer_client, q, expected):
    url = reverse("leadership:feedback-list", kwargs={"slug": feedback.slug})

    response = viewer_client.get(url, {"q": q})

    assert _shown(response, SUMMARIES) == expected
    assert "Other campaign" not in response.text


def test_the_feedback_search_also_reads_the_customer_and_the_action(feedback, viewer_client):
    item = Feedback.objects.get(summary=SUMMARIES["short"])
    item.action = "Rang the depot about the Wexford route"
    item.save()
    url = reverse("leadership:feedback-list", kwargs={"slug": feedback.slug})

    by_action = viewer_client.get(url, {"q": "wexford"})
    by_customer = viewer_client.get(url, {"q": "customer CHOC"})

    assert _shown(by_action, SUMMARIES) == {"short"}
    assert _shown(by_customer, SUMMARIES) == {"chocolate"}


def test_a_searched_kind_filter_narrows_the_matches(feedback, viewer_client):
    Feedback.objects.filter(summary=SUMMARIES["longer"]).update(kind="compliment", severity="", status="open")
    url = reverse("leadership:feedback-list", kwargs={"slug": feedback.slug})

    response = viewer_client.get(url, {"q": "17 minutes", "kind": "complaint"})

    assert _shown(response, SUMMARIES) == {"hold"}


NAMES = {"ann": "Ann O'Neill", "joanna": "Joanna Beck", "hannah": "HANNAH Price", "bob": "Bob Stone"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [("ann", {"ann", "joanna", "hannah"}), ("o'n", {"ann"}), ("NA B", {"joanna"}), ("zz", set())],
)
def test_the_ally_search_finds_the_same_allies_on_every_database(campaign, other_campaign, viewer_client, q, expected):
    for name in NAMES.values():
        AllyFactory(campaign=campaign, name=name)
    AllyFactory(campaign=other_campaign, name="Annika Other")
    url = reverse("allies:ally-list", kwargs={"slug": campaign.slug})

    response = viewer_client.get(url, {"q": q})

    assert _shown(response, NAMES) == expected
    assert "Annika Other" not in response.text


CARDS = {"dispatcher": "Dispatcher Dana", "nurse": "Night nurse Nia", "buyer": "Buyer Bea"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dana", {"dispatcher"}),  # the persona's name
        ("rota", {"nurse"}),  # what they want
        ("EVERY FRIDAY", {"buyer"}),  # their rhythm
        ("night", {"nurse"}),
        ("zz", set()),
    ],
)
def test_the_card_search_finds_the_same_cards_on_every_database(campaign, viewer_client, q, expected):
    PersonaCardFactory(campaign=campaign, persona_name=CARDS["dispatcher"], wants="The van list by six")
    PersonaCardFactory(campaign=campaign, persona_name=CARDS["nurse"], wants="Next week's rota on Thursday")
    PersonaCardFactory(campaign=campaign, persona_name=CARDS["buyer"], rhythm="every Friday at noon")
    url = reverse("personas:card-list", kwargs={"slug": campaign.slug})

    response = viewer_client.get(url, {"q": q})

    assert _shown(response, CARDS) == expected


STORIES = {"forms": "Refund forms moved online", "queue": "Shorter queue at the Quay desk", "van": "Vans leave on time"}


@pytest.mark.parametrize(("q", "expected"), [("on", {"forms", "van"}), ("QUAY", {"queue"}), ("s l", {"van"})])
def test_the_composer_story_search_finds_the_same_stories_on_every_database(
    campaign, champion, client_for, q, expected
):
    for title in STORIES.values():
        ServiceProblemFactory(campaign=campaign, title=title, status="won", won_on="2026-03-01")
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(LeaderFactory(campaign=campaign))

    response = client_for(champion).get(pack.get_absolute_url(), {"stories_q": q})

    assert _shown(response, STORIES) == expected


def test_a_search_index_is_made_on_postgresql_only():
    index = SearchIndex("summary", "customer", name="feedback_search_probe")
    # Only writes SQL, never runs it; not entered (SQLite refuses to inside the test's transaction), so
    # given the list entering it would start.
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []

    sql = str(index.create_sql(Feedback, editor))
    dropped = str(index.remove_sql(Feedback, editor))

    if connection.vendor == "postgresql":
        assert "USING gin" in sql
        assert '(UPPER("summary")) gin_trgm_ops' in sql
        assert dropped.startswith("DROP INDEX")
    else:
        assert sql.startswith("--")
        assert dropped.startswith("--")


def test_a_search_index_names_its_fields_when_written_into_a_migration():
    index = SearchIndex("summary", "customer", name="feedback_search_probe")

    path, args, kwargs = index.deconstruct()

    assert (path, args, kwargs) == ("campaign.search.SearchIndex", ("summary", "customer"), {"name": index.name})
    assert index.clone() == index
