"""The web view in a real headless Chromium: sign in, watch Today fill in live without a
reload as the attendance service checks a student in, then fix a mark on the session page; and
after Sign out, Back finds nothing kept, and signing in again goes back to that page."""

from __future__ import annotations

import pytest
from browser_support import chromium, fits, quit_browser, sign_in, wait_live
from web_support import CS101, PINS, check_in

from kiosk.store.audit import audit_entries

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ready  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture
def browser(tmp_path):
    driver = chromium(tmp_path / "profile")
    yield driver
    quit_browser(driver, tmp_path / "profile")


def badge(driver, person_id: str) -> str:
    card = driver.find_element(By.CSS_SELECTOR, f'[data-session="{CS101}"]')
    return card.find_element(By.CSS_SELECTOR, f'[data-person="{person_id}"] .badge').text


def test_sign_in_watch_a_check_in_arrive_live_and_fix_a_mark(web, cfg, clock, store, browser, tmp_path):
    sign_in(browser, web.url, "prof", PINS["prof"])
    wait_live(browser)
    assert badge(browser, "lin") == "Not yet"
    browser.execute_script("window.loadedOnce = 'still the same page';")
    check_in(cfg, clock, "lin")  # the door checks Lin in
    WebDriverWait(browser, 10).until(lambda d: badge(d, "lin") == "Present")
    feed = browser.find_element(By.ID, "feed").text
    assert "Lin Miranda" in feed and "CS101" in feed
    assert browser.execute_script("return window.loadedOnce") == "still the same page"  # no reload
    card = browser.find_element(By.CSS_SELECTOR, f'[data-session="{CS101}"]')
    assert card.find_element(By.CSS_SELECTOR, '[data-count="present"]').text == "1"
    browser.save_screenshot(str(tmp_path / "today.png"))

    card.find_element(By.LINK_TEXT, "CS101").click()
    row = WebDriverWait(browser, 10).until(ready.presence_of_element_located(
        (By.CSS_SELECTOR, 'li[data-person="tom"]')))
    row.find_element(By.NAME, "reason").send_keys("dentist")
    row.find_element(By.CSS_SELECTOR, "button.tap.excused").click()  # one tap, with the reason typed
    WebDriverWait(browser, 10).until(ready.text_to_be_present_in_element((By.ID, "flash"), "Tom Okafor marked excused"))
    row = browser.find_element(By.CSS_SELECTOR, 'li[data-person="tom"]')
    assert "Excused" in row.text and "web: dentist" in row.text and "by hand (prof)" in row.text
    assert row.find_element(By.CSS_SELECTOR, "button.tap.excused").get_attribute("aria-pressed") == "true"
    (entry,) = audit_entries(store, "manual_mark")
    assert entry.detail == "none -> excused: web: dentist"
    browser.save_screenshot(str(tmp_path / "session.png"))
    assert (tmp_path / "today.png").stat().st_size > 10_000


def test_a_wrong_pin_in_the_browser_says_so_without_naming_the_id(web, browser):
    browser.get(web.url + "/login")
    browser.find_element(By.ID, "staff_id").send_keys("prof")
    browser.find_element(By.ID, "pin").send_keys("1111")
    browser.find_element(By.ID, "sign-in").click()
    message = WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "error-message")))
    assert message.text == "Wrong staff id or PIN."


def test_after_signing_out_back_shows_the_sign_in_form_not_the_page(web, browser):
    sign_in(browser, web.url, "boss", PINS["boss"])
    browser.get(web.url + "/people/maya")
    assert "Maya Chen" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.CSS_SELECTOR, "form.signout button").click()
    WebDriverWait(browser, 10).until(ready.text_to_be_present_in_element((By.ID, "flash"), "You are signed out."))
    browser.back()  # the browser asks the server again (nothing was stored), which wants a sign-in
    WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, "staff_id")))
    assert "Maya Chen" not in browser.page_source
    browser.find_element(By.ID, "staff_id").send_keys("boss")  # signing in again goes back to that page
    browser.find_element(By.ID, "pin").send_keys(PINS["boss"])
    browser.find_element(By.ID, "sign-in").click()
    WebDriverWait(browser, 10).until(ready.url_to_be(web.url + "/people/maya"))
    assert "Maya Chen" in browser.find_element(By.TAG_NAME, "main").text


def test_on_a_phone_today_and_the_register_fit_and_a_refused_mark_stays_on_the_form(web, tmp_path):
    phone = chromium(tmp_path / "phone", 390, 844)
    try:
        sign_in(phone, web.url, "prof", PINS["prof"])
        wait_live(phone)
        fits(phone, 390)
        phone.find_element(By.CSS_SELECTOR, f'[data-session="{CS101}"] h2 a').click()
        row = WebDriverWait(phone, 10).until(ready.presence_of_element_located(
            (By.CSS_SELECTOR, 'li[data-person="tom"]')))
        fits(phone, 390)
        row.find_element(By.CSS_SELECTOR, "button.tap.excused").click()  # no reason typed
        error = WebDriverWait(phone, 10).until(ready.presence_of_element_located((By.ID, "error-tom")))
        assert "say why" in error.text.lower()
        fits(phone, 390)
        row = phone.find_element(By.CSS_SELECTOR, 'li[data-person="tom"]')
        row.find_element(By.NAME, "reason").send_keys("dentist")
        row.find_element(By.CSS_SELECTOR, "button.tap.excused").click()
        WebDriverWait(phone, 10).until(ready.text_to_be_present_in_element((By.ID, "flash"), "marked excused"))
        phone.find_element(By.CSS_SELECTOR, ".back a").click()  # every page has a way back
        WebDriverWait(phone, 10).until(ready.url_contains("/today"))
    finally:
        quit_browser(phone, tmp_path / "phone")


@pytest.fixture(scope="module")
def face_crops(shared, tmp_path_factory):
    """Aligned face crops of shared photos, as the door keeps an attempt's picture."""
    from kiosk.config import Config
    from kiosk.vision.images import load_image
    from kiosk.vision.pipeline import FacePipeline

    pipeline = FacePipeline(Config().replace("vision", embedder="sface").vision, tmp_path_factory.mktemp("models"))
    crops = {}
    for key, name in (("obama2", "obama2.jpg"), ("alex", "alex-lacamoire.png"), ("biden", "biden.jpg")):
        image = load_image(shared / "face_recognition" / name)
        crops[key] = pipeline.embedder.align(image, [pipeline.detect(image)[0]])[0]
    return crops


def test_door_attempts_confirmed_and_dismissed_in_the_browser(web, store, faces, face_crops, browser, tmp_path):
    """The review page with real pictures: "This is them" marks Maya and learns her face, "Not one of
    ours" ends another; a screenshot of the page (KIOSK_SCREENSHOTS=DIR also writes it there)."""
    import os
    import shutil
    from datetime import datetime, timedelta

    from web_support import STUDENTS, TZ

    from kiosk.store import attempts as stored
    from kiosk.store.references import person_vectors
    from kiosk.store.sqlite_store import Person
    from tests.attempts_support import add_attempt

    for pid, photo in (("maya", "obama"), ("lin", "lin"), ("tom", "biden"), ("ana", "alex")):
        store.add_person(Person(pid, STUDENTS[pid], "student"), "sface", faces[photo][None], ["p.jpg"], replace=True)
    start = datetime(2026, 11, 25, 9, 1, tzinfo=TZ)
    hers = add_attempt(store, CS101, faces["obama2"], at=start, candidates=(("maya", 0.43), ("tom", 0.21)),
                       image=face_crops["obama2"])
    visitor = add_attempt(store, CS101, faces["alex"], at=start + timedelta(minutes=1),
                          candidates=(("lin", 0.23), ("maya", 0.13)), image=face_crops["alex"])
    his = add_attempt(store, CS101, faces["biden"], at=start + timedelta(minutes=4),
                      candidates=(("tom", 0.39), ("maya", 0.13)), image=face_crops["biden"])
    sign_in(browser, web.url, "prof", PINS["prof"])
    browser.get(web.url + "/attempts?date=2026-11-25")
    card = WebDriverWait(browser, 10).until(ready.presence_of_element_located((By.ID, f"attempt-{hers}")))
    image = card.find_element(By.CSS_SELECTOR, "img.crop")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) == 112
    assert "Looked most like: Maya Chen 0.43, Tom Okafor 0.21" in card.text
    browser.save_screenshot(str(tmp_path / "web_attempts.png"))
    if os.environ.get("KIOSK_SCREENSHOTS"):
        shutil.copy(tmp_path / "web_attempts.png", os.path.join(os.environ["KIOSK_SCREENSHOTS"], "web_attempts.png"))

    from selenium.webdriver.support.select import Select

    choice = Select(card.find_element(By.CSS_SELECTOR, "form.confirm select"))
    assert [o.text for o in choice.options][:3] == ["Who is it?", "Maya Chen", "Tom Okafor"]  # candidates first
    card.find_element(By.CSS_SELECTOR, "form.confirm button").click()  # nobody chosen: the browser asks first
    assert browser.current_url.endswith("/attempts?date=2026-11-25")
    choice.select_by_visible_text("Maya Chen")
    card.find_element(By.CSS_SELECTOR, "form.confirm button").click()
    WebDriverWait(browser, 10).until(ready.text_to_be_present_in_element(
        (By.ID, "flash"), "Maya Chen marked present; the face is now one of their door references"))
    browser.find_element(By.ID, f"attempt-{visitor}").find_element(
        By.CSS_SELECTOR, "button[value=not_ours]").click()
    WebDriverWait(browser, 10).until(ready.text_to_be_present_in_element((By.ID, "flash"), "not one of ours"))
    assert "Confirmed as maya" in browser.find_element(By.ID, f"attempt-{hers}").text
    assert [stored.attempt(store, i).state for i in (hers, visitor, his)] == ["confirmed", "not_ours", "pending"]
    assert [v.door for v in person_vectors(store, "maya", "sface")] == [False, True]
    row = store.query("SELECT status, method FROM attendance WHERE person_id = 'maya'")[0]
    assert tuple(row) == ("present", "confirmed")
    assert (tmp_path / "web_attempts.png").stat().st_size > 20_000


def test_on_a_phone_a_long_unbroken_name_and_the_add_meeting_form_fit(web, store, tmp_path):
    from kiosk.store import staff
    from kiosk.store.sqlite_store import Person

    staff.add_person(store, Person("longname", "Wolfeschlegelsteinhausenbergerdorff" * 3, "student"))
    phone = chromium(tmp_path / "phone", 390, 844)
    try:
        sign_in(phone, web.url, "boss", PINS["boss"])
        for path in ("/people/longname", "/timetable"):
            phone.get(web.url + path)
            WebDriverWait(phone, 10).until(ready.presence_of_element_located((By.TAG_NAME, "h1")))
            fits(phone, 390)
    finally:
        quit_browser(phone, tmp_path / "phone")
