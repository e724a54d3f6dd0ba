"""A real headless Chromium for the tests: Debian's ``chromium`` driven by Selenium through Debian's
``chromedriver``, offline.

The fixtures ``chromium`` (one browser for the session) and ``browser`` (that browser with no cookies, an empty
cache and empty logs; it opens pages, clicks, fills and sends forms, and takes screenshots under the test's
``tmp_path``) are registered in ``tests/conftest.py``; both skip, saying why, when Chromium, its driver or Selenium
is absent (``make test`` installs them as root). ``SAMENLEVEN_TEST_SCREENSHOTS=DIR``
also keeps every screenshot in ``DIR``, for people to look at.

Nothing is fetched from the internet: the driver's path is given, so Selenium Manager (which downloads drivers and
browsers) never runs, and ``SE_OFFLINE`` forbids it anyway; the flags below stop Chromium's own calls home, and its
host resolver answers "not found" for every host but 127.0.0.1, so that a page that asks for a CDN gets nothing,
while the request still shows in the network log that ``Browser.requests`` reads.
"""

import json
import os
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SIZE = (1280, 1000)
MAX_HEIGHT = 8000  # a screenshot shows the whole page, up to this height
# Without these, Chromium calls Google's hosts at every start; the resolver rule lets it reach 127.0.0.1 alone.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         "--accept-lang=nl"]  # a Dutch browser, as most readers' are; English pages are asked for with ?lang=en
NETWORK = {"http", "https", "ws", "wss", "ftp"}  # schemes that reach a host; data:, blob:, about: do not


def missing() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not path.exists():
            return f"{path} is missing: install Debian's {package} (make test does, as root)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is missing: pip install -e '.[test]'"
    return None


def launch(profile: Path):
    """Start Chromium under chromedriver with a fresh profile, logging the console and the network."""
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager never goes online, should anything call it
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={profile}", f"--window-size={SIZE[0]},{SIZE[1]}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # The service's path given: Selenium skips Selenium Manager (selenium/webdriver/common/driver_finder.py).
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


class Browser:
    """One browser tab for a test: open pages, read what the browser saw, take screenshots."""

    def __init__(self, driver, shots: Path, keep: Path | None = None):
        self.driver, self.shots, self.keep = driver, shots, keep
        self.drain()

    def drain(self) -> None:
        """Forget what the logs hold so far: what is read next belongs to what comes next."""
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def open(self, url: str) -> None:
        """Load ``url`` as a reader would, and wait until the page has loaded."""
        self.driver.get(url)

    def css(self, selector: str) -> list:
        from selenium.webdriver.common.by import By
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector: str = "body") -> str:
        """The text the reader sees in the first element ``selector`` matches ("" when there is none)."""
        found = self.css(selector)
        return found[0].text.strip() if found else ""

    def fill(self, form: str, fields: dict) -> None:
        """Fill the fields of the form ``form`` selects, each found by its name, as a reader does: text is typed
        (a file field takes a file's path), a choice of a ``<select>`` picked by value, a checkbox set to a bool."""
        from selenium.webdriver.support.select import Select
        found = self.css(form)
        assert found, f"no form {form} on {self.driver.current_url}"
        for name, value in fields.items():
            field = found[0].find_element("css selector", f'[name="{name}"]')
            if isinstance(value, bool):
                if field.is_selected() != value:
                    field.click()
            elif field.tag_name == "select":
                Select(field).select_by_value(value)
            else:
                if field.get_attribute("type") != "file":
                    field.clear()
                field.send_keys(value)

    def submit(self, form: str) -> None:
        """Send the form ``form`` selects by clicking its submit button, and wait for the page it leads to."""
        button = self.css(f"{form} button[type=submit], {form} input[type=submit], {form} button:not([type])")
        assert button, f"no submit button in {form} on {self.driver.current_url}"
        self.click(button[0])

    def click(self, element) -> None:
        """Click ``element`` (a link, a button) and wait until the page it leads to has replaced this one."""
        from selenium.webdriver.support.wait import WebDriverWait
        old = self.driver.find_element("css selector", "html")
        element.click()
        WebDriverWait(self.driver, 60).until(lambda driver: _stale(old))
        WebDriverWait(self.driver, 60).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete")

    @property
    def lang(self) -> str:
        return self.driver.find_element("css selector", "html").get_attribute("lang") or ""

    def console_errors(self) -> list[str]:
        """The console's errors since the last call: failed loads, script errors, ``console.error``."""
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def requests(self) -> list[tuple[str, int | None]]:
        """Every URL the page asked for since the last call, with the status of its answer (None: no answer)."""
        sent, status = [], {}
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent":
                sent.append((params["requestId"], params["request"]["url"]))
            elif message["method"] == "Network.responseReceived":
                status[params["requestId"]] = params["response"]["status"]
        return [(url, status.get(request)) for request, url in sent]

    def screenshot(self, name: str) -> Path:
        """Save the whole page (up to ``MAX_HEIGHT``) as ``name``.png; return its path."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(SIZE[0], min(max(height, SIZE[1]), MAX_HEIGHT))
        path = self.shots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(*SIZE)
        if self.keep:
            self.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.keep / path.name)
        return path


def _stale(element) -> bool:
    """Whether ``element`` belongs to a page that has been left."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    try:
        element.tag_name
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        # Asked while the new page replaces the old, chromedriver may say so in its own words (seen in CI:
        # "Node with given id does not belong to the document"); any other error is asked again at the next poll.
        return "does not belong to the document" in str(error)


def elsewhere(urls, allowed: str) -> list[str]:
    """The URLs that reach a host other than ``allowed`` (a URL's ``host:port``).

    >>> elsewhere(["http://127.0.0.1:8/a", "data:,", "https://cdn.example/x.js", "http://127.0.0.1:9/"], "127.0.0.1:8")
    ['https://cdn.example/x.js', 'http://127.0.0.1:9/']
    """
    return [url for url in urls
            if urllib.parse.urlsplit(url).scheme in NETWORK and urllib.parse.urlsplit(url).netloc != allowed]


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (skips, saying why, when it cannot run here)."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        driver = launch(Path(profile))
        yield driver
        driver.quit()


@pytest.fixture
def browser(chromium, tmp_path):
    """The session's Chromium with no cookies, an empty cache and empty logs; screenshots go to ``tmp_path``
    (and, with ``SAMENLEVEN_TEST_SCREENSHOTS=DIR``, to ``DIR`` too)."""
    # A fresh reader: no cookies (the language's among them) and an empty cache, which would otherwise answer a
    # page seen by an earlier test without its Set-Cookie (pages may be cached for five minutes).
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    chromium.execute_cdp_cmd("Network.clearBrowserCache", {})
    keep = os.environ.get("SAMENLEVEN_TEST_SCREENSHOTS")
    return Browser(chromium, tmp_path, Path(keep) if keep else None)
