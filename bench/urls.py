from django.urls import path

from bench.views import trivial
from config.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *app_urlpatterns]
