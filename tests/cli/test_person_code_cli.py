"""`person code ID --card FILE`: the card's file is checked before a code is issued, because a new
code replaces the old one. A card path that cannot be written is one line, exit 2, and the
person keeps the code (and the printed card) they had."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

from kiosk.store.audit import audit_since
from kiosk.store.codes import code_hash, code_holder
from kiosk.store.sqlite_store import Person, SqliteStore

CODE = re.compile(r": (\d{4}) (\d{4}) ")


@pytest.fixture
def school(data_dir):
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("s004", "Sam Four", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.close()
    return data_dir


def issued_code(out: str) -> str:
    return "".join(CODE.search(out).groups())


def holder_and_issues(data_dir, code: str) -> tuple[tuple[str, str] | None, int]:
    store = SqliteStore.in_dir(data_dir)
    try:
        issues = sum(e.action == "code_issue" for e in audit_since(store))
        return code_holder(store, code_hash(code)), issues
    finally:
        store.close()


def _folder_named_png(tmp_path):
    (tmp_path / "cards.png").mkdir()
    return tmp_path / "cards.png", "that is a folder, not a .png or .pdf file"


@pytest.mark.parametrize("card", [
    lambda tmp: (tmp / "missing" / "c.png", f"no such folder {tmp / 'missing'}"),
    lambda tmp: (tmp, "the card is written as .png or .pdf"),
    lambda tmp: (tmp / "c.txt", "the card is written as .png or .pdf"),
    _folder_named_png,
])
def test_a_card_that_cannot_be_written_is_refused_before_a_code_is_issued(cli, school, tmp_path, card):
    old = issued_code(cli("person", "code", "s004")[1])
    path, reason = card(tmp_path)
    code, out, err = cli("person", "code", "s004", "--card", str(path))
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"--card {path}: {reason}; nothing changed (no new code was issued)" in err
    assert holder_and_issues(school, old) == (("s004", "Sam Four"), 1)  # the old code (and its card) still work


def test_a_folder_without_write_permission_is_refused_first(cli, school, tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    if os.geteuid() == 0:  # root may write anywhere: the folder answers as it would to anyone else
        real = os.access
        monkeypatch.setattr(os, "access", lambda path, mode: False if path == folder else real(path, mode))
    code, _, err = cli("person", "code", "s004", "--card", str(folder / "c.png"))
    assert code == 2 and f"no permission in {folder}" in err and "nothing changed" in err
    assert holder_and_issues(school, "00000000")[1] == 0


def test_a_good_card_path_issues_the_code_and_writes_the_card(cli, school, tmp_path):
    card = tmp_path / "sam.png"
    code, out, err = cli("person", "code", "s004", "--card", str(card))
    assert (code, err) == (0, "") and out.endswith(f"card written to {card}\n")
    assert card.stat().st_size > 0
    assert holder_and_issues(school, issued_code(out)) == (("s004", "Sam Four"), 1)
