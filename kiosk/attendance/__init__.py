"""Check-in at the door: the rules, and the service that stores their verdict.

rules.py is pure (an injected clock, no camera, display or database): `decide` says
what a recognised person's sighting means now (present until start + grace, then
late; not on the roster; already checked in; no session). service.py gathers the
rule's inputs from the store and writes what it says. What staff do (PIN sign-in,
manual marks, the door's desk) is kiosk/staff/.
"""
