"""The person step's form and keyboards (kiosk/ui/enrol/form.py, keyboard.py):
typing, moving between fields, consent, the one-line reasons, re-enrolment picks."""

import pygame
import pytest
from pygame import Rect
from ui_support import SIZES

from kiosk.messages.enrolment import EnrolledPerson
from kiosk.model import Consent
from kiosk.ui import text
from kiosk.ui.enrol import phrases
from kiosk.ui.enrol.form import PersonForm
from kiosk.ui.enrol.keyboard import CANCEL, SUBMIT, keyboard_buttons, physical_key
from kiosk.ui.theme import Theme

PEOPLE = {p.id: p for p in (EnrolledPerson("lin", "Lin-Manuel Miranda", "student", 3),
                            EnrolledPerson("linda", "Linda Park", "student", 1))}


def key(k: int, unicode: str = "", mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=unicode, scancode=0)


def type_keys(form: PersonForm, words: str) -> list:
    return [physical_key(form, key(pygame.K_a, ch)) for ch in words]


def filled(mode="new", pid="maya", name="Maya Chen", consent="self") -> PersonForm:
    form = PersonForm(mode=mode, people=dict(PEOPLE))
    form.type_text(pid)
    if mode != "extend":
        form.values["name"] = name
    if consent:
        form.choose_consent(consent)
    return form


def test_physical_keyboard_fills_the_form_and_enter_submits_on_the_last_field():
    form = PersonForm(people=dict(PEOPLE))
    type_keys(form, "maya")
    assert physical_key(form, key(pygame.K_TAB)) is None and form.focus == "name"
    type_keys(form, "Maya Chenn")
    physical_key(form, key(pygame.K_BACKSPACE))
    assert physical_key(form, key(pygame.K_RETURN)) is None and form.focus == "consent"
    physical_key(form, key(pygame.K_g, "g"))  # G: a guardian consents, and their name is next
    assert form.consent == "guardian" and form.focus == "guardian"
    type_keys(form, "Ana Chen")
    assert physical_key(form, key(pygame.K_RETURN)) == SUBMIT
    assert form.values == {"id": "maya", "name": "Maya Chen", "guardian": "Ana Chen"} and form.problem() is None
    assert form.consent_record() == Consent("guardian", "Ana Chen")
    physical_key(form, key(pygame.K_TAB, mod=pygame.KMOD_LSHIFT))
    assert form.focus == "consent"
    physical_key(form, key(pygame.K_SPACE, " "))  # Space toggles: the student consents, no guardian field
    assert form.consent == "self" and form.fields() == ["id", "name", "consent"]
    assert physical_key(form, key(pygame.K_ESCAPE)) == CANCEL


@pytest.mark.parametrize("form, reason", [
    (filled(pid=""), "Student ID: the id is empty"),
    (filled(pid="maya chen"), "Student ID: an id may use only letters, digits"),
    (filled(name="  "), "The name is empty"),
    (filled(consent=""), phrases.ENROL_ERR_CONSENT),
    (filled(consent="guardian"), "The guardian's name is empty"),
    (filled(pid="lin"), "lin is already enrolled (Lin-Manuel Miranda): choose Add photos or Replace photos"),
    (filled(mode="extend", pid="ghost"), "No one is enrolled as 'ghost'"),
    (filled(mode="replace", pid="ghost"), "No one is enrolled as 'ghost'"),
])
def test_each_bad_form_gives_one_line(form, reason):
    problem = form.problem()
    assert problem is not None and problem.startswith(reason) and "\n" not in problem


def test_re_enrolment_picks_an_enrolled_person():
    form = PersonForm(people=dict(PEOPLE))
    form.type_text("lin")
    assert form.suggestions() == [] and form.problem().startswith("lin is already enrolled")  # new mode: no picks
    form.set_mode("extend")
    assert form.known().name == "Lin-Manuel Miranda" and form.fields() == ["id", "consent"]
    form.backspace()
    assert [p.id for p in form.suggestions()] == ["lin", "linda"]
    form.pick(PEOPLE["linda"])
    assert form.values["id"] == "linda" and form.display_name() == "Linda Park" and form.focus == "consent"
    form.choose_consent("self")
    assert form.problem() is None


def test_replace_fills_the_name_but_never_overwrites_a_typed_one():
    form = PersonForm(mode="replace", people=dict(PEOPLE))
    form.type_text("lin")
    assert form.values["name"] == "Lin-Manuel Miranda"
    form.values["name"] = "Lin M. Miranda"  # typed by hand
    form.type_text("da")
    assert form.values["name"] == "Lin M. Miranda"
    form.set_mode("new")
    assert form.values["name"] == "Lin M. Miranda"


def test_on_screen_keys_capitalise_names_and_shift_is_one_shot():
    form = PersonForm()
    for k in "ab":
        form.press_key(k)
    form.shift = True
    form.press_key("c")
    form.press_key("d")
    assert form.values["id"] == "abCd"
    form.set_focus("name")
    for k in "ana chen":
        form.press_key(k)
    assert form.values["name"] == "Ana Chen"


@pytest.mark.parametrize("size", SIZES)
def test_on_screen_keyboard_fits_and_types(size):
    form = PersonForm()
    submitted = []
    area = Rect(20, size[1] // 2, size[0] - 40, size[1] // 2 - 20)
    buttons = keyboard_buttons(form, area, Theme(size), lambda: submitted.append(True))
    assert all(area.contains(b.rect) for b in buttons)
    assert not any(a.rect.colliderect(b.rect) for i, a in enumerate(buttons) for b in buttons[i + 1:])
    press = {b.label: b.action for b in buttons}
    for label in ("l", "i", "n", phrases.KEY_SPACE, text.KEY_DELETE, "7"):
        press[label]()
    assert form.values["id"] == "lin7"
    form.set_focus("consent")
    form.choose_consent("self")
    press[phrases.KEY_NEXT_FIELD]()  # on the last field, Next submits
    assert submitted == [True]
