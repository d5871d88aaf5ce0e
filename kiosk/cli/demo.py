"""`demo`: the kiosk on the shared Hamilton clip, from nothing, at any time of day.

It uses a folder of its own (default data/demo/, marked as a demo folder and reset
each run), never the kiosk's real database. It enrols the demo people from their
photos, adds a class in this kiosk's room meeting from just now for an hour, says
plainly how the live check will behave, and runs the kiosk in a window on the clip.
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.clock import local_zone_name
from kiosk.config import PROJECT_ROOT, Config
from kiosk.errors import UsageError

MARKER = ".kiosk-demo"  # a folder holding this may be reset by the demo; no other folder is touched
DEMO_PEOPLE = (("lin", "Lin-Manuel Miranda", "lin-manuel-miranda.png"),
               ("alex", "Alex Lacamoire", "alex-lacamoire.png"))
CLIP = "short_hamilton_clip.mp4"
CLASS = "DEMO"


def shared_photos() -> Path:
    shared = Path(os.environ.get("KIOSK_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))
    return shared / "face_recognition"


def register(commands) -> None:
    demo = commands.add_parser("demo", help="try the kiosk on the shared demo clip, with its own data folder")
    demo.add_argument("--demo-dir", type=Path, default=PROJECT_ROOT / "data" / "demo",
                      help="the demo's own data folder, reset each run (default: data/demo)")
    demo.add_argument("--photos", type=Path, default=None,
                      help=f"folder with {CLIP} and the demo photos (default: ../shared/data/face_recognition)")
    demo.add_argument("--exit-after", type=float, metavar="SECONDS", help="quit after this many seconds")
    demo.add_argument("--fullscreen", action="store_true", help="fullscreen instead of a window")
    demo.add_argument("--stats", type=Path, metavar="PATH", help="write the run's JSON summary here")
    demo.set_defaults(handler=demo_command)


def demo_command(args, cfg: Config) -> int:
    from kiosk.runtime import RunOptions, run_kiosk

    if args.exit_after is not None and args.exit_after <= 0:
        raise UsageError("demo: --exit-after must be a positive number of seconds")
    photos = args.photos or shared_photos()
    missing = [photos / f for f in (CLIP, *(p[2] for p in DEMO_PEOPLE)) if not (photos / f).is_file()]
    if missing:
        raise UsageError(f"demo: {missing[0]} not found; point --photos at the folder with {CLIP} and the photos")
    demo_cfg = _demo_config(cfg, _fresh_folder(args.demo_dir, cfg))
    _enrol_demo_people(demo_cfg, photos)
    start, end = _add_demo_class(demo_cfg)
    print(f"demo data in {args.demo_dir} (the kiosk's own database is not touched)")
    print(f"class {CLASS} in room {demo_cfg.kiosk.room or '-'} meets today {start:%H:%M}-{end:%H:%M}: "
          f"{', '.join(name for _, name, _ in DEMO_PEOPLE)} are on its list")
    print(liveness_state(demo_cfg))
    print("quit with Esc or the window's close button" if not args.fullscreen else "quit with Ctrl+Shift+Q")
    code = run_kiosk(demo_cfg, RunOptions(str(photos / CLIP), not args.fullscreen, True, args.exit_after, args.stats))
    _print_attendance(demo_cfg)
    return code


def _fresh_folder(folder: Path, cfg: Config) -> Path:
    """The demo folder, emptied of the last run's database; refuses any folder that is not one."""
    folder = folder.expanduser()
    if folder.resolve() == cfg.data_dir.resolve():
        raise UsageError(f"demo: --demo-dir {folder} is the kiosk's own data folder; choose another")
    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).is_file():
        raise UsageError(f"demo: {folder} holds files and is not a demo folder; choose an empty or new --demo-dir")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MARKER).write_text("made by `main.py demo`; reset on each run\n", encoding="utf-8")
        for old in folder.glob("kiosk.db*"):
            old.unlink()
    except OSError as err:
        raise UsageError(f"demo: cannot prepare {folder}: {err.strerror}; choose another --demo-dir") from None
    return folder


def _demo_config(cfg: Config, folder: Path) -> Config:
    """The kiosk's config on the demo folder, with the liveness model it has, if any."""
    demo = cfg.replace("store", data_dir=str(folder)).replace("mongo", uri="")  # never the central database
    model_dir = _liveness_model_dir(cfg)
    if model_dir is not None:
        demo = demo.replace("liveness", model_dir=str(model_dir))
    return demo


def _liveness_model_dir(cfg: Config) -> Path | None:
    """The kiosk's installed MiniFASNet files, else the shared copies if they hash as published."""
    from kiosk.liveness.minifasnet import MODELS, antispoof_dir
    from kiosk.vision.model_files import sha256_of

    shared = shared_photos().parent / "antispoof" / "silent-face" / "onnx"
    for folder in (antispoof_dir(cfg.liveness, cfg.data_dir / "models"), shared):
        if all((folder / m.file).is_file() and sha256_of(folder / m.file) == m.sha256 for m in MODELS):
            return folder
    return None


def liveness_state(cfg: Config) -> str:
    """What the live check will do in this demo, in plain words, before it runs."""
    from kiosk.liveness.models import layer_status

    complete, _ = layer_status(cfg)
    if not cfg.liveness.enabled:
        return "live check: OFF ([liveness] enabled = false): anyone in view is checked in, photos too"
    if complete:
        return (f"live check: the learned model is in place ({cfg.liveness.model_dir or 'installed'}): Lin is "
                "checked in within a second or two of being seen; a photo or a screen would be refused")
    return ("live check: LIMITED, the learned model is not installed: every face must blink when asked, and Lin, "
            "on stage, may not blink in time, so this demo may check no one in (his attempts are kept as failed "
            "live checks). Install the model first: see 'Liveness' in the README")


def _enrol_demo_people(cfg: Config, photos: Path) -> None:
    from dataclasses import replace

    from kiosk.cli.enrol_photos import face_pipeline
    from kiosk.enrolment.service import Enrolment, enrol
    from kiosk.model import Consent
    from kiosk.store.sqlite_store import Person, SqliteStore
    from kiosk.vision.images import load_image

    pipeline = face_pipeline(cfg)  # every installed model's vectors, as `enroll` stores them
    cfg = replace(cfg, vision=pipeline.cfg)
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        for pid, name, photo in DEMO_PEOPLE:
            found = pipeline.enrolment_face(load_image(photos / photo), photo)
            others = {m: v[None] for m, v in found.by_model.items() if m != pipeline.model}
            enrol(cfg, store, Enrolment(Person(pid, name, "student"), found.vector[None], (photo,),
                                        consent=Consent("demo photos"), actor="demo", kiosk_id=cfg.kiosk.id,
                                        others=others))
    finally:
        store.close()


def _add_demo_class(cfg: Config) -> tuple[time, time]:
    """A class in this kiosk's room from two minutes ago (inside the grace: present, not late) for an hour,
    kept within today so it works at any time of day."""
    from kiosk.model import Schedule
    from kiosk.store.sqlite_store import SqliteStore

    zone = local_zone_name(cfg.kiosk.timezone)
    now = datetime.now(ZoneInfo(zone)).replace(second=0, microsecond=0)
    start = max(now - timedelta(minutes=2), now.replace(hour=0, minute=0)).time()
    end = min(now + timedelta(hours=1), now.replace(hour=23, minute=59)).time()
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        store.add_class(CLASS, "Hamilton demo", [p[0] for p in DEMO_PEOPLE], room=cfg.kiosk.room)
        store.add_schedule(Schedule(CLASS, start, end, zone, on_date=now.date()))
    finally:
        store.close()
    return start, end


def _print_attendance(cfg: Config) -> None:
    from kiosk.cli.common import with_store
    from kiosk.reports.rows import stored_export_rows

    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    rows = with_store(cfg, lambda s: stored_export_rows(s, None, CLASS, tz))
    print("attendance: " + "; ".join(f"{r[1]} {r[4]}" + (f" at {r[5][11:16]}" if r[5] else "") for r in rows))
