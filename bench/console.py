"""The console at a school's size: admin pages with 2,000 people and 100 classes, and
enrolment by photo upload.

    python bench/console.py [--runs 30] [--uploads 12] [--out bench/out/console.json]

The school (bench/web_school.py) has 2,000 students, 1,900 of them enrolled (one random
vector each, of the real model's size, so the duplicate screen compares against a full
gallery), 100 classes of 30 in 8 rooms with a day of attendance, and 5,000 audit rows.
The app is the real one under uvicorn on 127.0.0.1, read over HTTP as an admin.

- Pages: the median and p95 round trip of each admin page after 3 warm-ups.
- Uploads: `POST /people` (multipart, as the browser sends it) of new students from
  identify_calib/lfw, one photo each and then two photos each; the time per photo is
  the request's time over its photos. The first upload also loads the face models
  (the console loads them on first use), so it is reported apart as the cold start.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from _common import OUT, SHARED
from _http import csrf_of, get, p95, post_files, sign_in
from web_school import ADMIN_PIN, TZ, build

from kiosk.clock import FixedClock
from kiosk.store.audit import AuditEntry
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import model_key
from kiosk.web.app import create_app
from kiosk.web.server import BackgroundServer
from kiosk.web.source import open_source

DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 13, 0, tzinfo=TZ)
PAGES = ("/people", "/people?filter=awaiting", "/people?filter=cautioned", "/people?page=20", "/people?q=chen",
         "/api/people", "/people/s0042", "/classes", "/class/{code}", "/timetable?room=R1", "/staff", "/audit", "/today")
LFW = SHARED / "identify_calib" / "lfw"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--uploads", type=int, default=12, help="new students per kind of upload")
    parser.add_argument("--out", type=Path, default=OUT / "console.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cfg = build(Path(folder), DAY, NOW, sessions=100, roster=30, rooms=8, pool=2000)
        code = _fill(cfg, enrolled=1900, audit_rows=5000)
        clock = FixedClock(NOW)
        server = BackgroundServer(cfg, create_app(cfg, clock, open_source(cfg, clock)))
        try:
            cookie = sign_in(server.port, "admin", ADMIN_PIN)
            pages = {path: measure_page(server.port, path.format(code=code), cookie, args.runs) for path in PAGES}
            uploads = measure_uploads(server.port, cookie, args.uploads)
        finally:
            server.stop()
    result = {"people": 2000, "classes": 100, "runs": args.runs, "pages": pages, "uploads": uploads,
              "worst_page_median_ms": max(p["median_ms"] for p in pages.values())}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    if uploads["enrolled"] == 0:
        print("FAILED: no upload was enrolled")
        return 1
    return 0


def _fill(cfg, enrolled: int, audit_rows: int) -> str:
    """Vectors for most students and a long audit log; returns one class's code."""
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        model, size = model_key(cfg.vision), _vector_size(cfg)
        rng = np.random.default_rng(3)
        for n in range(enrolled):
            vector = rng.standard_normal((1, size)).astype(np.float32)
            store.add_embeddings(f"s{n:04d}", model, vector / np.linalg.norm(vector), ["bench.jpg"])
        at = datetime.now(UTC)
        with store.atomic():
            for n in range(audit_rows):
                store.audit(AuditEntry(at, "door-1", "t0", "manual_mark", "", f"s{n % 2000:04d}", "none -> present"))
        return next(iter(store.classes()))
    finally:
        store.close()


def _vector_size(cfg) -> int:
    from kiosk.vision.pipeline import FacePipeline

    import cv2
    photo = cv2.imread(str(SHARED / "face_recognition" / "lin-manuel-miranda.png"))
    return int(FacePipeline(cfg.vision, cfg.data_dir / "models").enrolment_face(photo, "lin").vector.size)


def measure_page(port: int, path: str, cookie: str, runs: int) -> dict:
    for _ in range(3):
        get(port, path, cookie)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        get(port, path, cookie)
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(p95(times), 1)}


def measure_uploads(port: int, cookie: str, count: int) -> dict:
    people = sorted(d for d in LFW.iterdir() if len(list(d.glob("*.jpg"))) >= 2)
    singles, pairs = people[:count + 1], people[count + 1: 2 * count + 1]
    per_photo, cold, enrolled, refused = {1: [], 2: []}, None, 0, []
    for n, folder in enumerate(singles + pairs):
        photos = sorted(folder.glob("*.jpg"))[:1 if folder in singles else 2]
        token = csrf_of(get(port, "/new-person", cookie))
        fields = {"csrf": token, "person_id": f"new{n:03d}", "name": folder.name.replace("_", " "),
                  "role": "student", "consent_by": "self"}
        start = time.perf_counter()
        status, page = post_files(port, "/people", cookie, fields, [("photo", p.name, p.read_bytes()) for p in photos])
        seconds = time.perf_counter() - start
        if status != 303:
            refused.append(f"{folder.name}: {status}")
            continue
        enrolled += 1
        if cold is None:
            cold = round(seconds, 2)  # the face models load on this first upload
            continue
        per_photo[len(photos)].append(seconds / len(photos))
    return {"enrolled": enrolled, "refused": refused, "cold_first_upload_s": cold,
            "one_photo_s_median": round(statistics.median(per_photo[1]), 3) if per_photo[1] else None,
            "two_photos_s_per_photo_median": round(statistics.median(per_photo[2]), 3) if per_photo[2] else None,
            "max_s_per_photo": round(max(per_photo[1] + per_photo[2]), 3) if per_photo[1] + per_photo[2] else None}


if __name__ == "__main__":
    raise SystemExit(main())
