import json

from django.contrib.messages import get_messages
from django.http import HttpResponseRedirect
from django.urls import reverse
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
