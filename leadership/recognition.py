"""
Recognition moments, from plan to photo: the writes (each in one transaction) and the speech card.

Planning a moment from a won story sends the leader a calendar invitation with the speech card (and the
same invitation to the person's manager when copied): one RecognitionDelivery row per address and
version, sent through the outbox. A change raises the moment's SEQUENCE and sends the update; a
cancellation sends METHOD:CANCEL. Once it has happened, the champion records it with a photo (re-encoded,
leadership.photos) and a quote; the win counts as celebrated by that leader, which puts it on the leader's
engagement log through campaign's `problem_celebrated` signal.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaign.outbox import enqueue_on_commit
from campaign.services import problem_celebrate
from leadership.models import CalendarMethod, DeliveryStatus, RecognitionDelivery, RecognitionMoment

SEND_RECOGNITION_DELIVERY = "leadership.tasks.send_recognition_delivery"
# What a change to these means to the calendars holding the moment: an update.
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "place", "speech", "leader", "story")


def speech_card_draft(story):
    """
    A short speech for the leader, drafted from the won story: who worked on it, what they did, how
    service improved. The champion edits it before it goes.
    """
    people = [ally.name for ally in story.people.all()]
    who = f"{', '.join(people[:-1])} and {people[-1]}" if len(people) > 1 else (people[0] if people else "the team")
    where = f" in {story.department.name}" if story.department_id else ""
    lines = [f"I am here to thank {who}{where}.", ""]
    lines.append(f"Together you took on “{story.title}”.")
    if story.story_what:
        lines.append(f"What you did: {story.story_what.strip()}")
    if story.story_before and story.story_after:
        lines.append(f"Before, {story.story_before.strip()}; now, {story.story_after.strip()}.")
    elif story.story_after:
        lines.append(f"Now, {story.story_after.strip()}.")
    if story.story_figure:
        lines.append(f"In one figure: {story.story_figure.strip()}.")
    lines += ["", "This is what good service looks like here. Thank you."]
    return "\n".join(lines)[:3000]


def _recipients(moment):
    """(leader, name, address) for each person the invitation goes to: the leader, and the manager copied."""
    recipients = [(moment.leader, moment.leader.name, moment.leader.email.lower())]
    if moment.copy_to and moment.copy_to.lower() != moment.leader.email.lower():
        recipients.append((None, "", moment.copy_to.lower()))
    return recipients


def _deliveries_queue(moment, method, recipients=None):
    rows = RecognitionDelivery.objects.bulk_create(
        [
            RecognitionDelivery(
                moment=moment, leader=leader, to_name=name, to_email=email, sequence=moment.sequence, method=method
            )
            for leader, name, email in (recipients if recipients is not None else _recipients(moment))
        ],
        ignore_conflicts=True,
    )
    queued = moment.deliveries.filter(sequence=moment.sequence, status=DeliveryStatus.QUEUED)
    for pk in queued.values_list("pk", flat=True):
        enqueue_on_commit(SEND_RECOGNITION_DELIVERY, pk)
    return len(rows)


@transaction.atomic
def moment_plan(*, moment, by):
    """Save a new moment (planned) and send its invitation to the leader and the manager copied."""
    if moment.story.status != "won":
        raise ValidationError("Only a won story can be recognised.")
    moment.status = RecognitionMoment.Status.PLANNED
    moment.created_by = by
    moment.invited_at = timezone.now()
    moment.save()
    _deliveries_queue(moment, CalendarMethod.REQUEST)
    return moment


def _previous_recipients(moment):
    """Everyone an earlier version went to (a manager since dropped from the copy still holds it)."""
    sent = moment.deliveries.exclude(method=CalendarMethod.CANCEL).values_list("leader_id", "to_name", "to_email")
    return {email: (leader_id, name) for leader_id, name, email in sent}


@transaction.atomic
def moment_update(*, moment, changed):
    """
    Save a planned moment. When what calendars hold changed, the sequence goes up and the update goes to
    the leader and the copy; whoever was dropped (another leader, a manager no longer copied) gets the
    cancellation. Returns how many are sent something.
    """
    locked = RecognitionMoment.objects.select_for_update().get(pk=moment.pk)
    if locked.status != RecognitionMoment.Status.PLANNED:
        raise ValidationError("Only a planned moment can be changed.")
    if not set(changed) & {*CALENDAR_FIELDS, "copy_to"}:
        moment.save()
        return 0
    before = _previous_recipients(locked)
    moment.sequence = locked.sequence + 1
    moment.save()
    now = {email for _leader, _name, email in _recipients(moment)}
    told = _deliveries_queue(moment, CalendarMethod.REQUEST)
    dropped = [(None, name, email) for email, (_leader_id, name) in before.items() if email not in now]
    if dropped:
        moment.sequence += 1  # the cancellation is a version of its own for those it goes to
        moment.save(update_fields=["sequence"])
        told += _deliveries_queue(moment, CalendarMethod.CANCEL, recipients=dropped)
    return told


@transaction.atomic
def moment_cancel(*, moment):
    """Cancel a planned moment: its calendar entry is taken out for the leader and the copy."""
    moment = RecognitionMoment.objects.select_for_update().select_related("leader").get(pk=moment.pk)
    if moment.status != RecognitionMoment.Status.PLANNED:
        return moment, 0
    before = _previous_recipients(moment)
    moment.status = RecognitionMoment.Status.CANCELLED
    moment.sequence += 1
    moment.save(update_fields=["status", "sequence", "updated_at"])
    recipients = [(None, name, email) for email, (_leader_id, name) in before.items()]
    for index, (_none, name, email) in enumerate(recipients):
        if email == moment.leader.email.lower():
            recipients[index] = (moment.leader, name, email)
    return moment, _deliveries_queue(moment, CalendarMethod.CANCEL, recipients=recipients)


@transaction.atomic
def moment_record_held(*, moment, held_on, quote, photo=None, thumbnail=None, photo_consent=False, by):
    """
    Record that the moment happened, with its photo (already re-encoded: leadership.photos) and quote.
    The win is then celebrated by that leader on that day, which logs it on the leader's engagements.
    A photo replaced removes the old files once the transaction commits.
    """
    moment = RecognitionMoment.objects.select_for_update().select_related("story", "leader").get(pk=moment.pk)
    if moment.status == RecognitionMoment.Status.CANCELLED:
        raise ValidationError("A cancelled moment cannot be recorded as held.")
    if photo is not None and not photo_consent:
        raise ValidationError("Tick the consent box: the people in the photo must agree to it being shared.")
    old = [moment.photo.name, moment.thumbnail.name] if photo is not None else []
    moment.status = RecognitionMoment.Status.HELD
    moment.held_on = held_on
    moment.quote = quote
    moment.photo_consent = photo_consent
    if photo is not None:
        moment.photo.save(photo.name, photo, save=False)
        moment.thumbnail.save(thumbnail.name, thumbnail, save=False)
    moment.save()
    storage = moment.photo.storage
    for name in old:
        if name:
            transaction.on_commit(lambda name=name: storage.delete(name))
    celebration = "photo" if moment.photo else "speech"
    problem_celebrate(
        problem=moment.story, celebration=celebration, celebrated_on=held_on, celebrated_by=moment.leader, by=by
    )
    return moment


@transaction.atomic
def moment_photo_remove(*, moment):
    """Take the photo (and its thumbnail) off a moment and delete the files once that is committed."""
    names = [moment.photo.name, moment.thumbnail.name]
    storage = moment.photo.storage
    RecognitionMoment.objects.filter(pk=moment.pk).update(photo="", thumbnail="", photo_consent=False)
    for name in names:
        if name:
            transaction.on_commit(lambda name=name: storage.delete(name))
