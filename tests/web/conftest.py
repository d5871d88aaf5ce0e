"""Fixtures for the web tests: the school, and the web view serving it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from web_support import RunningWeb, clock_at, school, school_config

# The central server under test is the sync tests' own (SecantusDB, or KIOSK_TEST_MONGO_URI).
SYNC_TESTS = Path(__file__).resolve().parent.parent / "sync"
sys.path.insert(0, str(SYNC_TESTS))
sys.path.insert(0, str(SYNC_TESTS.parent))  # tests/: kiosk_process
_spec = importlib.util.spec_from_file_location("sync_fixtures", SYNC_TESTS / "conftest.py")
_sync_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sync_fixtures)
central_server = _sync_fixtures.central_server


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


@pytest.fixture
def boss(web):
    """A browser-less client signed in as the school's admin."""
    client = web.client()
    client.sign_in("boss")
    return client
