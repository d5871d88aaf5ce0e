"""The optional central MongoDB: the kiosk works offline first and syncs in the background.

Start at engine.py (one cycle: clock offset, pull, push, heartbeat) and thread.py (a
cycle every interval, backing off while offline). push.py sends the outbox's rows
(check-ins, sessions, audit) as idempotent upserts; pull.py fetches people, classes,
schedules and PIN hashes and has the store apply them (kiosk/store/mirror.py);
documents.py validates what the server sends; central_writes.py is the admin path
that writes centrally first; central.py and client.py the collections and the
connection; heartbeat.py each door's health for `fleet` and the web view. docs/SYNC.md.
"""
