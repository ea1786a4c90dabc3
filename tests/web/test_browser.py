"""A real browser (Debian's chromium, through Playwright) against a real `paperwire serve`
on the bundled demo papers: move between days, open a paper, search and filter, a phone
viewport, keyboard only, JavaScript off, dark mode, and hostile paper text.

Screenshots go to a temporary folder, or to docs/screenshots/ when PAPERWIRE_SCREENSHOTS
names that folder (`make screenshots`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from ..conftest import REPO, run_cli, running_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HOSTILE = {
    "arxiv_id": "2608.00001", "daily_date": "2026-08-08",
    "title": '<script>alert("t")</script> "><img src=x onerror=alert(1)> {{ 7*7 }} Hostile',
    "summary": 'Body <script>alert("a")</script> "><img src=x onerror=alert(2)> {{ 7*7 }}.',
    "authors": ['<img src=x onerror=alert(3)>'], "upvotes": 1,
}
MATHY = {
    "arxiv_id": "2608.00002", "daily_date": "2026-08-08",
    "title": "Bounds on $\\ell_p$ norms for wombats",
    "summary": "We prove that $\\sum_{i=1}^n x_i^2 \\le \\frac{1}{2}$ for all wombats.",
    "authors": ["Winnie Wombat"], "upvotes": 2,
}

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason=f"{CHROMIUM} missing: `make test` installs it (apt chromium)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env.update(PAPERWIRE_DATA_DIR=str(home / "data"), HOME=str(home),
               PAPERWIRE_JOBS_ENABLED="false")  # no scheduled harvest may reach the internet
    extra = home / "extra.jsonl"
    extra.write_bytes(b"\n".join(orjson.dumps(r) for r in (HOSTILE, MATHY)) + b"\n")
    run_cli("init", "--demo", env=env, check=True)
    run_cli("import", str(extra), env=env, check=True)
    with running_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PAPERWIRE_SCREENSHOTS")
    path = (REPO / folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Watched:
    """A page whose dialogs (alert() from injected script) and console errors are kept."""

    def __init__(self, context) -> None:  # noqa: ANN001
        self.context = context
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message),
                                               dialog.dismiss()))
        self.page.on("console", lambda message: message.type == "error"
                     and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def open_page(browser) -> Iterator:  # noqa: ANN001
    contexts = []

    def make(**options) -> Watched:  # noqa: ANN003
        options.setdefault("viewport", {"width": 1200, "height": 800})
        context = browser.new_context(**options)
        contexts.append(context)
        return Watched(context)

    yield make
    for context in contexts:
        context.close()


def test_today_then_the_previous_day(server: str, open_page, shots: Path) -> None:  # noqa: ANN001
    watched = open_page()
    page = watched.page
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Today's papers"
    assert "Friday, 21 August 2026" in page.locator(".period").inner_text()
    assert page.locator(".card").count() == 17
    page.screenshot(path=str(shots / "daily.png"))
    page.get_by_role("link", name="← 2026-08-20").click()
    page.wait_for_url("**/papers/date/2026-08-20")
    assert "Thursday, 20 August 2026" in page.locator(".period").inner_text()
    assert page.locator(".card").count() == 15
    page.keyboard.press("ArrowRight")  # the keyboard way back
    page.wait_for_url("**/papers/date/2026-08-21")
    assert not watched.errors and not watched.dialogs


def test_open_a_paper(server: str, open_page, shots: Path) -> None:  # noqa: ANN001
    watched = open_page()
    page = watched.page
    page.goto(server + "/papers/date/2026-08-21")
    first = page.locator(".card .title a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r".*/papers/\d{4}\.\d{5}$"))
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Abstract").is_visible()
    assert page.get_by_role("link", name="PDF").get_attribute("href").startswith(
        "https://arxiv.org/pdf/")
    page.screenshot(path=str(shots / "paper.png"), full_page=False)
    page.goto(server + "/papers/2608.00002")
    assert page.locator("math").count() == 2  # $\ell_p$ in the title, one formula in the text
    assert page.locator(".abstract math mfrac").count() == 1
    assert not watched.errors


def test_search_and_filter(server: str, open_page, shots: Path) -> None:  # noqa: ANN001
    page = open_page().page
    page.goto(server + "/")
    page.keyboard.press("/")
    page.keyboard.type("agent")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=agent")
    results = page.locator(".card").count()
    assert results > 5
    assert page.locator(".card .why").first.inner_text().startswith("Matched:")
    page.fill("input[name=author]", "Chengsong Huang")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*author=Chengsong\+Huang.*"))
    filtered = page.locator(".card .authors").all_inner_texts()
    assert 0 < len(filtered) < results
    assert all("Chengsong Huang" in authors for authors in filtered)
    page.fill("input[name=since]", "2030-01-01")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r".*since=2030-01-01.*"))
    assert page.locator(".card").count() == 0 and "Nothing matched" in page.content()
    page.goto(server + "/search?q=agent")
    page.screenshot(path=str(shots / "search.png"))


def test_phone_viewport(server: str, open_page, shots: Path) -> None:  # noqa: ANN001
    page = open_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                     device_scale_factor=2).page
    for path in ("/", "/papers/2608.19880", "/trending", "/search?q=agent"):
        page.goto(server + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    page.goto(server + "/")
    card = page.locator(".card article").first.bounding_box()
    assert card["width"] <= 390
    page.screenshot(path=str(shots / "phone.png"), scale="css")


def test_keyboard_only(server: str, open_page) -> None:  # noqa: ANN001
    page = open_page().page
    page.goto(server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("j")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == page.locator(".card .title a").first.inner_text()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.textContent") == \
        page.locator(".card .title a").nth(1).inner_text()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/papers/\d{4}\.\d{5}$"))


def test_reading_pages_work_without_javascript(server: str, open_page) -> None:  # noqa: ANN001
    page = open_page(java_script_enabled=False).page
    page.goto(server + "/")
    assert page.locator(".card").count() == 17
    page.fill("#date", "2026-08-19")
    page.get_by_role("button", name="Go").click()
    page.wait_for_url("**/papers/date/2026-08-19")
    assert page.locator(".card").count() == 26
    page.locator(".card .title a").first.click()
    assert page.get_by_role("heading", name="Abstract").is_visible()
    page.goto(server + "/search?q=agent&since=2026-08-01")
    assert page.locator(".card").count() > 0


def test_dark_mode_follows_the_system(server: str, open_page, shots: Path) -> None:  # noqa: ANN001
    page = open_page(color_scheme="dark").page
    page.goto(server + "/trending")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(x) for x in re.findall(r"\d+", background)[:3])
    assert red + green + blue < 100, background
    page.screenshot(path=str(shots / "trending-dark.png"))
    light = open_page(color_scheme="light").page
    light.goto(server + "/trending")
    assert light.evaluate("getComputedStyle(document.body).backgroundColor") != background


def test_hostile_paper_text_stays_text(server: str, open_page) -> None:  # noqa: ANN001
    watched = open_page()
    page = watched.page
    for path in ("/papers/2608.00001", "/papers/date/2026-08-08", "/search?q=hostile"):
        page.goto(server + path)
        page.wait_for_load_state("load")
        assert HOSTILE["title"] in page.locator("body").inner_text(), path
        assert page.locator("img[src=x]").count() == 0
    page.goto(server + "/papers/2608.00001")
    assert page.locator("h1").inner_text() == HOSTILE["title"]
    assert not watched.dialogs  # no injected alert() ran
    assert page.evaluate("document.scripts.length") == 1  # only /static/app.js
