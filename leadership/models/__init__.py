"""
The leadership app's models, one module per area: leaders, objections, engagements,
clippings and benchmarking visits in `leaders.py`; briefing packs and their deliveries
in `briefings.py`; feedback, executive summaries and their deliveries in their own
modules as they are added.
"""

from leadership.models.briefings import BriefingPack, Event, PackDelivery
from leadership.models.delivery import Delivery, DeliveryStatus
from leadership.models.leaders import (
    BenchmarkVisit,
    Clipping,
    Engagement,
    EngagementKind,
    Leader,
    Objection,
    Outcome,
    Stance,
    VisitAction,
    Wiifm,
)

__all__ = [
    "BenchmarkVisit",
    "BriefingPack",
    "Clipping",
    "Delivery",
    "DeliveryStatus",
    "Engagement",
    "EngagementKind",
    "Event",
    "Leader",
    "Objection",
    "Outcome",
    "PackDelivery",
    "Stance",
    "VisitAction",
    "Wiifm",
]
