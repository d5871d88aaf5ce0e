"""The enrolled gallery as the store holds it: every stored embedding for one model and the
look-alike flags (who it names is kiosk/vision/naming.py's rule); and which model's gallery a
kiosk matches against.

Built here, above both the store and the vision library, so that neither
imports the other. Recognition, enrolment's duplicate check and `identify`
all match against this one gallery.

Which model: vectors of two models never mix, and a model names only the people who have a vector
for it. A school that enrolled with SFace and then installs EdgeFace-S has an EdgeFace gallery
that is empty, or partial after a few new enrolments, until the old students' vectors are added
from their photos (`enroll --from-dir DIR --add-missing-models`). Matching against it would leave
those students unrecognised without a word. So the kiosk recognises with the configured model only
when every enrolled person has a vector for it; else with a model they all have (SFace, which every
version stored), and says so on screen, in the log and in `doctor`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.config import VisionSection
from kiosk.errors import ModelError
from kiosk.store.embeddings import ModelCoverage
from kiosk.store.lookalikes import flagged_people
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import model_key, running_config
from kiosk.vision.gallery import Gallery

log = logging.getLogger(__name__)


def build_gallery(store: SqliteStore, cfg: VisionSection) -> Gallery:
    enrolled = store.enrolled_vectors(model_key(cfg))
    return Gallery(enrolled.person_ids, enrolled.names, enrolled.vectors, flagged=flagged_people(store, model_key(cfg)))


@dataclass(frozen=True)
class GalleryModel:
    """The model a kiosk matches with (`serving`), against the configured one."""

    configured: str  # model key of vision.embedder
    serving: str  # model key of what runs
    people: int  # people enrolled with a face
    lacking: int  # of them, without a vector for the configured model
    unmatched: int = 0  # of them, without a vector for the serving model (no model covers everyone)

    @property
    def substituted(self) -> bool:
        """Another model runs because the configured one's gallery is partial."""
        return self.serving != self.configured and self.lacking > 0

    def describe(self) -> str:
        """One line for the log and `doctor`; "" when the configured model serves everyone."""
        if self.unmatched:
            return (f"{self.unmatched} of {self.people} enrolled people have no {self.serving} vector and no face "
                    f"model covers everyone: they cannot be recognised until their vectors are added")
        if not self.substituted:
            return ""
        return (f"{self.lacking} of {self.people} enrolled people have no {self.configured} vector (enrolled "
                f"before it was installed): recognising everyone with {self.serving} until they do")


def candidate_embedders(vision: VisionSection) -> list[str]:
    """The embedders a kiosk may recognise with, in order of preference: the configured one, then
    the fallback that ships in a package, then the other kiosk models."""
    from kiosk.vision.pipeline import FALLBACK_EMBEDDER, KIOSK_EMBEDDERS

    return list(dict.fromkeys([vision.embedder, FALLBACK_EMBEDDER, *KIOSK_EMBEDDERS]))


def serving_embedders(vision: VisionSection, coverage: ModelCoverage) -> list[str]:
    """The candidates whose vectors every enrolled person has, in order; when none has, the one
    most of them have."""
    names = candidate_embedders(vision)
    key = {name: model_key(running_config(vision, name)) for name in names}
    covering = [name for name in names if coverage.covers(key[name])]
    return covering or [max(names, key=lambda name: coverage.by_model.get(key[name], 0))]


def choose_pipeline(vision: VisionSection, models_dir: Path, coverage: ModelCoverage):
    """(FacePipeline, GalleryModel): the pipeline of the first serving embedder that loads. When it is
    not the configured one, `fallback_reason` says why the configured one could not run, if it could
    not ("" when it was passed over only for its partial gallery). When no serving embedder loads (the
    only model everyone has is missing), the configured one or its fallback runs, and GalleryModel
    says how many people it cannot match."""
    from kiosk.vision.pipeline import FALLBACK_EMBEDDER, FacePipeline

    problems: dict[str, str] = {}
    for name in serving_embedders(vision, coverage):
        try:
            pipeline = FacePipeline(running_config(vision, name), models_dir)
        except ModelError as err:
            problems[name] = str(err)
            continue
        if name != vision.embedder:
            pipeline.fallback_reason = problems.get(vision.embedder) or load_problem(vision, models_dir)
        return pipeline, gallery_model(vision, pipeline.model, coverage)
    pipeline = FacePipeline(vision, models_dir, FALLBACK_EMBEDDER)
    return pipeline, gallery_model(vision, pipeline.model, coverage)


def gallery_model(vision: VisionSection, serving: str, coverage: ModelCoverage) -> GalleryModel:
    configured = model_key(vision)
    return GalleryModel(configured, serving, coverage.people, coverage.lacking(configured), coverage.lacking(serving))


def load_problem(vision: VisionSection, models_dir: Path) -> str:
    """Why the configured embedder's weights cannot be used ("" when they can), without loading them."""
    from kiosk.vision import weights

    if vision.embedder not in weights.OPTIONAL:
        return ""
    try:
        path = weights.find_optional(vision.embedder, models_dir, vision.model_path)
        pinned = weights.optional_pin(vision.embedder)
        if pinned is not None:
            from kiosk.vision.model_files import check

            check(path, pinned)
    except ModelError as err:
        return str(err)
    return ""
