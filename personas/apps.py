from django.apps import AppConfig


class PersonasConfig(AppConfig):
    name = "personas"

    def ready(self):
        from personas import privacy  # the personal data it holds (campaign.privacy.registry)

        privacy.register()
