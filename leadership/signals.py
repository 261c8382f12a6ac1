"""Leadership's receivers for what the campaign announces (`campaign.signals`), connected in `apps.ready()`."""

from django.dispatch import receiver

from campaign.signals import problem_celebrated
from leadership.services import engagement_log_celebration


@receiver(problem_celebrated, dispatch_uid="leadership_log_celebration")
def log_celebration(sender, problem, by, **kwargs):
    """A leader who took part in a win's celebration has engaged: it goes on their log."""
    engagement_log_celebration(problem=problem, by=by)
