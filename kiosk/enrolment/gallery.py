"""The enrolled gallery as the store holds it: every stored embedding for the
kiosk's model, the look-alike flags, and the calibrated decision settings.

Built here, above both the store and the vision library, so that neither
imports the other. Recognition, enrolment's duplicate check and `identify`
all match against this one gallery.
"""

from __future__ import annotations

from kiosk.config import VisionSection
from kiosk.store.lookalikes import flagged_people
from kiosk.store.sqlite_store import SqliteStore
from kiosk.vision.base import model_key
from kiosk.vision.gallery import Gallery
from kiosk.vision.matching import decision_settings


def build_gallery(store: SqliteStore, cfg: VisionSection) -> Gallery:
    enrolled = store.enrolled_vectors(model_key(cfg))
    threshold, margin = decision_settings(cfg, people=len(set(enrolled.person_ids)))
    return Gallery(enrolled.person_ids, enrolled.names, enrolled.vectors, threshold=threshold, margin=margin,
                   flagged=flagged_people(store, model_key(cfg)))
