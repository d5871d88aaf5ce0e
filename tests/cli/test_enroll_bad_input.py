"""`enroll --from-dir` with bad photos: one reason per file, exit 1, nothing half-stored."""

import csv
import shutil

import cv2
import numpy as np

from kiosk.store.sqlite_store import SqliteStore


def test_corrupt_huge_and_faceless_photos_each_get_one_line_and_their_person_is_not_stored(
        cli, shared, data_dir, tmp_path):
    folder = tmp_path / "people"
    (folder / "biden").mkdir(parents=True)
    shutil.copy(shared / "face_recognition" / "biden.jpg", folder / "biden" / "biden.jpg")
    nobody = folder / "nobody"  # a folder with no usable photo at all
    nobody.mkdir()
    (nobody / "broken.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    cv2.imwrite(str(nobody / "huge.png"), np.zeros((7000, 6000), np.uint8))  # 42 MP, over the limit
    cv2.imwrite(str(nobody / "wall.jpg"), np.full((480, 640, 3), 120, np.uint8))
    report = tmp_path / "report.csv"

    code, out, err = cli("enroll", "--from-dir", str(folder), "--report", str(report))

    assert code == 1 and "Traceback" not in err
    rows = {r["file"].rsplit("/", 1)[-1]: (r["outcome"], r["reason"]) for r in csv.DictReader(report.open())}
    assert rows["biden.jpg"] == ("accepted", "")
    assert rows["broken.jpg"][0] == "rejected" and "corrupt" in rows["broken.jpg"][1]
    assert rows["huge.png"] == ("rejected", "image is 6000x7000 (42 MP); the limit is 40 MP")
    assert rows["wall.jpg"] == ("rejected", "no face found")
    assert all("\n" not in reason for _, reason in rows.values())
    assert "nobody: no usable photo, not enrolled" in err
    store = SqliteStore.in_dir(data_dir)
    try:
        assert [p.id for p in store.people()] == ["biden"]
        assert store.embedding_counts("sface") == {"biden": 1}
    finally:
        store.close()
