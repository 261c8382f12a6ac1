from django.apps import AppConfig


class AlliesConfig(AppConfig):
    name = "allies"

    def ready(self):
        from allies import contributions, signals  # noqa: F401  (registers with campaign; last-touch receivers)
