"""Reading a school's CSV of people (rosters, photo day), for the command line and the web
console alike: the dialect sniffed, the columns found by their usual names, and each bad
line named.

- Encoding: UTF-8, with or without a BOM (Excel's "CSV UTF-8").
- Delimiter: comma, semicolon (European Excel) or tab, whichever the header uses most.
- Columns: the header's names, matched without case, spaces or punctuation, so
  "Student ID", "student_id" and "StudentID" are one column; a name may come as
  one column or as first and last name.
- Quoting: every row is one line (a roster has no multi-line cells), so a stray
  quote spoils only its own line, which is reported with its number, and never
  swallows the rest of the file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.enrolment.rules import person_id_problem
from kiosk.errors import UsageError
from kiosk.store.rosters import RosterEntry

DELIMITERS = (",", ";", "\t")
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "personid", "studentid", "pupilid", "studentnumber", "studentno", "learnerid", "userid"),
    "name": ("name", "fullname", "studentname", "pupilname", "displayname"),
    "first": ("firstname", "givenname", "forename", "first"),
    "last": ("lastname", "surname", "familyname", "last"),
    "photo": ("photo", "photopath", "photofile", "image", "picture", "file"),
    "consent": ("consent", "consentby", "consentedby"),
    "guardian": ("guardian", "guardianname", "parent"),
}


@dataclass(frozen=True)
class CsvRow:
    line: int  # line number in the file, for messages
    cells: dict[str, str]  # canonical column (id, name, photo, ...) -> stripped value

    def get(self, column: str) -> str:
        if column == "name" and not self.cells.get("name"):
            return " ".join(p for p in (self.cells.get("first", ""), self.cells.get("last", "")) if p)
        return self.cells.get(column, "")


@dataclass
class PeopleTable:
    rows: list[CsvRow] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    columns: tuple[str, ...] = ()
    delimiter: str = ","


def read_people_csv(path: Path, required: tuple[str, ...] = ("id",)) -> PeopleTable:
    """Read and parse; UsageError (one line) for a file that cannot be used at all."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {path}: it is not UTF-8 text; save it as 'CSV UTF-8' and try again") from None
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None
    return parse_people_csv(text, required, str(path))


def parse_people_csv(text: str, required: tuple[str, ...] = ("id",), source: str = "the CSV") -> PeopleTable:
    lines = [(n, line) for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1) if line.strip()]
    if not lines:
        raise UsageError(f"{source} is empty; it needs a header row, e.g. id,name")
    header_line, header = lines[0]
    delimiter = max(DELIMITERS, key=header.count)
    try:
        names = _cells(header, delimiter)
    except ValueError as err:
        raise UsageError(f"{source} line {header_line} (the header): {err}") from None
    columns = _columns(names)
    missing = [c for c in required if c not in columns and not (c == "name" and {"first", "last"} & set(columns))]
    if missing:
        raise UsageError(f"{source} needs a header row with column(s) {', '.join(missing)} "
                         f"(for example {', '.join(ALIASES[missing[0]][:3])}); its header is: {header.strip()}")
    table = PeopleTable(columns=tuple(c for c in columns if c), delimiter=delimiter)
    for number, line in lines[1:]:
        try:
            cells = _cells(line, delimiter)
        except ValueError as err:
            table.bad.append((number, str(err)))
            continue
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
            table.bad.append((number, f"{len(cells)} cells but the header has {len(names)} columns "
                                      f"(a {_word(delimiter)} inside a name needs quotes)"))
            continue
        table.rows.append(CsvRow(number, {c: v.strip() for c, v in zip(columns, cells) if c}))
    return table


def roster_entries(table: PeopleTable) -> list[RosterEntry]:
    """A roster file's rows as entries to import, in line order. A line the reader could not use,
    or an id the rules refuse, comes as an entry with its problem: the import reports it with the
    rows it refuses itself, so every count of bad rows is the import's."""
    entries = [RosterEntry(line, "", problem=reason) for line, reason in table.bad]
    for row in table.rows:
        problem = person_id_problem(row.get("id")) if row.get("id") else None
        entries.append(RosterEntry(row.line, row.get("id"), row.get("name"),
                                   problem=f"{row.get('id')!r}: {problem}" if problem else ""))
    return sorted(entries, key=lambda entry: entry.line)


def _cells(line: str, delimiter: str) -> list[str]:
    """One line's cells; ValueError naming a quoting mistake."""
    if line.count('"') % 2:
        raise ValueError('a quote (") is not closed; fix the quoting of this line')
    try:
        return next(csv.reader([line], delimiter=delimiter, strict=True))
    except csv.Error as err:
        raise ValueError(f"bad quoting ({err}); fix the quoting of this line") from None


def _columns(names: list[str]) -> list[str]:
    """Each header cell as a canonical column, or '' when it is none we use (kept in place)."""
    found = []
    for name in names:
        key = re.sub(r"[^0-9a-z]", "", name.strip().lower())
        column = next((c for c, aliases in ALIASES.items() if key in aliases), "")
        found.append(column if column not in found else "")  # the first of two alike columns counts
    return found


def _word(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
