"""Fixtures for the sync tests: a central MongoDB over the real wire protocol.

By default SecantusDB runs in-process (`sync_on_commit=True`, a free
127.0.0.1 port). KIOSK_TEST_MONGO_URI=mongodb://... points the same tests
at a real mongod instead (see sync_support.py).
"""

from __future__ import annotations

import pytest
from sync_support import EXTERNAL_URI, CentralServer, kiosk_config

from kiosk.config import Config


@pytest.fixture
def central_server(tmp_path):
    server = CentralServer(tmp_path / "central")
    yield server
    if EXTERNAL_URI:
        client = server.client()
        client.drop_database(server.database)
        client.close()
    server.stop()


@pytest.fixture
def kiosk_cfg(tmp_path, central_server) -> Config:
    return kiosk_config(tmp_path / "door-1", central_server)


