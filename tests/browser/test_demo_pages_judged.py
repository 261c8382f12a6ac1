"""
Outside judges on every main page of the demo: axe-core (no serious or critical violation) and the Nu HTML
Checker (npm `vnu-jar`, run with Java; no errors), as the demo admin sees them.
"""

import io
import json
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaign.models import Campaign
from tests.browser.conftest import NODE_PREFIX, check_accessibility, log_in
from tests.matrix import all_pages

VNU_VERSION = "26.9.27"  # the newest vnu-jar on npm when this was written
VNU_PREFIX = NODE_PREFIX / "vnu"
# htmx's hx-* attributes are not HTML, so the checker names each one; the house style uses them (htmx would
# also read data-hx-*), so that one message is set aside and every other error counts.
HTMX_ATTRIBUTE = re.compile(
    r"Attribute “hx-[a-z-]+” not allowed on element “[a-z0-9]+” at this point\.$"
)  # its own prefix: an `npm install --no-save` elsewhere would prune it
# A detail page of each kind, besides every page that needs no object.
DETAILS = [
    ("allies:ally-detail", "allies.Ally"),
    ("personas:card-detail", "personas.PersonaCard"),
    ("campaign:problem-detail", "campaign.ServiceProblem"),
    ("leadership:leader-detail", "leadership.Leader"),
    ("leadership:pack-compose", "leadership.BriefingPack"),
    ("leadership:summary-detail", "leadership.ExecutiveSummary"),
]


@pytest.fixture(scope="session")
def vnu_jar():
    """Path to vnu.jar, installing vnu-jar with npm into var/node/vnu when it is not there yet."""
    jar = VNU_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker needs Java (apt-get install default-jre-headless)", pytrace=False)
    if not jar.exists():
        VNU_PREFIX.mkdir(parents=True, exist_ok=True)
        # --ignore-scripts: its postinstall only downloads a Java runtime, and the machine has one.
        command = ["npm", "install", "--prefix", str(VNU_PREFIX), "--no-audit", "--no-fund", "--no-save"]
        result = subprocess.run(
            [*command, "--ignore-scripts", f"vnu-jar@{VNU_VERSION}"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0 or not jar.exists():
            pytest.fail(f"could not install vnu-jar@{VNU_VERSION}:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return jar


def demo_urls(campaign):
    from django.apps import apps

    urls = {}
    for name, page in all_pages().items():
        if page.read and page.kwargs.__name__ == "_no_kwargs":
            url = reverse(name, kwargs={"slug": campaign.slug})
            if not url.endswith((".csv", ".zip")):
                urls[name] = url
    for name, label in DETAILS:
        obj = apps.get_model(label).objects.filter(campaign=campaign).order_by("pk").first()
        assert obj is not None, f"the demo has no {label}"
        urls[name] = reverse(name, kwargs={"slug": campaign.slug, "pk": obj.pk})
    # The Privacy pages: a search with results, an erasure's confirmation and an export's progress.
    ally = apps.get_model("allies.Ally").objects.filter(campaign=campaign).order_by("pk").first()
    job = apps.get_model("campaign.PrivacyJob").objects.create(
        campaign=campaign, kind="export", subject_kind="ally", subject_pk=ally.pk, subject_label=f"Ally #{ally.pk}"
    )
    urls["campaign:privacy"] = reverse("campaign:privacy") + "?q=" + ally.name.split()[0]
    urls["campaign:privacy-erase"] = reverse("campaign:privacy-erase", args=[campaign.slug, "ally", ally.pk])
    urls["campaign:privacy-job"] = reverse("campaign:privacy-job", args=[campaign.slug, job.pk])
    return urls


def test_every_main_demo_page_passes_axe_and_the_nu_html_checker(
    page, axe_path, vnu_jar, live_server, settings, tmp_path
):
    settings.DEMO_PASSWORD = "demo-password-for-the-judges"
    call_command("seed_demo", "--force", stdout=io.StringIO())
    campaign = Campaign.objects.get(slug="demo")
    urls = demo_urls(campaign)
    log_in(page, "demo-admin", settings.DEMO_PASSWORD)

    sources = {}
    for name, url in urls.items():
        response = page.goto(url)
        assert response.status == 200, f"{name}: {response.status}"
        html = response.text()
        if "<html" not in html:
            continue  # a fragment (e.g. the Golden Circle that Cancel swaps back in), judged inside its page
        check_accessibility(page, axe_path, name)
        # The HTML as the server sent it (not the browser's DOM after scripts), as the checker wants it.
        path = tmp_path / f"{name.replace(':', '__')}.html"
        path.write_text(html)
        sources[str(path)] = name
    # One Java start for all the pages: each page is checked on its own, as if fed on stdin one by one.
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--errors-only", "--format", "json", *sources],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{sources.get(m.get('url', '').removeprefix('file:'), m.get('url'))} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" and not HTMX_ATTRIBUTE.match(m["message"])
    ]
    assert not errors, "the Nu HTML Checker found errors:\n" + "\n".join(errors)
    assert len(sources) > 30
    assert page.console_log.errors == []
