from django.http import HttpResponse


def trivial(request):
    """The baseline: no query, no template, but every middleware the real pages go through."""
    return HttpResponse("ok", content_type="text/plain")
