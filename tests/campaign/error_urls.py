"""The project's URLs plus one view that fails, for the error page tests."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), *project_urlpatterns]
