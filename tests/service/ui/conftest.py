"""Debian's Chromium, headless, driven by Playwright's sync API; screenshots of what it shows.

Screenshots go to a folder under pytest's temporary output and, when CITEQA_SCREENSHOTS is
set, to that folder too. Every test that asks for the browser is skipped when Debian's
chromium is missing (.ci/setup installs it): Playwright is never allowed to download one.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/setup installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def screenshot_dirs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folders = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get("CITEQA_SCREENSHOTS"):
        folders.append(Path(os.environ["CITEQA_SCREENSHOTS"]))
        folders[-1].mkdir(parents=True, exist_ok=True)
    return folders


@pytest.fixture
def screenshot(screenshot_dirs: list[Path]) -> Callable[[Page, str], None]:
    def save(page: Page, name: str) -> None:
        first = screenshot_dirs[0] / f"{name}.png"
        page.screenshot(path=first)
        for folder in screenshot_dirs[1:]:
            shutil.copy(first, folder / first.name)

    return save
