"""Screenshots of the staff web view in a real headless Chromium, to docs/screenshots/web_*.png.

    python docs/web_screenshots.py

A demo school day (bench/web_school.py: 9 classes in 3 rooms at 10:05, so
some have ended, some are on and some are still to come) in a temporary kiosk
database; the real app under uvicorn on 127.0.0.1; Debian's chromium and
chromedriver through Selenium. A check-in is written by the real attendance
service while Today is open, so the live feed shows it arriving.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench"), str(REPO / "tests" / "web"), str(REPO / "tests")]

from browser_support import chromium, fits, quit_browser, sign_in, wait_live  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ready  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from oneroster_support import school, write_zip  # noqa: E402
from web_school import ADMIN_PIN, PIN, TZ, build  # noqa: E402

from kiosk.attendance.service import AttendanceService  # noqa: E402
from kiosk.clock import FixedClock  # noqa: E402
from kiosk.store.sqlite_store import SqliteStore  # noqa: E402
from kiosk.web.app import create_app  # noqa: E402
from kiosk.web.server import BackgroundServer  # noqa: E402
from kiosk.web.source import open_source  # noqa: E402

OUT = REPO / "docs" / "screenshots"
DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 5, tzinfo=TZ)


PHONE = (390, 844)
SHARED = REPO.parent / "shared" / "data"


def shoot(driver, name: str, max_height: int = 1500, width: int = 1366) -> None:
    driver.set_window_size(width, max_height)  # measure the page at full height, then fit the window to it
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(width, min(max_height, max(600, height + 140)))  # + the window's own frame
    driver.save_screenshot(str(OUT / name))
    print(f"wrote {OUT / name}")


def shoot_phone(driver, name: str) -> None:
    """What a 390x844 phone shows first, checked for sideways scrolling."""
    fits(driver, PHONE[0])
    driver.save_screenshot(str(OUT / name))
    print(f"wrote {OUT / name}")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        cfg = build(Path(folder) / "data", DAY, NOW, sessions=9, roster=14, rooms=3, pool=60)
        clock = FixedClock(NOW)
        server = BackgroundServer(cfg, create_app(cfg, clock, open_source(cfg, clock)))
        driver = chromium(Path(folder) / "profile")
        try:
            walk(driver, server.url, cfg, clock)
            console(driver, server.url, cfg, Path(folder))
        finally:
            quit_browser(driver, Path(folder) / "profile")
        phone = chromium(Path(folder) / "phone", *PHONE)
        try:
            on_a_phone(phone, server.url)
        finally:
            quit_browser(phone, Path(folder) / "phone")
            server.stop()
    return 0


def walk(driver, url: str, cfg, clock) -> None:
    driver.get(url + "/login")
    shoot(driver, "web_login.png", 700)
    sign_in(driver, url, "admin", ADMIN_PIN)
    wait_live(driver)
    store = SqliteStore.in_dir(cfg.data_dir)
    session = store.active_session()  # the one the door checks students in to
    card = f'[data-session="{session.session_id}"]'
    waiting = driver.find_element(By.CSS_SELECTOR, f"{card} .st-none").get_attribute("data-person")
    door = cfg.replace("kiosk", room=session.room)  # the door of the room the session meets in
    AttendanceService(store, door, clock).check_in(waiting, "", 0.9, 0.0)
    store.close()
    WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#feed li.new")))
    WebDriverWait(driver, 10).until(lambda d: d.find_element(
        By.CSS_SELECTOR, f'{card} [data-person="{waiting}"]').get_attribute("class") != "st-none")
    shoot(driver, "web_today.png")
    driver.find_element(By.CSS_SELECTOR, f"{card} h2 a").click()
    row = WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "li.st-late")))
    row.find_element(By.NAME, "reason").send_keys("the bus was late (note from the office)")
    row.find_element(By.CSS_SELECTOR, "button.tap.present").click()
    WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.ID, "flash")))
    shoot(driver, "web_session.png")
    driver.find_element(By.LINK_TEXT, "Class history").click()
    WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "img.chart")))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "return document.querySelector('img.chart').complete"))
    shoot(driver, "web_class.png")
    driver.get(url + "/kiosks")
    shoot(driver, "web_kiosks.png", 700)
    driver.get(url + "/today?date=2026-13-01")
    shoot(driver, "web_bad_date.png", 700)


def console(driver, url: str, cfg, folder: Path) -> None:
    """The admin's console: a refused upload, a student enrolled from a photo, a OneRoster
    import, and each page."""
    photos = SHARED / "face_recognition"
    add_person(driver, url, "maya", "Maya Chen", [photos / "two_people.jpg"])
    WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.ID, "form-error")))
    shoot(driver, "web_person_refused.png")
    add_person(driver, url, "lin", "Lin-Manuel Miranda", [photos / "lin-manuel-miranda.png"])
    WebDriverWait(driver, 30).until(ready.url_contains("/people/lin"))
    shoot(driver, "web_person.png")
    add_person(driver, url, "obama", "Barack Obama", [dark_copy(photos / "obama.jpg", folder), photos / "obama2.jpg"])
    WebDriverWait(driver, 30).until(ready.url_contains("/people/obama"))
    shoot(driver, "web_person_caution.png")  # the dark photo enrolled with its caution beside it
    door_attempts(cfg, photos)
    driver.get(url + "/attempts?date=2026-11-25")
    shoot(driver, "web_attempts.png")
    driver.get(url + "/classes")
    bundle = write_zip(folder / "springfield-sis.zip", school(users=120, classes=6).files())
    driver.find_element(By.NAME, "bundle").send_keys(str(bundle))
    driver.find_element(By.CSS_SELECTOR, "form[action='/classes/oneroster'] button").click()
    WebDriverWait(driver, 30).until(ready.presence_of_element_located((By.ID, "import-outcome")))
    shoot(driver, "web_oneroster_import.png")
    for path, name in (("/people", "web_people.png"), ("/classes", "web_classes.png"),
                       ("/timetable?room=R1&week=2026-11-23", "web_timetable.png"), ("/staff", "web_staff.png"),
                       ("/audit", "web_audit.png")):
        driver.get(url + path)
        shoot(driver, name)
    driver.find_element(By.CSS_SELECTOR, ".signout button").click()
    sign_in(driver, url, "t1", PIN)  # an instructor sees their own room's classes only
    wait_live(driver)
    shoot(driver, "web_today_instructor.png")


def dark_copy(photo: Path, folder: Path) -> Path:
    """The photo at a quarter of its light: enrolled, with a caution (a weaker reference)."""
    import cv2

    dark = folder / f"dark-{photo.stem}.png"
    cv2.imwrite(str(dark), (cv2.imread(str(photo)) * 0.25).astype("uint8"))
    return dark


def door_attempts(cfg, photos: Path) -> None:
    """Three faces the door could not name in the running session, kept as the recognition worker
    keeps them: the aligned crop and its embedding, with the people they looked most like."""
    from kiosk.store import attempts as stored
    from kiosk.vision.base import model_key
    from kiosk.vision.images import load_image
    from kiosk.vision.pipeline import FacePipeline

    pipeline = FacePipeline(cfg.vision, REPO / "models")
    store = SqliteStore.in_dir(cfg.data_dir)
    try:
        session = store.active_session()
        for minute, (name, candidates) in enumerate((("obama2.jpg", (("obama", 0.41), ("lin", 0.12))),
                                                     ("biden.jpg", (("obama", 0.18),)),
                                                     ("alex-lacamoire.png", (("lin", 0.21), ("obama", 0.09))))):
            image = load_image(photos / name)
            face = pipeline.detect(image)[0]
            crop = pipeline.embedder.align(image, [face])[0]
            at = NOW.replace(minute=minute + 1)
            new = stored.NewAttempt(at, cfg.kiosk.id, session.session_id, face.size, 120.0, 110.0, 4.0, 6,
                                    tuple(stored.Candidate(p, s) for p, s in candidates),
                                    {model_key(cfg.vision): pipeline.embed(image, [face])[0]})
            stored.record_attempt(store, new, stored.save_crop(store, at, crop))
    finally:
        store.close()


def add_person(driver, url: str, person_id: str, name: str, photos: list[Path]) -> None:
    driver.get(url + "/new-person")
    driver.find_element(By.NAME, "person_id").send_keys(person_id)
    driver.find_element(By.NAME, "name").send_keys(name)
    driver.find_element(By.NAME, "consent_by").send_keys("self")
    driver.find_element(By.NAME, "photo").send_keys("\n".join(str(p) for p in photos))
    driver.find_element(By.CSS_SELECTOR, "form.stack button.primary").click()


def on_a_phone(driver, url: str) -> None:
    sign_in(driver, url, "t1", PIN)
    wait_live(driver)
    shoot_phone(driver, "web_phone_today.png")
    driver.find_element(By.CSS_SELECTOR, "[data-session] h2 a").click()
    WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "li[data-person]")))
    shoot_phone(driver, "web_phone_register.png")
    driver.find_element(By.CSS_SELECTOR, "li[data-person] button.tap.excused").click()  # no reason: refused
    WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.CSS_SELECTOR, "[id^=error-]")))
    driver.execute_script("document.querySelector('[id^=error-]').scrollIntoView({block: 'center'})")
    shoot_phone(driver, "web_phone_refused_mark.png")
    driver.find_element(By.CSS_SELECTOR, ".signout button").click()
    sign_in(driver, url, "admin", ADMIN_PIN)
    driver.get(url + "/people")
    shoot_phone(driver, "web_phone_people.png")
    driver.get(url + "/timetable?room=R1&week=2026-11-23")
    shoot_phone(driver, "web_phone_timetable.png")
    driver.get(url + "/attempts?date=2026-11-25")
    shoot_phone(driver, "web_phone_attempts.png")


if __name__ == "__main__":
    raise SystemExit(main())
