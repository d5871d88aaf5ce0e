"""Kiosk configuration: one TOML file, validated once, passed down explicitly.

Every section is a frozen dataclass. `load_config` rejects unknown keys and
bad values with the key path, the value and a one-line reason (ConfigError,
exit code 2). Environment overrides are applied after the file is read.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.errors import ConfigError
from kiosk.model import room_name

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "kiosk.toml"


def _range(lo: float, hi: float) -> Callable[[Any], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}"


def _choice(*options: str) -> Callable[[Any], str | None]:
    return lambda v: None if v in options else f"must be one of {', '.join(options)}"


def _timezone(v: str) -> str | None:
    if v == "":
        return None
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not an IANA timezone name such as Europe/London"
    return None


def _room(v: str) -> str | None:
    return "is empty after trimming spaces; leave it \"\" for no room" if v and not v.strip() else None


def _check(fn: Callable[[Any], str | None], normal: Callable[[Any], Any] | None = None,
           shown: Callable[[Any], str] = repr) -> dict:
    """`fn` says what is wrong with a value (None: nothing); `normal` is the one form it is kept in;
    `shown` is how an error message quotes it."""
    return {"check": fn, "normal": normal, "shown": shown}


def _not_blank(v: str) -> str | None:
    return None if v.strip() else "must not be empty"


def _folder(v: str) -> str | None:
    if not v.strip():
        return "must not be empty"
    try:
        Path(v).expanduser()
    except RuntimeError:  # "~nouser/x": no such user's home
        return "names the home folder of an unknown user; give the path in full"
    return None


URI_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^@/]*)@")  # scheme://user:password@


def mask_uri(uri: str) -> str:
    """mongodb://user:secret@host/db -> mongodb://user:***@host/db."""
    match = URI_USERINFO.match(uri)
    if not match:
        return uri
    user = match.group(2).split(":", 1)[0]
    masked = f"{user}:***" if ":" in match.group(2) else user
    return f"{match.group(1)}{masked}@{uri[match.end():]}"


def _mongo_uri(v: str) -> str | None:
    if v == "" or v.startswith(("mongodb://", "mongodb+srv://")):  # empty: a kiosk that does not sync
        return None
    return "must start with mongodb:// or mongodb+srv:// (or be empty: no central database)"


@dataclass(frozen=True)
class KioskSection:
    id: str = field(default="kiosk-1", metadata=_check(_not_blank))
    room: str = field(default="", metadata=_check(_room, room_name))  # kept as model.room_name writes it
    timezone: str = field(default="", metadata=_check(_timezone))


# The names kiosk/camera/base.py's CAMERAS registry knows (tests/camera checks they agree):
# the config is validated before any backend module is imported.
CAMERA_BACKENDS = ("opencv",)


@dataclass(frozen=True)
class CameraSection:
    backend: str = field(default="opencv", metadata=_check(_choice(*CAMERA_BACKENDS)))
    source: str = "0"
    width: int = field(default=1280, metadata=_check(_range(64, 7680)))
    height: int = field(default=720, metadata=_check(_range(48, 4320)))
    loop: bool = False
    realtime: bool = True
    retry_max_s: float = field(default=4.0, metadata=_check(_range(0.5, 300)))


# The names kiosk/vision/base.py's DETECTORS and EMBEDDERS registries know (tests/vision checks they
# agree): the config sits below vision, and an unknown name must stop the kiosk, not run it blind.
DETECTOR_NAMES = ("yunet", "yunet-fp32", "dlib")
EMBEDDER_NAMES = ("sface", "sface-fp32", "dlib", "deepface", "arcface-mbf", "edgeface-s")


@dataclass(frozen=True)
class VisionSection:
    detector: str = field(default="yunet", metadata=_check(_choice(*DETECTOR_NAMES)))
    # EdgeFace-S; SFace runs instead while its file is missing (vision/pipeline.py)
    embedder: str = field(default="edgeface-s", metadata=_check(_choice(*EMBEDDER_NAMES)))
    detect_width: int = field(default=640, metadata=_check(_range(160, 1920)))
    detect_score: float = field(default=0.7, metadata=_check(_range(0.05, 0.99)))
    min_face_px: int = field(default=44, metadata=_check(_range(16, 1000)))
    max_yaw_deg: float = field(default=35.0, metadata=_check(_range(5.0, 90.0)))
    threshold: float = field(default=0.0, metadata=_check(_range(-1.0, 1.0)))
    margin: float = field(default=0.0, metadata=_check(_range(0.0, 1.0)))
    confirm_frames: int = field(default=2, metadata=_check(_range(1, 30)))
    interval_s: float = field(default=0.0, metadata=_check(_range(0.0, 10.0)))
    threads: int = field(default=2, metadata=_check(_range(1, 64)))
    deepface_model: str = "SFace"
    deepface_detector: str = "yunet"
    model_path: str = ""


@dataclass(frozen=True)
class AttendanceSection:
    early_open_min: int = field(default=10, metadata=_check(_range(0, 240)))
    grace_min: int = field(default=5, metadata=_check(_range(0, 240)))
    repeat_notice_s: float = field(default=4.0, metadata=_check(_range(0.0, 600)))
    qr_cards: bool = True  # read check-in cards (QR codes) shown to the camera
    qr_every_s: float = field(default=0.5, metadata=_check(_range(0.1, 10.0)))


@dataclass(frozen=True)
class StoreSection:
    backend: str = field(default="sqlite", metadata=_check(_choice("sqlite")))
    data_dir: str = field(default="data", metadata=_check(_folder))
    # The database failing without a break this long stops the watchdog's pings: systemd restarts the kiosk.
    fault_restart_s: float = field(default=60.0, metadata=_check(_range(5.0, 3600)))


@dataclass(frozen=True)
class SchedulerSection:
    tick_s: float = field(default=1.0, metadata=_check(_range(0.1, 60)))


@dataclass(frozen=True)
class UiSection:
    fullscreen: bool = True
    width: int = field(default=1280, metadata=_check(_range(320, 7680)))
    height: int = field(default=720, metadata=_check(_range(240, 4320)))
    fps: int = field(default=30, metadata=_check(_range(5, 120)))
    confirm_s: float = field(default=2.5, metadata=_check(_range(0.5, 30)))
    recent_count: int = field(default=6, metadata=_check(_range(0, 30)))
    show_scores: bool = True


@dataclass(frozen=True)
class PinSection:
    """The instructor's PIN overlay (owned by the class-sessions work)."""

    max_tries: int = field(default=5, metadata=_check(_range(1, 20)))
    lockout_base_s: float = field(default=30.0, metadata=_check(_range(1.0, 3600)))
    idle_timeout_s: float = field(default=30.0, metadata=_check(_range(5.0, 600)))
    summary_s: float = field(default=20.0, metadata=_check(_range(1.0, 600)))


@dataclass(frozen=True)
class SoundSection:
    enabled: bool = True
    volume: float = field(default=0.6, metadata=_check(_range(0.0, 1.0)))


@dataclass(frozen=True)
class MongoSection:
    """Central MongoDB; empty uri = standalone kiosk (owned by the sync work)."""

    uri: str = field(default="", metadata=_check(_mongo_uri, shown=lambda v: repr(mask_uri(v))))
    database: str = "attendance"
    sync_interval_s: float = field(default=30.0, metadata=_check(_range(1.0, 3600)))
    backoff_max_s: float = field(default=300.0, metadata=_check(_range(1.0, 3600)))
    timeout_s: float = field(default=5.0, metadata=_check(_range(0.5, 120)))  # connect / server selection
    batch_size: int = field(default=500, metadata=_check(_range(1, 10000)))  # outbox rows per push
    username: str = ""  # or in the uri, or KIOSK_MONGO_USERNAME
    credentials_file: str = ""  # the password (or "user:password") on its first line; mode 0600
    auth_source: str = ""  # empty = the driver's default (the uri's, else admin)
    tls: bool = False  # also on when the uri says tls=true or tls_ca_file is set
    tls_ca_file: str = ""
    tls_cert_key_file: str = ""  # client certificate + key (PEM) for mutual TLS
    stale_after_s: float = field(default=120.0, metadata=_check(_range(5.0, 86400)))  # `fleet` flags older


KNOWN_CUES = ("minifasnet", "planar", "frozen", "blink", "screen", "print", "edges", "laplacian")


def parse_cue_weights(text: str) -> dict[str, float]:
    """"planar:1.5, blink" -> {"planar": 1.5, "blink": 1.0}; ValueError names the bad part."""
    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, weight = part.partition(":")
        name = name.strip()
        if name not in KNOWN_CUES:
            raise ValueError(f"unknown cue {name!r}; known: {', '.join(KNOWN_CUES)}")
        try:
            value = float(weight) if weight.strip() else 1.0
        except ValueError:
            raise ValueError(f"cue {name!r} has weight {weight.strip()!r}, not a number") from None
        if not 0.0 <= value <= 10.0:
            raise ValueError(f"cue {name!r} weight must be between 0 and 10")
        weights[name] = value
    return weights


def _cue_weights(v: str) -> str | None:
    try:
        parse_cue_weights(v)
    except ValueError as err:
        return str(err)
    return None


@dataclass(frozen=True)
class LivenessSection:
    """Anti-spoofing (owned by the liveness work); see docs/LIVENESS.md."""

    enabled: bool = True
    # "name:weight, ..." : the cues that run, and their weight in the fused log-odds.
    cues: str = field(default="minifasnet:2.0, planar:1.2, frozen:0.8, blink:0.7, screen:0.6, "
                              "print:0.5, edges:0.4, laplacian:0.1", metadata=_check(_cue_weights))
    accept: float = field(default=0.85, metadata=_check(_range(0.5, 0.99)))  # fused score: live
    reject: float = field(default=0.25, metadata=_check(_range(0.01, 0.5)))  # fused score: spoof
    min_frames: int = field(default=3, metadata=_check(_range(1, 60)))  # samples before any verdict
    passive_s: float = field(default=1.0, metadata=_check(_range(0.1, 10.0)))  # then ask for a challenge
    challenge: str = field(default="blink", metadata=_check(_choice("blink", "turn", "none")))
    decide_s: float = field(default=2.8, metadata=_check(_range(0.5, 30.0)))  # final verdict by then
    keep_snapshots: bool = False  # keep a face crop of each rejected attempt
    retention_days: int = field(default=30, metadata=_check(_range(1, 3650)))
    model_dir: str = ""  # MiniFASNet .onnx files; empty = the installation's models/antispoof, then <data_dir>'s

    def __post_init__(self) -> None:
        if self.enabled and _cue_weights(self.cues) is None and not self.cue_weights():
            raise ConfigError(f"config: liveness.cues = {self.cues!r}: no cue enabled; "
                              "name at least one, or set liveness.enabled = false explicitly")

    def cue_weights(self) -> dict[str, float]:
        """Enabled cue name -> weight (weight 0 disables a cue)."""
        return {name: w for name, w in parse_cue_weights(self.cues).items() if w > 0}


@dataclass(frozen=True)
class PrivacySection:
    retention_days: int = field(default=0, metadata=_check(_range(0, 36500)))  # 0 = keep
    require_consent: bool = False  # refuse an enrolment (CLI and kiosk) that records no consent
    keep_attempts: bool = True  # keep unnamed walk-ups for staff to confirm (door attempts); false: none
    attempt_retention_days: int = field(default=7, metadata=_check(_range(1, 365)))  # then they are purged


@dataclass(frozen=True)
class LoggingSection:
    level: str = field(default="INFO", metadata=_check(_choice("DEBUG", "INFO", "WARNING", "ERROR")))


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = KioskSection()
    camera: CameraSection = CameraSection()
    vision: VisionSection = VisionSection()
    attendance: AttendanceSection = AttendanceSection()
    store: StoreSection = StoreSection()
    scheduler: SchedulerSection = SchedulerSection()
    ui: UiSection = UiSection()
    pin: PinSection = PinSection()
    sound: SoundSection = SoundSection()
    mongo: MongoSection = MongoSection()
    liveness: LivenessSection = LivenessSection()
    privacy: PrivacySection = PrivacySection()
    logging: LoggingSection = LoggingSection()

    @property
    def data_dir(self) -> Path:
        return Path(self.store.data_dir).expanduser()

    def replace(self, section: str, **changes: Any) -> "Config":
        """A copy with some keys of one section changed (CLI flags use this)."""
        updated = _validated(dataclasses.replace(getattr(self, section), **changes), section)
        return dataclasses.replace(self, **{section: updated})


# Environment variable -> (section, key). Values are parsed like TOML scalars.
ENV_OVERRIDES = {
    "KIOSK_DATA_DIR": ("store", "data_dir"),
    "KIOSK_CAMERA": ("camera", "source"),
    "KIOSK_ID": ("kiosk", "id"),
    "KIOSK_ROOM": ("kiosk", "room"),
    "KIOSK_TIMEZONE": ("kiosk", "timezone"),
    "KIOSK_LOG_LEVEL": ("logging", "level"),
    "KIOSK_MONGO_URI": ("mongo", "uri"),
}


def load_config(path: Path | str | None = None, env: dict[str, str] | None = None) -> Config:
    """Read, override from the environment, and validate the config file."""
    path = Path(path) if path else DEFAULT_CONFIG
    env = os.environ if env is None else env
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except RecursionError:  # tables or arrays nested thousands deep
        raise ConfigError(f"{path}: malformed TOML: nested too deeply") from None
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read config file {path}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: malformed TOML: {err}") from None
    for var, (section, key) in ENV_OVERRIDES.items():
        if env.get(var):
            raw.setdefault(section, {})
            if isinstance(raw[section], dict):
                raw[section][key] = _coerce_env(env[var], section, key)
    try:
        return config_from_dict(raw)
    except RecursionError:  # a value nested thousands deep, shown in the message
        raise ConfigError(f"{path}: a value is nested too deeply") from None


def config_from_dict(raw: dict[str, Any]) -> Config:
    sections = {}
    for name, value in raw.items():
        if name not in SECTIONS:
            raise ConfigError(f"config: unknown section [{name}]; known: {', '.join(SECTIONS)}")
        if not isinstance(value, dict):
            raise ConfigError(f"config: {name} = {value!r}: must be a [{name}] table")
        sections[name] = _build_section(SECTIONS[name], name, value)
    return Config(**sections)


def _build_section(cls: type, name: str, values: dict[str, Any]):
    known = {f.name: f for f in fields(cls)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"config: {name}.{key} = {value!r}: unknown key; known: {', '.join(known)}"
            )
        _check_type(f"{name}.{key}", value, type(known[key].default))
    return _validated(cls(**values), name)


def _check_type(path: str, value: Any, expected: type) -> None:
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        raise ConfigError(f"config: {path} = {value!r}: must be {_TYPE_WORDS[expected]}")


def _validated(section: Any, name: str) -> Any:
    """The section checked key by key (ConfigError naming the first bad one), its values in
    their one normal form."""
    normal = {}
    for f in fields(section):
        check = f.metadata.get("check")
        value = getattr(section, f.name)
        reason = check(value) if check else None
        if reason:
            raise ConfigError(f"config: {name}.{f.name} = {f.metadata['shown'](value)}: {reason}")
        if f.metadata.get("normal"):
            normal[f.name] = f.metadata["normal"](value)
    return dataclasses.replace(section, **normal) if normal else section


def _coerce_env(text: str, section: str, key: str) -> Any:
    expected = type(next(f for f in fields(SECTIONS[section]) if f.name == key).default)
    if expected is str:
        return text
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text  # type check then reports it with the key path


_TYPE_WORDS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
# Section name -> its dataclass (field annotations are strings under __future__).
SECTIONS: dict[str, type] = {f.name: type(f.default) for f in fields(Config)}
