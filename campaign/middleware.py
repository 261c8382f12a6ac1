import json

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import defaults
from django_htmx.http import HttpResponseClientRedirect


class HtmxMessagesMiddleware:
    """
    For htmx requests, hand the flash messages to the page in an HX-Trigger
    header; static/js/app.js shows them in the messages region. A redirect is
    left alone so the messages survive to the next full page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or 300 <= response.status_code < 400:
            return response
        if "HX-Redirect" in response.headers or "HX-Location" in response.headers:
            return response
        items = [{"level": m.level_tag, "text": str(m.message)} for m in get_messages(request)]
        if items:
            triggers = json.loads(response.headers.get("HX-Trigger", "{}") or "{}")
            triggers["messages"] = items
            response.headers["HX-Trigger"] = json.dumps(triggers)
        return response


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session ran out gets a full-page redirect to login, not a login form in a fragment."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and isinstance(response, HttpResponseRedirect)
            and response.url.startswith(reverse("login"))
        ):
            return HttpResponseClientRedirect(response.url)
        return response


class NoStoreForAuthenticatedMiddleware:
    """Pages for a logged-in user hold campaign data: never let a shared cache or the back button keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response


class BrandedErrorPagesDebugMiddleware:
    """
    With DEBUG on (as under `make run`), answer with the branded 404 and 500 pages (templates/404.html,
    500.html) rather than Django's technical ones, which are for developers and list every URL pattern.
    DEBUG_TECHNICAL_PAGES=true brings the technical pages back. Django has already logged the error (with
    its traceback for a 500) by the time this runs; only what the browser shows changes.

    Django turns the exception into its technical page before any middleware sees it, so this replaces
    HTML 404 and 500 responses; the app never answers those on purpose (the API answers JSON).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not settings.DEBUG or settings.DEBUG_TECHNICAL_PAGES or response.status_code not in (404, 500):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if response.status_code == 404:
            return defaults.page_not_found(request, exception=None)
        return defaults.server_error(request)
