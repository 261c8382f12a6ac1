from django.apps import AppConfig


class AlliesConfig(AppConfig):
    name = "allies"
