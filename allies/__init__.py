"""Allies: the people recruited into the movement, their touchpoints and coverage."""
