"""The console in a real headless Chromium, at desktop size and on a 390x844 phone: an admin
adds a new student with two photos, sees both accepted, puts her on a class and schedules
it; then the real kiosk (its own process, the shared clip as camera) recognises her.

Every page is checked for sideways scrolling and its tap targets, and each is saved to the
test's folder (docs/web_screenshots.py writes the ones in docs/screenshots/)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import cv2
import pytest
from browser_support import chromium, fits, quit_browser, sign_in
from kiosk_process import install_liveness_model, kiosk_env, midday_zone, run_kiosk
from web_support import RunningWeb

from kiosk.clock import system_clock
from kiosk.config import Config
from kiosk.store import staff
from kiosk.store.pins import set_pin
from kiosk.store.sqlite_store import SqliteStore

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ready  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
ADMIN_PIN = "4829"


def second_photo(shared, folder):
    """A second shot of the same face as a phone's selfie camera saves it: mirrored, a
    little tighter, as JPEG."""
    image = cv2.imread(str(shared / "face_recognition" / "lin-manuel-miranda.png"))
    h, w = image.shape[:2]
    crop = cv2.flip(image[h // 20: h - h // 20, w // 20: w - w // 20], 1)
    path = folder / "lin-selfie.jpg"
    cv2.imwrite(str(path), crop, [cv2.IMWRITE_JPEG_QUALITY, 88])
    return path


def look(driver, folder, width: int, name: str) -> None:
    fits(driver, width)
    driver.save_screenshot(str(folder / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_an_admin_adds_a_student_by_photo_and_the_door_knows_her(size, data_dir, shared, tmp_path):
    zone = midday_zone()
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("kiosk", room="HALL", timezone=zone)
    store = SqliteStore.in_dir(data_dir)
    staff.add_staff(store, "head", "Ms Head", role="admin")
    set_pin(store, "head", ADMIN_PIN)
    store.close()
    width, height = SIZES[size]
    web = RunningWeb(cfg, system_clock(zone))
    driver = chromium(tmp_path / "profile", width, height)
    try:
        enrol_and_schedule(driver, web.url, width, tmp_path, second_photo(shared, tmp_path), shared, zone)
    finally:
        quit_browser(driver, tmp_path / "profile")
        web.stop()

    env = kiosk_env(data_dir, zone, KIOSK_ROOM="HALL")
    install_liveness_model(lambda *argv: run_kiosk(env, *argv), shared)
    # The clip plays in real time from the start, as a door camera does, and loops: on a loaded
    # machine whose models are ready after Lin's first walk past, he comes round again.
    ran = run_kiosk(env, "run", "--camera", str(shared / "face_recognition" / "short_hamilton_clip.mp4"),
                    "--windowed", "--loop", "--exit-after", "15")
    assert ran.returncode == 0, ran.stderr
    rows = list(csv.DictReader(io.StringIO(run_kiosk(env, "attendance", "export").stdout)))
    assert [(r["person_id"], r["class"], r["status"]) for r in rows] == [("lin", "HAM1", "present")]


def enrol_and_schedule(driver, url, width, folder, selfie, shared, zone) -> None:
    wait = WebDriverWait(driver, 30)
    sign_in(driver, url, "head", ADMIN_PIN)
    look(driver, folder, width, "today")

    driver.get(url + "/new-person")
    driver.find_element(By.NAME, "person_id").send_keys("lin")
    driver.find_element(By.NAME, "name").send_keys("Lin-Manuel Miranda")
    driver.find_element(By.NAME, "consent_by").send_keys("self")
    photos = [shared / "face_recognition" / "lin-manuel-miranda.png", selfie]
    driver.find_element(By.NAME, "photo").send_keys("\n".join(str(p) for p in photos))
    look(driver, folder, width, "person_new")
    driver.find_element(By.CSS_SELECTOR, "form.stack button.primary").click()
    wait.until(ready.url_contains("/people/lin"))  # 303 to the person's page: enrolled
    assert driver.find_element(By.CSS_SELECTOR, ".flash").text == "Enrolled from 2 photo(s)."
    photos = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#photos li")]
    assert [text.split()[0] for text in photos] == ["lin-manuel-miranda.png", "lin-selfie.jpg"], photos
    look(driver, folder, width, "person")

    driver.get(url + "/classes")
    driver.find_element(By.NAME, "code").send_keys("HAM1")
    driver.find_element(By.NAME, "name").send_keys("Hamilton")
    driver.find_element(By.NAME, "room").send_keys("Hall")
    driver.find_element(By.CSS_SELECTOR, "form.stack button.primary").click()
    wait.until(ready.url_contains("/class/HAM1"))
    driver.find_element(By.CSS_SELECTOR, "form[action$='/roster-add'] input[name=students]").send_keys("lin")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/roster-add'] button").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "a.name[href='/people/lin']")))
    look(driver, folder, width, "class")

    now = datetime.now(ZoneInfo(zone))
    start, end = now - timedelta(minutes=2), now + timedelta(minutes=60)  # on now, within the grace
    driver.get(url + "/timetable?room=HALL")
    form = driver.find_element(By.CSS_SELECTOR, "form.stack[action='/timetable']")
    Select(form.find_element(By.NAME, "class_code")).select_by_value("HAM1")
    for name, value in (("start", f"{start:%H:%M}"), ("end", f"{end:%H:%M}"), ("date", f"{now:%Y-%m-%d}")):
        driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, name), value)
    form.find_element(By.CSS_SELECTOR, "button.primary").click()
    # The form's own page names HAM1 in its class list: wait for it to go, then read the new page.
    wait.until(ready.staleness_of(form))
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "main")))
    assert "HAM1" in driver.find_element(By.CSS_SELECTOR, "main").text
    look(driver, folder, width, "timetable")
    for page in ("/people", "/staff", "/audit"):
        driver.get(url + page)
        look(driver, folder, width, page.strip("/"))
