from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "personas"

    def ready(self):
        from personas import contributions, privacy  # noqa: F401  (campaign.registry; campaign.privacy.registry)

        privacy.register()
