"""Connection: credentials (environment, file), authentication, TLS, masked URIs, bad input."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sync_support import kiosk_config, open_store, queue_checkins, seed_central

from kiosk.cli.main import main
from kiosk.config import MongoSection
from kiosk.sync.central import Central
from kiosk.sync.client import Credentials, client_options, mask_uri, read_credentials, scrub
from kiosk.sync.engine import SyncEngine


def test_uris_are_shown_with_the_password_masked():
    assert mask_uri("mongodb://kiosk:p%40ss@db.school:27017/att?tls=true") == "mongodb://kiosk:***@db.school:27017/att?tls=true"
    assert mask_uri("mongodb+srv://u:x@cluster.example/") == "mongodb+srv://u:***@cluster.example/"
    assert mask_uri("mongodb://db:27017/") == "mongodb://db:27017/"
    assert scrub("failed for mongodb://u:pw@h/ with pw", ["pw"]) == "failed for mongodb://u:***@h/ with ***"
    assert "hunter2" not in repr(Credentials("u", "hunter2"))


def test_credentials_come_from_the_environment_or_a_file(tmp_path):
    secret = tmp_path / "mongo.secret"
    secret.write_text("kiosk:from-file\n")
    secret.chmod(0o600)
    cfg = MongoSection(uri="mongodb://h/", credentials_file=str(secret))
    assert read_credentials(cfg, env={}) == Credentials("kiosk", "from-file")
    env = {"KIOSK_MONGO_USERNAME": "envuser", "KIOSK_MONGO_PASSWORD": "from-env"}
    assert read_credentials(cfg, env=env) == Credentials("envuser", "from-env")
    options = client_options(MongoSection(uri="mongodb://h/", tls_ca_file="/ca.pem", auth_source="admin"),
                             Credentials("u", "p"))
    assert options["tls"] is True and options["tlsCAFile"] == "/ca.pem" and options["authSource"] == "admin"


def _with_auth(central_server) -> None:
    """Create a kiosk user, then restart the server with authentication required."""
    client = central_server.client()
    client.admin.command("createUser", "kiosk", pwd="s3cret-pw",
                         roles=[{"role": "readWrite", "db": central_server.database}])
    client.close()
    central_server.stop()
    central_server.start(require_auth=True)


def test_authentication_with_a_credentials_file_and_bad_credentials(tmp_path, central_server, monkeypatch, capsys):
    if not central_server.in_process:
        pytest.skip("restarts the server with authentication on")
    seed_central(Central.open(kiosk_config(tmp_path / "seed", central_server).mongo))
    _with_auth(central_server)
    secret = tmp_path / "mongo.secret"
    secret.write_text("kiosk:s3cret-pw\n")
    secret.chmod(0o600)
    cfg = kiosk_config(tmp_path / "door", central_server, credentials_file=str(secret))
    engine = SyncEngine(open_store(cfg), cfg)
    queue_checkins(engine.store, 5)
    assert engine.cycle().complete
    assert len(engine.store.schedules()) == 1

    bad = kiosk_config(tmp_path / "door", central_server).replace("mongo", uri=f"mongodb://kiosk:WRONG-pw@127.0.0.1:{central_server.port}/")
    report = SyncEngine(open_store(bad), bad).cycle()
    assert not report.online and "authentication failed" in report.error and "WRONG-pw" not in report.error

    monkeypatch.setenv("KIOSK_MONGO_URI", bad.mongo.uri)
    code = main(["--data-dir", str(bad.data_dir), "--config", _config_file(tmp_path, bad), "sync", "--once"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "authentication failed" in err and "WRONG-pw" not in err


def test_tls_with_a_ca_file(tmp_path, central_server):
    if not central_server.in_process or shutil.which("openssl") is None:
        pytest.skip("needs the in-process server and the openssl tool to make a certificate")
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    central_server.stop()
    central_server.start(tls_cert_file=str(cert), tls_key_file=str(key))
    cfg = kiosk_config(tmp_path / "door", central_server, tls_ca_file=str(cert))
    central = Central.open(cfg.mongo)
    assert central.init_schema()
    engine = SyncEngine(open_store(cfg), cfg, central)
    queue_checkins(engine.store, 3)
    assert engine.cycle().complete
    plain = kiosk_config(tmp_path / "door2", central_server, timeout_s=0.5)  # no TLS: refused, not crashed
    assert not SyncEngine(open_store(plain), plain).cycle().online


def _config_file(tmp_path, cfg) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[mongo]\ndatabase = "{cfg.mongo.database}"\ntimeout_s = 1.0\n', encoding="utf-8")
    return str(path)
