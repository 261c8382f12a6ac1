from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "personas"

    def ready(self):
        from personas import contributions  # noqa: F401  (registers persona cards as campaign activity)
