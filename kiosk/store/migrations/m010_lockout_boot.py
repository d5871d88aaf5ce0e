"""10: a PIN lock's end on the boot clock too, so a wall clock that jumps cannot shorten or lengthen it.

CLOCK_BOOTTIME counts seconds since the machine booted, the same in every process and
untouched by NTP or a clock set by hand; `lock_boot` is the boot it belongs to (the
kernel's boot id). Within that boot the lock ends at `lock_ends_boottime`; after a
reboot the wall-clock `locked_until` (capped by the lock's own length) is used.
"""

SQL = """
    ALTER TABLE pin_lockouts ADD COLUMN lock_boot TEXT NOT NULL DEFAULT '';
    ALTER TABLE pin_lockouts ADD COLUMN lock_ends_boottime REAL NOT NULL DEFAULT 0;
"""
