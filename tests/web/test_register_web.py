"""The register in the web view: a meeting no kiosk held (ART2 meets in C3, where this door is
not) is marked with one tap per student, through the real server and a real SQLite file; a
refused mark is shown on the form with what was typed."""

from __future__ import annotations

from urllib.parse import quote

from web_support import ART2, clock_at, RunningWeb

from kiosk.store.roll import session_roll


def tap(client, session_id: str, person_id: str, status: str, reason: str = ""):
    token = client.csrf(f"/session/{quote(session_id)}")
    return client.post(f"/session/{quote(session_id)}/mark",
                       {"csrf": token, "person_id": person_id, "status": status, "reason": reason})


def test_a_meeting_no_kiosk_held_gets_its_register_from_the_web(cfg, store):
    web = RunningWeb(cfg, clock_at(9, 35))  # ART2 began at 09:30; no kiosk in C3
    try:
        other = web.client()
        other.sign_in("other")  # ART2's instructor
        page = other.get(f"/session/{quote(ART2)}").text
        assert "No kiosk has held this meeting" in page and 'class="tap present"' in page
        reply = tap(other, ART2, "ana", "present")
        assert reply.status == 303
        flash = other.get(reply.headers["location"]).text
        assert "Ana Silva marked present (the register of this meeting is now open)" in flash
        assert tap(other, ART2, "tom", "late").status == 303
        roll = session_roll(store, ART2)
        assert {(line.person_id, line.status, line.method) for line in roll.lines} == {
            ("ana", "present", "manual"), ("tom", "late", "manual")}
        assert roll.session.state == "active"
    finally:
        web.stop()


def test_a_refused_mark_is_shown_on_the_form_with_what_was_typed(cfg, store):
    web = RunningWeb(cfg, clock_at(9, 35))
    try:
        other = web.client()
        other.sign_in("other")
        reply = tap(other, ART2, "tom", "excused")  # no reason
        assert reply.status == 400
        assert 'id="error-tom"' in reply.text and "say why tom okafor is excused" in reply.text.lower()
        assert "<html" in reply.text and 'class="tap excused"' in reply.text  # the page, not a bare error
        reply = tap(other, ART2, "tom", "excused", reason="x" * 250)
        assert reply.status == 400 and "x" * 250 in reply.text and "at most 200 characters" in reply.text
        prof = web.client()
        prof.sign_in("prof")  # not ART2's instructor
        assert tap(prof, ART2, "tom", "present").status == 403
        assert session_roll(store, ART2) is None  # nothing opened, nothing stored
    finally:
        web.stop()


def test_before_it_opens_a_meeting_has_no_register(cfg, store):
    web = RunningWeb(cfg, clock_at(9, 3))  # ART2 opens at 09:20
    try:
        other = web.client()
        other.sign_in("other")
        page = other.get(f"/session/{quote(ART2)}").text
        assert 'class="tap' not in page and "The register opens when check-in does" in page
        assert tap(other, ART2, "ana", "present").status == 400
        assert session_roll(store, ART2) is None
    finally:
        web.stop()


def test_an_ended_register_shows_the_unmarked_as_not_marked_like_its_export(cfg, store):
    # The fixture's rosters are stamped with the real time; here they stood before the meeting.
    store.conn.execute("UPDATE roster SET added_at = '2026-11-01T00:00:00+00:00'")
    store.conn.commit()
    web = RunningWeb(cfg, clock_at(11, 0))  # ART2 ran 09:30-10:30: its register opens already ended
    try:
        other = web.client()
        other.sign_in("other")
        assert tap(other, ART2, "ana", "present").status == 303
        assert session_roll(store, ART2).session.state == "ended"
        page = other.get(f"/session/{quote(ART2)}").text
        tom = page[page.index('data-person="tom"'):]
        assert '<span class="badge">Not marked</span>' in tom[:tom.index("</li>")] and "Not yet" not in page
        assert "<b>1</b> not marked" in page
        card = other.get(f"/session/{quote(ART2)}/card").text
        assert '<span class="badge">Not marked</span>' in card and 'data-count="not_marked">1<' in card
        assert "Not yet" not in card and "not yet" not in card
        csv = other.get(f"/session/{quote(ART2)}/attendance.csv").text
        assert ",ART2,2026-11-25T09:30:00+00:00,not marked," in csv
        assert "<td>1</td><td>0</td><td>0</td><td>1</td>" in other.get("/class/ART2").text  # ana; tom not marked
    finally:
        web.stop()
