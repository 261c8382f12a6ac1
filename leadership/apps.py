from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "leadership"

    def ready(self):
        from leadership import contributions, signals  # noqa: F401  (registers with campaign; celebrations)
