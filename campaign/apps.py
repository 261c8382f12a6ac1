from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "campaign"

    def ready(self):
        from campaign import checks  # noqa: F401 (registers the start-up checks)
