"""CSV export (formula-injection guarded) and the preview-then-confirm, all-or-nothing import."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allies.models import Ally, Stage, StageChange
from allies.transfer import MAX_ROWS, MAX_UPLOAD_BYTES, ImportFileError, guard_cell, import_preview
from allies.views.transfer import SESSION_KEY
from campaign.models import Department, Level
from tests.factories import AllyFactory, DepartmentFactory, MembershipFactory

HEADER = "name,email,department,level,stage,source,recruited by,follow-up,note,why they care\n"


def url(name, campaign):
    return reverse(f"allies:{name}", kwargs={"slug": campaign.slug})


def upload(text, name="allies.csv"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


@pytest.fixture
def departments(campaign):
    return {
        "support": DepartmentFactory(campaign=campaign, name="Customer Support", kind=Department.Kind.CUSTOMER_FACING),
        "finance": DepartmentFactory(campaign=campaign, name="Finance"),
    }


def rows_of(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- export ---------------------------------------------------------------------------------------


def test_export_lists_every_ally_with_readable_values(client_for, viewer, champion, campaign, departments):
    AllyFactory(
        campaign=campaign,
        name="Priya Shah",
        email="priya@example.com",
        department=departments["finance"],
        level=Level.MIDDLE,
        stage=Stage.CHAMPION,
        source=Ally.Source.SENT,
        recruited_by=champion,
        follow_up_on=date(2026, 12, 1),
        note="Runs the month-end close.",
        motivation="Invoices customers can read.",
    )
    AllyFactory(campaign=DepartmentFactory().campaign, name="Someone Else")

    response = client_for(viewer).get(url("export", campaign))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="harbour-allies-')
    assert rows_of(response) == [
        HEADER.strip().split(","),
        [
            "Priya Shah",
            "priya@example.com",
            "Finance",
            "Middle",
            "Active champion",
            "Sent by a manager",
            champion.email,
            "2026-12-01",
            "Runs the month-end close.",
            "Invoices customers can read.",
        ],
    ]


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_export_guards_cells_a_spreadsheet_would_run(client_for, viewer, campaign, departments, dangerous):
    AllyFactory(campaign=campaign, name=dangerous, note=dangerous, motivation="fine", department=departments["support"])

    row = rows_of(client_for(viewer).get(url("export", campaign)))[1]

    assert row[0] == "'" + dangerous
    assert row[8] == "'" + dangerous
    assert row[9] == "fine"


def test_guard_cell_leaves_harmless_text_alone():
    assert guard_cell("Ana-Maria") == "Ana-Maria"
    assert guard_cell("") == ""
    assert guard_cell(None) == ""
    assert guard_cell("= 1") == "'= 1"


def test_export_holds_its_query_count_with_many_allies(
    client_for, viewer, champion, campaign, departments, django_assert_max_num_queries
):
    for i in range(200):
        AllyFactory(campaign=campaign, department=departments["support" if i % 2 else "finance"], recruited_by=champion)
    client = client_for(viewer)

    with django_assert_max_num_queries(4):
        response = client.get(url("export", campaign))

    assert len(rows_of(response)) == 201


def test_outsider_gets_404_for_the_export(client_for, outsider, campaign):
    assert client_for(outsider).get(url("export", campaign)).status_code == 404


# --- import: a good file -------------------------------------------------------------------------


GOOD_FILE = (
    HEADER
    + "Ana Lima,ana@example.com,customer support,Top,committed,volunteered,,2026-12-01,At the town hall,Hates waiting\n"
    + "Ben Okafor,,FINANCE,middle,Active champion,sent by a manager,chris,,,\n"
    + "Cleo Park,cleo@example.com,  Finance ,,,,,,,\n"
)


def test_upload_previews_the_rows_without_writing_anything(client_for, champion, campaign, departments):
    response = client_for(champion).post(url("import", campaign), {"file": upload(GOOD_FILE)})

    assert response.status_code == 200
    html = response.text
    assert "3 allies to create" in html
    assert "Import 3 allies" in html
    assert '<th scope="row">Ana Lima</th>' in html
    assert "Active champion" in html
    assert not Ally.objects.filter(campaign=campaign).exists()
    assert response.wsgi_request.session[SESSION_KEY]["campaign"] == campaign.pk


def test_confirming_creates_every_ally_with_its_first_stage_in_the_history(client_for, champion, campaign, departments):
    client = client_for(champion)
    preview = client.post(url("import", campaign), {"file": upload(GOOD_FILE)})

    response = client.post(url("import-confirm", campaign), {"token": preview.context["token"]})

    assert response.status_code == 302
    allies = {ally.name: ally for ally in Ally.objects.filter(campaign=campaign)}
    assert set(allies) == {"Ana Lima", "Ben Okafor", "Cleo Park"}
    ana, ben, cleo = allies["Ana Lima"], allies["Ben Okafor"], allies["Cleo Park"]
    assert (ana.department, ana.level, ana.stage, ana.source) == (
        departments["support"],
        "top",
        "committed",
        "volunteered",
    )
    assert ana.follow_up_on == date(2026, 12, 1)
    assert ana.motivation == "Hates waiting"
    assert (ben.department, ben.stage, ben.source, ben.recruited_by) == (
        departments["finance"],
        "champion",
        "sent",
        champion,
    )
    # No owner named: the member importing keeps in touch, so Cleo is in somebody's follow-ups.
    assert (cleo.level, cleo.stage, cleo.source, cleo.recruited_by) == (
        "frontline",
        "identified",
        "recruited",
        champion,
    )
    history = StageChange.objects.filter(ally__campaign=campaign)
    assert sorted(history.values_list("to_stage", flat=True)) == ["champion", "committed", "identified"]
    assert set(history.values_list("from_stage", flat=True)) == {""}
    assert set(history.values_list("changed_by", flat=True)) == {champion.pk}
    assert SESSION_KEY not in client.session
    followed = client.get(response.url)
    assert "Imported 3 allies from allies.csv." in [str(m) for m in followed.context["messages"]]


def test_a_semicolon_separated_file_from_a_spreadsheet_imports_too(campaign, departments):
    preview = import_preview(campaign=campaign, data=b"\xef\xbb\xbfName;Department;Level\nAna;Finance;top\n")

    assert preview.ok
    assert preview.rows[0].data["level"] == "top"


def test_an_exported_file_imports_back_unchanged(client_for, champion, campaign, other_campaign, departments):
    AllyFactory(
        campaign=campaign, name="=Risky", note="+note", department=departments["finance"], stage=Stage.COMMITTED
    )
    exported = client_for(champion).get(url("export", campaign)).content
    DepartmentFactory(campaign=other_campaign, name="finance")

    preview = import_preview(campaign=other_campaign, data=exported)

    assert preview.ok, preview.problems
    (row,) = preview.rows
    assert (row.data["name"], row.data["note"], row.data["stage"]) == ("=Risky", "+note", "committed")


def test_unknown_columns_are_named_and_ignored(campaign, departments):
    preview = import_preview(campaign=campaign, data=b"name,department,shoe size\nAna,Finance,38\n")

    assert preview.ok
    assert preview.ignored_columns == ["shoe size"]


# --- import: bad rows ------------------------------------------------------------------------------


BAD_FILE = (
    HEADER
    + "Good Person,good@example.com,Finance,,,,,,,\n"  # line 2
    + ",nobody@example.com,Finance,,,,,,,\n"  # 3: no name
    + "Dee,dee@example.com,Marketing,,,,,,,\n"  # 4: unknown department
    + "Eve,eve@example.com,Finance,chief,,,,,,\n"  # 5: bad level
    + "Fay,fay@example.com,Finance,,superstar,,,,,\n"  # 6: bad stage
    + "Gus,GOOD@example.com,Finance,,,,,,,\n"  # 7: email twice in the file
    + "Hal,taken@example.com,Finance,,,,,,,\n"  # 8: email already in the campaign
    + "Ida,ida@example.com,Finance,,,,,31/12/2026,,\n"  # 9: bad date
    + "Jo,jo@example.com,Finance,,,,stranger,,,\n"  # 10: not a member
    + "Kim,not-an-email,Finance,,,,,,,\n"  # 11: bad email
    + "\n"  # 12: blank, skipped
    + "Lou,lou@example.com,Finance,,,,,,,,extra\n"  # 13: too many cells
    + ",,,,,,,,,\n"  # 14: empty row, skipped
    + "Mo,,,,,,,,,\n"  # 15: no department
)


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(client_for, champion, campaign, departments):
    AllyFactory(campaign=campaign, email="Taken@Example.com", department=departments["finance"])

    response = client_for(champion).post(url("import", campaign), {"file": upload(BAD_FILE)})

    problems = {problem.line: " ".join(problem.reasons) for problem in response.context["preview"].problems}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15]
    assert problems[3] == "The name is missing."
    assert problems[4] == "There is no department called “Marketing” in this campaign."
    assert problems[5].startswith("“chief” is not a level; use one of: top, middle, frontline.")
    assert "“superstar” is not a stage" in problems[6]
    assert problems[7] == "The email good@example.com is also on line 2."
    assert problems[8] == "An ally with the email taken@example.com is already in this campaign."
    assert problems[9] == "The follow-up date is not a date like 2026-03-31."
    assert problems[10] == "“stranger” (owner) is not a member of this campaign."
    assert problems[11] == "The email address is not valid."
    assert problems[13] == "It has 11 cells but the first line names 10 columns."
    assert problems[15] == "The department is missing."
    html = response.text
    assert "11 lines cannot be imported" in html
    assert "<strong>Line 4:</strong>" in html
    assert "Nothing has been imported." in html
    assert "Import 1 ally" not in html  # no confirm button while any line is bad
    assert Ally.objects.filter(campaign=campaign).count() == 1


def test_each_row_is_checked_on_its_own_values_alone(campaign, departments):
    # One form is re-bound to every row: nothing of a row, good or bad, may carry over to the next.
    text = HEADER + (
        "Ana,ana@example.com,Finance,middle,,,,2026-05-01,,\n"
        ",,Nowhere,sideways,,,,soon,,\n"
        "Bo,,Customer Support,,,,,,,\n"
        "Cy,not-an-email,Finance,,,,,,,\n"
        "Di,di@example.com,Customer Support,,,,,,,\n"
    )
    preview = import_preview(campaign=campaign, data=text.encode())

    assert [(problem.line, len(problem.reasons)) for problem in preview.problems] == [(3, 4), (5, 1)]
    rows = {row.data["name"]: row.data for row in preview.rows}
    assert list(rows) == ["Ana", "Bo", "Di"]
    assert (rows["Ana"]["level"], rows["Ana"]["follow_up_on"]) == (Level.MIDDLE, date(2026, 5, 1))
    assert (rows["Bo"]["email"], rows["Bo"]["level"], rows["Bo"]["follow_up_on"]) == ("", Level.FRONTLINE, None)
    assert rows["Bo"]["department"] == departments["support"]
    assert rows["Di"]["email"] == "di@example.com"


def test_a_row_with_several_problems_reports_them_all(campaign, departments):
    preview = import_preview(campaign=campaign, data=(HEADER + ",,Nowhere,sideways,,,,soon,,\n").encode())

    (problem,) = preview.problems
    assert problem.line == 2
    assert len(problem.reasons) == 4
    assert str(problem).startswith("Line 2: The name is missing.")


def test_a_confirm_with_bad_rows_forged_past_the_preview_writes_nothing(client_for, champion, campaign, departments):
    client = client_for(champion)
    preview = client.post(url("import", campaign), {"file": upload(BAD_FILE)})

    response = client.post(url("import-confirm", campaign), {"token": preview.context["token"]})

    assert response.status_code == 200
    assert "Some lines cannot be imported now" in response.text
    assert not Ally.objects.filter(campaign=campaign).exists()


def test_confirm_checks_again_and_refuses_an_email_added_since_the_preview(client_for, champion, campaign, departments):
    client = client_for(champion)
    preview = client.post(url("import", campaign), {"file": upload(GOOD_FILE)})
    AllyFactory(campaign=campaign, email="cleo@example.com", department=departments["finance"])

    response = client.post(url("import-confirm", campaign), {"token": preview.context["token"]})

    assert response.status_code == 200
    assert "An ally with the email cleo@example.com is already in this campaign." in response.text
    assert Ally.objects.filter(campaign=campaign).count() == 1
    assert not StageChange.objects.exists()


def test_confirm_needs_the_preview_it_answers(client_for, champion, campaign, departments):
    client = client_for(champion)
    client.post(url("import", campaign), {"file": upload(GOOD_FILE)})

    forged = client.post(url("import-confirm", campaign), {"token": "guessed"})
    nothing = client_for(champion).post(url("import-confirm", campaign), {})

    assert forged.status_code == nothing.status_code == 302
    assert forged.url == url("import", campaign)
    assert not Ally.objects.filter(campaign=campaign).exists()


def test_a_preview_from_one_campaign_cannot_be_confirmed_in_another(client_for, champion, campaign, departments):
    other = DepartmentFactory(name="Finance").campaign
    MembershipFactory(campaign=other, user=champion)
    client = client_for(champion)
    preview = client.post(url("import", campaign), {"file": upload(GOOD_FILE)})

    response = client.post(url("import-confirm", other), {"token": preview.context["token"]})

    assert response.status_code == 302
    assert not Ally.objects.exists()


# --- import: the file as a whole -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"name,level\nAna,top\n", "this file has no “department” column."),
        (b"email\nana@example.com\n", "no “name” and no “department” column."),
        ("name,department\nJosé,Finance\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"name,department\n" + b"Ana,Finance\n" * (MAX_ROWS + 1), f"more than {MAX_ROWS} allies"),
    ],
)
def test_an_unusable_file_is_refused_as_a_whole(campaign, departments, data, message):
    with pytest.raises(ImportFileError, match=message):
        import_preview(campaign=campaign, data=data)


def test_an_unusable_file_is_refused_beside_the_field(client_for, champion, campaign, departments):
    response = client_for(champion).post(url("import", campaign), {"file": upload(b"name,level\nAna,top\n")})

    assert response.status_code == 200
    assert "this file has no “department” column" in response.context["form"].errors["file"][0]
    assert "Preview the import" in response.text


def test_a_file_over_the_size_limit_is_refused(client_for, champion, campaign, departments):
    big = HEADER.encode() + b"x" * MAX_UPLOAD_BYTES

    response = client_for(champion).post(url("import", campaign), {"file": upload(big)})

    assert "The file is larger than 512 KB" in response.context["form"].errors["file"][0]


def test_the_import_page_explains_the_columns(client_for, champion, campaign):
    html = client_for(champion).get(url("import", campaign)).text

    assert '<label for="id_file">CSV file:</label>' in html
    assert 'enctype="multipart/form-data"' in html
    assert "sent by a manager" in html


def test_viewers_cannot_import(client_for, viewer, campaign, departments):
    response = client_for(viewer).post(url("import", campaign), {"file": upload(GOOD_FILE)})

    assert response.status_code == 403
    assert not Ally.objects.exists()


# --- import: the row checker gives what the form would (performance work) ---------------------


@pytest.mark.parametrize(
    "raw",
    [
        {"name": "Ana", "department": "Finance"},
        {"name": "  Ana  ", "department": " customer   support ", "email": "  Ana@Example.com ", "level": "TOP"},
        {"name": "", "department": ""},
        {"department": "Finance"},
        {"name": "x" * 121, "department": "Finance", "note": "n" * 2001, "motivation": "m" * 301},
        {"name": "Nul\x00l", "department": "Fin\x00ance", "note": "a\x00b"},
        {"name": "Ana", "department": "Finance", "email": "   ", "follow_up_on": "  "},
        {"name": "Ana", "department": "Finance", "email": "bad@", "follow_up_on": "2026-13-01"},
        {"name": "Ana", "department": "Finance", "follow_up_on": " 2026-02-03 ", "recruited_by": " CHRIS "},
        {"name": "Ana", "department": "Nowhere", "stage": "in_progress", "source": "sent", "recruited_by": "x"},
    ],
)
def test_the_row_checker_agrees_with_the_form_it_stands_for(campaign, departments, champion, raw):
    from allies.transfer import AllyImportRowForm, _lookups

    found_departments, members = _lookups(campaign)
    form = AllyImportRowForm(raw, departments=found_departments, members=members)
    form.full_clean()

    cleaned, problems = AllyImportRowForm({}, departments=found_departments, members=members).check(raw)

    assert problems == [message for errors in form.errors.values() for message in errors]
    assert cleaned == form.cleaned_data


def test_the_email_check_asks_once_however_many_rows(campaign, departments, django_assert_max_num_queries):
    AllyFactory(campaign=campaign, email="Row7@Example.com", department=departments["finance"])
    text = "name,email,department\n" + "".join(f"Ally {n},row{n}@example.com,Finance\n" for n in range(500))

    with django_assert_max_num_queries(3):
        preview = import_preview(campaign=campaign, data=text.encode())

    assert [(problem.line, problem.reasons) for problem in preview.problems] == [
        (9, ["An ally with the email row7@example.com is already in this campaign."])
    ]
    assert len(preview.rows) == 499


def test_taken_emails_are_found_the_same_way_on_every_database(campaign, other_campaign, departments):
    """One query for SQLite and PostgreSQL alike (CI runs this file on both): any case, this campaign only."""
    finance = departments["finance"]
    AllyFactory(campaign=campaign, email="Mixed.Case@Example.com", department=finance)
    AllyFactory(campaign=campaign, email="", department=finance)
    AllyFactory(campaign=other_campaign, email="elsewhere@example.com")
    emails = ["mixed.case@example.com", "elsewhere@example.com", "new@example.com", "", "o'brien@example.com"]
    text = "name,email,department\n" + "".join(f"Ally {n},{email},Finance\n" for n, email in enumerate(emails))

    preview = import_preview(campaign=campaign, data=text.encode())

    assert [(problem.line, problem.reasons) for problem in preview.problems] == [
        (2, ["An ally with the email mixed.case@example.com is already in this campaign."])
    ]
    assert len(preview.rows) == 4


@pytest.mark.needs_postgres
def test_on_postgresql_the_email_check_probes_the_unique_email_index(campaign, departments):
    from django.db import connection

    from allies.transfer import _emails_taken_sql

    # A campaign of some size, with fresh statistics: on a handful of rows any plan is right.
    finance = departments["finance"]
    Ally.objects.bulk_create(
        Ally(campaign=campaign, name=f"Ally {n}", email=f"ally{n}@example.com", department=finance) for n in range(5000)
    )
    wanted = [f"row{n}@example.com" for n in range(300)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Ally._meta.db_table)}")
        cursor.execute("EXPLAIN " + _emails_taken_sql(len(wanted)), [*wanted, campaign.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ally_email_unique_in_campaign" in plan


# --- owners -----------------------------------------------------------------------------------------


def test_an_owner_column_names_who_keeps_in_touch_and_a_blank_owner_is_the_importer(
    client_for, champion, admin_user, campaign, departments
):
    admin_user.email = "ada@example.com"
    admin_user.save()
    text = "name,department,owner\nAna Lima,Finance,ADA@example.com\nBen Okafor,Finance,ada\nCleo Park,Finance,\n"
    client = client_for(champion)
    preview = client.post(url("import", campaign), {"file": upload(text)})
    assert preview.context["preview"].ok
    assert preview.context["preview"].ignored_columns == []
    client.post(url("import-confirm", campaign), {"token": preview.context["token"]})
    owners = dict(Ally.objects.filter(campaign=campaign).values_list("name", "recruited_by"))
    assert owners == {"Ana Lima": admin_user.pk, "Ben Okafor": admin_user.pk, "Cleo Park": champion.pk}


def test_an_owner_who_is_not_a_member_of_the_campaign_is_reported_on_its_line(
    client_for, champion, outsider, campaign, departments
):
    text = f"name,department,owner\nAna Lima,Finance,chris\nBen Okafor,Finance,{outsider.username}\n"
    response = client_for(champion).post(url("import", campaign), {"file": upload(text)})
    [problem] = response.context["preview"].problems
    assert problem.line == 3
    assert problem.reasons == [f"“{outsider.username}” (owner) is not a member of this campaign."]
    assert not Ally.objects.exists()


def test_the_import_page_lists_the_owner_column(client_for, champion, campaign):
    page = client_for(champion).get(url("import", campaign)).text
    assert "recruited by (or owner)" in page
