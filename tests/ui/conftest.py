"""Fixtures for the screen tests (helpers live in ui_support.py)."""

from __future__ import annotations

import pytest

from ui_support import SyntheticCamera


@pytest.fixture
def camera() -> SyntheticCamera:
    return SyntheticCamera()
