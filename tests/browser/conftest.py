"""Browser tests: headless Chromium (Debian's package) driven by Playwright, against the running local stack.

Tier: e2e (each module sets `pytestmark = pytest.mark.e2e`). These tests drive the whole
local stack (`local_stack`: every function, the gateway, the console) the way a developer
does, in a real browser, so they belong to the tier that runs last and shares that one
stack; the static reference's test needs no stack but needs the same browser, so it sits
here too.

The browser is the system's (`/usr/bin/chromium`, or $CHROMIUM): Playwright only drives
it (`executable_path`) and downloads nothing. Where it is not installed the tests skip
and say what to install; `.ci/run` installs it. Each page starts with a fresh profile
(`--user-data-dir` in a temporary folder) and the flags that keep Chromium from calling
home (without --disable-background-networking its connections are refused here).

A failing test leaves a screenshot of its page in $BROWSER_SCREENSHOTS (default
.local/test-screenshots/) and prints where.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.catalog import REPO_ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", REPO_ROOT / ".local" / "test-screenshots"))
FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium chromium-driver` "
            "(.ci/run installs it) or set CHROMIUM=/path/to/chromium"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Any]:
    """One Chromium for the session, with a fresh profile; each test gets its own page."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="wellness-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            yield context
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A new page; its screenshot is saved when the test fails."""
    page = browser.new_page()
    page.set_default_timeout(60_000)  # generous: a loaded 2-core machine renders the reference slowly
    try:
        yield page
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        if any(report.failed for report in reports.values()):
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", request.node.name) + ".png")
            try:
                page.screenshot(path=str(path), full_page=True)
                print(f"\nscreenshot of {page.url}: {path}")
            except Exception as exc:  # noqa: BLE001 - a screenshot must not hide the failure itself
                print(f"\nno screenshot ({type(exc).__name__}: {exc})")
        page.close()


@pytest.fixture(scope="session")
def console_url(local_stack: Any) -> str:
    url = local_stack.console_url
    assert url, "the local stack started no console (devstack.console.server)"
    return str(url)
