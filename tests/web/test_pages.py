"""The pages over real HTTP: Today, a session (with its downloads and chart), a class,
the kiosks; and bad input of every kind answered with a clear 4xx, never a traceback."""

from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import quote

import openpyxl
import pytest
from web_support import ART2, CS101, TZ, check_in, clock_at

from kiosk.store import rosters
from kiosk.store.rosters import RosterEntry
from kiosk.store.sessions import Actor, mark_manual
from kiosk.store.spoof_events import SpoofEvent, record_spoof_event


def test_today_lists_each_session_with_its_counts(web, cfg, clock, boss):
    check_in(cfg, clock, "maya")
    check_in(cfg, clock_at(9, 12), "lin")
    page = boss.get("/today").text
    cs101 = page[page.index(f'data-session="{CS101}"'):page.index(f'data-session="{ART2}"')]
    assert 'data-count="present">1<' in cs101 and 'data-count="late">1<' in cs101
    assert 'data-count="not_yet">1<' in cs101 and "kiosk door-7" in cs101 and "Room B12" in cs101
    assert "Maya Chen" in cs101 and "09:03" in cs101
    art2 = page[page.index(f'data-session="{ART2}"'):]
    assert "scheduled" in art2 and "Ana Silva" in art2 and "Room C3" in art2


def test_another_day_and_an_empty_day(boss):
    assert "No sessions on this day" in boss.get("/today?date=2026-11-24").text
    assert "Tuesday 24 November 2026" in boss.get("/today?date=2026-11-24").text


def test_a_session_shows_status_time_method_and_failed_live_checks(web, cfg, clock, store, boss):
    check_in(cfg, clock, "maya")
    mark_manual(store, CS101, "lin", "late", Actor("prof", "door-7"), clock())
    record_spoof_event(store, SpoofEvent(datetime(2026, 11, 25, 9, 4, tzinfo=TZ), CS101, "tom", "Tom Okafor",
                                         0.8, 0.1, {"planar": 0.1}))
    page = boss.get(f"/session/{quote(CS101)}").text
    rows = {pid: page[page.index(f'data-person="{pid}"'):][:1500] for pid in ("maya", "lin", "tom")}
    badge = '<span class="badge">{}</span>'.format
    assert badge("Present") in rows["maya"] and "09:03" in rows["maya"] and ">face<" in rows["maya"]
    assert badge("Late") in rows["lin"] and "by hand (prof)" in rows["lin"]
    assert badge("Not yet") in rows["tom"] and "1 failed live check<" in rows["tom"]
    assert "<b>1</b> failed live checks" in page
    for link in ("attendance.csv", "attendance.xlsx", "/class/CS101/chart.png", "/class/CS101"):
        assert link in page


def test_the_session_downloads_are_the_export_for_that_session(web, cfg, clock, boss, cli):
    check_in(cfg, clock, "maya")
    csv_reply = boss.get(f"/session/{quote(CS101)}/attendance.csv")
    assert csv_reply.status == 200 and "attachment" in csv_reply.headers["content-disposition"]
    _, out, _ = cli("attendance", "export", "--date", "2026-11-25", "--class", "CS101")
    assert csv_reply.text == out
    xlsx = boss.get(f"/session/{quote(CS101)}/attendance.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body)).active
    assert [c.value for c in sheet[2]][:5] == ["maya", "Maya Chen", "CS101", datetime(2026, 11, 25, 9, 0), "present"]
    chart = boss.get("/class/CS101/chart.png")
    assert chart.status == 200 and chart.body.startswith(b"\x89PNG")


def test_a_class_shows_history_per_session_and_per_student(web, cfg, clock, store, boss):
    check_in(cfg, clock, "maya")
    for pid in ("lin", "tom"):
        mark_manual(store, CS101, pid, "present", Actor("prof", "door-7"), clock())
    page = boss.get("/class/CS101").text
    assert "Wed 25 Nov 2026, 09:00" in page and f'href="/session/{quote(CS101)}"' in page
    student = page[page.index("Lin Miranda"):][:400]
    assert "100%" in student and "<td>1</td>" in student  # attended, once by hand
    assert boss.get("/class/ART2/chart.png").status == 404  # nothing recorded yet: said, not drawn


def test_a_class_counts_who_is_not_in_yet_and_who_awaits_enrolment(web, cfg, clock, store, boss):
    check_in(cfg, clock, "maya")
    rosters.import_roster(store, "CS101", [RosterEntry(2, "zoe", "Zoe Park")])  # no photo yet
    page = boss.get("/class/CS101").text
    session = page[page.index(f'href="/session/{quote(CS101)}"'):][:300]
    assert "<td>1</td><td>0</td><td>0</td><td>3</td>" in session  # maya in; lin, tom, zoe not yet
    zoe = page[page.index("Zoe Park"):][:200]
    assert "awaiting enrolment" in zoe and "awaiting enrolment" not in page[page.index("Lin Miranda"):][:200]


def test_kiosks_shows_this_kiosk_and_its_queue(web, cfg, clock, boss):
    check_in(cfg, clock, "maya")
    page = boss.get("/kiosks").text
    assert "door-7" in page and "<td>1</td>" in page and "central database" in page


@pytest.mark.parametrize("path, status, words", [
    ("/today?date=2026-13-45", 400, "is not a date in YYYY-MM-DD"),
    ("/today?date=yesterday", 400, "is not a date"),
    ("/class/NOPE", 404, "unknown class"),
    ("/class/NOPE/chart.png", 404, "unknown class"),
    ("/session/NOPE@2026-11-25T09:00Z", 404, "unknown session"),
    ("/session/no-at-sign", 404, "unknown session"),
    (f"/session/{quote(CS101)}/attendance.pdf", 404, "attendance.csv or attendance.xlsx"),
    ("/nowhere", 404, "no such page"),
])
def test_bad_addresses_get_a_clear_page(boss, path, status, words):
    reply = boss.get(path)
    assert reply.status == status and words.lower() in reply.text.lower()
    assert "Traceback" not in reply.text and reply.headers["content-type"].startswith("text/html")


def test_a_wrong_method_is_refused(boss):
    reply = boss.request("DELETE", "/today")
    assert reply.status == 405 and "not allowed" in reply.text


@pytest.mark.parametrize("body, kind, status, words", [
    (b"staff_id=prof&pin=" + b"1" * 100_000, "application/x-www-form-urlencoded", 413, "form too large"),
    (b'{"staff_id": "prof"}', "application/json", 415, "x-www-form-urlencoded"),
    (b"&".join(b"f%d=1" % i for i in range(50)), "application/x-www-form-urlencoded", 400, "more than 20 fields"),
    (b"staff_id=\xff\xfe&pin=1", "application/x-www-form-urlencoded", 400, "not UTF-8"),
    (b"staff_id=&pin=", "application/x-www-form-urlencoded", 400, "give your staff id and your PIN"),
])
def test_bad_forms_get_a_clear_4xx(web, body, kind, status, words):
    reply = web.client().request("POST", "/login", body=body, headers={"Content-Type": kind})
    assert reply.status == status and words.lower() in reply.text.lower()
    assert "Traceback" not in reply.text


def test_a_forged_cookie_gets_a_401_page_that_clears_it(web):
    client = web.client()
    client.cookies["staff_session"] = "x" * 43
    reply = client.get("/today")
    assert reply.status == 401 and "sign in again" in reply.text and 'action="/login"' in reply.text
    assert "staff_session=" in reply.headers["set-cookie"] and "Max-Age=0" in reply.headers["set-cookie"]
    assert client.get(f"/session/{quote(CS101)}/roster", headers={"Cookie": "staff_session=forged"}).status == 401


def test_a_meeting_no_kiosk_opened_says_due_now_then_not_held(web, clock):
    from datetime import timedelta

    def art2_state() -> str:
        client = web.client()
        client.sign_in("boss")
        card = client.get("/today").text.split('data-session="ART2@')[1]
        return card.split('<span class="state">')[1].split("</span>")[0]

    assert art2_state() == "scheduled"  # 09:03; ART2 meets 09:30-10:30 in C3, which has no kiosk
    clock.now += timedelta(minutes=42)
    assert art2_state() == "due now: no kiosk opened it"
    clock.now += timedelta(hours=1)
    assert art2_state() == "not held"


def test_the_live_roster_part_carries_the_session_s_counts(web, cfg, clock, boss):
    from web_support import CS101, check_in

    check_in(cfg, clock, "maya")
    part = boss.get(f"/session/{CS101}/roster").text
    assert part.startswith('<div class="roster"') and '<b>1</b> present' in part  # what live.js swaps in
