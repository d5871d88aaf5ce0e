"""4: liveness: spoof events.

Reserved: the work on this feature fills it in. A no-op until then.
"""

SQL = "SELECT 1;"
