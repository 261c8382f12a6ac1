"""
The leadership app's models, one module per area: leaders, objections, engagements,
clippings and benchmarking visits in `leaders.py`; briefing packs and their deliveries
in `briefings.py`; feedback and API tokens in `feedback.py`; executive summaries, their
schedule and deliveries in `summaries.py`. `delivery.py` holds what both deliveries share.
"""

from leadership.models.briefings import BriefingPack, Event, InvitationUpdate, PackDelivery, PackDeliveryStatus
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
from leadership.models.recognition import CalendarMethod, RecognitionDelivery, RecognitionMoment
from leadership.models.summaries import ExecutiveSummary, SummaryDelivery, SummarySchedule, SummaryTestCopy

__all__ = [
    "ApiToken",
    "BenchmarkVisit",
    "BriefingPack",
    "CalendarMethod",
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
    "InvitationUpdate",
    "Leader",
    "LeadsWith",
    "Objection",
    "Outcome",
    "PackDelivery",
    "PackDeliveryStatus",
    "RecognitionDelivery",
    "RecognitionMoment",
    "Stance",
    "SummaryDelivery",
    "SummarySchedule",
    "SummaryTestCopy",
    "VisitAction",
    "Wiifm",
]
