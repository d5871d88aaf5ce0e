""""Was this Maya?": after the instructor marks a student by hand at the door, the PIN overlay offers
the session's door attempts that may have been them, with their picture; "Yes, it is" confirms one
through the one routine (kiosk/staff/attempts.py), on the real app loop, desk worker and SQLite file."""

from __future__ import annotations

import pygame

from kiosk.store import attempts as stored
from kiosk.store.references import person_vectors
from kiosk.store.sqlite_store import Person
from tests.attempts_support import add_attempt

from test_pin_overlay import SESSION, click, kiosk, overlay, sign_in_by_touch, step  # noqa: F401 (the fixture)
from ui_support import post_text


def _mark_maya_present(app):
    over = sign_in_by_touch(app)
    click(app, "Mark a student")
    step(app, lambda: not over.pending)
    post_text((pygame.K_m, pygame.K_a))
    step(app, frames=2)
    click(app, "Present")
    step(app, lambda: not over.pending)
    return over


def test_a_mark_by_hand_offers_the_door_attempt_and_yes_teaches_the_door(kiosk, faces):
    store = kiosk.store
    for pid, photo in (("maya", "obama"), ("lin", "lin"), ("tom", "biden")):
        store.add_person(Person(pid, pid.title(), "student"), "sface", faces[photo][None], ["p.jpg"], replace=True)
    other = add_attempt(store, SESSION, faces["alex"], candidates=(("lin", 0.2),))
    hers = add_attempt(store, SESSION, faces["obama2"], candidates=(("maya", 0.41),))
    over = _mark_maya_present(kiosk)
    assert over.screen == "was_this" and [o.attempt_id for o in over.offers] == [hers, other]
    assert over.offers[0].picture.shape == (112, 112, 3)
    step(kiosk, frames=2)  # drawn with the face, no error
    click(kiosk, "Yes, it is")
    step(kiosk, lambda: not over.pending)
    assert over.message == "Thank you: the door will know Maya next time" and over.screen == "mark"
    assert stored.attempt(store, hers).state == "confirmed" and stored.attempt(store, other).pending
    assert [v.door for v in person_vectors(store, "maya", "sface")] == [False, True]
    row = store.query("SELECT status, method FROM attendance WHERE person_id = 'maya'")[0]
    assert tuple(row) == ("present", "manual")  # marked by hand first; the confirmation keeps that mark


def test_no_skips_to_the_next_offer_and_then_back_to_marking(kiosk, faces):
    store = kiosk.store
    store.add_person(Person("maya", "Maya", "student"), "sface", faces["obama"][None], ["p.jpg"], replace=True)
    for pid in ("lin", "tom"):
        store.add_person(Person(pid, pid, "student"), "sface", faces["lin"][None], ["p.jpg"], replace=True)
    add_attempt(store, SESSION, faces["obama2"], candidates=(("maya", 0.41),))
    over = _mark_maya_present(kiosk)
    assert over.screen == "was_this"
    click(kiosk, "No")
    assert over.screen == "mark" and store.query("SELECT state FROM attempts")[0][0] == "pending"
    assert overlay(kiosk) is over
