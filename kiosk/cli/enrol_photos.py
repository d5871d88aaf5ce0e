"""Photos to an enrolment from the command line, shared by `enroll` (one person, or a
folder per person) and `enroll --from-csv` (photo day): each photo embedded with the
progress bar, every refusal one printed line, and the enrolment audited under the user.

Each photo is embedded by every installed face model (the configured one, or SFace while its
file is missing, and the other kiosk models), and all the vectors are stored: a later change of
model needs no new photos. `--add-missing-models` gives people already enrolled the vectors of
the models they lack, from the same photos (add_missing_models)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path


from kiosk.cli.common import cli_actor, with_store
from kiosk.cli.progress import Progress
from kiosk.config import Config
from kiosk.enrolment.photos import photo_request, stacked
from kiosk.enrolment.service import DuplicateFace, Enrolment, add_model_vectors, enrol
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
    report, accepted, faces = usable_photos(pipeline, images, pid, f"enrolling {pid}")
    cautions = {image: found.caution for image, found in zip(accepted, faces)}
    if not faces:
        print(f"{pid}: no usable photo, not enrolled", file=sys.stderr)
        return report
    cfg = replace(cfg, vision=pipeline.cfg)
    request = enrolment_request(cfg, person, faces, tuple(p.name for p in accepted), mode, consent, allow_duplicate)
    try:
        enrol_checked(cfg, request)
    except StoreError as err:
        reason = str(err).removeprefix(f"enroll: {pid}: ")
        print(f"rejected {pid}: {reason}", file=sys.stderr)
        return report + [(str(i), pid, "rejected", reason) for i in accepted]
    print(f"enrolled {pid} from {len(accepted)} photo(s)")
    return report + [(str(i), pid, "accepted", cautions[i]) for i in accepted]


def add_missing(cfg: Config, pipeline, person_id: str, images: list[Path]) -> list[tuple]:
    """`--add-missing-models` for one person: if enrolled and lacking a vector of an installed model,
    their photos are embedded by every installed model and the vectors of the models they lack are
    stored; nothing else changes. A person who lacks none is skipped without reading a photo, so a
    re-run adds nothing. Returns report rows (file, person, outcome, reason)."""
    from kiosk.store.embeddings import models_of

    have = with_store(cfg, lambda s: models_of(s, person_id))
    lacking = [m for m in pipeline.embedders if m not in have]
    reason = "not enrolled (enrol them without --add-missing-models)" if not have else \
        "" if lacking else f"has a vector for every installed model ({', '.join(pipeline.embedders)})"
    if reason:
        print(f"{person_id}: {reason}, skipped")
        return [(str(i), person_id, "skipped", reason) for i in images]
    report, accepted, faces = usable_photos(pipeline, images, person_id, f"adding {', '.join(lacking)} for {person_id}")
    if not faces:
        print(f"{person_id}: no usable photo, nothing added", file=sys.stderr)
        return report
    try:
        added = with_store(cfg, lambda s: add_model_vectors(cfg, s, person_id, stacked(faces),
                                                            tuple(p.name for p in accepted), cli_actor(), cfg.kiosk.id))
    except StoreError as err:
        print(f"rejected {person_id}: {err}", file=sys.stderr)
        return report + [(str(i), person_id, "rejected", str(err)) for i in accepted]
    said = ", ".join(f"{n} {m} vector(s)" for m, n in added.items())
    print(f"{person_id}: added {said}")
    return report + [(str(i), person_id, "accepted", f"added {said}") for i in accepted]


def usable_photos(pipeline, images: list[Path], person_id: str, label: str) -> tuple[list, list[Path], list]:
    """(report rows of the refused photos, each printed as one line; the accepted photos; their
    EnrolmentFace), every photo embedded under the progress bar `label`."""
    report, accepted, faces = [], [], []
    for image, found in embed_each(pipeline, images, label):
        if isinstance(found, KioskError):
            print(f"rejected {found}", file=sys.stderr)
            report.append((str(image), person_id, "rejected", str(found).removeprefix(f"{image}: ")))
        else:
            accepted.append(image)
            faces.append(found)
    return report, accepted, faces


def enrolled_ids(cfg: Config) -> set[str]:
    """Who an enrolment run skips without --replace: people with a face, and staff (not those awaiting enrolment)."""
    from kiosk.store.people import enrolled_ids as stored

    return with_store(cfg, stored)


def enrolment_request(cfg: Config, person: Person, faces: list, sources: tuple[str, ...], mode: str,
                      consent: Consent | None, allow_duplicate: bool) -> Enrolment:
    """An enrolment from the command line, audited like the kiosk's, under the user's name."""
    return photo_request(cfg, person, faces, sources, mode, consent, allow_duplicate, cli_actor(), cfg.kiosk.id)


def write_report(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    import csv

    try:
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(("file", "person", "outcome", "reason"))
            writer.writerows(sorted(rows))
    except OSError as err:
        raise UsageError(f"enroll: cannot write report {path}: {err.strerror}") from None


def embed_all(pipeline, images: list[Path], label: str) -> list:
    """Every photo's EnrolmentFace; one bad photo raises (nothing is stored, and the message names it)."""
    faces = []
    for image, found in embed_each(pipeline, images, label):
        if isinstance(found, KioskError):
            raise found
        faces.append(found)
    return faces


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


def face_pipeline(cfg: Config, companions: bool = True, announce_models: bool = False):
    """The configured face model (SFace while its file is missing or damaged, said in one line) and,
    for enrolment, every other installed kiosk model (`companions`); `announce_models` prints which
    are installed (before --add-missing-models)."""
    from kiosk.vision.pipeline import FALLBACK_EMBEDDER, FacePipeline

    pipeline = FacePipeline(cfg.vision, cfg.data_dir / "models", FALLBACK_EMBEDDER)
    if pipeline.fallback_reason:
        print(f"note: {pipeline.fallback_reason}; enrolling with {pipeline.model} (add the missing vectors later "
              "with --add-missing-models)", file=sys.stderr)
    if companions:
        pipeline.load_companions()
    if announce_models:
        print(f"face models installed: {', '.join(pipeline.embedders)}; adding the vectors people lack")
    return pipeline
