"""The console's timetable over real HTTP (the real app under uvicorn, a real SQLite file):
"Cancel this day" beside a meeting cancels that meeting, and a meeting already held is not
cancelled at all."""

from __future__ import annotations

from datetime import time as dtime

import pytest
from web_support import DAY, check_in

from kiosk.model import Schedule, parse_weekdays

WEEK = {"room": "B12", "week": "2026-11-23"}


@pytest.fixture
def twice(store, cfg, clock):
    """CS101 meets twice today in B12: 09:00 (on now, Maya checked in) and, weekly, 11:00."""
    check_in(cfg, clock, "maya")
    return store.add_schedule(Schedule("CS101", dtime(11), dtime(12), "Europe/London", weekdays=parse_weekdays("wed")))


def cancelled(store) -> dict:
    return {s.start.strftime("%H:%M"): sorted(d.isoformat() for d in s.cancelled)
            for s in store.schedules() if s.class_code == "CS101"}


def cancel(boss, schedule_id, **extra):
    token = boss.csrf("/timetable?room=B12&week=2026-11-23")
    form = {"csrf": token, "class_code": "CS101", "from": DAY.isoformat(), **WEEK, **extra}
    return boss.post("/timetable/cancel", {**form, "schedule_id": str(schedule_id)} if schedule_id else form)


def test_cancel_this_day_cancels_that_meeting_only(boss, store, twice):
    page = boss.get("/timetable?room=B12&week=2026-11-23").text
    assert f'name="schedule_id" value="{twice}"' in page
    reply = cancel(boss, twice)
    assert reply.status == 303
    assert cancelled(store) == {"09:00": [], "11:00": ["2026-11-25"]}
    assert "CS101: 1 meeting(s) cancelled" in boss.get(reply.headers["location"]).text
    assert cancel(boss, twice, undo="1").status == 303
    assert cancelled(store) == {"09:00": [], "11:00": []}


def test_a_meeting_already_held_is_refused_not_cancelled(boss, store, twice):
    (held,) = [s.id for s in store.schedules() if s.class_code == "CS101" and s.start == dtime(9)]
    reply = cancel(boss, held)
    assert reply.status == 400 and "already held" in reply.text and "end it instead" in reply.text
    whole_day = cancel(boss, None)  # the class's whole day (a holiday) holds the 09:00 meeting too
    assert whole_day.status == 400 and "09:00 is already held" in whole_day.text
    assert cancelled(store) == {"09:00": [], "11:00": []}


def test_a_schedule_of_another_class_or_no_number_is_refused(boss, store, twice):
    (art,) = [s.id for s in store.schedules() if s.class_code == "ART2"]
    assert cancel(boss, art).status == 400
    assert cancel(boss, "x").status == 400
    assert cancelled(store) == {"09:00": [], "11:00": []}


def test_an_instructor_sees_the_room_s_week_but_links_only_their_own_classes(web, store):
    prof = web.client()
    prof.sign_in("other")  # teaches ART2 in C3, not CS101 in B12
    b12 = prof.get("/timetable?room=B12&week=2026-11-23").text
    c3 = prof.get("/timetable?room=C3&week=2026-11-23").text
    assert "CS101" in b12 and 'href="/class/CS101"' not in b12  # the room is busy then, but not theirs to open
    assert 'href="/class/ART2"' in c3


@pytest.mark.parametrize("extra, words", [
    ({"start": "10:00", "end": "09:00", "day_mon": "mon"}, "must be after the start"),
    ({"start": "09:15", "end": "09:45", "day_wed": "wed"}, "overlap"),
    ({"start": "13:00", "end": "14:00", "day_mon": "mon", "date": "2026-11-27"}, "not both"),
])
def test_a_refused_meeting_brings_the_form_back_as_typed(boss, store, extra, words):
    token = boss.csrf("/timetable?room=B12&week=2026-11-23")
    reply = boss.post("/timetable", {"csrf": token, "class_code": "ART2", **WEEK, **extra})
    assert reply.status == 400 and words in reply.text.lower() and "Not added:" in reply.text
    assert f'value="{extra["start"]}"' in reply.text and '<option value="ART2" selected>' in reply.text
    assert len([s for s in store.schedules() if s.class_code == "ART2"]) == 1  # nothing added
