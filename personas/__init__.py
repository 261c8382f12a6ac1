"""Personas: "who I serve" cards, workshops and the service map."""
