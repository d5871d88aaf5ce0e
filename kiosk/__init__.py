"""Door attendance kiosk: camera -> face recognition -> attendance, on a pygame screen."""

__version__ = "0.1.0"
