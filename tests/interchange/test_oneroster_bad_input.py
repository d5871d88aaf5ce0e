"""Bad OneRoster bundles: what refuses the whole bundle (one line per problem, nothing imported),
what refuses only its own line (named with file and line, the rest imported), and zip files
that are not safe to read (one line). Never a traceback."""

from __future__ import annotations

import zipfile

import pytest
from oneroster_support import school, write_folder, write_zip

from kiosk.interchange import bundle as bundle_module
from kiosk.store.sqlite_store import SqliteStore


def people_count(data_dir) -> int:
    if not (data_dir / "kiosk.db").exists():
        return 0
    s = SqliteStore.in_dir(data_dir)
    try:
        return len(s.people())
    finally:
        s.close()


def refused(cli, path, data_dir) -> list[str]:
    """Run the import; it must refuse the whole bundle, import nothing and say why line by line."""
    code, out, err = cli("import", "oneroster", str(path))
    assert code == 1 and out == "" and "Traceback" not in err, err
    lines = err.splitlines()
    assert lines[-1] == f"{path.name}: nothing imported ({len(lines) - 1} problem(s))"
    assert people_count(data_dir) == 0
    return lines[:-1]


def small():
    return school(users=12, classes=2)


def edit(files: dict[str, str], name: str, old: str, new: str, count: int = 1) -> dict[str, str]:
    assert old in files[name]
    return {**files, name: files[name].replace(old, new, count)}


def test_a_missing_file_a_wrong_header_and_a_duplicate_are_each_one_line(cli, data_dir, tmp_path):
    files = small().files()
    del files["users.csv"]
    files = edit(files, "classes.csv", "classCode", "ClassCode")
    line = files["enrollments.csv"].splitlines()[1]
    files["enrollments.csv"] += line + "\r\n"
    lines = refused(cli, write_zip(tmp_path / "b.zip", files), data_dir)
    assert lines == [  # in the manifest's order of files
        "classes.csv line 1: column 7 of the header is 'ClassCode'; OneRoster 1.1 says 'classCode' "
        "(headers are matched exactly, case included)",
        f"enrollments.csv lines 2 and {len(files['enrollments.csv'].splitlines())}: sourcedId 'enr-t001' is "
        "listed twice",
        "manifest.csv declares file.users as bulk, but users.csv is not in the bundle",
    ]


@pytest.mark.parametrize("change, words", [
    (("users.csv", "familyName,middleName", "familyName"), "users.csv line 1: column 11 of the header is "
                                                           "'identifier'; OneRoster 1.1 says 'middleName'"),
    (("users.csv", "password", "password,notes"), "column 19 of the header, 'notes', is not in OneRoster 1.1; "
                                                  "an extension column is named metadata.*"),
    (("manifest.csv", "oneroster.version,1.1", "oneroster.version,1.0"), "oneroster.version is '1.0'; this kiosk "
                                                                         "reads OneRoster 1.1 and 1.2"),
    (("manifest.csv", "manifest.version,1.0", "manifest.version,2.0"), "manifest.version is '2.0'"),
    (("manifest.csv", "file.users,bulk", "file.users,bulk\r\nfile.pupils,bulk"),
     "file.pupils is not a file of OneRoster 1.1"),
    (("manifest.csv", "file.classes,bulk", "file.classes,full"), "file.classes is 'full'; it must be bulk, "
                                                                 "delta or absent"),
    (("manifest.csv", "propertyName,value", "property,value"), "manifest.csv line 1: column 1 of the header "
                                                               "is 'property'; the standard says 'propertyName'"),
    (("enrollments.csv", "class-002,school-2,stu-0002", "class-404,school-2,stu-0002"),
     "classSourcedId 'class-404' is not in classes.csv"),
    (("enrollments.csv", "class-002,school-2,stu-0002", "class-002,school-2,stu-0404"),
     "userSourcedId 'stu-0404' is not in users.csv"),
])
def test_each_structural_problem_refuses_the_bundle(cli, data_dir, tmp_path, change, words):
    files = edit(small().files(), *change)
    lines = refused(cli, write_folder(tmp_path / "bundle", files), data_dir)
    assert len(lines) == 1 and words in lines[0], lines


def test_a_file_that_is_not_utf8_is_named_with_its_line(cli, data_dir, tmp_path):
    files = small().files()
    raw = {**files, "users.csv": files["users.csv"].replace("Leo,Park", "Léo,Park").encode("latin-1")}
    lines = refused(cli, write_zip(tmp_path / "b.zip", raw), data_dir)
    assert len(lines) == 1 and lines[0].startswith("users.csv line ")
    assert "not UTF-8 (byte 0xe9); save the file as UTF-8" in lines[0]


def test_a_delta_enrollment_for_a_class_never_imported_refuses_the_bundle(cli, data_dir, tmp_path):
    sis = small()
    sis.modes = {"enrollments": "delta"}
    for enrollment in sis.enrollments:
        enrollment["status"] = "active"
    lines = refused(cli, write_folder(tmp_path / "delta", sis.files()), data_dir)
    assert len(lines) == 2 * len(sis.enrollments)  # neither its class nor its user is known
    assert "enrollments.csv line 2: classSourcedId 'class-001' is not in classes.csv nor imported before" in lines


def test_bad_lines_are_named_and_the_good_rows_imported(cli, data_dir, tmp_path):
    files = small().files()
    files = edit(files, "users.csv", "Kofi,Chen", ",")  # stu-0010 has no name
    files = edit(files, "enrollments.csv", "stu-0002,student,false", "stu-0002,student,yes")
    files = edit(files, "classes.csv", "Science 2", "")
    files["users.csv"] += "stu-0098,active,,true\r\n"
    files["users.csv"] += 'stu-0099,active,,true,school-1,student,"broken,,Ann,Lee,,1,,,,,,\r\n'  # to the end
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "b.zip", files)))
    assert code == 1 and "Traceback" not in err
    lines = err.splitlines()
    assert "classes.csv line 3: the title is empty" in lines
    assert "users.csv line 13: the name (givenName familyName) is empty" in lines
    assert "users.csv line 14: 4 cells, but the header has 18 columns" in lines
    assert any(line.startswith("users.csv line 15: broken quoting") for line in lines)
    assert any(line.startswith("enrollments.csv line ") and "primary is 'yes'; it must be true or false" in line
               for line in lines)
    assert any("class 'class-002' was not imported (classes.csv line 3)" in line for line in lines)
    assert any("user 'stu-0010' was not imported (users.csv line 13)" in line for line in lines)
    refusals = len({line.split(":")[0] for line in lines})  # "users.csv line 13"
    assert out.endswith(f"; {refusals} line(s) refused\n") and "classes 1 added" in out and "users 11 added" in out
    assert people_count(data_dir) == 11


# -- zip files that are not safe to read ----------------------------------------------------------------

def one_line(cli, path, words, data_dir):
    code, out, err = cli("import", "oneroster", str(path))
    assert code == 1 and out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 2 and words in err.splitlines()[0], err
    assert people_count(data_dir) == 0


@pytest.mark.parametrize("member", ["../users.csv", "/etc/users.csv", "sis/../../users.csv", "C:/users.csv",
                                    "..\\users.csv"])
def test_a_path_out_of_the_zip_is_refused(cli, data_dir, tmp_path, member):
    files = small().files()
    path = write_zip(tmp_path / "b.zip", files)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(member, "x")
    one_line(cli, path, "holds a path outside its folder", data_dir)


def test_a_zip_bomb_is_refused(cli, data_dir, tmp_path):
    files = {**small().files(), "demographics.csv": "0" * (4 * 2**20)}  # 4 MB that compress to a few kB
    one_line(cli, write_zip(tmp_path / "bomb.zip", files), "as a zip bomb is", data_dir)


def test_a_member_or_a_zip_too_large_is_refused(cli, data_dir, tmp_path, monkeypatch):
    path = write_zip(tmp_path / "b.zip", small().files())
    monkeypatch.setattr(bundle_module, "MAX_MEMBER_BYTES", 100)
    one_line(cli, path, "more than 100 bytes for one file", data_dir)
    monkeypatch.setattr(bundle_module, "MAX_MEMBER_BYTES", 2**20)
    monkeypatch.setattr(bundle_module, "MAX_TOTAL_BYTES", 1000)
    one_line(cli, path, "the zip unpacks to", data_dir)


def test_too_many_members_and_a_damaged_zip_are_refused(cli, data_dir, tmp_path):
    files = {**small().files(), **{f"extra/{n}.txt": "x" for n in range(120)}}
    one_line(cli, write_zip(tmp_path / "many.zip", files), "127 files in the zip, more than 100", data_dir)
    good = write_zip(tmp_path / "good.zip", small().files())
    with zipfile.ZipFile(good) as archive:
        users = archive.getinfo("users.csv")
    data = bytearray(good.read_bytes())
    middle = users.header_offset + 30 + len(users.filename) + users.compress_size // 2
    data[middle:middle + 16] = bytes(16)  # damage the compressed text of users.csv
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    one_line(cli, damaged, "cannot read the zip file", data_dir)


def test_no_bundle_at_all_is_a_usage_error(cli, tmp_path):
    text = tmp_path / "roster.txt"
    text.write_text("id,name\n")
    for path, words in ((tmp_path / "nope.zip", "does not exist"), (text, "neither a folder nor a zip file")):
        code, out, err = cli("import", "oneroster", str(path))
        assert code == 2 and words in err and len(err.splitlines()) == 1
    code, _, err = cli("import", "oneroster", str(write_folder(tmp_path / "empty", {})))
    assert code == 1 and "no manifest.csv" in err


def test_what_only_the_plan_can_see_is_a_bad_line_too(cli, data_dir, tmp_path):
    sis = small()
    sis.classes.append({**sis.classes[0], "sourcedId": "class-copy", "title": "A copy"})  # the same classCode
    sis.users.append({"sourcedId": "par-1", "role": "parent", "school": "school-1", "givenName": "Pat",
                      "familyName": "Park"})
    enrollment = {"schoolSourcedId": "school-1", "classSourcedId": "class-001"}
    sis.enrollments += [
        {**enrollment, "sourcedId": "e-2nd", "userSourcedId": "staff/0002", "role": "teacher", "primary": "true"},
        {**enrollment, "sourcedId": "e-teach", "userSourcedId": "staff/0001", "role": "student"},
        {**enrollment, "sourcedId": "e-par", "userSourcedId": "par-1", "role": "student"},
        {**enrollment, "sourcedId": "e-aide", "userSourcedId": "stu-0001", "role": "aide"},
    ]
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "b.zip", sis.files())))
    assert code == 1 and "Traceback" not in err
    n = len(sis.enrollments) + 1  # the last row's line
    assert err.splitlines() == [
        "classes.csv line 4: classCode 'ENG-001' is already the code of classes.csv line 2",
        f"enrollments.csv line {n - 3}: class 'class-001' already has its primary teacher on line 2",
        f"enrollments.csv line {n - 2}: user 'staff/0001' is an instructor here; a student enrollment needs a student",
        f"enrollments.csv line {n - 1}: user 'par-1' is a parent (users.csv line 14); only students and teachers "
        "are imported",
    ]
    assert "; 2 of other roles ignored; 4 line(s) refused" in out  # the parent and the aide


def test_a_changed_class_code_is_a_warning_and_the_code_stays(cli, data_dir, tmp_path):
    sis = small()
    assert cli("import", "oneroster", str(write_zip(tmp_path / "b.zip", sis.files())))[0] == 0
    sis.classes[0]["classCode"] = "ENGLISH-1"
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "b.zip", sis.files())))
    assert code == 0 and "classes 0 added, 0 updated, 0 removed, 2 unchanged" in out
    assert err == ("classes.csv line 2: warning: classCode is now 'ENGLISH-1'; the kiosk keeps 'ENG-001' (a class's "
                   "code keys its timetable and history)\n")
