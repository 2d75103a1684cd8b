"""Headless Chromium (Debian's package) driven by Playwright against the real server.

Without /usr/bin/chromium the browser tests are skipped, unless
DELUGE_CALLBACKS_REQUIRE_BROWSER=1 is set (as CI does), which makes them fail.
Playwright never downloads a browser here: it starts the system one.
"""

import os
from pathlib import Path

import pytest

from tests.web.live_server import start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_KEY = "browser-tests-admin-key-0123456789"
# The documentation's screenshots are rewritten only on request, so that a test
# run leaves the work tree clean.
DOCS_SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("DELUGE_CALLBACKS_UPDATE_SCREENSHOTS") == "1"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("DELUGE_CALLBACKS_REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing; install Debian's chromium package "
        "(apt-get install -y chromium) to run the browser tests"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def screenshot_dir(tmp_path):
    """Return docs/screenshots/ with DELUGE_CALLBACKS_UPDATE_SCREENSHOTS=1, else
    a temporary directory."""
    return DOCS_SCREENSHOT_DIR if UPDATE_SCREENSHOTS else tmp_path


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing but DELUGE_CALLBACKS_REQUIRE_BROWSER=1 "
            "requires the browser tests; install Debian's chromium package"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("browser") / "data", ADMIN_KEY)
    yield live
    live.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(
        base_url=server.base_url,
        viewport={"width": 1400, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto("/admin/sign-in")
    tab.fill("#admin-key", server.admin_key)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/admin/portals/1/callbacks")
    yield tab
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
