"""
Erasing a person: their names, addresses and the free text about them replaced by the placeholder,
in their own rows (each app's `erase`), in what other apps keep about them (`ERASE_CONTRIBUTIONS`) and in
every stored copy (`scrub_values`), in one transaction with the audit entry that says what was done.
"""

from django.db import transaction

from campaign.audit import audit_record
from campaign.models import PrivacyJob
from campaign.privacy.registry import ERASE_CONTRIBUTIONS, PERSON_KINDS
from campaign.privacy.scrub import scrub_values


def person_find_one(*, campaign_id, kind, pk):
    """The person `kind` #`pk` of the campaign, as a Match; None when there is none (or no such kind)."""
    person_kind = PERSON_KINDS.get(kind)
    return person_kind.get(campaign_id, pk) if person_kind else None


def person_erase(*, campaign, match, by):
    """
    Erase `match` for good; returns {table or field: rows changed}. All or nothing: one transaction.

    The audit entry names the person by kind and id ("Ally #12") and counts what changed; the values
    themselves are written nowhere.
    """
    with transaction.atomic():
        changed = dict(PERSON_KINDS[match.kind].erase(match))
        for contribute in ERASE_CONTRIBUTIONS:
            changed.update(contribute(match))
        changed.update(scrub_values(campaign_id=match.campaign_id, values=match.values))
        # Their exports' zips hold everything erased: they go too (the job rows stay, naming no one).
        exports = PrivacyJob.objects.filter(
            kind=PrivacyJob.Kind.EXPORT, subject_kind=match.kind, subject_pk=match.pk, result__isnull=False
        )
        changed["privacy_exports"] = exports.update(result=None)
        audit_record(
            campaign=campaign,
            actor=by,
            action="Person erased",
            target=match.label,
            after={"rows changed": {key: count for key, count in sorted(changed.items()) if count}},
        )
    return changed
