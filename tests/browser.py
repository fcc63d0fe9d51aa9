"""Helpers for browser tests: axe on every page, screenshots for people to look at."""

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

SCREENSHOTS = Path(settings.BASE_DIR) / ".local" / "screenshots"
BLOCKING_IMPACTS = ("serious", "critical")


def assert_accessible(page: Page, label: str) -> None:
    """Run axe on the page as it stands; fail on serious or critical violations."""
    results = Axe().run(page)
    problems = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    - {node['target']}" for node in v["nodes"])
        for v in problems
    )
    assert not problems, f"axe found problems on the {label} page:\n{report}"


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_page(page: Page, name: str) -> None:
    screenshot(page, name)
    assert_accessible(page, name)


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/")
