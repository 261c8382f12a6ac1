"""The leaders list's rows: every value escaped, every column read right."""

from datetime import date

from django.urls import reverse

from tests.factories import DepartmentFactory, EngagementFactory, LeaderFactory, UserFactory


def test_leader_rows_escape_every_value_and_read_each_column(client_for, campaign, champion):
    owner = UserFactory(first_name="Olu", last_name="<Ade>")
    odd = LeaderFactory(
        campaign=campaign, name="A & <B>", title="COO", department=DepartmentFactory(campaign=campaign, name="R&D")
    )
    LeaderFactory(campaign=campaign, name="Cy", title="", wiifm=[], owner=owner, stance="skeptic")
    engaged = LeaderFactory(campaign=campaign, name="Di", title="CFO", wiifm=["budget"], owner=UserFactory())
    EngagementFactory(leader=engaged, happened_on=date(2026, 3, 4))

    html = client_for(champion).get(reverse("leadership:leader-list", kwargs={"slug": campaign.slug})).text
    assert "<B>" not in html and "<Ade>" not in html
    detail = reverse("leadership:leader-detail", kwargs={"slug": campaign.slug, "pk": odd.pk})
    name = '<strong>A &amp; &lt;B&gt;</strong></a><br><span class="muted">COO, R&amp;D</span>'
    assert f'<a href="{detail}">{name}' in html
    assert '<span class="tag tag--stance-skeptic">' in html
    assert "Olu &lt;Ade&gt;" in html
    assert '<span class="muted">Not known yet</span>' in html
    assert '<span class="tag tag--wiifm">' in html
    assert "4 Mar 2026" in html
    assert '<span class="tag tag--warn">Never</span>' in html
