"""2: class sessions as an instructor lives them: PINs, audit, manual marks, cancellations.

Reserved: the work on this feature fills it in. A no-op until then.
"""

SQL = "SELECT 1;"
