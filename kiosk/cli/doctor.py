"""`doctor`: one line per health check, non-zero exit when any fails."""

from __future__ import annotations

import logging
import shutil
import subprocess
from datetime import datetime
from typing import Callable

from kiosk.clock import clock_doubts, local_zone_name
from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.store.database import (
    DB_FILE, DOCTOR_HINT, RESTORE_ADVICE, folder_not_writable, not_writable_advice,
)
from kiosk.store.ledger_head import head_path
from kiosk.store.schema import SCHEMA_VERSION

MIN_FREE_MB = 200


class Advice(Exception):
    """Not a failure, but something to fix: printed as `warn`, and the exit code stays 0."""


class Info(Exception):
    """Nothing wrong, but not `ok` either: a step still to take (a fresh install has no database
    yet). Printed as `info`; the exit code stays 0."""


NEEDS_DATABASE = {"room", "gallery"}  # read the database: not checked again once its own check failed


def register(commands) -> None:
    doctor = commands.add_parser("doctor", help="check camera, models, database, disk, config and clock")
    doctor.add_argument("--camera", metavar="SRC", help="camera to check (default: config)")
    doctor.add_argument("--skip-camera", action="store_true", help="do not open the camera")
    doctor.set_defaults(handler=doctor_command)


def doctor_command(args, cfg: Config) -> int:
    checks: list[tuple[str, Callable[[], str]]] = [
        ("config", lambda: f"valid (kiosk {cfg.kiosk.id}, room {cfg.kiosk.room or '-'})"),
        ("clock", lambda: _clock(cfg)),
        ("disk", lambda: _disk(cfg)),
        ("database", lambda: _database(cfg)),
        ("room", lambda: _room(cfg)),
        ("models", lambda: _models(cfg)),
        ("gallery", lambda: _gallery(cfg)),
        ("liveness", lambda: _liveness(cfg)),
    ]
    if not args.skip_camera:
        checks.append(("camera", lambda: _camera(cfg, args.camera)))
    failed: set[str] = set()
    for name, check in checks:
        if name in NEEDS_DATABASE and "database" in failed:
            status, line = "skip", "not checked: the database check failed (above)"
        else:
            status, line = _outcome(check)
        print(f"{status:6}{name:9} {line}")
        if status == "FAIL":
            failed.add(name)
    return 1 if failed else 0


def _outcome(check: Callable[[], str]) -> tuple[str, str]:
    try:
        return "ok", check()
    except Info as info:
        return "info", str(info)
    except Advice as advice:
        return "warn", str(advice)
    except (KioskError, OSError) as err:
        return "FAIL", str(err).replace(DOCTOR_HINT, "")  # the store's last-resort advice is to run doctor


def _clock(cfg: Config) -> str:
    zone = local_zone_name(cfg.kiosk.timezone)
    now = datetime.now().astimezone()
    if now.year < 2024:
        raise KioskError(f"system clock reads {now:%Y-%m-%d}; set the time (NTP) before marking attendance")
    doubts = clock_doubts(now, _newest_write(cfg), ntp_synchronised())
    if doubts:
        raise Advice(f"{now:%Y-%m-%d %H:%M} ({zone}): " + "; ".join(doubts))
    return f"{now:%Y-%m-%d %H:%M} ({zone})"


def _newest_write(cfg: Config):
    from kiosk.store.activity import newest_write_at
    from kiosk.store.sqlite_store import SqliteStore

    try:
        store = SqliteStore.in_dir(cfg.data_dir, create=False)
    except KioskError:
        return None  # the database check says why
    try:
        return newest_write_at(store)
    except KioskError:
        return None
    finally:
        store.close()


def ntp_synchronised() -> bool | None:
    """systemd's view of NTP (None where timedatectl is missing or cannot tell)."""
    try:
        done = subprocess.run(["timedatectl", "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                              text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    answer = done.stdout.strip().lower()
    return {"yes": True, "no": False}.get(answer) if done.returncode == 0 else None


def _disk(cfg: Config) -> str:
    if not cfg.data_dir.is_dir():
        raise KioskError(f"no data folder {cfg.data_dir.resolve()}: check [store] data_dir or KIOSK_DATA_DIR, "
                         "and that the data partition is mounted")
    free_mb = shutil.disk_usage(cfg.data_dir).free // 2**20
    if free_mb < MIN_FREE_MB:
        raise KioskError(f"only {free_mb} MB free in {cfg.data_dir}; need {MIN_FREE_MB} MB")
    reason = folder_not_writable(cfg.data_dir)
    if reason:
        raise KioskError(f"{free_mb} MB free, but nothing can be saved: {not_writable_advice(cfg.data_dir, reason)}")
    return f"{free_mb} MB free in {cfg.data_dir}"


def _database_traces(cfg: Config) -> list[str]:
    """What a database leaves beside it (its ledger head, its WAL): a folder with these had one."""
    database = cfg.data_dir / DB_FILE
    return [path.name for path in (head_path(database), database.with_name(DB_FILE + "-wal")) if path.exists()]


def _no_database_yet(cfg: Config) -> bool:
    """A fresh install: the data folder is there and no database ever was. The kiosk creates it on
    first start."""
    return cfg.data_dir.is_dir() and not (cfg.data_dir / DB_FILE).exists() and not _database_traces(cfg)


def _database(cfg: Config) -> str:
    from kiosk.store.ledger_head import read_head
    from kiosk.store.people import enrolment_counts
    from kiosk.store.sqlite_store import SqliteStore

    if _no_database_yet(cfg):
        raise Info(f"not created yet in {cfg.data_dir.resolve()}; the kiosk creates it on first start "
                   "('main.py run'), as do enrolling and importing (if this kiosk ran before, check --data-dir)")
    if cfg.data_dir.is_dir() and not (cfg.data_dir / DB_FILE).exists():
        raise KioskError(f"no {DB_FILE} in {cfg.data_dir.resolve()}, but {' and '.join(_database_traces(cfg))} "
                         f"show a database was written here: it was deleted or moved; {RESTORE_ADVICE}")
    store = SqliteStore.in_dir(cfg.data_dir, create=False)
    try:
        verdict = store.integrity()
        if verdict != "ok":
            raise KioskError(f"database {store.path} is damaged ({verdict[:120]}); {RESTORE_ADVICE}")
        counts = enrolment_counts(store)
        waiting = f", {counts.awaiting} awaiting enrolment (on a roster, no face yet)" if counts.awaiting else ""
        opted_out = f", {counts.opted_out} opted out (check in with a code)" if counts.opted_out else ""
        line = (f"{store.path} schema v{store.schema_version}/{SCHEMA_VERSION}, {counts.enrolled} people enrolled"
                f"{waiting}{opted_out}")
        head = read_head(store.path)
        if head and head.gaps:
            raise Advice(f"{line}; {head.gaps[-1].describe()}; see 'main.py verify-log'")
        return line
    finally:
        store.close()


def _room(cfg: Config) -> str:
    """The room this kiosk serves: only that room's classes open and end here."""
    from kiosk.model import room_names, room_scope, rooms
    from kiosk.store.rosters import room_clashes, room_merges
    from kiosk.store.sqlite_store import SqliteStore

    if _no_database_yet(cfg):
        room = cfg.kiosk.room
        first = "add" if room else "set [kiosk] room (or KIOSK_ROOM) to this door's room, then add"
        raise Info(f"no classes yet: {first} the classes {f'in room {room}' if room else 'of this door'} "
                   f"('class add CODE --room {room or 'ROOM'}', or 'import oneroster')")
    store = SqliteStore.in_dir(cfg.data_dir, create=False)
    try:
        classes, merged, clashes = store.classes(), room_merges(store), room_clashes(store)
    finally:
        store.close()
    _room_clashes(merged, clashes)
    named = room_names(classes)
    served = room_scope(classes, cfg.kiosk.room)
    if not cfg.kiosk.room and len(rooms(classes)) > 1:
        raise Advice(f"kiosk.room is not set and the timetable has rooms {named}: this kiosk opens no class; "
                     "set [kiosk] room (or KIOSK_ROOM) to this door's room")
    if cfg.kiosk.room and classes and not served:
        raise Advice(f"no class is in room {cfg.kiosk.room!r} (rooms in the timetable: {named}); "
                     "check [kiosk] room, or give the classes this room with 'class add --room'")
    where = f"room {cfg.kiosk.room}" if cfg.kiosk.room else "no room set (one-room timetable)"
    merges = "; ".join(f"{room} was written {', '.join(map(repr, spellings))}" for room, spellings in merged.items())
    return f"{where}: serves {len(served)} of {len(classes)} class(es)" + (
        f" (one room each now: {merges})" if merges else "")


def _room_clashes(merged: dict[str, list[str]], clashes) -> None:
    """Two classes meeting at once in one room: one of them never opens (the later start wins)."""
    if not clashes:
        return
    room, a, b = clashes[0]
    spelled = f" (written {', '.join(map(repr, merged[room]))} before rooms took one form)" if room in merged else ""
    more = f"; {len(clashes) - 1} more clash(es)" if len(clashes) > 1 else ""
    raise Advice(f"{a.class_code} and {b.class_code} meet at overlapping times in room {room}{spelled}: only one "
                 f"can open; move one ('schedule remove {b.id}', then add it at another time or room){more}")


def _models(cfg: Config) -> str:
    from kiosk.vision.pipeline import FALLBACK_EMBEDDER, FacePipeline

    pipeline = FacePipeline(cfg.vision, cfg.data_dir / "models", FALLBACK_EMBEDDER)
    pipeline.warm_up()
    if pipeline.fallback_reason:  # the kiosk still recognises, on the fallback: a warning, not a failure
        raise Advice(f"{pipeline.fallback_reason} (until then the kiosk recognises with {pipeline.cfg.embedder})")
    embedder = pipeline.embedder
    weights = f"{embedder.weights_summary()}; " if embedder.weights_file else ""  # file and sha256
    others = pipeline.load_companions()
    also = f"; also installed: {', '.join(others)} (enrolment stores its vectors too)" if others else ""
    return (f"{cfg.vision.detector} + {cfg.vision.embedder} load offline ({weights}licence: {embedder.licence})"
            f"{also}")


def _gallery(cfg: Config) -> str:
    """Which face model the kiosk recognises with, and who lacks a vector for the configured one."""
    from kiosk.cli.common import read_store
    from kiosk.enrolment.gallery import load_problem, serving_embedders
    from kiosk.store.embeddings import model_coverage
    from kiosk.vision.base import model_key

    configured = model_key(cfg.vision)
    if _no_database_yet(cfg):
        raise Info(f"nobody enrolled yet; the kiosk will recognise with {configured}: enrol people with "
                   "'main.py enroll' (README, A school's first week)")
    coverage = read_store(cfg, model_coverage)
    vectors = ", ".join(f"{model} {people}" for model, people in sorted(coverage.by_model.items()))
    if coverage.people == 0:
        return f"nobody enrolled yet; the kiosk will recognise with {configured}"
    lacking = coverage.lacking(configured)
    if lacking == 0:
        return (f"{coverage.people} people enrolled, every one has a vector for {configured} "
                f"(people per model: {vectors})")
    serving = serving_embedders(cfg.vision, coverage)[0]
    missing_file = load_problem(cfg.vision, cfg.data_dir / "models")
    first = "install it first (./setup.sh, or main.py models import FILE), then add" if missing_file else "add"
    unmatched = coverage.lacking(serving)
    where = (f"the kiosk recognises everyone with {serving} until they do" if not unmatched else
             f"no model has everyone's vector: {unmatched} cannot be recognised by {serving}, the kiosk's model")
    raise Advice(f"{lacking} of {coverage.people} enrolled people have no {configured} vector; {where}; {first} "
                 "them from the original photos: main.py enroll --from-dir PHOTOS --add-missing-models (or "
                 f"--from-csv people.csv --add-missing-models) (people per model: {vectors})")


def _liveness(cfg: Config) -> str:
    from kiosk.liveness.models import layer_status

    judge_log = logging.getLogger("kiosk.liveness.judge")
    level, judge_log.level = judge_log.level, logging.ERROR  # the line below says it; no second copy in the log
    try:
        complete, line = layer_status(cfg)
    finally:
        judge_log.setLevel(level)
    if not complete:
        raise Advice(line)
    return line


def _camera(cfg: Config, source: str | None) -> str:
    from kiosk.camera import CAMERAS

    camera = CAMERAS.get("opencv")(cfg.camera, source=source)
    camera.open()
    try:
        image = camera.read()
        if image is None:
            raise KioskError(f"{camera.description} opened but gave no frame")
        return f"{camera.description}: {image.shape[1]}x{image.shape[0]}"
    finally:
        camera.close()
