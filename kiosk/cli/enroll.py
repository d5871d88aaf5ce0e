"""`enroll` and `identify`: photos in, embeddings or identities out."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from kiosk.cli.common import read_store, with_store
from kiosk.cli.enrol_photos import (
    add_missing, embed_all, enrol_checked, enrol_photos, enrolled_ids, enrolment_request, face_pipeline, write_report,
)
from kiosk.config import Config
from kiosk.enrolment.service import person_problem
from kiosk.errors import ImageError, StoreError, UsageError
from kiosk.model import Consent
from kiosk.store.sqlite_store import Person

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


def register(commands) -> None:
    enroll = commands.add_parser("enroll", help="enrol people from photos")
    enroll.add_argument("images", nargs="*", type=Path, metavar="IMAGE")
    enroll.add_argument("--id", dest="person_id")
    enroll.add_argument("--name")
    enroll.add_argument("--role", choices=["student", "instructor", "admin"], default=None,
                        help="default: student")
    enroll.add_argument("--from-dir", type=Path, help="one sub-folder of photos per person; folder name = id and name")
    enroll.add_argument("--from-csv", type=Path, metavar="CSV",
                        help="photo day: columns id, name, photo (path from the CSV's folder), consent [, guardian]; "
                             "one row per photo")
    again = enroll.add_mutually_exclusive_group()
    again.add_argument("--replace", action="store_true", help="re-enrol a person: their photos are replaced")
    again.add_argument("--extend", action="store_true",
                       help="add photos to an enrolled person (a photo already stored is skipped)")
    again.add_argument("--add-missing-models", action="store_true",
                       help="with --from-dir or --from-csv: give people already enrolled the vectors of installed face "
                            "models they lack, from these photos (after installing a new model); nothing else changes")
    enroll.add_argument("--consent-by", default="", metavar="WHO",
                        help='who consented to enrolment: "self", or the adult who did')
    enroll.add_argument("--guardian", default="", metavar="NAME", help="for a minor: the consenting parent or guardian")
    enroll.add_argument("--allow-duplicate", action="store_true",
                        help="enrol even if the face matches someone enrolled under another id (audited)")
    enroll.add_argument("--report", type=Path, metavar="CSV",
                        help="with --from-dir or --from-csv: write file, person, accepted/rejected/skipped "
                             "and reason per photo")
    enroll.set_defaults(handler=enroll_command)

    pairs = commands.add_parser("lookalikes", help="list enrolled people flagged as look-alike pairs")
    pairs.set_defaults(handler=lookalikes_command)

    identify = commands.add_parser("identify", help="print who is in each photo, one JSON line per face")
    identify.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    identify.set_defaults(handler=identify_command)


def enroll_command(args, cfg: Config) -> int:
    if args.from_dir or args.from_csv:
        if args.images or args.person_id or args.name or args.extend or (args.from_dir and args.from_csv):
            raise UsageError("enroll: use one of --from-dir DIR, --from-csv CSV, or --id ID --name NAME IMAGE...")
        if args.from_csv:
            from kiosk.cli.enroll_csv import enroll_from_csv

            return enroll_from_csv(args, cfg)
        return _enroll_folder(args, cfg)
    if args.report or args.add_missing_models:
        raise UsageError(f"enroll: {'--report' if args.report else '--add-missing-models'} goes with --from-dir or "
                         "--from-csv")
    mode = "extend" if args.extend else "replace" if args.replace else "new"
    person = _person(args, mode)
    if mode == "extend" and not cfg.mongo.uri and with_store(cfg, lambda s: s.person(person.id)) is None:
        raise StoreError(f"enroll: {person.id} is not enrolled; --extend adds photos to an enrolled person")
    pipeline = face_pipeline(cfg)
    faces = embed_all(pipeline, args.images, f"enrolling {person.id}")
    consent = given_consent(args)
    cfg = replace(cfg, vision=pipeline.cfg)
    request = enrolment_request(cfg, person, faces, tuple(p.name for p in args.images), mode, consent,
                                args.allow_duplicate)
    result = enrol_checked(cfg, request)
    if mode == "extend":
        print(f"extended {person.id}: {result.stored} photo(s) added, {result.skipped} already enrolled")
    else:
        print(f"enrolled {person.id} ({person.name}) from {len(args.images)} photo(s)")
    return 0


def _person(args, mode: str) -> Person:
    """The person the command line names, checked before any photo is read."""
    if mode == "extend" and (args.name or args.role):
        raise UsageError("enroll: --extend keeps the enrolled name and role; leave out --name and --role "
                         "(or use --replace)")
    if not (args.person_id and args.images and (args.name or mode == "extend")):
        raise UsageError("enroll: needs --id ID --name NAME and at least one IMAGE "
                         "(--id ID --extend IMAGE..., or --from-dir DIR)")
    person = Person(args.person_id, args.name or "", args.role or "student")
    problem = person_problem(person, mode)
    if problem:
        raise UsageError(f"enroll: {problem}")
    return person


def _enroll_folder(args, cfg: Config) -> int:
    folder = args.from_dir
    if not folder.is_dir():
        raise UsageError(f"enroll: --from-dir {folder} is not a folder")
    people = sorted(p for p in folder.iterdir() if p.is_dir())
    if not people:
        raise UsageError(f"enroll: {folder} has no sub-folders (one per person)")
    pipeline = face_pipeline(cfg, announce_models=args.add_missing_models)
    known = enrolled_ids(cfg)
    report = []  # rows: (file, person, outcome, reason)
    for person_dir in people:
        report += _enroll_person_folder(args, cfg, pipeline, person_dir, known)
    if args.report:
        write_report(args.report, report)
    return 1 if any(row[2] == "rejected" for row in report) else 0


def _enroll_person_folder(args, cfg: Config, pipeline, person_dir: Path, known: set[str]) -> list[tuple]:
    """Enrol one sub-folder (its name is the id and the name); returns its report rows."""
    pid, role, mode = person_dir.name, args.role or "student", "replace" if args.replace else "new"
    images = sorted(p for p in person_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    problem = person_problem(Person(pid, pid, role), mode)
    if problem:
        print(f"rejected {pid}: folder name: {problem}", file=sys.stderr)
        return [(str(i), pid, "rejected", f"folder name: {problem}") for i in images]
    if args.add_missing_models:
        return add_missing(cfg, pipeline, pid, images)
    if pid in known and mode == "new":
        print(f"{pid}: already enrolled, skipped (use --replace to re-enrol)")
        return [(str(i), pid, "skipped", "already enrolled") for i in images]
    return enrol_photos(cfg, pipeline, Person(pid, pid, role), images, mode, given_consent(args), args.allow_duplicate)


def given_consent(args) -> Consent | None:
    """--consent-by and --guardian, for one person or every person of --from-dir."""
    return Consent.typed(args.consent_by, args.guardian)


def lookalikes_command(args, cfg: Config) -> int:
    from kiosk.store.lookalikes import lookalike_pairs

    pairs = read_store(cfg, lookalike_pairs)
    for pair in pairs:
        print(f"{pair.person_a}\t{pair.person_b}\t{pair.score:.3f}\t{pair.model}\t{pair.found_at}")
    if not pairs:
        print("no look-alike pairs")
    return 0


def identify_command(args, cfg: Config) -> int:
    from kiosk.enrolment.gallery import build_gallery, choose_pipeline
    from kiosk.store.embeddings import model_coverage
    from kiosk.vision.images import load_image
    from kiosk.vision.naming import name_faces, naming_rule

    # The model the kiosk would recognise with: one every enrolled person has a vector for.
    pipeline, chosen = choose_pipeline(cfg.vision, cfg.data_dir / "models", read_store(cfg, model_coverage))
    if pipeline.fallback_reason or chosen.describe():
        print(f"note: {pipeline.fallback_reason or chosen.describe()}", file=sys.stderr)
    rule = naming_rule(pipeline.cfg)
    gallery = read_store(cfg, lambda s: build_gallery(s, pipeline.cfg))
    failed = 0
    for path in args.images:
        try:
            image = load_image(path)
        except ImageError as err:
            print(f"error: {err}", file=sys.stderr)
            failed += 1
            continue
        found = pipeline.photo_faces(image)  # a tight crop is detected padded, as at enrolment
        if not found.faces:  # said on stderr, as `liveness` says it: stdout stays one JSON line per face
            print(f"{path}: no face found", file=sys.stderr)
            continue
        matches = name_faces(rule, gallery, pipeline.embed(found.image, found.faces))
        for face, match in zip(found.faces, matches):
            print(json.dumps({
                "image": str(path), "box": found.in_original(face).xywh(), "person_id": match.person_id,
                "name": match.name, "score": round(float(match.score), 4),
            }))
    return 1 if failed else 0
