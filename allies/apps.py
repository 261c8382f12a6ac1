from django.apps import AppConfig


class AlliesConfig(AppConfig):
    name = "allies"

    def ready(self):
        from allies import (
            privacy,  # the personal data it holds (campaign.privacy.registry)
            signals,  # noqa: F401  (connects the last-touch receivers)
        )

        privacy.register()
