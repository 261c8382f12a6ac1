"""
The leadership app's models, one module per area: leaders and briefings in
`leaders.py`; feedback, executive summaries and their deliveries in their own
modules as they are added.
"""

from leadership.models.delivery import Delivery, DeliveryStatus
from leadership.models.leaders import Leader, Stance, Wiifm

__all__ = ["Delivery", "DeliveryStatus", "Leader", "Stance", "Wiifm"]
