"""Fixtures for the web tests: the school, and the web view serving it."""

from __future__ import annotations

import pytest
from web_support import RunningWeb, clock_at, school, school_config


@pytest.fixture
def clock():
    return clock_at(9, 3)


@pytest.fixture
def cfg(data_dir):
    return school_config(data_dir)


@pytest.fixture
def store(cfg, clock):
    store = school(cfg, clock)
    yield store
    store.close()


@pytest.fixture
def web(cfg, clock, store):
    running = RunningWeb(cfg, clock)
    yield running
    running.stop()
