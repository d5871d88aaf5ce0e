"""A real headless Chromium from Debian's packages, driven by Selenium through Debian's
chromedriver. Both paths are given, so Selenium never looks for (or downloads) a browser."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1366,900")


def chromium(profile: Path, width: int = 1366, height: int = 900):
    """A fresh browser with its own profile folder; the caller quits it."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CI"):
            raise AssertionError("chromium and chromium-driver are missing: setup.sh installs them as root")
        pytest.skip("Debian's chromium and chromium-driver are not installed (setup.sh installs them as root)")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(20)
    if width < 500:  # a window is never narrower than 500 px: a phone is emulated, as DevTools' device mode does
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    return driver


def quit_browser(driver, profile: Path) -> None:
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def sign_in(driver, base_url: str, staff_id: str, pin: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base_url + "/today")  # not signed in: sent to the sign-in form
    WebDriverWait(driver, 10).until(ready.presence_of_element_located((By.ID, "staff_id")))
    driver.find_element(By.ID, "staff_id").send_keys(staff_id)
    driver.find_element(By.ID, "pin").send_keys(pin)
    driver.find_element(By.ID, "sign-in").click()
    WebDriverWait(driver, 10).until(ready.url_contains("/today"))


def wait_live(driver) -> None:
    """Until the page's event stream is open (the status line says so)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(ready.text_to_be_present_in_element((By.ID, "live-status"), "live"))


def fits(driver, width: int) -> None:
    """No sideways scrolling; every visible button and link is at least 44 px tall on a phone."""
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width, driver.current_url
    if width > 500:
        return
    small = driver.execute_script("""return [...document.querySelectorAll(
            'button, a.button, input:not([type=hidden]), select, nav a, .back a, .daypick a, .links a')]
        .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
        .map(e => e.outerHTML.slice(0, 80));""")
    assert small == [], small
