"""Cautions on enrolled photos (a weaker reference: dark, turned, cut by the edge) and look-alike
flags: what the console's "cautioned" filter and a person's page read."""

import numpy as np

from kiosk.store.lookalikes import add_lookalike
from kiosk.store.people import note_photo_cautions, people_overview, person_details, set_face_opt_out
from kiosk.store.privacy import erase_person
from kiosk.store.sqlite_store import Person, SqliteStore

DARK = "the face is dark (mean 36, 0% clipped); an evenly lit photo would match more reliably"


def _school(data_dir) -> SqliteStore:
    store = SqliteStore.in_dir(data_dir)
    rows = np.eye(4, dtype=np.float32)
    for pid in ("ann", "bea", "cy"):
        # Two models, as every enrolment stores: a caution counts once per photo, not per model.
        store.add_person(Person(pid, pid.title(), "student"), "edgeface-s", rows[:2], ["a.jpg", "b.jpg"],
                         others={"sface": rows[2:]})
    return store


def _by_id(store):
    return {p.id: p for p in people_overview(store)}


def test_a_cautioned_photo_is_counted_once_and_shown_beside_the_photo(data_dir):
    store = _school(data_dir)
    try:
        with store.atomic():
            note_photo_cautions(store, "ann", {"a.jpg": DARK, "b.jpg": ""}, fresh=True)
        people = _by_id(store)
        assert people["ann"].cautions == 1 and people["ann"].cautioned
        assert not people["bea"].cautioned and not people["cy"].cautioned
        photos = person_details(store, "ann").photos
        assert {ph.source: ph.caution for ph in photos} == {"a.jpg": DARK, "b.jpg": ""}
    finally:
        store.close()


def test_a_look_alike_is_cautioned_and_named_on_both_pages(data_dir):
    store = _school(data_dir)
    try:
        with store.atomic():
            add_lookalike(store, "bea", "cy", "edgeface-s", 0.41)
        people = _by_id(store)
        assert people["bea"].cautioned and people["cy"].cautioned and not people["ann"].cautioned
        assert person_details(store, "bea").lookalikes == ("cy",)
        assert person_details(store, "cy").lookalikes == ("bea",)
    finally:
        store.close()


def test_a_new_enrolment_forgets_the_old_photos_cautions_and_an_added_photo_keeps_them(data_dir):
    store = _school(data_dir)
    try:
        with store.atomic():
            note_photo_cautions(store, "ann", {"a.jpg": DARK}, fresh=True)
            note_photo_cautions(store, "ann", {"c.jpg": DARK}, fresh=False)  # added later; not stored as a face
        assert _by_id(store)["ann"].cautions == 1  # only a caution whose photo is stored counts
        with store.atomic():
            note_photo_cautions(store, "ann", {}, fresh=True)  # re-enrolled from good photos
        assert not _by_id(store)["ann"].cautioned
    finally:
        store.close()


def test_cautions_go_with_the_face_when_opting_out_and_with_the_person_when_erased(data_dir):
    store = _school(data_dir)
    try:
        with store.atomic():
            note_photo_cautions(store, "ann", {"a.jpg": DARK}, fresh=True)
            note_photo_cautions(store, "bea", {"a.jpg": DARK}, fresh=True)
        set_face_opt_out(store, "ann", True)
        erase_person(store, "bea", "cli:admin", "door-7")
        assert store.query("SELECT person_id FROM photo_cautions") == []
    finally:
        store.close()
