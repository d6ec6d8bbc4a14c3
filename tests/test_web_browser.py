"""The web app in a real browser (Debian's chromium, headless, via Selenium and chromium-driver).

Clicks list → story → flag evidence → dismiss → reload, checks the dismissal
held and that nothing from the XSS corpus ran; screenshots go to test-artifacts/.
Skipped when /usr/bin/chromium or chromedriver is absent (``.ci/run`` installs both).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from tests import web_fixtures

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() or not Path(DRIVER).exists(), reason="chromium / chromedriver not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    uvicorn = pytest.importorskip("uvicorn")
    from newsweave.web import create_app

    store = web_fixtures.build(str(tmp_path_factory.mktemp("browser") / "web.db"))
    port = _free_port()
    config = uvicorn.Config(create_app(store=store), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"web-{name}.png"))


def _nothing_ran(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    assert driver.execute_script("return window.__xss === undefined")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018


def test_list_story_evidence_dismiss_reload(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 180)
    browser.get(server + "/stories")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.story-row")
    assert len(rows) == 2
    _nothing_ran(browser)
    _shot(browser, "1-stories")

    fire = next(r for r in rows if r.find_element(By.CSS_SELECTOR, "td.num").text == "3")
    fire.find_element(By.CSS_SELECTOR, "a.story-link").click()
    wait.until(ec.presence_of_element_located((By.ID, "compare-view")))  # loaded by app.js after the page
    _nothing_ran(browser)
    _shot(browser, "2-story-compare")

    row = browser.find_element(By.CSS_SELECTOR, "table.flags tr.flag")
    row_id = row.get_attribute("id")
    evidence = row.find_element(By.CSS_SELECTOR, "a.evidence")
    target = evidence.get_attribute("data-target")
    evidence.click()
    wait.until(lambda d: d.execute_script("return location.hash") == "#" + target)
    flashed = browser.find_elements(By.CSS_SELECTOR, "mark.flash")
    assert flashed and flashed[0].text.strip()  # the flagged words, highlighted in the outlet's column
    _shot(browser, "3-evidence")

    browser.find_element(By.CSS_SELECTOR, f"#{row_id} button.dismiss").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f"#{row_id}.d-dismiss")))
    browser.refresh()
    wait.until(ec.presence_of_element_located((By.ID, "compare-view")))
    dismissed = browser.find_element(By.ID, row_id)
    assert "d-dismiss" in dismissed.get_attribute("class")
    assert "dismissed" in dismissed.find_element(By.CSS_SELECTOR, ".decision").text
    _nothing_ran(browser)
    _shot(browser, "4-dismissed-after-reload")


def test_article_page_and_search_run_nothing(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server + "/search?q=Port+Ellery")
    hits = browser.find_elements(By.CSS_SELECTOR, "ol.hits li a")
    assert hits
    _nothing_ran(browser)
    hits[0].click()
    assert browser.find_element(By.ID, "text").text.strip()
    _nothing_ran(browser)
    _shot(browser, "5-article")
