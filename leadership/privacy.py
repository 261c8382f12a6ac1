"""
The leadership app's personal data (campaign.privacy.registry): leaders and what champions think of
them, customers named in feedback, and the copies kept of what leaders were sent.
"""

from django.db import models

from campaign.privacy.registry import (
    COPY,
    EMAIL,
    FREE_TEXT,
    NAME,
    OPINION,
    PHOTO,
    PLACEHOLDER,
    Match,
    PersonKind,
    register_erase_contribution,
    register_model,
    register_person,
)
from campaign.privacy.retention import blanking_rule, register_retention
from leadership.models import (
    Engagement,
    Feedback,
    Leader,
    PackDelivery,
    RecognitionMoment,
    SummaryDelivery,
    SummaryTestCopy,
)
from leadership.recognition import moment_photo_remove

FOUND = 20
_DELIVERY = ["status", "last_error"]


def register():
    register_model(
        "leadership.leader",
        campaign_path="campaign",
        personal=[
            ("name", NAME, "who the campaign keeps informed"),
            ("email", EMAIL, "where summaries and briefing packs go"),
            ("title", NAME, "their job title, which can identify them"),
            ("stance", OPINION, "where champions think they stand: champions and admins only"),
            ("wiifm", OPINION, "what champions think they value: champions and admins only"),
            ("wiifm_note", OPINION, "what they value, in their words: champions and admins only"),
            ("objections", OPINION, "the objections champions heard them raise: champions and admins only"),
            ("leads_with", OPINION, "how champions think they like to be told: champions and admins only"),
        ],
        not_personal=["level", "time_zone"],
    )
    register_model(
        "leadership.objection",
        campaign_path="campaign",
        not_personal=["objection", "response", "evidence", "evidence_kind"],
    )
    register_model(
        "leadership.engagement",
        campaign_path="campaign",
        personal=[("note", FREE_TEXT, "what happened when a leader was invited or met")],
        not_personal=["kind", "recognition", "outcome"],
    )
    register_model(
        "leadership.clipping", campaign_path="campaign", not_personal=["title", "source", "kind", "summary", "note"]
    )
    register_model(
        "leadership.benchmarkvisit",
        campaign_path="campaign",
        personal=[("who_went", NAME, "the colleagues who made the visit")],
        not_personal=["organisation", "saw", "learned"],
    )
    register_model("leadership.visitaction", campaign_path="visit__campaign", not_personal=["text"])
    register_model("leadership.event", campaign_path="campaign", not_personal=["kind", "title", "where", "details"])
    register_model("leadership.invitationupdate", campaign_path="event__campaign", not_personal=[*_DELIVERY, "method"])
    register_model(
        "leadership.recognitionmoment",
        campaign_path="campaign",
        personal=[
            ("speech", FREE_TEXT, "the speech card, which names the people thanked and what they did"),
            ("copy_to", EMAIL, "the manager copied on the invitation"),
            ("photo", PHOTO, "the photograph of the moment, shared only with the consent of the people in it"),
            ("thumbnail", PHOTO, "a small copy of the photograph"),
            ("quote", FREE_TEXT, "what someone said at the moment, in their words"),
        ],
        not_personal=["place", "status"],
    )
    register_model(
        "leadership.recognitiondelivery",
        campaign_path="moment__campaign",
        personal=[("to_name", NAME, "who the invitation greets"), ("to_email", EMAIL, "where it went")],
        not_personal=[*_DELIVERY, "method"],
    )
    register_model(
        "leadership.briefingpack",
        campaign_path="campaign",
        personal=[
            ("note", FREE_TEXT, "the champion's note to leaders"),
            ("talking_points", FREE_TEXT, "what leaders are asked to say"),
            ("return_note", FREE_TEXT, "what the reviewing champion asked the author to change"),
        ],
        not_personal=["title", "status"],
    )
    register_model("leadership.packdelivery", campaign_path="pack__campaign", not_personal=_DELIVERY)
    register_model(
        "leadership.feedback",
        campaign_path="campaign",
        personal=[
            ("customer", NAME, "who complained or complimented, when they gave a name"),
            ("summary", FREE_TEXT, "what the customer said"),
            ("action", FREE_TEXT, "what is being done about it"),
        ],
        not_personal=["kind", "channel", "severity", "status", "external_id", "source", "traced_to"],
        retention="the campaign's 'customers' names in feedback' setting (the name; the item stays)",
    )
    register_model("leadership.feedbacktheme", campaign_path="campaign", not_personal=["name"])
    register_model("leadership.feedbackstamp", campaign_path="campaign")
    register_model("leadership.apitoken", campaign_path="campaign", not_personal=["name", "token_hash", "hint"])
    register_model("leadership.summaryschedule", campaign_path="campaign", not_personal=["cadence"])
    register_model(
        "leadership.executivesummary",
        campaign_path="campaign",
        personal=[
            ("snapshot", COPY, "what the summary said: complaints, compliments and customers' names as sent"),
            ("reply_to", EMAIL, "the member leaders' replies go to"),
        ],
    )
    register_model("leadership.summarydelivery", campaign_path="summary__campaign", not_personal=_DELIVERY)
    register_model(
        "leadership.summarytestcopy",
        campaign_path="campaign",
        personal=[
            ("name", NAME, "who the test copy greets"),
            ("email", EMAIL, "the member's own address"),
            ("snapshot", COPY, "the summary as tested"),
        ],
        not_personal=_DELIVERY,
        retention="the campaign's 'bodies of sent emails' setting",
    )
    register_person(
        PersonKind(
            key="leader", label="Leader", find=find_leaders, get=get_leader, collect=collect_leader, erase=erase_leader
        )
    )
    register_person(
        PersonKind(
            key="customer",
            label="Customer",
            find=find_customers,
            get=get_customer,
            collect=collect_customer,
            erase=erase_customer,
            order=60,
        )
    )
    register_erase_contribution(erase_test_copies)
    register_erase_contribution(erase_recognition_photos)
    register_retention(
        blanking_rule(
            "retain_customer_names_days",
            "customers' names in feedback",
            model=Feedback,
            dated_by="received_on",
            blank={"customer": ""},
        )
    )
    register_retention(
        blanking_rule(
            "retain_email_bodies_days",
            "summary test copies' bodies",
            model=SummaryTestCopy,
            dated_by="sent_at",
            blank={"snapshot": {}},
        )
    )


def _leader_match(leader):
    return Match(
        kind="leader",
        pk=leader.pk,
        campaign_id=leader.campaign_id,
        name=leader.name,
        email=leader.email,
        detail=leader.title or "Leader",
    )


def find_leaders(campaign_ids, text):
    rows = Leader.objects.filter(campaign_id__in=campaign_ids).exclude(name=PLACEHOLDER)
    rows = rows.filter(models.Q(name__icontains=text) | models.Q(email__icontains=text))
    return [_leader_match(leader) for leader in rows.order_by("name", "pk")[:FOUND]]


def get_leader(campaign_id, pk):
    leader = Leader.objects.filter(campaign_id=campaign_id, pk=pk).first()
    return _leader_match(leader) if leader else None


def _deliveries(queryset, what):
    return [
        {"email": what(row), "status": row.get_status_display(), "created_at": row.created_at, "sent_at": row.sent_at}
        for row in queryset
    ]


def collect_leader(match):
    leader = Leader.objects.prefetch_related("objections").get(pk=match.pk)
    packs = PackDelivery.objects.filter(leader=leader).select_related("pack").order_by("pk")
    summaries = SummaryDelivery.objects.filter(leader=leader).select_related("summary").order_by("pk")
    return {
        "leader": [
            {
                "name": leader.name,
                "email": leader.email,
                "title": leader.title,
                "stance": leader.get_stance_display(),
                "what_they_value": ", ".join(leader.wiifm_labels()),
                "in_their_words": leader.wiifm_note,
                "objections_heard": "; ".join(str(objection) for objection in leader.objections.all()),
                "how_they_like_to_be_told": leader.get_leads_with_display(),
                "receives_summaries": leader.receives_summaries,
            }
        ],
        "leader_engagements": list(
            Engagement.objects.filter(leader=leader).values("kind", "happened_on", "outcome", "note").order_by("pk")
        ),
        "recognition_moments": [
            {
                "win": moment.story.title,
                "when": moment.starts_at,
                "place": moment.place,
                "status": moment.get_status_display(),
                "speech_card": moment.speech,
                "quote": moment.quote,
                "photo_kept": bool(moment.photo),
            }
            for moment in RecognitionMoment.objects.filter(leader=leader).select_related("story").order_by("pk")
        ],
        "emails_sent": _deliveries(packs, lambda row: f"Briefing pack: {row.pack.title}")
        + _deliveries(summaries, lambda row: f"Executive summary of {row.summary}"),
    }


def erase_leader(match):
    """Their names and address go, and what champions thought of them; deliveries stay as facts that mail went."""
    changed = {
        "leader": Leader.objects.filter(pk=match.pk).update(
            name=PLACEHOLDER,
            email=f"erased-{match.pk}@erased.invalid",
            title="",
            wiifm=[],
            wiifm_note="",
            stance="neutral",
            leads_with="well",
            receives_summaries=False,
        ),
        "leader_engagements": Engagement.objects.filter(leader_id=match.pk).exclude(note="").update(note=""),
    }
    Leader.objects.get(pk=match.pk).objections.clear()
    return changed


def _customer_match(feedback):
    return Match(
        kind="customer",
        pk=feedback.pk,
        campaign_id=feedback.campaign_id,
        name=feedback.customer,
        email="",
        detail=f"Named in {feedback.get_kind_display().lower()} feedback",
    )


def find_customers(campaign_ids, text):
    """One match per distinct customer name per campaign (the name's first feedback stands for it)."""
    rows = Feedback.objects.filter(campaign_id__in=campaign_ids, customer__icontains=text).exclude(customer=PLACEHOLDER)
    firsts = rows.values("campaign_id", "customer").annotate(first=models.Min("pk")).values("first")
    return [_customer_match(item) for item in Feedback.objects.filter(pk__in=firsts).order_by("customer")[:FOUND]]


def get_customer(campaign_id, pk):
    feedback = Feedback.objects.filter(campaign_id=campaign_id, pk=pk).exclude(customer="").first()
    return _customer_match(feedback) if feedback else None


def _their_feedback(match):
    return Feedback.objects.filter(campaign_id=match.campaign_id, customer__iexact=match.name)


def collect_customer(match):
    rows = _their_feedback(match).select_related("department").order_by("received_on", "pk")
    return {
        "customer_feedback": [
            {
                "customer": item.customer,
                "kind": item.get_kind_display(),
                "received_on": item.received_on,
                "channel": item.get_channel_display(),
                "department": item.department.name if item.department else "",
                "what_they_said": item.summary,
                "what_is_being_done": item.action,
                "status": item.get_status_display(),
            }
            for item in rows
        ]
    }


def erase_customer(match):
    return {"customer_feedback": _their_feedback(match).update(customer=PLACEHOLDER)}


def erase_test_copies(match):
    """A member's own test copies of the summary greet them by name at their address."""
    if match.kind != "member":
        return {}
    mine = SummaryTestCopy.objects.filter(requested_by_id=match.pk)
    return {"summary_test_copies": mine.update(name=PLACEHOLDER, email="erased@erased.invalid")}


def _photos_remove(moments):
    """Delete the photos of `moments` (files once the erasure commits) and their quotes' consent."""
    removed = 0
    for moment in moments.exclude(photo=""):
        moment_photo_remove(moment=moment)
        removed += 1
    return removed


def erase_recognition_photos(match):
    """
    A recognition photo shows the leader and the people thanked: erasing either deletes it. An ally is in
    the photos of the wins they worked on; a leader in those of the moments they led.
    """
    if match.kind == "leader":
        moments = RecognitionMoment.objects.filter(leader_id=match.pk)
    elif match.kind == "ally":
        moments = RecognitionMoment.objects.filter(story__people__pk=match.pk).distinct()
    else:
        return {}
    return {"recognition_photos": _photos_remove(moments)}
