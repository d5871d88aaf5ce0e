"""Fixing a mark on the web goes through the kiosk's manual-mark path: audited with its
reason, chained in the ledger (verify-log passes), queued for the central database."""

from __future__ import annotations

from urllib.parse import quote

from web_support import ART2, CS101, check_in

from kiosk.store import outbox
from kiosk.store.audit import audit_entries

MARK = f"/session/{quote(CS101)}/mark"


def fix(client, status: str, person: str = "tom", reason: str = "", path: str = MARK, csrf: str | None = None):
    token = client.csrf(f"/session/{quote(CS101)}") if csrf is None else csrf
    return client.post(path, {"csrf": token, "person_id": person, "status": status, "reason": reason})


def test_a_fixed_mark_is_stored_audited_chained_and_queued(web, store, cli):
    client = web.client()
    client.sign_in("prof")
    before = outbox.pending_count(store)
    reply = fix(client, "late", reason="bus was late")
    assert reply.status == 303 and reply.headers["location"] == f"/session/{CS101}"
    row = store.query("SELECT status, method, made_by, kiosk_id FROM attendance WHERE person_id = 'tom'")[0]
    assert tuple(row) == ("late", "manual", "prof", "door-7")
    (entry,) = audit_entries(store, "manual_mark")
    assert (entry.actor_id, entry.target_id, entry.detail) == ("prof", "tom", "none -> late: web: bus was late")
    assert outbox.pending_count(store) >= before + 2  # the row and its audit entry, for the next sync
    page = client.get(f"/session/{quote(CS101)}").text
    assert "Tom Okafor marked late." in page and "web: bus was late" in page
    code, out, err = cli("verify-log")
    assert code == 0 and "ledger intact" in out, out + err


def test_a_face_check_in_can_be_corrected(web, cfg, clock, store, cli):
    check_in(cfg, clock, "maya")
    client = web.client()
    client.sign_in("boss")
    assert fix(client, "absent", person="maya", reason="left at once: excused").status == 303
    (entry,) = audit_entries(store, "manual_mark")
    assert entry.detail == "present -> absent: web: left at once: excused"
    assert cli("verify-log")[0] == 0


def test_a_mark_without_the_csrf_token_changes_nothing(web, store):
    client = web.client()
    client.sign_in("prof")
    for token in ("", "forged"):
        reply = fix(client, "present", csrf=token)
        assert reply.status == 403 and "security token" in reply.text
    assert store.query("SELECT * FROM attendance") == []


def test_refused_marks_say_why(web, store):
    client = web.client()
    client.sign_in("prof")
    cases = [
        (fix(client, "excused"), 400, "say why Tom Okafor is excused"),
        (fix(client, "excellent"), 400, "status must be one of present, late, absent, excused"),
        (fix(client, "present", person="ana"), 400, "is not on CS101&#39;s list"),
        (fix(client, "present", reason="x" * 300), 400, "at most 200 characters"),
        (fix(client, "present", path=f"/session/{quote(ART2)}/mark"), 403, "not one of your classes"),
        (fix(client, "present", path="/session/NOPE@2026-11-25T09:00Z/mark"), 404, "not a meeting of this kiosk"),
    ]
    for reply, status, words in cases:
        assert reply.status == status and words.lower() in reply.text.lower(), reply.text
    assert store.query("SELECT * FROM attendance") == []


def test_an_instructor_cannot_fix_another_instructors_class(web, cfg, clock, store):
    store.conn.execute("UPDATE classes SET instructor_id = 'other' WHERE code = 'CS101'")
    client = web.client()
    client.sign_in("prof")
    token = client.csrf()
    reply = fix(client, "present", csrf=token)
    assert reply.status == 403 and "not one of your classes" in reply.text
