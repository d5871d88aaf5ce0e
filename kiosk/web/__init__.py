"""The staff web view (`main.py web`): today's sessions live, a session's roster, a
class's history, the kiosks, and fixing a mark, for instructors and admins.

Starlette (ASGI) under uvicorn, with Jinja2 templates and server-sent events;
the README says why. The pages read through an AttendanceSource (source.py):
the local SQLite file, or the central MongoDB when mongo.uri is set. Sign-in,
the shared PIN lockout and fixed marks always go through the local SQLite file,
the same path as the kiosk's PIN overlay.
"""
