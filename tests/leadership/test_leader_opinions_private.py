"""Nothing a leader receives carries what champions think of them (docs/privacy.md, "Who sees what about leaders")."""

from django.core import mail

from leadership.models import PackDelivery
from leadership.signing import pack_web_url
from tests.factories import ObjectionFactory
from tests.leadership.test_briefings_sending import pack, send_and_deliver  # noqa: F401 (the fixture)

OPINIONS = ["Skeptic", "Only the numbers count", "Efficiency targets", "Service is a cost"]


def test_a_briefing_pack_and_its_web_version_carry_no_stance_wiifm_or_objection(
    client,
    pack,  # noqa: F811 (the fixture imported above)
    champion,
    django_capture_on_commit_callbacks,
):
    objection = ObjectionFactory(campaign=pack.campaign, objection="Service is a cost")
    for leader in pack.recipients.all():
        leader.stance, leader.wiifm, leader.wiifm_note = "skeptic", ["efficiency"], "Only the numbers count"
        leader.save()
        leader.objections.add(objection)
    send_and_deliver(pack, champion, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 2
    web = client.get(pack_web_url(PackDelivery.objects.first())).content.decode()
    assert "Wins this month" in web
    for message in mail.outbox:
        received = [message.body, message.alternatives[0].content, web]
        assert not [opinion for part in received for opinion in OPINIONS if opinion in part]
