"""
What the campaign tells the apps standing on it, without knowing them: each app connects its receivers
in its own `AppConfig.ready()`, so `campaign/` imports none of them.
"""

from django.dispatch import Signal

# Sent by `services.problem_celebrate` once a win's celebration is saved (inside its transaction), with
# `problem` and `by` (the member who recorded it). Leadership logs it on the celebrating leader's log.
problem_celebrated = Signal()
