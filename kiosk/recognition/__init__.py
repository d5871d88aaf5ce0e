"""The recognition stage: the freshest camera frame -> faces -> identities -> check-ins.

It is the one stage that uses the libraries below it (vision, liveness) together
with attendance and the store; vision/ and liveness/ know nothing of either.
Each part has one job:

worker    the thread: loads the models, takes commands, runs one pass per frame
passes    which faces a pass looks at, and which of them it embeds (pure)
identify  embeddings -> each track named or a stranger (vision/naming.py); the gallery kept fresh
judging   the liveness judge on its own helper thread, answering with values
gate      whether a face may be checked in, from those verdicts
spoofs    a failed live check written down for the instructor
announce  check-ins stored and the screen told, with its throttles
stats     counters and recent timings in bounded memory
"""
