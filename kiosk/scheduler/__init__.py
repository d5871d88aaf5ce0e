"""The timetable: which class meeting is open when, and the thread that opens and ends sessions.

timetable.py is pure functions over schedules (rooms, meetings, the current and next
meeting); thread.py runs the reconcile step every tick (`SessionScheduler`, testable
with an injected clock) in the scheduler thread, ending a session with absent rows.
"""
