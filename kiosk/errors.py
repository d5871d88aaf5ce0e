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


class ModelError(KioskError):
    """A model file is missing or cannot be loaded."""
