"""The leaders list's rows, drawn in Python: the same markup as the template loop they replace."""

import re
from datetime import date

from django.template import Context, Template

from leadership.models import Leader
from leadership.models.leaders import campaign_today
from leadership.templatetags.leader_rows import engaged_ago, leader_rows
from tests.factories import DepartmentFactory, EngagementFactory, LeaderFactory, UserFactory

OLD_LEADER_ROWS = """{% for leader in leaders %}
    <tr>
      <td><a href="{{ leader.get_absolute_url }}"><strong>{{ leader.name }}</strong></a>{% if leader.title %}<br><span class="muted">{{ leader.title }}{% if leader.department %}, {{ leader.department.name }}{% endif %}</span>{% endif %}</td>
      <td><span class="tag tag--stance-{{ leader.stance }}">{{ leader.get_stance_display }}</span></td>
      <td>{% include "leadership/_wiifm_tags.html" %}</td>
      <td>{% if leader.last_engaged %}{{ leader.last_engaged|date:"j M Y" }} <span class="muted">({{ leader.ago }})</span>{% else %}<span class="tag tag--warn">Never</span>{% endif %}</td>
      <td>{% if leader.owner %}{{ leader.owner.get_full_name|default:leader.owner.username }}{% else %}<span class="muted">Nobody</span>{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


def test_leader_rows_drawn_in_python_match_the_template_they_replace(campaign):
    owner = UserFactory(first_name="Olu", last_name="<Ade>")
    LeaderFactory(campaign=campaign, name="A & B", title="COO", department=DepartmentFactory(campaign=campaign))
    LeaderFactory(campaign=campaign, name="Cy", title="", wiifm=[], owner=owner, stance="skeptic")
    engaged = LeaderFactory(campaign=campaign, name="Di", title="CFO", wiifm=["budget", "risk"], owner=UserFactory())
    EngagementFactory(leader=engaged, happened_on=date(2026, 3, 4))
    leaders = list(Leader.objects.for_list(campaign))
    for leader in leaders:
        # How long ago is in whole days now (see test_leader_engagement), not the template's timesince.
        leader.ago = engaged_ago(leader.last_engaged, campaign_today(campaign)) if leader.last_engaged else ""

    def normalised(html):
        return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()

    expected = Template(OLD_LEADER_ROWS).render(Context({"leaders": leaders}))
    assert normalised(leader_rows(leaders, campaign)) == normalised(expected)
