from django.apps import AppConfig


class AlliesConfig(AppConfig):
    name = "allies"

    def ready(self):
        from allies import (
            contributions,  # noqa: F401  (what it adds to the campaign's pages: campaign.registry)
            privacy,  # the personal data it holds (campaign.privacy.registry)
            signals,  # noqa: F401  (connects the last-touch receivers)
        )

        privacy.register()
