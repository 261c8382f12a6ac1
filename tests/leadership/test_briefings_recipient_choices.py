"""The composer with many leaders: the chosen ones and the first by name listed, "Show all" for the rest."""

import re

from leadership import selectors
from leadership.models import Leader
from tests.factories import BriefingPackFactory

SHOWN = selectors.LEADERS_SHOWN


def many_leaders(campaign, count):
    return Leader.objects.bulk_create(
        [
            Leader(campaign=campaign, name=f"Leader {i:03d}", email=f"leader{i}@example.org", wiifm=["team"])
            for i in range(count)
        ]
    )


def listed_leader_ids(html):
    return [int(pk) for pk in re.findall(r'name="recipients" value="(\d+)"', html)]


def ticked_leader_ids(html):
    return [int(pk) for pk in re.findall(r'name="recipients" value="(\d+)" id="id_recipients_\d+" checked', html)]


def test_the_composer_lists_the_chosen_leaders_and_the_first_by_name(client_for, champion, campaign):
    leaders = many_leaders(campaign, SHOWN + 20)
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(leaders[-1])

    response = client_for(champion).get(pack.get_absolute_url())

    ids = listed_leader_ids(response.text)
    assert ids == [leader.pk for leader in leaders[:SHOWN]] + [leaders[-1].pk]  # by name, the chosen one included
    assert ticked_leader_ids(response.text) == [leaders[-1].pk]
    assert f"{SHOWN + 1} of {SHOWN + 20} leaders listed: the chosen ones and the first by name." in response.text
    assert f"Show all {SHOWN + 20} leaders" in response.text
    assert "?leaders=all#recipients-fieldset" in response.text


def test_show_all_lists_every_leader_keeping_the_ticks(client_for, champion, campaign):
    leaders = many_leaders(campaign, SHOWN + 5)
    pack = BriefingPackFactory(campaign=campaign)
    client = client_for(champion)

    # htmx: the list alone, with the leaders ticked so far (not saved yet) still ticked.
    partial = client.get(
        pack.get_absolute_url(),
        {"recipients": [leaders[2].pk, "junk"]},
        headers={"HX-Request": "true", "HX-Target": "recipient-choices"},
    )
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="recipient-choices"')
    assert listed_leader_ids(partial.text) == [leader.pk for leader in leaders]
    assert ticked_leader_ids(partial.text) == [leaders[2].pk]
    assert "Show all" not in partial.text
    assert 'name="leaders" value="all"' in partial.text  # saving keeps every leader listed

    # Without JavaScript: the whole page, every leader listed.
    page = client.get(pack.get_absolute_url(), {"leaders": "all"})
    assert listed_leader_ids(page.text) == [leader.pk for leader in leaders]


def test_saving_keeps_a_leader_chosen_beyond_the_first_listed(client_for, champion, campaign):
    leaders = many_leaders(campaign, SHOWN + 10)
    pack = BriefingPackFactory(campaign=campaign)
    pack.recipients.add(leaders[-1])
    client = client_for(champion)

    html = client.get(pack.get_absolute_url()).text
    # The browser sends what the form shows: the ticked leader is among the checkboxes, so it is sent again.
    assert leaders[-1].pk in ticked_leader_ids(html)
    response = client.post(
        pack.get_absolute_url(),
        {"title": pack.title, "note": "A note", "talking_points": "", "recipients": [leaders[-1].pk, leaders[-3].pk]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert set(pack.recipients.values_list("pk", flat=True)) == {leaders[-1].pk, leaders[-3].pk}
    # Both stay listed and ticked after the save, with the first by name.
    assert ticked_leader_ids(response.text) == [leaders[-3].pk, leaders[-1].pk]
    assert len(listed_leader_ids(response.text)) == SHOWN + 2


def test_saving_with_every_leader_listed_keeps_them_listed(client_for, champion, campaign):
    leaders = many_leaders(campaign, SHOWN + 5)
    pack = BriefingPackFactory(campaign=campaign)
    response = client_for(champion).post(
        pack.get_absolute_url(),
        {"title": pack.title, "note": "A note", "talking_points": "", "recipients": [leaders[-1].pk], "leaders": "all"},
        headers={"HX-Request": "true"},
    )
    assert listed_leader_ids(response.text) == [leader.pk for leader in leaders]
    assert ticked_leader_ids(response.text) == [leaders[-1].pk]


def test_a_small_campaign_lists_every_leader_without_a_show_all_link(client_for, champion, campaign):
    leaders = many_leaders(campaign, 3)
    pack = BriefingPackFactory(campaign=campaign)
    response = client_for(champion).get(pack.get_absolute_url())
    assert listed_leader_ids(response.text) == [leader.pk for leader in leaders]
    assert "Show all" not in response.text


def test_leader_choices_counts_every_leader_in_one_query(campaign, django_assert_num_queries):
    leaders = many_leaders(campaign, 12)
    with django_assert_num_queries(1):
        choices = selectors.leader_choices(campaign, chosen={leaders[-1].pk}, limit=5)
    assert [row.pk for row in choices.rows] == [leader.pk for leader in leaders[:5]] + [leaders[-1].pk]
    assert choices.total == 12
    assert selectors.leader_choices(campaign.__class__.objects.create(name="Empty", slug="empty"), limit=5).total == 0
