"""The local database schema, as an ordered list of migrations.

`PRAGMA user_version` holds how many migrations have run. Each migration
is a module in kiosk/store/migrations/; append new ones at the end and
never edit one that has shipped.
"""

from __future__ import annotations

from kiosk.store.migrations import (
    m001_core, m002_sessions, m003_sync, m004_liveness, m005_privacy, m006_ledger, m007_lookalikes, m008_pin_lockouts,
    m009_register, m010_lockout_boot, m011_oneroster, m012_door_attempts,
    m013_photo_cautions, m014_embeddings_by_person, m015_roster_history,
)

MIGRATIONS: list[str] = [m.SQL for m in (m001_core, m002_sessions, m003_sync, m004_liveness, m005_privacy, m006_ledger,
                                         m007_lookalikes, m008_pin_lockouts, m009_register, m010_lockout_boot,
                                         m011_oneroster, m012_door_attempts, m013_photo_cautions,
                                         m014_embeddings_by_person, m015_roster_history)]

SCHEMA_VERSION = len(MIGRATIONS)
