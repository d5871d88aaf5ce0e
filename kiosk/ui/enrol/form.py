"""The person step of kiosk enrolment as plain data: fields, focus, consent, checks.

No pygame here: the on-screen keyboard and the physical keyboard both call
these methods, and the tests drive them directly. The checks are the CLI's
(kiosk.enrolment.rules) plus what only the screen knows: whether the id is
already enrolled, and whether consent was confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.enrolment.rules import MAX_ID_LEN, MAX_NAME_LEN, name_problem, person_id_problem
from kiosk.messages.enrolment import EnrolledPerson
from kiosk.model import Consent
from kiosk.ui.enrol import phrases

TEXT_FIELDS = {"id": MAX_ID_LEN, "name": MAX_NAME_LEN, "guardian": MAX_NAME_LEN}  # field -> longest value
CONSENT_KEYS = {"s": "self", "1": "self", "g": "guardian", "2": "guardian"}  # typed on the consent field
MAX_SUGGESTIONS = 4


@dataclass
class PersonForm:
    mode: str = "new"  # new | extend (add photos) | replace (replace photos)
    values: dict[str, str] = field(default_factory=lambda: dict.fromkeys(TEXT_FIELDS, ""))
    consent: str = ""  # "" (not confirmed) | self | guardian
    focus: str = "id"
    shift: bool = False  # the on-screen Shift: the next letter is a capital
    people: dict[str, EnrolledPerson] = field(default_factory=dict)  # everyone enrolled, by id
    _filled_name: str = ""  # a name copied from the picked person, replaced when the pick changes

    # -- which fields, in order ---------------------------------------------------

    def fields(self) -> list[str]:
        """Fields that take focus, in Tab order (extend keeps the enrolled name: no name field)."""
        names = ["id"] + (["name"] if self.mode != "extend" else []) + ["consent"]
        return names + (["guardian"] if self.consent == "guardian" else [])

    def set_focus(self, name: str) -> None:
        if name in self.fields():
            self.focus = name

    def next_field(self) -> bool:
        """Move on; False when the focus is already on the last field (Enter then submits)."""
        names = self.fields()
        at = names.index(self.focus) if self.focus in names else -1
        if at + 1 >= len(names):
            return False
        self.focus = names[at + 1]
        return True

    def previous_field(self) -> None:
        names = self.fields()
        at = names.index(self.focus) if self.focus in names else 0
        self.focus = names[max(0, at - 1)]

    # -- typing ---------------------------------------------------------------------

    @property
    def caps(self) -> bool:
        """Show capitals on the on-screen keys: Shift, or the start of a word in a name."""
        value = self.values.get(self.focus, "")
        return self.shift or (self.focus in ("name", "guardian") and (not value or value[-1] in " -'"))

    def press_key(self, key: str) -> None:
        """An on-screen key: capitalised by Shift or at the start of a name's word."""
        self.type_text(key.upper() if self.caps else key)
        self.shift = False

    def type_text(self, chars: str) -> None:
        """Typed text goes to the focused field; on the consent field S or G chooses."""
        if self.focus == "consent":
            choice = CONSENT_KEYS.get(chars[-1:].lower())
            if choice:
                self.choose_consent(choice)
            return
        if self.focus in TEXT_FIELDS:
            value = (self.values[self.focus] + chars)[: TEXT_FIELDS[self.focus]]
            self._set(self.focus, value)

    def backspace(self) -> None:
        if self.focus in TEXT_FIELDS:
            self._set(self.focus, self.values[self.focus][:-1])

    def _set(self, name: str, value: str) -> None:
        self.values[name] = value
        if name == "id":
            self._fill_name()

    # -- choices ---------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._fill_name()
        if self.focus not in self.fields():
            self.focus = "id"

    def choose_consent(self, kind: str) -> None:
        self.consent = kind
        self.focus = "guardian" if kind == "guardian" else "consent"

    def toggle_consent(self) -> None:
        self.choose_consent("guardian" if self.consent == "self" else "self")

    def pick(self, person: EnrolledPerson) -> None:
        """Re-enrol someone already enrolled: their id (and name); a new-student form turns to Add photos."""
        if self.mode == "new":
            self.mode = "extend"
        self._set("id", person.id)
        self.focus = "consent"

    def known(self) -> EnrolledPerson | None:
        return self.people.get(self.values["id"].strip())

    def suggestions(self) -> list[EnrolledPerson]:
        """Enrolled people whose id or name contains what is typed (re-enrolment only)."""
        query = self.values["id"].strip().casefold()
        if self.mode == "new" or not query or self.known() is not None:
            return []
        hits = [p for p in self.people.values() if query in p.id.casefold() or query in p.name.casefold()]
        return sorted(hits, key=lambda p: (not p.id.casefold().startswith(query), p.id))[:MAX_SUGGESTIONS]

    def _fill_name(self) -> None:
        """Re-enrolment shows the enrolled name; a name typed by hand is never overwritten."""
        known = self.known() if self.mode != "new" else None
        typed_by_hand = self.values["name"] and self.values["name"] != self._filled_name
        if typed_by_hand:
            return
        self._filled_name = known.name if known else ""
        self.values["name"] = self._filled_name

    # -- checks ------------------------------------------------------------------------

    def problem(self) -> str | None:
        """The one-line reason the form cannot go on, or None."""
        found = self._problem()
        return found[1] if found else None

    def check(self) -> str | None:
        """problem(), with the focus moved to the field to fix."""
        found = self._problem()
        if found:
            self.set_focus(found[0])
        return found[1] if found else None

    def _problem(self) -> tuple[str, str] | None:
        """(field, reason) of the first problem, in field order."""
        pid, name, guardian = (self.values[k].strip() for k in ("id", "name", "guardian"))
        bad = person_id_problem(self.values["id"])
        if bad:
            return "id", phrases.ENROL_ERR_FIELD.format(field=phrases.ENROL_FIELDS["id"], problem=bad)
        known = self.known()
        if self.mode == "new" and known is not None:
            return "id", phrases.ENROL_ERR_EXISTS.format(id=pid, name=known.name)
        if self.mode != "new" and known is None:
            return "id", phrases.ENROL_ERR_UNKNOWN.format(id=pid)
        bad = name_problem(name) if self.mode != "extend" else None
        if bad:
            return "name", _sentence(bad)
        if not self.consent:
            return "consent", phrases.ENROL_ERR_CONSENT
        bad = name_problem(guardian, "guardian's name") if self.consent == "guardian" else None
        return ("guardian", _sentence(bad)) if bad else None

    def display_name(self) -> str:
        known = self.known()
        return known.name if self.mode == "extend" and known else self.values["name"].strip()

    def consent_record(self) -> Consent:
        if self.consent == "guardian":
            return Consent("guardian", self.values["guardian"].strip())
        return Consent("self")


def _sentence(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]
