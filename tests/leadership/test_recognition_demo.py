"""seed_demo shows recognition moments: one planned, one held with a photo, the same after a second run."""

import pytest
from django.core.management import call_command
from PIL import Image

from leadership.models import RecognitionMoment


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def test_seed_demo_has_a_planned_and_a_held_moment_with_a_photo(db):
    call_command("seed_demo")
    call_command("seed_demo")
    moments = {moment.status: moment for moment in RecognitionMoment.objects.all()}
    assert sorted(moments) == ["held", "planned"]
    held = moments["held"]
    assert held.photo_consent and held.quote
    with held.photo.open("rb") as handle:
        assert Image.open(handle).format == "JPEG"
    assert held.story.celebrated_by == held.leader
    assert moments["planned"].deliveries.filter(status="sent").count() == 2  # the leader and the manager copied
    assert "thank" in moments["planned"].speech.lower()


def test_a_backup_carries_the_recognition_photos(transactional_db, tmp_path, settings, campaign):
    import io
    import tarfile

    from tests.leadership.pages_recognition import make_moment

    settings.MEDIA_ROOT = tmp_path / "media"
    moment = make_moment(campaign, photo=True)
    call_command("backup", "--output", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())
    with tarfile.open(tmp_path / "site.tar.gz") as archive:
        names = archive.getnames()
    assert f"media/{moment.photo.name}" in names
    assert f"media/{moment.thumbnail.name}" in names
