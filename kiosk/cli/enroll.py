"""`enroll` and `identify`: photos in, embeddings or identities out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from kiosk.cli.admin import with_store
from kiosk.cli.progress import Progress
from kiosk.config import Config
from kiosk.errors import ImageError, KioskError, UsageError
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
    enroll.set_defaults(handler=enroll_command)

    identify = commands.add_parser("identify", help="print who is in each photo, one JSON line per face")
    identify.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    identify.set_defaults(handler=identify_command)


def enroll_command(args, cfg: Config) -> int:
    if args.from_dir:
        if args.images or args.person_id or args.name:
            raise UsageError("enroll: use either --from-dir DIR or --id ID --name NAME IMAGE...")
        return _enroll_folder(args.from_dir, args.role, args.replace, cfg)
    if not (args.person_id and args.name and args.images):
        raise UsageError("enroll: needs --id ID --name NAME and at least one IMAGE (or --from-dir DIR)")
    pipeline = _pipeline(cfg)
    vectors = _embed_all(pipeline, args.images, f"enrolling {args.person_id}")
    _store_person(cfg, Person(args.person_id, args.name, args.role), vectors, args.images, args.replace)
    if args.consent_by or args.guardian:
        consent = Consent(args.consent_by or "guardian", args.guardian)
        with_store(cfg, lambda s: record_consent(s, args.person_id, consent))
    print(f"enrolled {args.person_id} ({args.name}) from {len(args.images)} photo(s)")
    return 0


def _enroll_folder(folder: Path, role: str, replace: bool, cfg: Config) -> int:
    if not folder.is_dir():
        raise UsageError(f"enroll: --from-dir {folder} is not a folder")
    people = sorted(p for p in folder.iterdir() if p.is_dir())
    if not people:
        raise UsageError(f"enroll: {folder} has no sub-folders (one per person)")
    pipeline = _pipeline(cfg)
    enrolled_ids = {p.id for p in with_store(cfg, lambda s: s.people())}
    rejected = 0
    for person_dir in people:
        if person_dir.name in enrolled_ids and not replace:
            print(f"{person_dir.name}: already enrolled, skipped (use --replace to re-enrol)")
            continue
        images = sorted(p for p in person_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        accepted, vectors = [], []
        for image, vector in _embed_each(pipeline, images, f"enrolling {person_dir.name}"):
            if isinstance(vector, KioskError):
                rejected += 1
                print(f"rejected {vector}", file=sys.stderr)
            else:
                accepted.append(image)
                vectors.append(vector)
        if not vectors:
            print(f"{person_dir.name}: no usable photo, not enrolled", file=sys.stderr)
            continue
        person = Person(person_dir.name, person_dir.name, role)
        _store_person(cfg, person, np.stack(vectors), accepted, replace)
        print(f"enrolled {person.id} from {len(accepted)} photo(s)")
    return 1 if rejected else 0


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
