"""Errors that end in a one-line message for a person, never a traceback."""


class KioskError(Exception):
    """A problem a user can fix; `str(err)` is the one-line message."""

    exit_code = 1


class ConfigError(KioskError):
    """The config file or an override is invalid."""

    exit_code = 2


class UsageError(KioskError):
    """Bad command-line arguments."""

    exit_code = 2


class ImageError(KioskError):
    """An image cannot be used (unreadable, no face, several faces, too small)."""


class StoreError(KioskError):
    """The database refused an operation (unknown class, duplicate, bad schema)."""


class AlreadyHeld(StoreError):
    """A meeting whose session was opened (running or ended) is not cancelled: it happened, and
    may have marks. `starts_at` is the meeting's start in its schedule's zone."""

    def __init__(self, class_code: str, starts_at):
        super().__init__(f"{class_code} on {starts_at:%Y-%m-%d} at {starts_at:%H:%M} is already held (its session "
                         "was opened): end it instead of cancelling it")


class StoreFault(StoreError):
    """The database file itself failed (disk full, read-only, damaged, locked too long):
    nothing of the operation was saved. Raised by kiosk/store/ for every SQLite error of
    that kind, so callers catch one type, never sqlite3's."""


class ModelError(KioskError):
    """A model file is missing or cannot be loaded."""


class Refused(KioskError):
    """An action refused for a reason the screen words itself: `reason` is a code from
    kiosk/messages/ (e.g. NOT_YOURS), with what it is about."""

    def __init__(self, reason: str, class_code: str = "", within_h: int = 0):
        super().__init__(f"{reason}: {class_code}" if class_code else reason)
        self.reason = reason
        self.class_code = class_code
        self.within_h = within_h
