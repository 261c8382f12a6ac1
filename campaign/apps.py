from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CampaignConfig(AppConfig):
    name = "campaign"

    def ready(self):
        from campaign import activity, checks, contributions  # noqa: F401 (the rollup's receivers, checks, sources)
        from campaign.privacy import people, tasks  # noqa: F401  (the privacy registry's ground and its tasks)

        people.register()
        # Campaigns from before the rollup get theirs once every app's migrations are in.
        post_migrate.connect(activity.backfill, sender=self, dispatch_uid="campaign-activity-backfill")
