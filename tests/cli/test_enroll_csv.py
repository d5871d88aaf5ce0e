"""`enroll --from-csv`: rows with one id are one person's photos, so they must agree on the
name, consent and guardian; two people given one id are refused, naming both lines."""

from __future__ import annotations

import shutil

import pytest

from kiosk.cli.enroll_csv import PhotoDayPerson
from kiosk.enrolment.people_csv import CsvRow
from kiosk.store.sqlite_store import SqliteStore


def person_from(tmp_path, *rows: dict[str, str]) -> PhotoDayPerson:
    person = PhotoDayPerson("s002")
    for line, cells in enumerate(rows, 2):
        person.take(CsvRow(line, {"id": "s002", **cells}), tmp_path)
    return person


def test_repeated_rows_and_empty_cells_are_one_persons_photos(tmp_path):
    person = person_from(tmp_path, {"name": "Amy Chen", "photo": "a.jpg", "consent": "self"},
                         {"name": "amy  chen", "photo": "b.jpg"}, {"photo": "c.jpg", "guardian": "Mr Chen"})
    assert person.conflict == "" and (person.name, person.consent, person.guardian) == ("Amy Chen", "self", "Mr Chen")
    assert [p.name for p in person.photos] == ["a.jpg", "b.jpg", "c.jpg"] and person.lines == [2, 3, 4]


@pytest.mark.parametrize("column, first, second", [("name", "Amy Chen", "Different Name"),
                                                   ("consent", "self", "no"), ("guardian", "Mr Chen", "Ms Ng")])
def test_rows_that_disagree_name_both_lines(tmp_path, column, first, second):
    person = person_from(tmp_path, {column: first, "photo": "a.jpg"}, {"photo": "b.jpg"},
                         {column: second, "photo": "c.jpg"})
    assert person.conflict.startswith(f"line 4 gives the {column} {second!r} where line 2 gave {first!r}")


def test_a_second_person_under_one_id_is_refused_and_the_repeated_rows_still_enrol(cli, shared, data_dir, tmp_path):
    folder = shared / "face_recognition"
    for name in ("obama.jpg", "obama2.jpg", "lin-manuel-miranda.png", "alex-lacamoire.png"):
        shutil.copyfile(folder / name, tmp_path / name)
    sheet = tmp_path / "people.csv"
    sheet.write_text("id,name,photo,consent\n"
                     "s001,Barack Obama,obama.jpg,self\ns001,Barack Obama,obama2.jpg,self\n"
                     "s002,Lin-Manuel Miranda,lin-manuel-miranda.png,self\ns002,Different Name,alex-lacamoire.png,self\n")
    code, out, err = cli("enroll", "--from-csv", str(sheet))
    assert code == 1 and "enrolled s001 from 2 photo(s)" in out
    refusal = [line for line in err.splitlines() if line.startswith("rejected")]
    assert refusal == ["rejected s002 (people.csv line 4): line 5 gives the name 'Different Name' where line 4 gave "
                       "'Lin-Manuel Miranda'; rows with one id are one person's photos: give each person an id of "
                       "their own, or make the rows agree"]
    assert "people.csv: 1 enrolled, 0 skipped, 2 photo(s) or row(s) rejected" in out
    store = SqliteStore.in_dir(data_dir)
    assert store.embedding_counts("sface") == {"s001": 2} and store.person("s002") is None
    store.close()
