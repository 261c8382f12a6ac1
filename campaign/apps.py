from django.apps import AppConfig


class CampaignConfig(AppConfig):
    name = "campaign"

    def ready(self):
        from campaign import checks  # noqa: F401 (registers the start-up checks)
        from campaign.privacy import people, tasks  # noqa: F401  (the privacy registry's ground and its tasks)

        people.register()
