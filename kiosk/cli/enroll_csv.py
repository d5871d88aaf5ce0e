"""`enroll --from-csv people.csv`: photo day for a whole school from one file.

Columns (found by their usual names, see people_csv.py): id, name, photo (a path
from the CSV's own folder, or absolute), consent ("self", or who consented) and,
optionally, guardian. One row per photo; rows with the same id are one person's
photos, and must agree on name, consent and guardian (a cell left empty agrees with
any): rows that disagree are likely two people given one id, so that id is refused,
naming both lines, rather than one person enrolled with the other's face. A person
imported from a roster awaits enrolment and is enrolled here, keeping their rosters;
someone already enrolled is skipped unless --replace.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.cli.common import record, with_store
from kiosk.cli.enrol_photos import add_missing, enrol_photos, enrolled_ids, face_pipeline, write_report
from kiosk.enrolment.people_csv import CsvRow, read_people_csv
from kiosk.config import Config
from kiosk.enrolment.service import person_problem
from kiosk.model import Consent
from kiosk.store.sqlite_store import Person

AGREED = {"yes", "y", "true", "1", "x", "ja", "oui", "si"}
REFUSED = {"no", "n", "false", "0", "nein", "non"}
SAID_ONCE = ("name", "consent", "guardian")  # what all rows of one id must agree on


@dataclass
class PhotoDayPerson:
    id: str
    name: str = ""
    consent: str = ""
    guardian: str = ""
    photos: list[Path] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    said_on: dict[str, int] = field(default_factory=dict)  # column -> the line that first filled it in
    conflict: str = ""  # the first disagreement between two of this id's rows, as the refusal says it

    def take(self, row: CsvRow, folder: Path) -> None:
        for column in SAID_ONCE:
            self._agree(column, row)
        if row.get("photo"):
            self.photos.append(folder / row.get("photo"))
        self.lines.append(row.line)

    def _agree(self, column: str, row: CsvRow) -> None:
        """Fill the column from the first row that has it; a later row saying otherwise is a conflict
        (compared without case or extra spaces, so 'Amy  chen' agrees with 'Amy Chen')."""
        said, known = row.get(column), getattr(self, column)
        if not said:
            return
        if not known:
            setattr(self, column, said)
            self.said_on[column] = row.line
        elif _plain(said) != _plain(known) and not self.conflict:
            self.conflict = (f"line {row.line} gives the {column} {said!r} where line {self.said_on[column]} "
                             f"gave {known!r}; rows with one id are one person's photos: give each person "
                             "an id of their own, or make the rows agree")


def _plain(text: str) -> str:
    return " ".join(text.split()).casefold()


def enroll_from_csv(args, cfg: Config) -> int:
    table = read_people_csv(args.from_csv, required=("id", "photo"))
    report = [(f"line {line}", "", "rejected", reason) for line, reason in table.bad]
    for line, reason in table.bad:
        print(f"{args.from_csv.name} line {line}: {reason}", file=sys.stderr)
    people = _people(table.rows, args.from_csv.resolve().parent)
    known = enrolled_ids(cfg)
    names = {p.id: p.name for p in _stored_people(cfg)}
    pipeline = face_pipeline(cfg, announce_models=args.add_missing_models) if people else None
    for person in people.values():
        report += _enrol_one(args, cfg, pipeline, person, known, names)
    if args.report:
        write_report(args.report, report)
    done = {outcome: len({r[1] for r in report if r[2] == outcome}) for outcome in ("accepted", "skipped")}
    rejected = len([r for r in report if r[2] == "rejected"])
    verb = "given the missing models' vectors" if args.add_missing_models else "enrolled"
    summary = f"{done['accepted']} {verb}, {done['skipped']} skipped, {rejected} photo(s) or row(s) rejected"
    record(cfg, "enroll_import", args.from_csv.name, summary)
    print(f"{args.from_csv.name}: {summary}")
    return 1 if rejected else 0


def _people(rows: list[CsvRow], folder: Path) -> dict[str, PhotoDayPerson]:
    people: dict[str, PhotoDayPerson] = {}
    for row in rows:
        pid = row.get("id")
        people.setdefault(pid, PhotoDayPerson(pid)).take(row, folder)
    return people


def _stored_people(cfg: Config) -> list[Person]:
    return with_store(cfg, lambda s: s.people())


def _enrol_one(args, cfg: Config, pipeline, person: PhotoDayPerson, known: set[str], names: dict[str, str]):
    """One person's report rows; every refusal is one line naming the CSV line and the fix."""
    where = f"{args.from_csv.name} line {person.lines[0]}"
    mode = "replace" if args.replace else "new"
    name = person.name or names.get(person.id, "")
    problem = person_problem(Person(person.id, name, args.role or "student"), mode) if person.id else "the id is empty"
    problem = person.conflict or problem
    if not problem and not name:
        problem = "no name, and nobody with this id is known here; fill in the name column"
    missing = [p for p in person.photos if not p.is_file()]
    if not problem and (missing or not person.photos):
        problem = f"no such photo {missing[0]}" if missing else "no photo; fill in the photo column"
    if problem:
        print(f"rejected {person.id or '?'} ({where}): {problem}", file=sys.stderr)
        return [(str(p), person.id, "rejected", problem) for p in person.photos or [Path(where)]]
    if person.id in known and mode == "new" and not args.add_missing_models:
        print(f"{person.id}: already enrolled, skipped (use --replace to re-enrol)")
        return [(str(p), person.id, "skipped", "already enrolled") for p in person.photos]
    if person.consent.strip().lower() in REFUSED:
        refusal = f"the consent column says {person.consent!r}: without consent nobody is enrolled"
        print(f"rejected {person.id} ({where}): {refusal}", file=sys.stderr)
        return [(str(p), person.id, "rejected", refusal) for p in person.photos]
    if args.add_missing_models:  # their consent stays as recorded
        return add_missing(cfg, pipeline, person.id, person.photos)
    consent = _consent(person)
    return enrol_photos(cfg, pipeline, Person(person.id, name, args.role or "student"), person.photos, mode, consent,
                        args.allow_duplicate)


def _consent(person: PhotoDayPerson) -> Consent | None:
    """"self", a name, or a yes-word (then the guardian's, if one is named, else the person's own)."""
    if not person.consent and not person.guardian:
        return None
    given = person.consent.strip()
    if given.lower() in AGREED or not given:
        given = "guardian" if person.guardian else "self"
    return Consent(given, person.guardian)
