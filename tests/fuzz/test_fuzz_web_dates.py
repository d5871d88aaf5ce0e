"""Fuzzing the web view's dates over real HTTP: any text as ?date= on Today and the JSON API
answers 200 or a 4xx, never a 500."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))
from web_support import RunningWeb, clock_at, school, school_config  # noqa: E402

ODD_DATES = st.one_of(
    st.dates().map(str),  # every calendar day, 0001-01-01 to 9999-12-31
    st.text(alphabet="0123456789-:T+Z ", max_size=14),
    st.sampled_from(["9999-12-31", "0001-01-01", "0000-00-00", "2026-02-30", "-001-01-01", "２０２６-01-01"]),
)


@pytest.fixture(scope="module")
def signed_in(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    cfg, clock = school_config(data), clock_at(9, 3)
    school(cfg, clock).close()
    web = RunningWeb(cfg, clock)
    client = web.client()
    client.sign_in("boss")
    yield client
    web.stop()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ODD_DATES, st.sampled_from(["/today", "/api/attendance"]))
def test_any_date_is_answered_or_refused_never_a_500(signed_in, text, path):
    from urllib.parse import quote

    reply = signed_in.get(f"{path}?date={quote(text)}")
    assert reply.status == 200 or 400 <= reply.status < 500, (text, reply.status)
