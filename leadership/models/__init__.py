"""
The leadership app's models, one module per area: leaders, objections, engagements,
clippings and benchmarking visits in `leaders.py`; briefing packs and their deliveries
in `briefings.py`; feedback and API tokens in `feedback.py`; executive summaries, their
schedule and deliveries in `summaries.py`. `delivery.py` holds what both deliveries share.
"""

from leadership.models.briefings import BriefingPack, Event, PackDelivery, PackDeliveryStatus
from leadership.models.delivery import Delivery, DeliveryStatus
from leadership.models.feedback import ApiToken, Feedback, FeedbackTheme
from leadership.models.leaders import (
    BenchmarkVisit,
    Clipping,
    Engagement,
    EngagementKind,
    EvidenceKind,
    Leader,
    LeadsWith,
    Objection,
    Outcome,
    Stance,
    VisitAction,
    Wiifm,
)
from leadership.models.summaries import ExecutiveSummary, SummaryDelivery, SummarySchedule, SummaryTestCopy

__all__ = [
    "ApiToken",
    "BenchmarkVisit",
    "BriefingPack",
    "Clipping",
    "Delivery",
    "DeliveryStatus",
    "Engagement",
    "EngagementKind",
    "Event",
    "EvidenceKind",
    "ExecutiveSummary",
    "Feedback",
    "FeedbackTheme",
    "Leader",
    "LeadsWith",
    "Objection",
    "Outcome",
    "PackDelivery",
    "PackDeliveryStatus",
    "Stance",
    "SummaryDelivery",
    "SummarySchedule",
    "SummaryTestCopy",
    "VisitAction",
    "Wiifm",
]
