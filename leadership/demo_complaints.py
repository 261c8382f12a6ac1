"""
Demo: one won problem that began as a complaint on the feedback log ("turn into a service story").

It runs after the feedback demo, which recreates its complaints on every run, so the link is
made again each time: the oldest resolved complaint about an unexplained invoice becomes the
origin of the invoice-layout win.
"""

from campaign.models import ServiceProblem
from leadership.models import Feedback
from leadership.models.feedback import Kind, Status

PROBLEM = "Invoices list product codes, not names"
COMPLAINT = "Nobody could explain the surcharge on our invoice."


def seed(campaign):
    problem = campaign.problems.filter(title=PROBLEM, status=ServiceProblem.Status.WON).first()
    if problem is None:
        return
    Feedback.objects.filter(service_problem=problem).update(service_problem=None)
    complaint = (
        Feedback.objects.filter(
            campaign=campaign, kind=Kind.COMPLAINT, status=Status.RESOLVED, summary=COMPLAINT, service_problem=None
        )
        .order_by("received_on", "pk")
        .first()
    )
    if complaint is not None:
        complaint.service_problem = problem
        complaint.save(update_fields=["service_problem", "updated_at"])
