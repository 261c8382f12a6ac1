"""
Every email the app sends, with `& < > " '` in every value that reaches it: the subject and the text
part carry the plain characters, the HTML part carries them escaped, and a line break in a value
that reaches the subject adds no header.
"""

from datetime import UTC, date, datetime
from email import message_from_bytes
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from allies.checkin import checkin_round_open
from campaign import services as campaign_services
from campaign.models import Level, MemberDelivery, Role, ServiceProblem
from campaign.outbox import member_delivery_message
from leadership import emails as leadership_emails
from leadership import services
from leadership.models import PackDelivery, SummaryDelivery, VisitAction
from tests.factories import (
    AllyFactory,
    BenchmarkVisitFactory,
    BriefingPackFactory,
    ClippingFactory,
    DepartmentFactory,
    EventFactory,
    FeedbackFactory,
    FeedbackThemeFactory,
    LeaderFactory,
    MembershipFactory,
    ServiceProblemFactory,
    SummaryScheduleFactory,
    UserFactory,
)

HOSTILE = "Q&A <b>\"Acme\"</b> & 'co'"
INJECTION = "\r\nBcc: evil@example.com\r\nX-Injected: yes"
MONDAY_9 = datetime(2026, 11, 16, 9, tzinfo=UTC)
ENTITIES = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;", "&#34;")


def hostile(label):
    """A value for one field, named so a test can tell which value went missing."""
    return f"{label} {HOSTILE}"


class Sent:
    """An email as sent, and the values that should reach its text and HTML parts."""

    def __init__(self, message, values, *, subject, html=True):
        self.message = message
        self.values = values
        self.subject = subject
        self.html = html


@pytest.fixture
def named_campaign(campaign):
    campaign.name = hostile("campaign") + INJECTION
    campaign.why = hostile("why")
    campaign.save()
    return campaign


def person(label, campaign=None, role=Role.CHAMPION, email=None):
    user = UserFactory(first_name=hostile(label) + INJECTION, last_name="", email=email or f"{label}@example.com")
    if campaign is not None:
        MembershipFactory(campaign=campaign, user=user, role=role)
    return user


def invitation(named_campaign):
    inviter = person("inviter", named_campaign, Role.ADMIN)
    campaign_services.member_add_by_email(
        campaign=named_campaign, email="new@example.com", role=Role.VIEWER, by=inviter
    )
    message = member_delivery_message(MemberDelivery.objects.get(template="invitation"), reveal=True)
    return Sent(
        message,
        [hostile("campaign"), hostile("why"), hostile("inviter")],
        subject=f"You're invited to {hostile('campaign')} Bcc: evil@example.com X-Injected: yes on Rising Tide",
    )


def added_to_campaign(named_campaign):
    member = person("member")
    campaign_services.member_add_by_email(campaign=named_campaign, email=member.email, role=Role.VIEWER, by=None)
    message = member_delivery_message(MemberDelivery.objects.get(template="added-to-campaign"), reveal=True)
    return Sent(
        message,
        [hostile("campaign"), hostile("member")],
        subject=f"You've been added to {hostile('campaign')} Bcc: evil@example.com X-Injected: yes on Rising Tide",
    )


def password_reset(named_campaign, client):
    person("resetting", email="rita@example.com")
    client.post(reverse("password_reset"), {"email": "rita@example.com"})
    [message] = mail.outbox
    return Sent(message, [hostile("resetting")], subject="Choose a new Rising Tide password", html=False)


def briefing_pack(named_campaign):
    sender = person("sender", named_campaign)
    leader = LeaderFactory(campaign=named_campaign, name=hostile("leader"), email="ann@example.com")
    department = DepartmentFactory(campaign=named_campaign, name=hostile("department"))
    story = ServiceProblemFactory(
        campaign=named_campaign,
        title=hostile("story"),
        status=ServiceProblem.Status.WON,
        won_on=date(2026, 11, 10),
        department=department,
        story_what=hostile("what they did"),
        story_before=hostile("before"),
        story_after=hostile("after"),
        story_figure=hostile("figure"),
    )
    story.people.add(AllyFactory(campaign=named_campaign, name=hostile("ally"), department=department))
    roadblock = ServiceProblemFactory(
        campaign=named_campaign, title=hostile("roadblock"), is_roadblock=True, roadblock_ask=hostile("ask")
    )
    visit = BenchmarkVisitFactory(
        campaign=named_campaign,
        organisation=hostile("organisation"),
        who_went=hostile("who went"),
        saw=hostile("saw"),
        learned=hostile("learned"),
    )
    VisitAction.objects.create(visit=visit, text=hostile("apply"))
    pack = BriefingPackFactory(
        campaign=named_campaign,
        title=hostile("pack") + INJECTION,
        note=hostile("note"),
        talking_points=hostile("talking point"),
        created_by=sender,
        sent_by=sender,
    )
    pack.stories.add(story)
    pack.roadblocks.add(roadblock)
    pack.visits.add(visit)
    pack.events.add(
        EventFactory(
            campaign=named_campaign, title=hostile("event"), where=hostile("where"), details=hostile("details")
        )
    )
    pack.clippings.add(
        ClippingFactory(
            campaign=named_campaign,
            title=hostile("clipping"),
            summary=hostile("clipping summary"),
            note=hostile("clipping note"),
            source=hostile("source"),
        )
    )
    delivery = PackDelivery.objects.create(pack=pack, leader=leader)
    values = [
        "campaign", "leader", "sender", "department", "story", "what they did", "before", "after", "figure",
        "ally", "roadblock", "ask", "organisation", "who went", "saw", "learned", "apply", "pack", "note",
        "talking point", "event", "where", "details", "clipping", "clipping summary", "clipping note", "source",
    ]  # fmt: skip
    return Sent(
        leadership_emails.pack_message(delivery),
        [hostile(label) for label in values],
        subject=(
            f"{hostile('pack')} Bcc: evil@example.com X-Injected: yes — "
            f"{hostile('campaign')} Bcc: evil@example.com X-Injected: yes"
        ),
    )


SUMMARY_VALUES = [
    "campaign", "leader", "department", "theme", "complaint", "action", "owner", "compliment",
    "customer", "win", "win figure", "roadblock", "ask",
]  # fmt: skip


def _summary(named_campaign):
    """A sent summary whose every listed item carries a hostile value, and its one leader's delivery."""
    SummaryScheduleFactory(campaign=named_campaign)
    leader = LeaderFactory(campaign=named_campaign, name=hostile("leader"), email="ann@example.com")
    department = DepartmentFactory(campaign=named_campaign, name=hostile("department"))
    FeedbackFactory(
        campaign=named_campaign,
        received_on=date(2026, 11, 10),
        summary=hostile("complaint"),
        department=department,
        theme=FeedbackThemeFactory(campaign=named_campaign, name=hostile("theme")),
        action=hostile("action"),
        owner=person("owner", named_campaign),
    )
    FeedbackFactory(
        campaign=named_campaign,
        kind="compliment",
        severity="",
        received_on=date(2026, 11, 11),
        summary=hostile("compliment"),
        customer=hostile("customer"),
    )
    ServiceProblemFactory(
        campaign=named_campaign,
        title=hostile("win"),
        status=ServiceProblem.Status.WON,
        won_on=date(2026, 11, 12),
        story_figure=hostile("win figure"),
    )
    ServiceProblemFactory(
        campaign=named_campaign,
        title=hostile("roadblock"),
        is_roadblock=True,
        roadblock_ask=hostile("ask"),
        roadblock_leader=leader,
    )
    with time_machine.travel(MONDAY_9, tick=False):
        [summary] = services.summaries_dispatch_due(now=MONDAY_9)
    return SummaryDelivery.objects.select_related("summary__campaign", "leader").get(summary=summary)


def _summary_subject():
    return f"{hostile('campaign')} Bcc: evil@example.com X-Injected: yes: executive summary, 9 Nov – 15 Nov 2026"


def summary(named_campaign):
    delivery = _summary(named_campaign)
    return Sent(
        leadership_emails.summary_delivery_message(delivery),
        [hostile(label) for label in SUMMARY_VALUES],
        subject=_summary_subject(),
    )


def summary_rendered_alone(named_campaign):
    delivery = _summary(named_campaign)
    message = leadership_emails.summary_message(
        summary=delivery.summary, to=delivery.leader.email, leader=delivery.leader, web_url="https://x.test/w"
    )
    return Sent(message, [hostile(label) for label in SUMMARY_VALUES], subject=_summary_subject())


def summary_test_copy(named_campaign):
    delivery = _summary(named_campaign)
    tester = person("tester", named_campaign)
    copy = services.summary_test_copy_create(campaign=named_campaign, user=tester, summary=delivery.summary)
    message = leadership_emails.summary_test_copy_message(copy)
    values = [hostile(label) for label in SUMMARY_VALUES if label != "leader"]
    values.append(hostile("leader"))  # named in the roadblock it is for
    return Sent(message, values, subject=f"[Test] {_summary_subject()}")


def middle_checkin(named_campaign):
    AllyFactory(campaign=named_campaign, name=hostile("middle manager") + INJECTION, level=Level.MIDDLE)
    checkin_round_open(campaign=named_campaign)
    message = member_delivery_message(MemberDelivery.objects.get(template="middle-checkin"), reveal=True)
    return Sent(
        message,
        [hostile("campaign"), hostile("middle manager")],
        subject=f"Three quick questions from {hostile('campaign')} Bcc: evil@example.com X-Injected: yes",
    )


EMAILS = {
    "invitation": invitation,
    "middle check-in": middle_checkin,
    "added to a campaign": added_to_campaign,
    "password reset": password_reset,
    "briefing pack": briefing_pack,
    "summary": summary,
    "summary rendered alone": summary_rendered_alone,
    "summary test copy": summary_test_copy,
}


@pytest.fixture(params=list(EMAILS))
def sent(request, named_campaign, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    build = EMAILS[request.param]
    if build is password_reset:
        return build(named_campaign, request.getfixturevalue("client"))
    return build(named_campaign)


def test_the_subject_carries_the_plain_characters_on_one_line(sent):
    assert sent.message.subject == sent.subject
    assert not any(entity in sent.message.subject for entity in ENTITIES)


def test_the_text_part_carries_every_value_in_plain_characters(sent):
    missing = [value for value in sent.values if value not in sent.message.body]
    assert missing == []
    assert not any(entity in sent.message.body for entity in ENTITIES)


def test_the_html_part_carries_every_value_escaped(sent):
    if not sent.html:
        pytest.skip("Django's password reset sends a text part only")
    html = sent.message.alternatives[0].content
    missing = [value for value in sent.values if escape(value) not in html]
    assert missing == []
    assert HOSTILE not in html and "<b>" not in html


def test_a_line_break_in_a_value_adds_no_header(sent):
    raw = sent.message.message().as_bytes()
    parsed = message_from_bytes(raw)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert sent.message.bcc == []
    assert len(sent.message.recipients()) == 1
    for name, value in parsed.items():
        assert "\n" not in value.replace("\r\n ", " ").replace("\n ", " "), f"{name}: {value!r}"


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEXT_TEMPLATES = [
    *sorted(TEMPLATES.glob("emails/*.txt")),
    *sorted(TEMPLATES.glob("registration/*.txt")),
    TEMPLATES / "registration/password_reset_email.html",  # Django's name for the reset email's text part
]


@pytest.mark.parametrize("path", TEXT_TEMPLATES, ids=lambda path: path.name)
def test_every_subject_and_text_template_turns_autoescape_off(path):
    """The one rule for a part that is not HTML, so an email added later cannot forget it."""
    text = path.read_text().strip()
    if "{{" not in text:
        return  # nothing interpolated, nothing to escape
    assert text.startswith("{% autoescape off %}") and text.endswith("{% endautoescape %}")
