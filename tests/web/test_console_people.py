"""A person's page on the console over real HTTP (the real app under uvicorn, a real SQLite
file): recording consent takes someone who gave it, and each change says so on the page
it lands on."""

from __future__ import annotations

import pytest

from kiosk.store.people import person_details


@pytest.fixture
def boss(web):
    client = web.client()
    client.sign_in("boss")
    return client


def consent_of(store, pid: str) -> tuple:
    overview = person_details(store, pid).overview
    return overview.consent_by, overview.guardian


def test_record_consent_with_nobody_named_is_refused_and_records_nothing(boss, store):
    token = boss.csrf("/people/ana")
    reply = boss.post("/people/ana/consent", {"csrf": token, "consent_by": " ", "guardian": ""})
    assert reply.status == 400 and "say who gave consent" in reply.text.lower()
    assert not consent_of(store, "ana")[0]
    assert "not recorded" in boss.get("/people/ana").text


def test_consent_follows_enroll_s_rule_a_guardian_alone_gave_it(boss, store):
    token = boss.csrf("/people/ana")
    assert boss.post("/people/ana/consent", {"csrf": token, "consent_by": "", "guardian": "Mrs Silva"}).status == 303
    assert consent_of(store, "ana") == ("guardian", "Mrs Silva")
    assert boss.post("/people/ana/consent", {"csrf": token, "consent_by": "self", "guardian": ""}).status == 303
    assert consent_of(store, "ana") == ("self", "")
