from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "leadership"

    def ready(self):
        from leadership import (
            contributions,  # noqa: F401  (what it adds to the campaign: campaign.registry)
            privacy,  # the personal data it holds (campaign.privacy.registry)
            signals,  # noqa: F401  (logs celebrations on the leaders' engagement logs)
        )

        privacy.register()
