"""A bundle's tables as typed rows: its classes, users (with their role) and enrollments.

A row that cannot be used is a BadLine naming its file, line and reason, and is left out;
the others go on to the plan. A row with status `tobedeleted` needs only its sourcedId.
In a delta file every row must say its status (active or tobedeleted); in a bulk file an
empty status means active.

Names: "givenName familyName" (in 1.2, a preferred given or family name wins). Roles: in
1.1 from users.csv's `role`; in 1.2 from roles.csv (teacher in any organisation makes a
teacher, else student), since 1.2 moved them there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.enrolment.rules import MAX_NAME_LEN, name_problem
from kiosk.interchange import spec
from kiosk.interchange.bundle import BadLine, Bundle


@dataclass(frozen=True)
class ClassRow:
    line: int
    sourced_id: str
    active: bool
    title: str = ""
    class_code: str = ""
    location: str = ""


@dataclass(frozen=True)
class UserRow:
    line: int
    sourced_id: str
    active: bool
    role: str = ""  # student | teacher | another OneRoster role | '' (1.2 with no roles.csv)
    name: str = ""
    identifier: str = ""


@dataclass(frozen=True)
class EnrollmentRow:
    line: int
    sourced_id: str
    active: bool
    class_sourced_id: str = ""
    user_sourced_id: str = ""
    role: str = ""
    primary: bool = False


@dataclass
class Records:
    version: str
    modes: dict[str, str]
    classes: list[ClassRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    enrollments: list[EnrollmentRow] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)
    listed: dict[str, set[str]] = field(default_factory=dict)  # kind -> every sourcedId its file names
    refused: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> sourcedId -> its bad line

    def mode(self, kind: str) -> str:
        return self.modes.get(kind, "absent")


def records(bundle: Bundle) -> Records:
    found = Records(bundle.version, dict(bundle.modes), bad=list(bundle.bad))
    roles = _roles(bundle) if bundle.version != "1.1" else {}
    for kind, read in (("classes", _class), ("users", _user), ("enrollments", _enrollment)):
        table = bundle.tables.get(kind)
        listed, refused = found.listed.setdefault(kind, set()), found.refused.setdefault(kind, {})
        for line, row in table.rows if table else ():
            sid = row["sourcedId"]
            if not sid:
                found.bad.append(BadLine(table.file, line, "sourcedId is empty"))
                continue
            listed.add(sid)
            active = _active(row, bundle.mode(kind), found.bad, table.file, line)  # None: a bad status, named
            made = None if active is None else read(row, line, active, bundle.version, roles)
            if isinstance(made, str):  # why the row cannot be used
                found.bad.append(BadLine(table.file, line, made))
            if made is None or isinstance(made, str):
                refused.setdefault(sid, line)
            else:
                getattr(found, kind).append(made)
    return found


def _active(row: dict[str, str], mode: str, bad: list[BadLine], file: str, line: int) -> bool | None:
    status = row["status"]
    if mode == "delta" and not status:
        bad.append(BadLine(file, line, "status is empty; each row of a delta file says active or tobedeleted"))
        return None
    if status not in spec.STATUSES:
        bad.append(BadLine(file, line, f"status {status!r} is not active or tobedeleted"))
        return None
    return spec.STATUSES[status] == spec.ACTIVE


def _class(row: dict[str, str], line: int, active: bool, version: str, roles) -> ClassRow | str:
    if not active:
        return ClassRow(line, row["sourcedId"], False)
    problem = name_problem(row["title"], "title")
    if problem:
        return problem
    return ClassRow(line, row["sourcedId"], True, row["title"], row["classCode"], row["location"])


def _user(row: dict[str, str], line: int, active: bool, version: str, roles: dict[str, str]) -> UserRow | str:
    sid = row["sourcedId"]
    if not active:
        return UserRow(line, sid, False)
    role = row["role"] if version == "1.1" else roles.get(sid, "")
    if version == "1.1":
        given, family = row["givenName"], row["familyName"]
    else:
        given, family = row["preferredGivenName"] or row["givenName"], row["preferredFamilyName"] or row["familyName"]
    name = " ".join(part for part in (given, family) if part)
    if role in (spec.STUDENT, spec.TEACHER):
        problem = name_problem(name, "name (givenName familyName)")
        if problem:
            return problem
    identifier = row["identifier"]
    if len(identifier) > MAX_NAME_LEN or not identifier.isprintable():
        return f"identifier is longer than {MAX_NAME_LEN} characters or has control characters"
    return UserRow(line, sid, True, role, name, identifier)


def _enrollment(row: dict[str, str], line: int, active: bool, version: str, roles) -> EnrollmentRow | str:
    sid = row["sourcedId"]
    if not active:
        return EnrollmentRow(line, sid, False, row["classSourcedId"], row["userSourcedId"], row["role"])
    for column in ("classSourcedId", "userSourcedId", "role"):
        if not row[column]:
            return f"{column} is empty"
    primary = row["primary"].lower()
    if primary not in spec.BOOLEANS:
        return f"primary is {row['primary']!r}; it must be true or false"
    return EnrollmentRow(line, sid, True, row["classSourcedId"], row["userSourcedId"], row["role"],
                         spec.BOOLEANS[primary])


def _roles(bundle: Bundle) -> dict[str, str]:
    """1.2: each user's role from roles.csv's active rows (teacher wins over student)."""
    found: dict[str, set[str]] = {}
    table = bundle.tables.get("roles")
    for _, row in table.rows if table else ():
        if spec.STATUSES.get(row["status"]) == spec.ACTIVE and row["userSourcedId"]:
            found.setdefault(row["userSourcedId"], set()).add(row["role"])
    return {sid: spec.TEACHER if spec.TEACHER in held else spec.STUDENT if spec.STUDENT in held else min(held)
            for sid, held in found.items()}
