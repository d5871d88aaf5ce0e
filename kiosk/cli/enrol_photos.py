"""Photos to an enrolment from the command line, shared by `enroll` (one person, or a
folder per person) and `enroll --from-csv` (photo day): each photo embedded with the
progress bar, every refusal one printed line, and the enrolment audited under the user."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from kiosk.cli.common import cli_actor, with_store
from kiosk.cli.progress import Progress
from kiosk.config import Config
from kiosk.enrolment.service import DuplicateFace, Enrolment, enrol
from kiosk.errors import ImageError, KioskError, StoreError, UsageError
from kiosk.model import Consent
from kiosk.store.sqlite_store import Person

ALLOW_HINT = "use --allow-duplicate if this is really a different person"


def enrol_checked(cfg: Config, request: Enrolment):
    """The shared enrolment service, with a duplicate refusal worded for the command line."""
    try:
        result = with_store(cfg, lambda s: enrol(cfg, s, request))
    except DuplicateFace as err:
        raise StoreError(f"enroll: {request.person.id}: {err}; {ALLOW_HINT}") from None
    for n in result.neighbours:
        kind = "duplicate allowed" if n.duplicate else "look-alike flagged"
        print(f"{kind}: {request.person.id} ~ {n.person_id} ({n.name}), score {n.score:.2f}")
    return result


def enrol_photos(cfg: Config, pipeline, person: Person, images: list[Path], mode: str, consent: Consent | None,
                 allow_duplicate: bool) -> list[tuple]:
    """Enrol one person from the usable photos among `images`; returns report rows
    (file, person, outcome, reason), with every refusal printed as one line."""
    pid = person.id
    report, accepted, vectors, cautions = [], [], [], {}
    for image, found in embed_each(pipeline, images, f"enrolling {pid}"):
        if isinstance(found, KioskError):
            print(f"rejected {found}", file=sys.stderr)
            report.append((str(image), pid, "rejected", str(found).removeprefix(f"{image}: ")))
        else:
            accepted.append(image)
            vectors.append(found.vector)
            cautions[image] = found.caution
    if not vectors:
        print(f"{pid}: no usable photo, not enrolled", file=sys.stderr)
        return report
    request = enrolment_request(cfg, person, np.stack(vectors), tuple(p.name for p in accepted), mode, consent,
                                allow_duplicate)
    try:
        enrol_checked(cfg, request)
    except StoreError as err:
        reason = str(err).removeprefix(f"enroll: {pid}: ")
        print(f"rejected {pid}: {reason}", file=sys.stderr)
        return report + [(str(i), pid, "rejected", reason) for i in accepted]
    print(f"enrolled {pid} from {len(accepted)} photo(s)")
    return report + [(str(i), pid, "accepted", cautions[i]) for i in accepted]


def enrolled_ids(cfg: Config) -> set[str]:
    """Who an enrolment run skips without --replace: people with a face, and staff (not those awaiting enrolment)."""
    from kiosk.store.people import enrolled_ids as stored

    return with_store(cfg, stored)


def enrolment_request(cfg: Config, person: Person, vectors, sources: tuple[str, ...], mode: str,
                      consent: Consent | None, allow_duplicate: bool) -> Enrolment:
    """An enrolment from the command line: audited like the kiosk's, under the user's name."""
    return Enrolment(person, vectors, sources, mode, consent, allow_duplicate, cli_actor(), cfg.kiosk.id,
                     audited=True)


def write_report(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    import csv

    try:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(("file", "person", "outcome", "reason"))
            writer.writerows(sorted(rows))
    except OSError as err:
        raise UsageError(f"enroll: cannot write report {path}: {err.strerror}") from None


def embed_all(pipeline, images: list[Path], label: str) -> np.ndarray:
    vectors = []
    for image, found in embed_each(pipeline, images, label):
        if isinstance(found, KioskError):
            raise found  # one bad photo: nothing is stored, and the message names it
        vectors.append(found.vector)
    return np.stack(vectors)


def embed_each(pipeline, images: list[Path], label: str) -> list[tuple[Path, object]]:
    """(image, its EnrolmentFace or the ImageError that refused it) for each photo. All are
    embedded before anything is printed, so the progress bar ends its line before any message.
    A photo enrolled with a caution (a weaker reference: turned, dim, cut by the edge) says so."""
    from kiosk.vision.images import load_image

    progress, notes, results = Progress(len(images), label), [], []
    try:
        for image in images:
            try:
                found = pipeline.enrolment_face(load_image(image), str(image))
                notes.extend(f"{image}: {said}" for said in (found.note, found.caution) if said)
                results.append((image, found))
            except ImageError as err:
                results.append((image, err))
            progress.step()
    finally:
        progress.done()
    for note in notes:  # after the bar, which owns the line while it runs
        print(f"note: {note}")
    return results


def face_pipeline(cfg: Config):
    from kiosk.vision.pipeline import FacePipeline

    return FacePipeline(cfg.vision, cfg.data_dir / "models")
