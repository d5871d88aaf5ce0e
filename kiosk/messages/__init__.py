"""The one contract between the threads: every event and command that crosses a
thread is a frozen dataclass in this package. They hold facts and reason codes,
never screen text: only the screen (the ui package) turns them into words.

Nothing here imports pygame, and nothing here imports a stage: the messages sit
just above the value types (kiosk/model.py), so the workers and the screen
share them without importing each other.

- screen.py: what the capture, recognition, scheduler and sync threads tell the screen;
- desk.py: the PIN overlay's commands to the instructor's desk (kiosk/staff/), and its answers;
- enrolment.py: guided enrolment's commands and answers;
- lanes.py: how they travel (one lossy keyed lane, one lossless lane, bounded
  command queues), created and owned by kiosk/runtime.py.

A message class with ``LOSSLESS = True`` records a stored fact or an answer
someone waits for: it may only go by the lossless lane and is never dropped.
"""
