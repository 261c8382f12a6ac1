from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "leadership"
