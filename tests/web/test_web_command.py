"""`main.py web` from the command line: refusals in one line (exit 2), and the real
command serving plain HTTP on 127.0.0.1 and HTTPS with a certificate."""

from __future__ import annotations

import http.client
import re
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from web_support import PINS

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args, words", [
    (["--host", "0.0.0.0"], "give --certfile and --keyfile to serve HTTPS, or --insecure-http"),
    (["--certfile", "cert.pem"], "--certfile and --keyfile go together"),
    (["--port", "70000"], "--port 70000 must be between 1 and 65535"),
    (["--idle-minutes", "0"], "--idle-minutes must be between 1 and 1440"),
    (["--certfile", "nope.pem", "--keyfile", "nope.key"], "no such file: nope.pem"),
])
def test_bad_options_are_refused_in_one_line(cli, store, args, words):
    code, _, err = cli("web", *args)
    assert code == 2 and words in err and "Traceback" not in err and err.count("\n") == 1


def test_no_database_in_the_data_folder_is_refused(cli):
    code, _, err = cli("web")
    assert code == 2 and "no kiosk database at" in err


def test_a_certificate_that_is_not_one_is_refused(cli, store, tmp_path):
    (tmp_path / "bad.pem").write_text("not a certificate\n")
    code, _, err = cli("web", "--certfile", str(tmp_path / "bad.pem"), "--keyfile", str(tmp_path / "bad.pem"))
    assert code == 2 and "cannot load the TLS certificate or key" in err


class Served:
    """`python main.py web` as a child process; the port it chose comes from its log line."""

    def __init__(self, data_dir: Path, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "main.py", "--data-dir", str(data_dir), "web", "--port", "0", *args],
            cwd=REPO, stderr=subprocess.PIPE, text=True)
        self.log = ""
        deadline = time.monotonic() + 30
        while (found := re.search(r"staff web view on (https?)://127\.0\.0\.1:(\d+)", self.log)) is None:
            line = self.process.stderr.readline()
            assert line and time.monotonic() < deadline, f"did not start: {self.log}"
            self.log += line
        self.scheme, self.port = found.group(1), int(found.group(2))

    def connect(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # our own self-signed certificate
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=10, context=context)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(15)
        self.log += self.process.stderr.read()
        return code


def test_the_command_serves_until_sigterm(store, cfg):
    served = Served(cfg.data_dir)
    try:
        conn = served.connect()
        conn.request("GET", "/healthz")
        reply = conn.getresponse()
        assert (reply.status, reply.read()) == (200, b"ok")
    finally:
        assert served.stop() == 0
    assert "GET /healthz" in served.log  # the access log, which carries no cookie or form


def test_with_a_certificate_it_serves_https_and_the_cookie_is_secure(store, cfg, tmp_path):
    cert, key = tmp_path / "web.crt", tmp_path / "web.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    served = Served(cfg.data_dir, "--certfile", str(cert), "--keyfile", str(key))
    try:
        assert served.scheme == "https"
        conn = served.connect()
        conn.request("GET", "/login")
        form = conn.getresponse()
        page = form.read().decode()
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        assert "Secure" in form.getheader("set-cookie")  # the sign-in form's token too
        conn.request("POST", "/login", urlencode({"staff_id": "prof", "pin": PINS["prof"], "csrf": token}),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Cookie": form.getheader("set-cookie").split(";", 1)[0]})
        reply = conn.getresponse()
        reply.read()
        assert reply.status == 303 and "Secure" in reply.getheader("set-cookie")
    finally:
        assert served.stop() == 0
    assert PINS["prof"] not in served.log
