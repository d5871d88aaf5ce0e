"""`run`'s own bad inputs: --exit-after that is not a finite positive number, and --stats to a
path that cannot be written (the stats are then on stderr in one line, not lost)."""

from __future__ import annotations

import json
import logging

import pytest

from kiosk.runtime import save_stats


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-3"])
def test_exit_after_must_be_finite_and_positive(cli, value):
    code, _, err = cli("run", "--exit-after", value)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--exit-after" in err


def test_stats_to_an_unwritable_path_are_logged_in_one_line(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with caplog.at_level(logging.ERROR):
        assert save_stats(blocked / "stats.json", {"frames_shown": 12, "checkins": 3}) == 1
    (record,) = [r for r in caplog.records if "--stats" in r.getMessage()]
    line = record.getMessage()
    assert "\n" not in line and json.loads(line.split("the stats instead: ", 1)[1]) == {"frames_shown": 12,
                                                                                        "checkins": 3}
    assert save_stats(tmp_path / "ok" / "stats.json", {"checkins": 1}) == 0
