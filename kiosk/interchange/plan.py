"""What importing a OneRoster bundle changes, decided without writing: the bundle's rows and
what the kiosk holds (kiosk/store/oneroster.py's Holdings) -> a Plan. Pure: the local import
applies the plan in one transaction, the central import document by document.

- **Ids** (ids.py). A user's person id is their sourcedId when that is a valid person id, else
  one derived from it (its valid characters and a short hash). Before that, a person already here
  is taken over: one whose id is the sourcedId, or whose id is the user's `identifier` with
  the same name (a roster imported by student number before). A class's code is its
  `classCode` (spaces and other characters made `-`), or, with none, derived from its
  sourcedId. Either id is fixed at the first import and kept in the links: a later change of
  classCode is a warning, not a new class.
- **Updates.** A file `bulk` is the whole set: a record imported before and not in it is
  removed. A file `delta` changes only the records it lists. `absent` changes nothing.
- **Removal** (`tobedeleted`, or gone from a bulk file): a class is removed (its roster and
  timetable with it; its past sessions and attendance stay); an enrollment takes the student
  off the roster (or the teacher out of the instructor's place); a user is taken off every
  roster and instructor's place the import gave them, and the person stays, with their
  attendance, until someone erases them.
- **Roles.** student -> student; teacher -> instructor (an admin stays admin). Other roles
  (parents, aides, administrators...) are not imported: the summary counts them as ignored.
- **Refused outright** (BundleRefused): an enrollment naming a class or user that neither the
  bundle nor an earlier import knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kiosk.enrolment.rules import person_id_problem
from kiosk.interchange import spec
from kiosk.interchange.bundle import BadLine, BundleRefused
from kiosk.interchange.ids import class_code_for, person_id_for
from kiosk.interchange.records import ClassRow, EnrollmentRow, Records, UserRow
from kiosk.model import room_name
from kiosk.store.oneroster import Changes, ClassLink, EnrollmentLink, HeldClass, Holdings, UserLink
from kiosk.store.sqlite_store import Person

KINDS = ("classes", "users", "enrollments")
KIOSK_ROLES = {spec.STUDENT: "student", spec.TEACHER: "instructor"}


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@dataclass
class Plan:
    version: str
    changes: Changes = field(default_factory=Changes)
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    awaiting: int = 0  # students added with no face yet: awaiting enrolment
    ignored: int = 0  # users and enrollments of roles the kiosk does not keep
    bad: list[BadLine] = field(default_factory=list)
    warnings: list[BadLine] = field(default_factory=list)


def plan_import(found: Records, held: Holdings) -> Plan:
    """The plan, or BundleRefused listing every enrollment that points at nothing known."""
    planning = _Planning(found, held)
    planning.plan_users()
    planning.plan_classes()
    problems = planning.plan_enrollments()
    if problems:
        raise BundleRefused(problems)
    planning.rosters()
    return planning.finish()


class _Planning:
    """The desired state, built up file by file from what is held."""

    def __init__(self, found: Records, held: Holdings):
        self.found, self.held = found, held
        self.plan = Plan(found.version, bad=list(found.bad))
        self.people = dict(held.people)
        self.classes = dict(held.classes)
        self.user_links = dict(held.users)
        self.class_links = dict(held.class_links)
        self.enrolled = dict(held.enrollments)
        self.owner = {link.person_id: sid for sid, link in held.users.items()}  # person id -> sourcedId
        self.code_owner = {link.class_code: sid for sid, link in held.class_links.items() if link.active}
        self.bundle_users: dict[str, UserRow] = {}
        self.bundle_classes: dict[str, ClassRow] = {}
        self.removed_users: set[str] = set()
        self.removed_classes: set[str] = set()
        self.primaries: dict[str, EnrollmentRow] = {}  # class code -> the bundle's primary teacher row

    # -- users ------------------------------------------------------------------------------------

    def plan_users(self) -> None:
        tally = self.plan.tallies["users"]
        for row in self.found.users:
            self.bundle_users[row.sourced_id] = row
            if not row.active:
                self._remove_user(row.sourced_id, tally)
            elif row.role not in KIOSK_ROLES and row.role:
                self.plan.ignored += 1
            else:
                self._user(row, tally)
        if self.found.mode("users") == "bulk":
            for sid in [s for s, link in self.held.users.items()
                        if link.active and s not in self.found.listed["users"]]:
                self._remove_user(sid, tally)

    def _remove_user(self, sid: str, tally: Tally) -> None:
        link = self.user_links.get(sid)
        if link and link.active:
            self.user_links[sid] = replace(link, active=False)
            self.removed_users.add(sid)
            tally.removed += 1
        else:
            tally.unchanged += 1

    def _user(self, row: UserRow, tally: Tally) -> None:
        pid = self._person_id(row)
        if isinstance(pid, BadLine):
            self.plan.bad.append(pid)
            return
        existing = self.people.get(pid)
        if not row.role and existing is None:
            self.plan.bad.append(BadLine("users.csv", row.line, "no role for this user: roles.csv is absent"))
            return
        role = existing.role if existing and (existing.role == "admin" or not row.role) else KIOSK_ROLES[row.role]
        person, link = Person(pid, row.name, role), UserLink(row.sourced_id, pid, row.identifier)
        old = self.held.users.get(row.sourced_id)
        if existing is None or old is None or not old.active:
            tally.added += 1
            self.plan.awaiting += existing is None and role == "student"
        elif existing != person or old != link:
            tally.updated += 1
        else:
            tally.unchanged += 1
        if existing != person:
            self.people[pid] = person
            self.plan.changes.people.append(person)
            if existing is None:
                self.plan.changes.new_people.add(pid)
        self.user_links[row.sourced_id] = link
        self.owner[pid] = row.sourced_id

    def _person_id(self, row: UserRow) -> str | BadLine:
        sid = row.sourced_id
        if sid in self.held.users:
            return self.held.users[sid].person_id
        by_identifier = self.people.get(row.identifier)
        if sid in self.people and sid not in self.owner:
            pid = sid
        elif by_identifier and row.identifier not in self.owner and \
                by_identifier.name.casefold() == row.name.casefold() and person_id_problem(row.identifier) is None:
            pid = row.identifier  # a roster imported before by student number: the same person
        else:
            pid = person_id_for(sid)
        if pid in self.owner and self.owner[pid] != sid:
            return BadLine("users.csv", row.line, f"person id {pid!r} is already the person of sourcedId "
                                                  f"{self.owner[pid]!r}")
        return pid

    # -- classes ----------------------------------------------------------------------------------

    def plan_classes(self) -> None:
        tally = self.plan.tallies["classes"]
        for row in self.found.classes:
            self.bundle_classes[row.sourced_id] = row
            if row.active:
                self._class(row, tally)
            else:
                self._remove_class(row.sourced_id, tally)
        if self.found.mode("classes") == "bulk":
            for sid in [s for s, link in self.held.class_links.items()
                        if link.active and s not in self.found.listed["classes"]]:
                self._remove_class(sid, tally)

    def _remove_class(self, sid: str, tally: Tally) -> None:
        link = self.class_links.get(sid)
        if link and link.active:
            self.class_links[sid] = replace(link, active=False)
            self.removed_classes.add(sid)
            if self.classes.pop(link.class_code, None) is not None:
                self.plan.changes.removed_classes.append(link.class_code)
            tally.removed += 1
        else:
            tally.unchanged += 1

    def _class(self, row: ClassRow, tally: Tally) -> None:
        code = self._class_code(row)
        if code is None:
            return
        existing = self.classes.get(code)
        room = room_name(row.location) if row.location.strip() else (existing.room if existing else "")
        desired = HeldClass(code, row.title, room, existing.instructor_id if existing else None,
                            existing.roster if existing else ())
        old = self.held.class_links.get(row.sourced_id)
        if existing is None or old is None or not old.active:
            tally.added += 1
        elif (existing.name, existing.room) != (desired.name, desired.room):
            tally.updated += 1
        else:
            tally.unchanged += 1
        self.classes[code] = desired
        self.class_links[row.sourced_id] = ClassLink(row.sourced_id, code)
        self.code_owner[code] = row.sourced_id

    def _class_code(self, row: ClassRow) -> str | None:
        sid, held = row.sourced_id, self.held.class_links.get(row.sourced_id)
        wanted = class_code_for(row.class_code, sid)
        if held is not None and self.code_owner.get(held.class_code, row.sourced_id) != row.sourced_id:
            self.plan.bad.append(BadLine("classes.csv", row.line, f"its code {held.class_code!r} was given to class "
                                         f"{self.code_owner[held.class_code]!r} after it was removed"))
            return None
        if held is not None:
            if row.class_code.strip() and wanted != held.class_code:
                self.plan.warnings.append(BadLine("classes.csv", row.line, f"classCode is now {row.class_code!r}; "
                                                  f"the kiosk keeps {held.class_code!r} (a class's code keys its "
                                                  "timetable and history)"))
            return held.class_code
        owner = self.code_owner.get(wanted)
        if owner is not None and owner != sid:
            where = self.bundle_classes.get(owner)
            also = f"classes.csv line {where.line}" if where else f"class {owner!r}, imported before"
            self.plan.bad.append(BadLine("classes.csv", row.line,
                                         f"classCode {wanted!r} is already the code of {also}"))
            return None
        return wanted

    # -- enrollments --------------------------------------------------------------------------------

    def plan_enrollments(self) -> list[str]:
        """Each enrollment checked against the classes and users; returns the refusals of the bundle."""
        tally, problems = self.plan.tallies["enrollments"], []
        for row in self.found.enrollments:
            if not row.active:
                self._drop(row.sourced_id, tally, listed=True)
            elif row.role not in KIOSK_ROLES:
                self.plan.ignored += 1
            else:
                self._enrollment(row, tally, problems)
        if self.found.mode("enrollments") == "bulk":
            for sid in [s for s in self.held.enrollments if s not in self.found.listed["enrollments"]]:
                self._drop(sid, tally)
        for sid, link in list(self.enrolled.items()):  # a removed user or class takes its enrollments along
            if link.user_sourced_id in self.removed_users or link.class_sourced_id in self.removed_classes:
                self._drop(sid, tally)
        return problems

    def _drop(self, sid: str, tally: Tally, listed: bool = False) -> None:
        if self.enrolled.pop(sid, None) is not None:
            self.plan.changes.dropped_enrollments.append(sid)
            tally.removed += 1
        elif listed:
            tally.unchanged += 1

    def _enrollment(self, row: EnrollmentRow, tally: Tally, problems: list[str]) -> None:
        code = self._refer(row, "class", row.class_sourced_id, problems)
        pid = self._refer(row, "user", row.user_sourced_id, problems)
        if code is None or pid is None:
            return
        role = self.people[pid].role
        if (role == "student") != (row.role == spec.STUDENT):
            wanted = "a student" if row.role == spec.STUDENT else "an instructor or admin"
            article = "a" if role == "student" else "an"
            return self._bad(row, f"user {row.user_sourced_id!r} is {article} {role} here; a {row.role} enrollment "
                                  f"needs {wanted}")
        if row.role == spec.TEACHER and row.primary:
            if code in self.primaries:
                return self._bad(row, f"class {row.class_sourced_id!r} already has its primary teacher on line "
                                      f"{self.primaries[code].line}")
            self.primaries[code] = row
        link = EnrollmentLink(row.sourced_id, row.class_sourced_id, row.user_sourced_id, row.role, row.primary)
        old = self.held.enrollments.get(row.sourced_id)
        tally.added += old is None
        tally.updated += old is not None and old != link
        tally.unchanged += old == link
        if old != link:
            self.plan.changes.enrollments.append(link)
        self.enrolled[row.sourced_id] = link

    def _refer(self, row: EnrollmentRow, what: str, sid: str, problems: list[str]) -> str | None:
        """The class code or person id an enrollment names; a bad line or a problem when there is none."""
        kind, column = ("classes", "classSourcedId") if what == "class" else ("users", "userSourcedId")
        link = (self.class_links if what == "class" else self.user_links).get(sid)
        in_bundle = (self.bundle_classes if what == "class" else self.bundle_users).get(sid)
        refused = self.found.refused.get(kind, {}).get(sid)
        if refused is not None:
            return self._bad(row, f"{what} {sid!r} was not imported ({kind}.csv line {refused})")
        if in_bundle is not None and not in_bundle.active:
            return self._bad(row, f"{what} {sid!r} is marked tobedeleted ({kind}.csv line {in_bundle.line})")
        if in_bundle is not None and (link is None or not link.active):
            role = getattr(in_bundle, "role", spec.STUDENT)
            why = f"is a {role} ({kind}.csv line {in_bundle.line}); only students and teachers are imported" \
                if role and role not in KIOSK_ROLES else f"was not imported ({kind}.csv line {in_bundle.line})"
            return self._bad(row, f"{what} {sid!r} {why}")
        if link is None or not link.active:
            earlier = "" if self.found.mode(kind) == "bulk" else " nor imported before"
            problems.append(f"enrollments.csv line {row.line}: {column} {sid!r} is not in {kind}.csv{earlier}")
            return None
        if what == "user" and link.person_id not in self.people:
            return self._bad(row, f"user {sid!r} is no longer held here (erased?); import users.csv again")
        return link.class_code if what == "class" else link.person_id

    def _bad(self, row: EnrollmentRow, reason: str) -> None:
        self.plan.bad.append(BadLine("enrollments.csv", row.line, reason))

    # -- the rosters and instructors that follow ----------------------------------------------------------

    def rosters(self) -> None:
        """Each class's roster and instructor as the enrollments now say, keeping what was added by hand."""
        before = self._managed(self.held.enrollments, self.held.class_links, self.held.users)
        after = self._managed(self.enrolled, self.class_links, self.user_links)
        for code in set(before) | set(after):
            held = self.classes.get(code)
            if held is None:
                continue
            was, now = before.get(code, ({}, None)), after.get(code, ({}, None))
            gone = set(was[0]) - set(now[0])
            roster = [p for p in held.roster if p not in gone] + sorted(set(now[0]) - set(held.roster))
            instructor = held.instructor_id
            primary = self.primaries.get(code)
            if primary is not None:
                instructor = self.user_links[primary.user_sourced_id].person_id
            elif now[1] is not None:
                instructor = now[1]
            elif was[1] is not None and instructor == was[1]:
                instructor = None
            self.classes[code] = replace(held, roster=tuple(roster), instructor_id=instructor)

    @staticmethod
    def _managed(enrolled, class_links, user_links) -> dict[str, tuple[dict[str, None], str | None]]:
        """class code -> (the students its enrollments put on the roster, its primary teacher)."""
        managed: dict[str, tuple[dict[str, None], str | None]] = {}
        for link in enrolled.values():
            klass, user = class_links.get(link.class_sourced_id), user_links.get(link.user_sourced_id)
            if klass is None or user is None or not klass.active or not user.active:
                continue
            students, teacher = managed.get(klass.class_code, ({}, None))
            if link.role == spec.STUDENT:
                students[user.person_id] = None
            elif link.primary:
                teacher = user.person_id
            managed[klass.class_code] = (students, teacher)
        return managed

    def finish(self) -> Plan:
        changes = self.plan.changes
        changes.classes = [c for code, c in sorted(self.classes.items()) if self.held.classes.get(code) != c]
        changes.users = [link for sid, link in self.user_links.items() if self.held.users.get(sid) != link]
        changes.class_links = [link for sid, link in self.class_links.items() if self.held.class_links.get(sid) != link]
        self.plan.bad.sort()
        return self.plan


def summary(plan: Plan, name: str) -> str:
    """The one line an import reports: per kind what was added, updated, removed and unchanged."""
    parts = []
    for kind in KINDS:
        t = plan.tallies[kind]
        awaiting = f" ({plan.awaiting} awaiting enrolment)" if kind == "users" and plan.awaiting else ""
        parts.append(f"{kind} {t.added} added{awaiting}, {t.updated} updated, {t.removed} removed, "
                     f"{t.unchanged} unchanged")
    ignored = f"; {plan.ignored} of other roles ignored" if plan.ignored else ""
    refused = len({(bad.file, bad.line) for bad in plan.bad})  # a line refused for two reasons is one line
    return f"{name} (OneRoster {plan.version}): {'; '.join(parts)}{ignored}; {refused} line(s) refused"
