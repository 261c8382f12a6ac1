"""The allies app's personal data (campaign.privacy.registry): allies, their touchpoints and the join links."""

from django.db import models

from allies.models import Ally, CheckinAnswer, CheckinInvite, StageChange, Touchpoint
from campaign.models import MemberDelivery
from campaign.privacy.registry import (
    EMAIL,
    FREE_TEXT,
    NAME,
    PLACEHOLDER,
    Match,
    PersonKind,
    register_model,
    register_person,
)
from campaign.privacy.retention import RetentionRule, blanking_rule, moment_cutoff, register_retention

FOUND = 20


def register():
    register_model(
        "allies.ally",
        campaign_path="campaign",
        personal=[
            ("name", NAME, "who the campaign is recruiting"),
            ("email", EMAIL, "to reach them; optional"),
            ("motivation", FREE_TEXT, "why they care, in a champion's words"),
            ("note", FREE_TEXT, "a champion's notes about them"),
        ],
        not_personal=["level", "stage", "source"],
        retention="as long as the campaign; 'allies who declined' setting for declined allies",
    )
    register_model("allies.stagechange", campaign_path="campaign", not_personal=["from_stage", "to_stage"])
    register_model(
        "allies.touchpoint",
        campaign_path="campaign",
        personal=[("note", FREE_TEXT, "what was said at a lunch or one-on-one")],
        not_personal=["kind"],
        retention="the campaign's 'touchpoint notes' setting",
    )
    register_model("allies.joinlink", campaign_path="campaign", not_personal=["token"])
    register_model("allies.checkinround", campaign_path="campaign", not_personal=["cadence"])
    register_model(
        "allies.checkininvite",
        campaign_path="round__campaign",
        personal=[("name", NAME, "who a check-in round asked, as its email greeted them; erased with the ally")],
    )
    register_model(
        "allies.checkinanswer",
        campaign_path="invite__round__campaign",
        personal=[
            ("text", FREE_TEXT, "a check-in answer in its author's words (praise, a suggestion, a roadblock)"),
            ("person", NAME, "the colleague a middle manager praised"),
        ],
        not_personal=["question"],
    )
    register_retention(
        blanking_rule(
            "retain_touchpoint_notes_days",
            "touchpoint notes",
            model=Touchpoint,
            dated_by="happened_on",
            blank={"note": ""},
        )
    )
    register_retention(
        RetentionRule(
            "retain_departed_allies_days",
            "allies who declined",
            due=lambda campaign, days: Ally.objects.filter(
                campaign=campaign, stage="declined", stage_changed_at__lt=moment_cutoff(days)
            ).exclude(name=PLACEHOLDER),
            anonymise=lambda rows: ally_anonymise(rows)["ally"],
        )
    )
    register_person(
        PersonKind(key="ally", label="Ally", find=find_allies, get=get_ally, collect=collect_ally, erase=erase_ally)
    )


def _match(ally):
    return Match(
        kind="ally",
        pk=ally.pk,
        campaign_id=ally.campaign_id,
        name=ally.name,
        email=ally.email,
        detail=f"{ally.get_stage_display()} ally in {ally.department.name}",
    )


def find_allies(campaign_ids, text):
    rows = Ally.objects.filter(campaign_id__in=campaign_ids).exclude(name=PLACEHOLDER).select_related("department")
    rows = rows.filter(models.Q(name__icontains=text) | models.Q(email__icontains=text))
    return [_match(ally) for ally in rows.order_by("name", "pk")[:FOUND]]


def get_ally(campaign_id, pk):
    ally = Ally.objects.filter(campaign_id=campaign_id, pk=pk).select_related("department").first()
    return _match(ally) if ally else None


def collect_ally(match):
    ally = Ally.objects.select_related("department", "recruited_by").get(pk=match.pk)
    return {
        "ally": [
            {
                "name": ally.name,
                "email": ally.email,
                "department": ally.department.name,
                "level": ally.get_level_display(),
                "stage": ally.get_stage_display(),
                "how_they_came": ally.get_source_display(),
                "why_they_care": ally.motivation,
                "note": ally.note,
                "next_follow_up": ally.follow_up_on,
                "added_on": ally.created_at,
            }
        ],
        "ally_stage_changes": list(
            StageChange.objects.filter(ally=ally).values("from_stage", "to_stage", "changed_at").order_by("changed_at")
        ),
        "ally_touchpoints": list(
            Touchpoint.objects.filter(campaign_id=ally.campaign_id, allies=ally)
            .values("kind", "happened_on", "note")
            .order_by("happened_on", "pk")
        ),
        "ally_checkin_answers": list(
            CheckinAnswer.objects.filter(invite__ally=ally)
            .values("invite__round__period_start", "question", "person", "text", "created_at")
            .order_by("created_at", "pk")
        ),
    }


def ally_anonymise(allies):
    """Replace the allies' names, address and notes; their touchpoints keep their kind and date, not their notes."""
    ids = list(allies.values_list("pk", flat=True))
    touchpoints = Touchpoint.objects.filter(allies__in=ids).exclude(note="")
    changed = {"ally_touchpoints": Touchpoint.objects.filter(pk__in=touchpoints.values("pk")).update(note="")}
    # The middle's check-in: who was asked, and the address their check-in emails went to.
    changed["ally_checkin_invites"] = CheckinInvite.objects.filter(ally__in=ids).update(name=PLACEHOLDER)
    changed["ally_checkin_emails"] = MemberDelivery.objects.filter(checkin_invite__ally__in=ids).update(to_email="")
    changed["ally"] = Ally.objects.filter(pk__in=ids).update(name=PLACEHOLDER, email="", motivation="", note="")
    return changed


def erase_ally(match):
    return ally_anonymise(Ally.objects.filter(pk=match.pk))
