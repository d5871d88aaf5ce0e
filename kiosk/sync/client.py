"""Connecting to the central MongoDB: URI checks, credentials, TLS, masking.

The password may come from the URI, the environment (KIOSK_MONGO_PASSWORD,
KIOSK_MONGO_USERNAME) or a credentials file. It is handed to the driver
and nowhere else: every URI we show goes through `mask_uri`, and every
driver error we show goes through `scrub`, so it is never logged.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from kiosk.config import URI_USERINFO, MongoSection, mask_uri
from kiosk.errors import ConfigError, KioskError

log = logging.getLogger(__name__)
# The driver logs whole commands and replies at DEBUG: PIN hashes and embeddings
# would reach the log with --log-level DEBUG. Never below INFO.
logging.getLogger("pymongo.command").setLevel(logging.INFO)

ENV_USERNAME = "KIOSK_MONGO_USERNAME"
ENV_PASSWORD = "KIOSK_MONGO_PASSWORD"
_USERINFO_ANYWHERE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^@/\s]*)@")
APP_NAME = "attendance-kiosk"


class CentralUnavailable(KioskError):
    """The central database cannot be reached or refused us (one line, no secrets).

    `offline` is False when the server answered but refused (auth, a failed command).
    """

    def __init__(self, message: str, offline: bool = True):
        super().__init__(message)
        self.offline = offline


@dataclass(frozen=True)
class Credentials:
    username: str | None
    password: str | None

    def __repr__(self) -> str:  # never show the password, even in a debugger dump
        return f"Credentials(username={self.username!r}, password={'***' if self.password else None})"


def check_uri(uri: str) -> None:
    if not uri.startswith(("mongodb://", "mongodb+srv://")):
        raise ConfigError(f"config: mongo.uri = {mask_uri(uri)!r}: must start with mongodb:// or mongodb+srv://")


def read_credentials(cfg: MongoSection, env: dict[str, str] | None = None) -> Credentials:
    """Username and password from the environment or the credentials file (URI ones stay in the URI)."""
    env = os.environ if env is None else env
    username = env.get(ENV_USERNAME) or cfg.username or None
    password = env.get(ENV_PASSWORD) or None
    if password is None and cfg.credentials_file:
        file_user, password = _read_credentials_file(Path(cfg.credentials_file).expanduser())
        username = username or file_user
    return Credentials(username, password)


def _read_credentials_file(path: Path) -> tuple[str | None, str]:
    try:
        if path.stat().st_mode & 0o077:
            log.warning("credentials file %s is readable by others; chmod 600 it", path)
        first = path.read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "empty or not text"
        raise ConfigError(f"config: mongo.credentials_file = {str(path)!r}: cannot read it: {reason}") from None
    if ":" in first:  # "user:password"
        user, password = first.split(":", 1)
        return user or None, password
    return None, first


def client_options(cfg: MongoSection, creds: Credentials) -> dict:
    """Keyword arguments for pymongo.MongoClient (besides the URI)."""
    timeout_ms = int(cfg.timeout_s * 1000)
    options: dict = {
        "appname": APP_NAME,
        "tz_aware": True,
        "serverSelectionTimeoutMS": timeout_ms,
        "connectTimeoutMS": timeout_ms,
        "socketTimeoutMS": max(timeout_ms * 6, 30000),  # a big batch may take a while
        "retryWrites": True,
    }
    if creds.username:
        options["username"] = creds.username
    if creds.password:
        options["password"] = creds.password
    if cfg.auth_source:
        options["authSource"] = cfg.auth_source
    if cfg.tls or cfg.tls_ca_file or cfg.tls_cert_key_file:
        options["tls"] = True
    if cfg.tls_ca_file:
        options["tlsCAFile"] = str(Path(cfg.tls_ca_file).expanduser())
    if cfg.tls_cert_key_file:
        options["tlsCertificateKeyFile"] = str(Path(cfg.tls_cert_key_file).expanduser())
    return options


def uri_secrets(uri: str, creds: Credentials) -> list[str]:
    """Every form of the password that could turn up in an error message."""
    secrets = [creds.password] if creds.password else []
    match = URI_USERINFO.match(uri)
    if match and ":" in match.group(2):
        raw = match.group(2).split(":", 1)[1]
        secrets += [raw, unquote(raw)]
    return [s for s in secrets if s]


def scrub(text: str, secrets: list[str]) -> str:
    """One line of driver error text with any password replaced by ***."""
    line = " ".join(str(text).split())
    for secret in secrets:
        line = line.replace(secret, "***")
    line = _USERINFO_ANYWHERE.sub(
        lambda m: m.group(0) if ":" not in m.group(2) else f"{m.group(1)}{m.group(2).split(':')[0]}:***@", line)
    return line[:240]


@dataclass
class Connection:
    """A MongoClient with what is needed to talk about it safely."""

    client: object
    secrets: list[str]
    shown_uri: str  # password masked

    def reason(self, err: BaseException) -> str:
        return describe_error(err, self.secrets)

    def close(self) -> None:
        self.client.close()


def connect(cfg: MongoSection) -> Connection:
    """A client for cfg (lazy: nothing is sent until the first command)."""
    from pymongo import MongoClient
    from pymongo.errors import ConfigurationError, InvalidURI

    check_uri(cfg.uri)
    creds = read_credentials(cfg)
    secrets = uri_secrets(cfg.uri, creds)
    try:
        client = MongoClient(cfg.uri, **client_options(cfg, creds))
    except (ConfigurationError, InvalidURI, ValueError, TypeError) as err:
        raise ConfigError(f"config: mongo.uri = {mask_uri(cfg.uri)!r}: {scrub(err, secrets)}") from None
    return Connection(client, secrets, mask_uri(cfg.uri))


def describe_error(err: BaseException, secrets: list[str] = ()) -> str:
    """A one-line, password-free reason for a driver error."""
    from pymongo.errors import OperationFailure, ServerSelectionTimeoutError

    secrets = list(secrets)
    if isinstance(err, OperationFailure) and err.code == 18:
        return "authentication failed: check the username and password"
    if isinstance(err, OperationFailure) and err.code == 13:
        return f"not authorised: {scrub(err, secrets)}"
    if isinstance(err, ServerSelectionTimeoutError):
        text = str(err).split(", Timeout:")[0]
        if "authentication failed" in text.lower():
            return "authentication failed: check the username and password"
        return f"server unreachable: {scrub(text, secrets)}"
    return scrub(f"{type(err).__name__}: {err}", secrets)
