"""Enrolment and identify through main(), on the shared photos with the real models."""

import json

import cv2

from kiosk.store.sqlite_store import SqliteStore


def people(data_dir):
    store = SqliteStore.in_dir(data_dir)
    try:
        return [p.id for p in store.people()]
    finally:
        store.close()


def test_enrol_then_identify(cli, shared, data_dir):
    photos = shared / "face_recognition"
    code, out, err = cli("enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))
    assert code == 0 and "enrolled obama" in out and "1/1" in err  # the progress bar
    code, out, _ = cli("identify", str(photos / "obama2.jpg"), str(photos / "two_people.jpg"))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert lines[0]["image"].endswith("obama2.jpg") and lines[0]["person_id"] == "obama"
    assert set(lines[0]) == {"image", "box", "person_id", "name", "score"} and len(lines[0]["box"]) == 4
    two = [line for line in lines if line["image"].endswith("two_people.jpg")]
    assert len(two) == 2 and {line["person_id"] for line in two} == {"obama", None}


def test_identify_says_when_a_photo_has_no_face(cli, store, shared, tmp_path):
    cv2.imwrite(str(tmp_path / "wall.jpg"), cv2.imread(str(shared / "face_recognition" / "obama.jpg"))[:40, :40])
    code, out, err = cli("identify", str(tmp_path / "wall.jpg"), str(shared / "face_recognition" / "obama2.jpg"))
    assert code == 0 and f"{tmp_path / 'wall.jpg'}: no face found\n" in err
    assert [json.loads(line)["image"] for line in out.splitlines()] == [str(shared / "face_recognition" / "obama2.jpg")]


def test_photo_with_two_faces_names_the_image_and_stores_nothing(cli, shared, data_dir):
    photos = shared / "face_recognition"
    code, _, err = cli("enroll", "--id", "x", "--name", "X", str(photos / "obama.jpg"), str(photos / "two_people.jpg"))
    assert code == 1
    assert "two_people.jpg: 2 faces of similar size (" in err and "Traceback" not in err
    assert people(data_dir) == []


def test_face_too_small_and_no_face_and_corrupt(cli, shared, data_dir, tmp_path):
    image = cv2.imread(str(shared / "face_recognition" / "obama.jpg"))
    cv2.imwrite(str(tmp_path / "tiny.jpg"), cv2.resize(image, None, fx=0.12, fy=0.12))
    cv2.imwrite(str(tmp_path / "wall.jpg"), image[:40, :40])
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    for name, reason in [("tiny.jpg", "needs at least"), ("wall.jpg", "no face found"), ("broken.jpg", "broken.jpg")]:
        code, _, err = cli("enroll", "--id", "x", "--name", "X", str(tmp_path / name))
        assert code == 1 and reason in err and err.count("\n") <= 2, err
    assert people(data_dir) == []


def test_enrol_from_dir_uses_folder_names_and_reports_rejects(cli, shared, data_dir, tmp_path):
    train = shared / "face_recognition" / "knn_examples" / "train"
    code, out, err = cli("enroll", "--from-dir", str(train))
    enrolled = people(data_dir)
    assert enrolled == sorted(p.name for p in train.iterdir() if p.is_dir() and p.name in enrolled)
    assert len(enrolled) >= 4
    assert code == (1 if "rejected" in err else 0)
    code, out, _ = cli("enroll", "--from-dir", str(train))  # a re-run adds nothing
    assert "already enrolled" in out and people(data_dir) == enrolled


def test_enrol_usage_errors(cli):
    assert cli("enroll", "--id", "x")[0] == 2
    code, _, err = cli("enroll", "--from-dir", "/nonexistent")
    assert code == 2 and "not a folder" in err


def test_partial_face_is_refused_with_the_reason(cli, shared, data_dir):
    photo = shared / "face_recognition" / "test_images" / "obama_partial_face.jpg"
    code, _, err = cli("enroll", "--id", "x", "--name", "X", str(photo))
    assert code == 1 and "obama_partial_face.jpg: face is cut off by the image edge" in err
    assert people(data_dir) == []


def test_same_face_under_another_id_is_refused_unless_allowed_and_audited(cli, shared, data_dir):
    from kiosk.store.audit import audit_entries
    from kiosk.store.lookalikes import lookalike_pairs

    photos = shared / "face_recognition"
    assert cli("enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))[0] == 0
    code, _, err = cli("enroll", "--id", "barack", "--name", "B", str(photos / "obama2.jpg"))
    assert code == 1 and "already enrolled as obama (Barack Obama" in err and err.count("error") == 1
    assert people(data_dir) == ["obama"]
    code, out, _ = cli("enroll", "--id", "barack", "--name", "B", "--allow-duplicate", str(photos / "obama2.jpg"))
    assert code == 0 and "duplicate allowed: barack ~ obama" in out
    assert people(data_dir) == ["barack", "obama"]
    store = SqliteStore.in_dir(data_dir)
    try:
        (entry,) = audit_entries(store, "enroll_duplicate")
        assert entry.target_id == "barack" and "matches obama" in entry.detail
        assert [(p.person_a, p.person_b) for p in lookalike_pairs(store)] == [("barack", "obama")]
    finally:
        store.close()
    code, out, _ = cli("lookalikes")
    assert code == 0 and out.startswith("barack\tobama\t")


CUT_OFF = "face is cut off by the image edge; use a photo with the whole face in view"


def test_from_dir_report_lists_every_photo(cli, shared, data_dir, tmp_path):
    import csv
    import shutil

    photos = shared / "face_recognition"
    folder = tmp_path / "people"
    for person, names in {"obama": ["obama.jpg", "test_images/obama_partial_face.jpg"], "biden": ["biden.jpg"]}.items():
        (folder / person).mkdir(parents=True)
        for name in names:
            shutil.copy(photos / name, folder / person / name.split("/")[-1])
    report = tmp_path / "report.csv"
    code, _, err = cli("enroll", "--from-dir", str(folder), "--report", str(report))
    assert code == 1 and "enrolling obama: 2/2" in err  # some photo rejected; the progress is still reported
    rows = {(r["person"], r["file"].split("/")[-1]): (r["outcome"], r["reason"]) for r in csv.DictReader(report.open())}
    assert rows == {("biden", "biden.jpg"): ("accepted", ""), ("obama", "obama.jpg"): ("accepted", ""),
                    ("obama", "obama_partial_face.jpg"): ("rejected", CUT_OFF)}
    code, _, _ = cli("enroll", "--from-dir", str(folder), "--report", str(report))  # idempotent re-run
    assert code == 0 and {r["outcome"] for r in csv.DictReader(report.open())} == {"skipped"}
    assert people(data_dir) == ["biden", "obama"]


def test_a_weaker_photo_is_enrolled_and_the_report_says_what_to_fix(cli, shared, data_dir, tmp_path):
    import csv

    import cv2

    (tmp_path / "people" / "obama").mkdir(parents=True)
    image = cv2.imread(str(shared / "face_recognition" / "obama.jpg"))
    cv2.imwrite(str(tmp_path / "people" / "obama" / "dim.jpg"), (image * 0.3).astype("uint8"))
    report = tmp_path / "report.csv"
    code, out, err = cli("enroll", "--from-dir", str(tmp_path / "people"), "--report", str(report))
    assert code == 0 and "note: " in out and "dim.jpg: the face is dark" in out and "Traceback" not in err
    (row,) = csv.DictReader(report.open())
    assert row["outcome"] == "accepted" and row["reason"].startswith("the face is dark")
    assert people(data_dir) == ["obama"]


def photo_count(data_dir, person_id):
    store = SqliteStore.in_dir(data_dir)
    try:
        return store.embedding_counts("sface").get(person_id, 0), store.person(person_id).name
    finally:
        store.close()


def test_extend_adds_photos_and_the_same_photo_again_adds_nothing(cli, shared, data_dir):
    photos = shared / "face_recognition"
    assert cli("enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))[0] == 0
    code, out, _ = cli("enroll", "--id", "obama", "--extend", str(photos / "obama2.jpg"))
    assert code == 0 and "extended obama: 1 photo(s) added, 0 already enrolled" in out
    code, out, _ = cli("enroll", "--id", "obama", "--extend", str(photos / "obama2.jpg"), str(photos / "obama.jpg"))
    assert code == 0 and "extended obama: 0 photo(s) added, 2 already enrolled" in out
    assert photo_count(data_dir, "obama") == (2, "Barack Obama")


def test_extend_refuses_a_duplicate_of_someone_else(cli, shared, data_dir):
    photos = shared / "face_recognition"
    assert cli("enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))[0] == 0
    assert cli("enroll", "--id", "joe", "--name", "Joe Biden", str(photos / "biden.jpg"))[0] == 0
    code, _, err = cli("enroll", "--id", "joe", "--extend", str(photos / "obama2.jpg"))
    assert code == 1 and "already enrolled as obama (Barack Obama" in err
    assert photo_count(data_dir, "joe") == (1, "Joe Biden")


def test_extend_and_id_usage_errors_store_nothing(cli, shared, data_dir):
    photo = str(shared / "face_recognition" / "obama.jpg")
    code, _, err = cli("enroll", "--id", "ghost", "--extend", photo)
    assert code == 1 and "ghost is not enrolled; --extend adds photos" in err
    assert cli("enroll", "--id", "x", "--extend", "--replace", photo)[0] == 2
    code, _, err = cli("enroll", "--id", "x", "--name", "X", "--extend", photo)
    assert code == 2 and "--extend keeps the enrolled name" in err
    code, _, err = cli("enroll", "--id", "two words", "--name", "X", photo)
    assert code == 2 and "an id may use only letters, digits" in err and err.count("\n") == 1
    assert people(data_dir) == []


def test_with_edgeface_installed_enrol_stores_a_vector_of_each_model(cli, shared, data_dir, tmp_path,
                                                                      installed_edgeface):
    """The default config on an installation setup.sh filled: EdgeFace-S recognises, and SFace's vectors
    are stored beside, so a kiosk switched to SFace (or running it while EdgeFace's file is missing)
    needs no new photos. A re-enrolment replaces both."""
    from kiosk.config import PROJECT_ROOT
    from kiosk.store.embeddings import model_coverage

    default = ("--config", str(PROJECT_ROOT / "config" / "kiosk.toml"))
    photos = shared / "face_recognition"
    code, out, err = cli(*default, "enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"),
                         str(photos / "obama2.jpg"))
    assert code == 0 and "note:" not in err, err
    code, out, _ = cli(*default, "enroll", "--id", "obama", "--name", "Barack Obama", "--replace",
                       str(photos / "obama2.jpg"))
    store = SqliteStore.in_dir(data_dir)
    try:
        assert model_coverage(store).by_model == {"edgeface-s": 1, "sface": 1}
        assert store.embedding_counts("edgeface-s") == store.embedding_counts("sface") == {"obama": 1}
    finally:
        store.close()
    found = json.loads(cli(*default, "identify", str(photos / "obama.jpg"))[1])
    assert found["person_id"] == "obama"


def test_add_missing_models_goes_with_a_folder_or_a_csv(cli, shared):
    code, _, err = cli("enroll", "--id", "x", "--name", "X", "--add-missing-models",
                       str(shared / "face_recognition" / "obama.jpg"))
    assert code == 2 and err.strip() == "error: enroll: --add-missing-models goes with --from-dir or --from-csv"


def test_add_missing_models_from_a_csv_touches_nobody_else(cli, shared, data_dir, tmp_path, isolated_models,
                                                           edgeface_onnx):
    """Photo day's CSV again, after EdgeFace-S was installed: the enrolled get its vectors; someone in the
    CSV not enrolled yet is skipped (enrolling is another run), and names and consent stay."""
    from kiosk.config import PROJECT_ROOT

    photos = shared / "face_recognition"
    assert cli("enroll", "--id", "obama", "--name", "Barack Obama", "--consent-by", "self",
               str(photos / "obama.jpg"))[0] == 0
    (isolated_models / edgeface_onnx.name).symlink_to(edgeface_onnx)  # installed after that enrolment
    sheet = tmp_path / "people.csv"
    sheet.write_text(f"id,name,photo,consent\nobama,B. Obama,{photos / 'obama2.jpg'},yes\n"
                     f"biden,Joe Biden,{photos / 'biden.jpg'},yes\n")
    code, out, err = cli("--config", str(PROJECT_ROOT / "config" / "kiosk.toml"), "enroll", "--from-csv", str(sheet),
                         "--add-missing-models")
    assert code == 0, err
    assert "obama: added 1 edgeface-s vector(s)" in out and "biden: not enrolled" in out
    assert "people.csv: 1 given the missing models' vectors, 1 skipped, 0 photo(s) or row(s) rejected" in out
    store = SqliteStore.in_dir(data_dir)
    try:
        assert people(data_dir) == ["obama"] and store.person("obama").name == "Barack Obama"
        assert store.embedding_counts("edgeface-s") == {"obama": 1}
        assert store.query("SELECT consent_by FROM people WHERE id = 'obama'")[0][0] == "self"
    finally:
        store.close()
