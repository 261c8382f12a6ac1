"""CSV import: preview, all or nothing, every bad row with its line, idempotent on the sender's id."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leadership.models import Feedback
from tests.factories import DepartmentFactory, FeedbackThemeFactory

HEADER = "external_id,kind,received_on,channel,department,theme,severity,summary,customer\n"
GOOD = (
    HEADER
    + "HD-1,complaint,2026-01-15,phone,Support,Billing,high,Charged twice,ACME\n"
    + "HD-2,compliment,2026-01-16,email,,,,Lovely driver,\n"
)


def import_url(campaign):
    return reverse("leadership:feedback-import", kwargs={"slug": campaign.slug})


def upload(client, campaign, text, name="feedback.csv"):
    return client.post(import_url(campaign), {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def setup_campaign(campaign):
    DepartmentFactory(campaign=campaign, name="Support")
    FeedbackThemeFactory(campaign=campaign, name="Billing")


def test_an_upload_is_previewed_and_stores_nothing_yet(client_for, champion, campaign):
    setup_campaign(campaign)
    response = upload(client_for(champion), campaign, GOOD)
    assert response.status_code == 200
    assert "Preview: 2 rows ready" in response.text and "Charged twice" in response.text
    assert not Feedback.objects.exists()


def test_confirming_the_preview_imports_every_row(client_for, champion, campaign):
    setup_campaign(campaign)
    client = client_for(champion)
    content = upload(client, campaign, GOOD).context["confirm_form"].initial["content"]
    response = client.post(import_url(campaign), {"content": content, "confirm": "1"})
    assert response.status_code == 302
    stored = Feedback.objects.order_by("external_id")
    assert [(f.external_id, f.kind, f.source, f.logged_by) for f in stored] == [
        ("HD-1", "complaint", "import", champion),
        ("HD-2", "compliment", "import", champion),
    ]
    assert stored[0].theme.name == "Billing" and stored[0].department.name == "Support"


def test_importing_the_same_file_twice_stores_it_once(client_for, champion, campaign):
    setup_campaign(campaign)
    client = client_for(champion)
    for _ in range(2):
        client.post(import_url(campaign), {"content": GOOD, "confirm": "1"})
    assert Feedback.objects.count() == 2


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_stored(client_for, champion, campaign):
    setup_campaign(campaign)
    text = (
        HEADER
        + "A,complaint,2026-01-15,phone,Support,,high,Fine row,\n"
        + "B,complaint,2026-01-15,phone,Nowhere,,high,Unknown department,\n"
        + "C,complaint,15/01/2026,phone,Support,,high,Bad date,\n"
        + "D,complaint,2026-01-15,phone,Support,,,No severity,\n"
        + "E,complaint,2026-01-15,phone,Support,,high,,\n"
    )
    client = client_for(champion)
    response = client.post(import_url(campaign), {"content": text, "confirm": "1"})
    problems = [(p["line"], p["field"]) for p in response.context["problems"]]
    assert problems == [(3, "department"), (4, "received_on"), (5, "severity"), (6, "summary")]
    assert "Line 3, department: No department called “Nowhere”" in response.text
    assert not Feedback.objects.exists()


def test_a_file_without_the_required_columns_is_refused(client_for, champion, campaign):
    response = upload(client_for(champion), campaign, "name,comment\nx,y\n")
    assert "missing: kind, received_on, summary" in response.text


def test_a_file_that_is_not_utf8_is_refused(client_for, champion, campaign):
    response = client_for(champion).post(
        import_url(campaign), {"file": SimpleUploadedFile("f.csv", "é".encode("latin-1"), "text/csv")}
    )
    assert "not UTF-8" in response.text


def test_no_file_is_refused(client_for, champion, campaign):
    assert "Choose a CSV file" in client_for(champion).post(import_url(campaign), {}).text


def test_a_viewer_cannot_import(client_for, viewer, campaign):
    assert client_for(viewer).post(import_url(campaign), {"content": GOOD, "confirm": "1"}).status_code == 403
    assert not Feedback.objects.exists()


def test_the_example_file_has_the_expected_header(client_for, viewer, campaign):
    response = client_for(viewer).get(reverse("leadership:feedback-import-example", kwargs={"slug": campaign.slug}))
    assert response.content.decode().startswith(HEADER.strip())


def test_the_labels_the_pages_show_are_accepted_whatever_their_capitals(client_for, champion, campaign):
    setup_campaign(campaign)
    text = (
        HEADER
        + "L-1,Complaint,2026-01-15,in person,Support,,High,Shouted at the desk,\n"
        + "L-2,COMPLIMENT,2026-01-16,Social Media,,,,Lovely driver,\n"
        + "L-3,complaint,2026-01-17,In_Person,,,critical,Lost parcel,\n"
    )
    client = client_for(champion)
    response = client.post(import_url(campaign), {"content": text, "confirm": "1"})
    assert response.status_code == 302, response.context["problems"]
    stored = Feedback.objects.order_by("external_id")
    assert [(f.kind, f.channel, f.severity) for f in stored] == [
        ("complaint", "in_person", "high"),
        ("compliment", "social", ""),
        ("complaint", "in_person", "critical"),
    ]


def test_an_unknown_choice_names_the_accepted_values(client_for, champion, campaign):
    setup_campaign(campaign)
    text = HEADER + "X-1,complaint,2026-01-15,carrier pigeon,Support,,high,Late,\n"
    response = client_for(champion).post(import_url(campaign), {"content": text, "confirm": "1"})
    expected = (
        "Line 2, channel: “carrier pigeon” is not a channel; "
        "use one of: email, phone, survey, social media, in person, helpdesk, other."
    )
    assert expected in response.text
    assert not Feedback.objects.exists()


def test_the_import_page_lists_the_accepted_values(client_for, champion, campaign):
    page = client_for(champion).get(import_url(campaign)).text
    format_section = page.split('id="format-heading"')[1]
    assert "complaint or compliment" in format_section
    assert "email, phone, survey, social media, in person, helpdesk or other" in format_section
    assert "low, medium, high or critical" in format_section
