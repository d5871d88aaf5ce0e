"""`enroll` and `identify`: photos in, embeddings or identities out."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from kiosk.cli.admin import with_store
from kiosk.cli.progress import Progress
from kiosk.config import Config
from kiosk.errors import ImageError, KioskError, StoreError, UsageError
from kiosk.store.privacy import Consent, record_consent
from kiosk.store.sqlite_store import Person

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


def register(commands) -> None:
    enroll = commands.add_parser("enroll", help="enrol people from photos")
    enroll.add_argument("images", nargs="*", type=Path, metavar="IMAGE")
    enroll.add_argument("--id", dest="person_id")
    enroll.add_argument("--name")
    enroll.add_argument("--role", choices=["student", "instructor", "admin"], default="student")
    enroll.add_argument("--from-dir", type=Path, help="one sub-folder of photos per person; folder name = id and name")
    enroll.add_argument("--replace", action="store_true", help="re-enrol a person who is already enrolled")
    enroll.add_argument("--consent-by", default="", metavar="WHO",
                        help='who consented to enrolment: "self", or the adult who did')
    enroll.add_argument("--guardian", default="", metavar="NAME", help="for a minor: the consenting parent or guardian")
    enroll.add_argument("--allow-duplicate", action="store_true",
                        help="enrol even if the face matches someone enrolled under another id (audited)")
    enroll.add_argument("--report", type=Path, metavar="CSV",
                        help="with --from-dir: write file, person, accepted/rejected/skipped, reason per photo")
    enroll.set_defaults(handler=enroll_command)

    pairs = commands.add_parser("lookalikes", help="list enrolled people flagged as look-alike pairs")
    pairs.set_defaults(handler=lookalikes_command)

    identify = commands.add_parser("identify", help="print who is in each photo, one JSON line per face")
    identify.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    identify.set_defaults(handler=identify_command)


def enroll_command(args, cfg: Config) -> int:
    if args.from_dir:
        if args.images or args.person_id or args.name:
            raise UsageError("enroll: use either --from-dir DIR or --id ID --name NAME IMAGE...")
        return _enroll_folder(args, cfg)
    if args.report:
        raise UsageError("enroll: --report goes with --from-dir")
    if not (args.person_id and args.name and args.images):
        raise UsageError("enroll: needs --id ID --name NAME and at least one IMAGE (or --from-dir DIR)")
    pipeline = _pipeline(cfg)
    vectors = _embed_all(pipeline, args.images, f"enrolling {args.person_id}")
    neighbours = _screen(cfg, args.person_id, vectors)
    refusal = _duplicate_refusal(neighbours, args.allow_duplicate)
    if refusal:
        raise StoreError(f"enroll: {args.person_id}: {refusal}")
    _store_person(cfg, Person(args.person_id, args.name, args.role), vectors, args.images, args.replace)
    _record_neighbours(cfg, args.person_id, neighbours)
    if args.consent_by or args.guardian:
        consent = Consent(args.consent_by or "guardian", args.guardian)
        with_store(cfg, lambda s: record_consent(s, args.person_id, consent))
    print(f"enrolled {args.person_id} ({args.name}) from {len(args.images)} photo(s)")
    return 0


def _enroll_folder(args, cfg: Config) -> int:
    folder, role, replace = args.from_dir, args.role, args.replace
    if not folder.is_dir():
        raise UsageError(f"enroll: --from-dir {folder} is not a folder")
    people = sorted(p for p in folder.iterdir() if p.is_dir())
    if not people:
        raise UsageError(f"enroll: {folder} has no sub-folders (one per person)")
    pipeline = _pipeline(cfg)
    enrolled_ids = {p.id for p in with_store(cfg, lambda s: s.people())}
    rejected, report = 0, []  # report rows: (file, person, outcome, reason)
    for person_dir in people:
        pid = person_dir.name
        images = sorted(p for p in person_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if pid in enrolled_ids and not replace:
            print(f"{pid}: already enrolled, skipped (use --replace to re-enrol)")
            report += [(str(i), pid, "skipped", "already enrolled") for i in images]
            continue
        accepted, vectors = [], []
        for image, vector in _embed_each(pipeline, images, f"enrolling {pid}"):
            if isinstance(vector, KioskError):
                rejected += 1
                print(f"rejected {vector}", file=sys.stderr)
                report.append((str(image), pid, "rejected", str(vector).removeprefix(f"{image}: ")))
            else:
                accepted.append(image)
                vectors.append(vector)
        if not vectors:
            print(f"{pid}: no usable photo, not enrolled", file=sys.stderr)
            continue
        neighbours = _screen(cfg, pid, np.stack(vectors))
        refusal = _duplicate_refusal(neighbours, args.allow_duplicate)
        if refusal:
            rejected += len(accepted)
            print(f"rejected {pid}: {refusal}", file=sys.stderr)
            report += [(str(i), pid, "rejected", refusal) for i in accepted]
            continue
        _store_person(cfg, Person(pid, pid, role), np.stack(vectors), accepted, replace)
        _record_neighbours(cfg, pid, neighbours)
        report += [(str(i), pid, "accepted", "") for i in accepted]
        print(f"enrolled {pid} from {len(accepted)} photo(s)")
    if args.report:
        _write_report(args.report, report)
    return 1 if rejected else 0


def _write_report(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    import csv

    try:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(("file", "person", "outcome", "reason"))
            writer.writerows(sorted(rows))
    except OSError as err:
        raise UsageError(f"enroll: cannot write report {path}: {err.strerror}") from None


def _screen(cfg: Config, person_id: str, vectors: np.ndarray) -> list:
    """Enrolled people (other ids) whose faces are close to the new photos."""
    from kiosk.vision.base import model_key
    from kiosk.vision.lookalike import close_people
    from kiosk.vision.matching import build_gallery

    gallery = with_store(cfg, lambda s: build_gallery(s, cfg.vision))
    return close_people(gallery, vectors, person_id, model_key(cfg.vision))


def _duplicate_refusal(neighbours: list, allow: bool) -> str:
    """Why enrolment is refused ('' when it is not): the face is already enrolled."""
    same = [n for n in neighbours if n.duplicate]
    if not same or allow:
        return ""
    who = same[0]
    return (f"the same face is already enrolled as {who.person_id} ({who.name}, score {who.score:.2f}); "
            "use --allow-duplicate if this is really a different person")


def _record_neighbours(cfg: Config, person_id: str, neighbours: list) -> None:
    """Flag every close pair; an allowed duplicate also leaves an audit row."""
    if not neighbours:
        return
    from kiosk.store.audit import AuditEntry, write_audit
    from kiosk.store.lookalikes import add_lookalike
    from kiosk.vision.base import model_key

    model = model_key(cfg.vision)

    def write(store) -> None:
        with store.transaction() as conn:
            for n in neighbours:
                add_lookalike(conn, person_id, n.person_id, model, n.score)
                if n.duplicate:
                    write_audit(conn, AuditEntry(datetime.now(UTC), cfg.kiosk.id, "cli",
                                                 "enroll_duplicate", target_id=person_id,
                                                 detail=f"matches {n.person_id} score {n.score:.3f}"))

    with_store(cfg, write)
    for n in neighbours:
        kind = "duplicate allowed" if n.duplicate else "look-alike flagged"
        print(f"{kind}: {person_id} ~ {n.person_id} ({n.name}), score {n.score:.2f}")


def lookalikes_command(args, cfg: Config) -> int:
    from kiosk.store.lookalikes import lookalike_pairs

    pairs = with_store(cfg, lookalike_pairs)
    for pair in pairs:
        print(f"{pair.person_a}\t{pair.person_b}\t{pair.score:.3f}\t{pair.model}\t{pair.found_at}")
    if not pairs:
        print("no look-alike pairs")
    return 0


def _embed_all(pipeline, images: list[Path], label: str) -> np.ndarray:
    vectors = []
    for image, vector in _embed_each(pipeline, images, label):
        if isinstance(vector, KioskError):
            raise vector  # one bad photo: nothing is stored, and the message names it
        vectors.append(vector)
    return np.stack(vectors)


def _embed_each(pipeline, images: list[Path], label: str):
    from kiosk.vision.images import load_image

    progress = Progress(len(images), label)
    for image in images:
        try:
            face, vector = pipeline.enrolment_face(load_image(image), str(image))
            yield image, vector
        except ImageError as err:
            yield image, err
        finally:
            progress.step()
    progress.done()


def _store_person(cfg: Config, person: Person, vectors: np.ndarray, images: list[Path], replace: bool) -> None:
    from kiosk.vision.base import model_key

    sources = [p.name for p in images]  # file names only: no photos are kept
    from kiosk.sync import admin as central

    model = model_key(cfg.vision)
    central.central_or_local(  # with mongo.uri: written centrally, then pulled here
        cfg, lambda c: central.enroll_person(c, person, model, vectors, sources, replace),
        lambda s: s.add_person(person, model, vectors, sources, replace))


def identify_command(args, cfg: Config) -> int:
    from kiosk.vision.images import load_image
    from kiosk.vision.matching import build_gallery

    pipeline = _pipeline(cfg)
    gallery = with_store(cfg, lambda s: build_gallery(s, cfg.vision))
    failed = 0
    for path in args.images:
        try:
            image = load_image(path)
        except ImageError as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
            continue
        faces = pipeline.detect(image)
        matches = gallery.match(pipeline.embed(image, faces)) if faces else []
        for face, match in zip(faces, matches):
            print(json.dumps({
                "image": str(path), "box": face.xywh(), "person_id": match.person_id,
                "name": match.name, "score": round(float(match.score), 4),
            }))
    return 1 if failed else 0


def _pipeline(cfg: Config):
    from kiosk.vision.pipeline import FacePipeline

    return FacePipeline(cfg.vision, cfg.data_dir / "models")
