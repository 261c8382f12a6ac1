"""
The leadership app's models, one module per area: leaders and briefings in
`leaders.py`; feedback and API tokens in `feedback.py`; executive summaries,
their schedule and deliveries in `summaries.py`.
"""

from leadership.models.delivery import Delivery, DeliveryStatus
from leadership.models.feedback import ApiToken, Feedback, FeedbackTheme
from leadership.models.leaders import Leader, Stance, Wiifm
from leadership.models.summaries import ExecutiveSummary, SummaryDelivery, SummarySchedule

__all__ = [
    "ApiToken",
    "Delivery",
    "DeliveryStatus",
    "ExecutiveSummary",
    "Feedback",
    "FeedbackTheme",
    "Leader",
    "Stance",
    "SummaryDelivery",
    "SummarySchedule",
    "Wiifm",
]
