"""The enrolled gallery as the store holds it: every stored embedding for the
kiosk's model and the look-alike flags (who it names is kiosk/vision/naming.py's rule).

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


def build_gallery(store: SqliteStore, cfg: VisionSection) -> Gallery:
    enrolled = store.enrolled_vectors(model_key(cfg))
    return Gallery(enrolled.person_ids, enrolled.names, enrolled.vectors, flagged=flagged_people(store, model_key(cfg)))
