"""Liveness (anti-spoofing): cues, their fusion, and the per-track judge. See docs/LIVENESS.md."""
