"""The gallery's filters and the service map: what they show, escaped, in few queries."""

import re

from django.urls import reverse

from personas.models import PersonaCard
from tests.factories import AllyFactory, DepartmentFactory, PersonaCardFactory, WorkshopFactory
from tests.personas.helpers import bulk_cards


def squeezed(html):
    """The markup with the line breaks between tags taken out."""
    return re.sub(r">\s+<", "><", str(html))


def gallery(campaign):
    return reverse("personas:card-list", kwargs={"slug": campaign.slug})


def test_the_department_filters_keep_the_chosen_department_and_escape_names(client_for, campaign, viewer):
    odd = DepartmentFactory(campaign=campaign, name='R&D "<labs>"')
    DepartmentFactory(campaign=campaign, name="Sales")
    session = WorkshopFactory(campaign=campaign, title="Finance & IT")
    html = squeezed(client_for(viewer).get(gallery(campaign), {"served": odd.pk, "workshop": session.pk}).text)

    served = re.search(r'<select name="served" id="id_served">(.*?)</select>', html).group(1)
    assert served.startswith('<option value="">Any</option>')
    # Escaped (the quote as &#34; or &quot;, both mean it), and chosen.
    assert f'<option value="{odd.pk}" selected>R&amp;D &#34;&lt;labs&gt;&#34;</option>' in served.replace(
        "&quot;", "&#34;"
    )
    writer = re.search(r'<select name="writer_department" id="id_writer_department">(.*?)</select>', html).group(1)
    assert writer.startswith('<option value="" selected>Any</option>')  # as Django marks an empty choice
    assert f'<option value="{session.pk}" selected>Finance &amp; IT (' in html
    assert '<label for="id_served">Department served:</label>' in html


def test_a_forged_department_in_the_filters_is_ignored(client_for, campaign, other_campaign, viewer):
    foreign = DepartmentFactory(campaign=other_campaign)
    PersonaCardFactory(campaign=campaign, writer_ally=AllyFactory(campaign=campaign))
    response = client_for(viewer).get(gallery(campaign), {"served": foreign.pk})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 1
    served = re.search(r'<select name="served".*?</select>', response.text, re.S).group(0)
    assert served.count(" selected") == 0 or 'value="" selected' in served


def test_gallery_with_every_filter_set_stays_within_ten_queries(
    client_for, campaign, viewer, django_assert_max_num_queries
):
    depts, writers = bulk_cards(campaign, 600)
    client = client_for(viewer)
    query = {"served": depts[1].pk, "writer_department": depts[2].pk, "q": "Persona", "writer": f"ally-{writers[3].pk}"}
    # Session, user, membership; departments, workshops; the two chosen departments checked; count, page; switcher.
    with django_assert_max_num_queries(10):
        assert client.get(gallery(campaign), query).status_code == 200


def test_the_service_map_places_only_cards_by_the_campaigns_allies(client_for, campaign, viewer, champion):
    finance = DepartmentFactory(campaign=campaign, name="Finance")
    sales = DepartmentFactory(campaign=campaign, name="Sales")
    fay = AllyFactory(campaign=campaign, department=finance)
    for _ in range(2):
        PersonaCardFactory(campaign=campaign, writer_ally=fay, department_served=sales)
    PersonaCardFactory(campaign=campaign, writer_member=champion, department_served=finance)
    PersonaCardFactory(campaign=campaign, writer_ally=fay, scope="outside")
    pairs = {(p["provider"], p["served"]): p["cards"] for p in PersonaCard.objects.served_pairs(campaign)}
    assert pairs == {(finance.pk, sales.pk): 2, (None, finance.pk): 1}
    service_map = client_for(viewer).get(reverse("personas:service-map", kwargs={"slug": campaign.slug})).context["map"]
    assert (service_map.total, service_map.unplaced) == (2, 1)


def test_a_card_fragment_escapes_every_value_and_shows_actions_only_to_editors(client_for, campaign, viewer, champion):
    finance = DepartmentFactory(campaign=campaign, name="R&D <Finance>")
    card = PersonaCardFactory(
        campaign=campaign,
        writer_ally=AllyFactory(campaign=campaign, name='Fay "F" O\'Neil', department=finance),
        persona_name="<b>Ivy</b>",
        rhythm="every Monday & Friday",
        department_served=finance,
    )
    PersonaCardFactory(campaign=campaign, writer_ally=None, writer_member=None, persona_name="", role="Buyer")
    edit = reverse("personas:card-edit", args=[campaign.slug, card.pk])
    for user, editable in ((viewer, False), (champion, True)):
        html = client_for(user).get(gallery(campaign)).text
        assert "<b>Ivy</b>" not in html
        assert "My name is</span> &lt;b&gt;Ivy&lt;/b&gt;," in html
        assert "(every Monday &amp; Friday)" in html
        assert "Inside · R&amp;D &lt;Finance&gt;" in html
        assert "Written by Fay &#34;F&#34; O&#39;Neil, R&amp;D &lt;Finance&gt;" in html
        assert "Written by nobody on record" in html
        assert "My name is</span> (no name yet)," in html
        assert (f'href="{edit}"' in html) is editable


def test_the_card_page_and_the_workshop_draw_the_same_card(client_for, campaign, champion):
    session = WorkshopFactory(campaign=campaign, title="Ops")
    card = PersonaCardFactory(campaign=campaign, workshop=session, persona_name="Ivy & co")
    client = client_for(champion)
    page = client.get(reverse("personas:card-detail", args=[campaign.slug, card.pk])).text
    workshop = client.get(reverse("personas:workshop", args=[campaign.slug, session.pk])).text
    for html in (page, workshop):
        assert f'aria-labelledby="card-{card.pk}-name"' in html
        assert "My name is</span> Ivy &amp; co," in html


def test_the_service_map_escapes_department_names_in_every_cell(client_for, campaign, viewer):
    odd = DepartmentFactory(campaign=campaign, name="<i>Legal</i> & Co")
    sales = DepartmentFactory(campaign=campaign, name="Sales")
    PersonaCardFactory(
        campaign=campaign, writer_ally=AllyFactory(campaign=campaign, department=odd), department_served=sales
    )
    html = client_for(viewer).get(reverse("personas:service-map", kwargs={"slug": campaign.slug})).text
    assert "<i>Legal</i>" not in html
    assert '<th scope="row">&lt;i&gt;Legal&lt;/i&gt; &amp; Co</th>' in html
    assert f"?writer_department={odd.pk}&amp;served={sales.pk}" in html
    assert '1<span class="visually-hidden"> card: &lt;i&gt;Legal&lt;/i&gt; &amp; Co serves Sales</span>' in html
