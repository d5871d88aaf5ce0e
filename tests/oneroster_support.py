"""OneRoster CSV bundles the tests (and bench/oneroster.py) write themselves: a school system
with `schools` schools, `classes` classes and `users` users, as its student information
system would export it (OneRoster 1.1, or 1.2 with roles.csv).

Each class has one primary teacher; the rest of the users are students, each enrolled in two
classes of their school (or its one class). Teachers' sourcedIds (`staff/0001`) are not valid person ids, so the
import derives theirs; students' are (`stu-0001`). `School.files()` gives file name -> text,
and a test changes rows through the lists before writing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.interchange.spec import HEADERS, MANIFEST_HEADER

GIVEN = ("Maya", "Leo", "Ana", "Sam", "Noor", "Ivan", "Zoe", "Omar", "Lin", "Ada", "Kofi", "Mei")
FAMILY = ("Chen", "Park", "Silva", "Okafor", "Novak", "Haddad", "Ito", "Brown", "Garcia", "Khan")
SUBJECTS = ("Maths", "English", "Science", "History", "Art", "Music")


@dataclass
class School:
    version: str = "1.1"
    modes: dict[str, str] = field(default_factory=lambda: {
        "academicSessions": "bulk", "orgs": "bulk", "courses": "bulk", "classes": "bulk", "users": "bulk",
        "enrollments": "bulk"})
    orgs: list[dict] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    enrollments: list[dict] = field(default_factory=list)

    def files(self) -> dict[str, str]:
        files = {"manifest.csv": self.manifest()}
        tables = {"orgs": self.orgs, "academicSessions": [_session()], "courses": self._courses(),
                  "classes": self.classes, "users": [_user_row(u, self.version) for u in self.users],
                  "enrollments": self.enrollments}
        if self.version == "1.2":
            tables["roles"] = [_role_row(u) for u in self.users]
        for kind, rows in tables.items():
            if self.modes.get(kind, "absent") != "absent":
                files[f"{kind}.csv"] = table(HEADERS[self.version][kind], rows)
        return files

    def manifest(self) -> str:
        rows = [{"propertyName": "manifest.version", "value": "1.0"},
                {"propertyName": "oneroster.version", "value": self.version}]
        names = ("academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
                 "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users")
        names += ("roles",) if self.version == "1.2" else ()
        rows += [{"propertyName": f"file.{n}", "value": self.modes.get(n, "absent")} for n in names]
        rows += [{"propertyName": "source.systemName", "value": "Test SIS"}]
        return table(MANIFEST_HEADER, rows)

    def _courses(self) -> list[dict]:
        return [{"sourcedId": f"course-{s}", "title": s, "orgSourcedId": "district", "schoolYearSourcedId": "y2026"}
                for s in SUBJECTS]


def school(users: int = 600, classes: int = 30, schools: int = 2, version: str = "1.1") -> School:
    built = School(version)
    if version == "1.2":
        built.modes["roles"] = "bulk"
    built.orgs = [{"sourcedId": "district", "name": "Springfield Schools", "type": "district"}] + [
        {"sourcedId": f"school-{s}", "name": f"School {s}", "type": "school", "parentSourcedId": "district"}
        for s in range(1, schools + 1)]
    for c in range(1, classes + 1):
        s = 1 + (c - 1) % schools
        subject = SUBJECTS[c % len(SUBJECTS)]
        built.classes.append({"sourcedId": f"class-{c:03d}", "title": f"{subject} {c}", "courseSourcedId":
                              f"course-{subject}", "classCode": f"{subject[:3].upper()}-{c:03d}", "classType":
                              "scheduled", "location": f"room {100 + c % 12}", "schoolSourcedId": f"school-{s}",
                              "termSourcedIds": "y2026"})
        built.users.append({"sourcedId": f"staff/{c:04d}", "role": "teacher", "school": f"school-{s}",
                            "givenName": GIVEN[c % len(GIVEN)], "familyName": f"Teacher{c}", "identifier": f"T{c:04d}"})
        built.enrollments.append({"sourcedId": f"enr-t{c:03d}", "classSourcedId": f"class-{c:03d}",
                                  "schoolSourcedId": f"school-{s}", "userSourcedId": f"staff/{c:04d}",
                                  "role": "teacher", "primary": "true"})
    for n in range(1, users - classes + 1):
        s = 1 + (n - 1) % schools
        built.users.append({"sourcedId": f"stu-{n:04d}", "role": "student", "school": f"school-{s}",
                            "givenName": GIVEN[n % len(GIVEN)], "familyName": FAMILY[n % len(FAMILY)],
                            "identifier": f"{10000 + n}"})
        of_school = [c for c in range(1, classes + 1) if 1 + (c - 1) % schools == s]
        for k in range(min(2, len(of_school))):
            c = of_school[(n // schools + k * 3) % len(of_school)]
            built.enrollments.append({"sourcedId": f"enr-{n:04d}-{k}", "classSourcedId": f"class-{c:03d}",
                                      "schoolSourcedId": f"school-{s}", "userSourcedId": f"stu-{n:04d}",
                                      "role": "student", "primary": "false"})
    return built


def _session() -> dict:
    return {"sourcedId": "y2026", "title": "2026", "type": "schoolYear", "startDate": "2025-09-01",
            "endDate": "2026-07-15", "schoolYear": "2026"}


def _user_row(user: dict, version: str) -> dict:
    row = {k: v for k, v in user.items() if k != "school"}
    row.update(enabledUser="true", username=user["sourcedId"].replace("/", "."))
    if version == "1.1":
        row["orgSourcedIds"] = user["school"]
    else:
        row.pop("role", None)
        row["primaryOrgSourcedId"] = user["school"]
    return row


def _role_row(user: dict) -> dict:
    return {"sourcedId": f"role-{user['sourcedId']}", "userSourcedId": user["sourcedId"], "roleType": "primary",
            "role": user["role"], "orgSourcedId": user["school"]}


def table(header, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # as most exporters write it
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue()


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def write_zip(path: Path, files: dict[str, str | bytes], folder: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(folder + name, text)
    return path
