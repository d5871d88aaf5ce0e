"""Enrolment with a central database: the shared service writes centrally, then pulls;
--extend appends to the central person and skips a face already stored there."""

from __future__ import annotations

import numpy as np
from sync_support import open_store, vectors

from kiosk.enrolment.service import Enrolment, enrol
from kiosk.model import Consent
from kiosk.store.sqlite_store import Person
from kiosk.sync.central import Central


def test_new_then_extend_centrally(kiosk_cfg, central_server):
    Central.open(kiosk_cfg.mongo).init_schema()
    store = open_store(kiosk_cfg)
    first = vectors(1)
    first[1] = (first[0] + 0.5 * first[1]) / np.linalg.norm(first[0] + 0.5 * first[1])  # two photos of one face
    enrol(kiosk_cfg, store, Enrolment(Person("lin", "Lin", "student"), first, ("a", "b"), consent=Consent("self")))
    # Another photo of the same face (cosine 0.8 to the first), and one already stored.
    other = vectors(2, n=1)[0]
    other -= (other @ first[0]) * first[0]
    other /= np.linalg.norm(other)
    new_photo = (0.8 * first[0] + 0.6 * other)[None].astype(np.float32)
    more = np.concatenate([new_photo, first[:1]])
    result = enrol(kiosk_cfg, store, Enrolment(Person("lin", "", "student"), more, ("c", "a again"), "extend"))
    assert (result.stored, result.skipped) == (1, 1)
    doc = central_server.db().people.find_one({"_id": "lin"})
    assert [e["source"] for e in doc["embeddings"]] == ["a", "b", "c"] and doc["name"] == "Lin"
    assert store.embedding_counts(kiosk_cfg.vision.embedder) == {"lin": 3}  # pulled into this kiosk at once
    assert store.query("SELECT consent_by FROM people WHERE id = 'lin'")[0][0] == "self"
    store.close()
