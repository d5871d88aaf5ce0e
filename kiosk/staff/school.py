"""Setting up the school: people, classes and rosters, the timetable, staff. One routine per
action, called by the command line and the web console alike, so both apply the same
rules, write the same audit row, and with a central database write centrally first (then
pull), which every door then pulls (kiosk/staff/changes.py). `actor` names who did it in
the audit trail: 'cli:USER' or 'web:STAFF_ID'.
"""

from __future__ import annotations

from datetime import date

from kiosk.config import Config
from kiosk.enrolment.rules import MAX_NAME_LEN, class_code_problem, name_problem
from kiosk.errors import StoreError, UsageError
from kiosk.model import Consent, Schedule, room_name
from kiosk.staff.changes import admin_change, local_change
from kiosk.store import cancellations, codes, rosters
from kiosk.store import staff as staff_rows
from kiosk.store.people import set_face_opt_out
from kiosk.store.pins import hash_pin, pin_problem, set_pin
from kiosk.store.privacy import erase_person, record_consent
from kiosk.store.references import StoredVector, person_vector, remove_door_reference
from kiosk.store.sqlite_store import ROLES, Person, SqliteStore
from kiosk.sync import central_writes as central

STAFF_ROLES = ("instructor", "admin")
NO_CONSENT = "say who gave consent: 'self', or the adult who did (a guardian named alone gave it)"


class School:
    """The admin actions for one store (this machine's file) and one actor."""

    def __init__(self, store: SqliteStore, cfg: Config, actor: str):
        self.store, self.cfg, self.actor = store, cfg, actor

    def _change(self, action: str, target: str, central_change, local, detail=lambda _: ""):
        return admin_change(self.store, self.cfg, self.actor, action, target, central_change, local, detail)

    # -- people -------------------------------------------------------------------------

    def add_person(self, person: Person) -> bool:
        """A student awaiting enrolment (photos come later), or staff; True if new."""
        if person.role not in ROLES:
            raise StoreError(f"role {person.role!r} must be one of {', '.join(ROLES)}")
        return self._change("person_add", person.id, lambda c: central.add_person(c, person),
                            lambda s: staff_rows.add_person(s, person), lambda new: f"{person.role} {person.name!r}")

    def rename(self, person_id: str, name: str) -> None:
        problem = name_problem(name)
        if problem:
            raise UsageError(problem)
        self._change("person_rename", person_id, lambda c: central.rename_person(c, person_id, name),
                     lambda s: staff_rows.rename_person(s, person_id, name), lambda _: repr(name.strip()))

    def set_role(self, person_id: str, role: str) -> str:
        """Student, instructor or admin; taking the staff role away takes the PIN too."""
        if role not in ROLES:
            raise StoreError(f"role {role!r} must be one of {', '.join(ROLES)}")
        return self._change("person_role", person_id, lambda c: central.set_role(c, person_id, role),
                            lambda s: staff_rows.set_role(s, person_id, role), lambda _: role)

    def record_consent(self, person_id: str, consent: Consent | None) -> None:
        """Consent is kept where it was given (this machine), with its audit row. None (nobody
        named, Consent.typed) is refused: an empty form never records consent."""
        if consent is None or not consent.given_by.strip():
            raise StoreError(NO_CONSENT)
        local_change(self.store, self.cfg, self.actor, "consent", person_id,
                     lambda s: record_consent(s, person_id, consent),
                     lambda _: consent.given_by + (f", guardian {consent.guardian}" if consent.guardian else ""))

    def opt_out(self, person_id: str, opted_out: bool = True) -> int:
        return self._change("opt_out" if opted_out else "opt_in", person_id,
                            lambda c: central.set_face_opt_out(c, person_id, opted_out),
                            lambda s: set_face_opt_out(s, person_id, opted_out), lambda n: f"{n} embedding(s) erased")

    def issue_code(self, person_id: str) -> str:
        """A new check-in code for the person (replacing theirs): returned once, kept as a hash."""
        code = codes.new_code()
        hashed = codes.code_hash(code)
        self._change("code_issue", person_id, lambda c: central.set_code_hash(c, person_id, hashed),
                     lambda s: codes.store_code(s, person_id, hashed))
        return code

    def revoke_code(self, person_id: str) -> None:
        def here(s: SqliteStore) -> None:
            if not codes.revoke_code(s, person_id):
                raise StoreError(f"{person_id!r} has no check-in code")

        self._change("code_revoke", person_id, lambda c: central.remove_code(c, person_id), here)

    def remove_door_reference(self, person_id: str, reference_id: int) -> StoredVector:
        """One of the person's door references (kiosk/enrolment/door.py), never an enrolment photo."""
        found = person_vector(self.store, person_id, reference_id)
        if found is None or not found.door:
            raise StoreError(f"{person_id!r} has no door reference {reference_id}; see 'person list'")
        self._change("door_ref_remove", person_id,
                     lambda c: central.set_door_references(c, person_id, found.model, None, [found.source]),
                     lambda s: remove_door_reference(s, person_id, reference_id), lambda _: found.source)
        return found

    def erase(self, person_id: str) -> dict[str, int]:
        if self.store.person(person_id) is None:
            raise StoreError(f"unknown person {person_id!r}")
        if self.cfg.mongo.uri:  # the tombstone first (no pull: the local erasure below removes every row)
            from kiosk.sync.central import Central

            hub = Central.open(self.cfg.mongo)
            try:
                central.erase_person(hub, person_id)
            finally:
                hub.close()
        return erase_person(self.store, person_id, self.actor, self.cfg.kiosk.id)

    # -- classes and rosters --------------------------------------------------------------

    def add_class(self, code: str, name: str, students: list[str], room: str = "",
                  instructor_id: str | None = None) -> None:
        problem = class_code_problem(code) or _class_problem(name, room) or self._case_twin(code)
        if problem:
            raise UsageError(f"class {code!r}: {problem}")
        room = room_name(room)
        self._change("class_add", code, lambda c: central.add_class(c, code, name, students, room, instructor_id),
                     lambda s: s.add_class(code, name, students, room, instructor_id),
                     lambda _: f"{name!r}, room {room or '-'}, {len(students)} student(s)")

    def _case_twin(self, code: str) -> str | None:
        """ham101 beside HAM101 would be two registers that staff, rosters and exports mix up."""
        twin = next((c for c in self.store.classes() if c.casefold() == code.casefold() and c != code), None)
        return f"{twin!r} already exists; class codes that differ only in case are refused" if twin else None

    def update_class(self, code: str, name: str, room: str, instructor_id: str | None) -> None:
        problem = _class_problem(name, room)
        if problem:
            raise UsageError(f"class {code!r}: {problem}")
        room = room_name(room)
        self._change("class_edit", code, lambda c: central.update_class(c, code, name, room, instructor_id),
                     lambda s: rosters.update_class(s, code, name, room, instructor_id),
                     lambda _: f"{name!r}, room {room or '-'}, instructor {instructor_id or '-'}")

    def remove_class(self, code: str) -> None:
        self._change("class_remove", code, lambda c: central.delete_class(c, code),
                     lambda s: rosters.remove_class(s, code))

    def add_students(self, code: str, ids: list[str]) -> list[str]:
        return self._change("roster_add", code, lambda c: central.change_roster(c, code, add=ids),
                            lambda s: rosters.add_students(s, code, ids), lambda new: ", ".join(new) or "none new")

    def remove_students(self, code: str, ids: list[str]) -> None:
        self._change("roster_remove", code, lambda c: central.change_roster(c, code, remove=ids),
                     lambda s: rosters.remove_students(s, code, ids), lambda _: ", ".join(ids))

    def import_roster(self, code: str, entries: list[rosters.RosterEntry], source: str = "") -> rosters.RosterImport:
        return self._change("roster_import", code, lambda c: central.import_roster(c, code, entries),
                            lambda s: rosters.import_roster(s, code, entries),
                            lambda r: f"{source}: {len(r.added)} added ({len(r.created)} awaiting enrolment), "
                                      f"{len(r.already)} already, {len(r.bad)} bad")

    def import_oneroster(self, bundle):
        """A checked OneRoster bundle (kiosk/interchange/bundle.py): classes, people and rosters
        planned against what is held and applied in one transaction (or centrally, then
        pulled). Returns the plan: what changed, and each refused line."""
        from kiosk.interchange.central import import_central
        from kiosk.interchange.plan import plan_import, summary
        from kiosk.interchange.records import records
        from kiosk.store.oneroster import import_oneroster

        found = records(bundle)

        def planner(held):
            return plan_import(found, held)

        return self._change("oneroster_import", bundle.name, lambda c: import_central(c, planner),
                            lambda s: import_oneroster(s, planner), lambda plan: summary(plan, bundle.name))

    # -- the timetable ----------------------------------------------------------------------

    def add_schedule(self, schedule: Schedule) -> int | str:
        return self._change("schedule_add", schedule.class_code, lambda c: central.add_schedule(c, schedule),
                            lambda s: s.add_schedule(schedule),
                            lambda sid: f"schedule {sid}: {schedule.start:%H:%M}-{schedule.end:%H:%M}")

    def remove_schedule(self, schedule_id: int) -> str:
        """By this machine's id; with a central database, the central schedule it mirrors.
        Returns the class's code."""
        code = rosters.schedule_class(self.store, schedule_id)
        central_id = rosters.schedule_central_id(self.store, schedule_id)

        def in_central(c) -> str:
            central.delete_schedule(c, central_id)
            return code

        if central_id is None:  # made here before a central database was set: it lives only here
            return local_change(self.store, self.cfg, self.actor, "schedule_remove", str(schedule_id),
                                lambda s: rosters.remove_schedule(s, schedule_id), lambda c: f"schedule of {c}")
        return self._change("schedule_remove", str(schedule_id), in_central,
                            lambda s: rosters.remove_schedule(s, schedule_id), lambda c: f"schedule of {c}")

    def cancel_dates(self, code: str, days: list[date], reason: str = "", cancel: bool = True,
                     schedule_id: int | None = None) -> int:
        """Cancel (a holiday, a term break) or restore the class's meetings on these dates; with
        `schedule_id` (this machine's id), only that schedule's: one meeting of a day the class
        meets more than once. A meeting already held is refused (AlreadyHeld): it is ended instead."""
        action = "schedule_cancel" if cancel else "schedule_restore"
        span = f"{days[0]}" + (f" to {days[-1]}" if len(days) > 1 else "")
        central_id = None
        if schedule_id is not None:
            if rosters.schedule_class(self.store, schedule_id) != code:
                raise StoreError(f"schedule {schedule_id} is not one of {code}'s; see 'schedule list'")
            central_id = rosters.schedule_central_id(self.store, schedule_id)

        def here(s: SqliteStore) -> int:
            return cancellations.change_dates(s, code, days, reason, cancel, schedule_id)

        def detail(n: int) -> str:
            return f"{span}: {n} meeting(s) {reason}".strip() + (f" (schedule {schedule_id})" if schedule_id else "")

        if schedule_id is not None and central_id is None:  # made here before a central database was set
            return local_change(self.store, self.cfg, self.actor, action, code, here, detail)
        return self._change(action, code, lambda c: central.cancel_dates(c, code, days, cancel, central_id),
                            here, detail)

    # -- staff ----------------------------------------------------------------------------

    def add_staff(self, person_id: str, name: str, role: str = "instructor") -> bool:
        """True if added; False if they are already this staff member (nothing changes). Anyone
        else under that id (a student, staff in another role or name) is refused."""
        if role not in STAFF_ROLES:
            raise StoreError(f"role {role!r} must be instructor or admin")
        return self._change("staff_add", person_id, lambda c: central.add_staff(c, person_id, name, role),
                            lambda s: staff_rows.add_staff(s, person_id, name, role),
                            lambda new: f"{role} {name.strip()!r}" + ("" if new else " (already; nothing changed)"))

    def remove_staff(self, person_id: str) -> str:
        return self._change("staff_remove", person_id, lambda c: central.remove_staff(c, person_id),
                            lambda s: staff_rows.remove_staff(s, person_id), lambda what: what)

    def set_pin(self, person_id: str, pin: str) -> None:
        problem = pin_problem(pin)
        if problem:
            raise StoreError(f"PIN refused: {problem}")
        self._change("pin_set", person_id, lambda c: central.set_pin_hash(c, person_id, hash_pin(pin)),
                     lambda s: set_pin(s, person_id, pin))


def _class_problem(name: str, room: str) -> str | None:
    """A class's name follows the person-name rule; a room is at most a name's length."""
    if len(room.strip()) > MAX_NAME_LEN:
        return f"the room is longer than {MAX_NAME_LEN} characters"
    return name_problem(name, "class name")
