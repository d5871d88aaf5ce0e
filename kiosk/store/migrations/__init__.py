"""Schema migrations, one module each, applied in order (see kiosk/store/schema.py)."""
