"""Guided enrolment at the kiosk: the state, its form, keyboard and screens."""
