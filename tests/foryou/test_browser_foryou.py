"""For you in a real browser (Debian's chromium through Playwright) against a real
`paperwire serve` over 24 embedded papers on three topics: seed the feed with one click on
a map cluster (JavaScript) or a map point (no JavaScript: the forms), read the reasons,
say "not interested", add and remove an interest, follow and unfollow a category.
Screenshots go to docs/screenshots/ when PAPERWIRE_SCREENSHOTS names it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperwire.formats.paperwire_jsonl import record_to_json

from ..community.test_browser_community import sign_in
from ..conftest import run_cli, running_server
from ..web.test_browser import browser, open_page, shots  # noqa: F401 - shared fixtures
from .conftest import topic_papers


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, model_cache: Path
         ) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("foryou-browser")
    data = home / "data"
    data.mkdir()
    (data / "models").symlink_to(model_cache, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env.update(PAPERWIRE_DATA_DIR=str(data), HOME=str(home), PAPERWIRE_JOBS_ENABLED="false",
               PAPERWIRE_WEB_CACHE_SECONDS="0", PAPERWIRE_RECOMMEND_MAP_CLUSTERS="3")
    papers = home / "papers.jsonl"
    papers.write_bytes(b"".join(record_to_json(p.arxiv_id, p) + b"\n" for p in topic_papers()))
    run_cli("init", env=env, check=True)
    run_cli("import", str(papers), env=env, check=True)
    run_cli("embed", env=env, check=True, timeout=600)
    with running_server(env) as base:
        yield base, data


def test_map_click_seeds_the_feed_and_reasons_show(site, open_page, shots) -> None:  # noqa: ANN001
    base, data = site
    reader = open_page()
    page = reader.page
    sign_in(page, base, data, "reader@example.org")
    page.goto(base + "/for-you")
    assert page.locator("#cold-start").count() == 1
    page.goto(base + "/map")
    assert page.locator("svg#paper-map .map-point").count() == 24
    page.screenshot(path=str(shots / "map.png"), full_page=True)
    cluster = page.locator("svg#paper-map .map-cluster").first
    page.evaluate("() => { window.notReloaded = true; }")
    cluster.dispatch_event("click")
    page.wait_for_selector("text=Added to your feed")
    assert page.evaluate("() => window.notReloaded === true")
    page.get_by_role("link", name="See your feed").click()
    page.wait_for_url("**/for-you")
    reasons = page.locator(".card .reasons").first.inner_text()
    assert "in your library" in reasons, reasons
    page.screenshot(path=str(shots / "for-you.png"))

    first = page.locator(".card").first
    first_id = first.get_attribute("id")
    first.get_by_role("button", name="Not interested").click()
    page.wait_for_url("**/for-you")
    assert page.locator(f"[id='{first_id}']").count() == 0

    page.goto(base + "/for-you/profile")
    assert "not interested" in page.locator("#signals").inner_text()
    page.fill("#interest", "speech recognition")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url("**/for-you/profile")
    assert "speech recognition" in page.locator("#interests").inner_text()
    page.get_by_role("button", name="Remove interest speech recognition").click()
    page.wait_for_url("**/for-you/profile")
    assert "No interests yet." in page.locator("#interests").inner_text()

    page.goto(base + "/categories/eess.AS")
    page.get_by_role("button", name="Follow category eess.AS").click()
    page.wait_for_url("**/categories/eess.AS")
    page.goto(base + "/for-you")
    assert "new in eess.AS, which you follow" in page.locator("main").inner_text()
    page.goto(base + "/for-you/profile")
    page.get_by_role("button", name="Unfollow eess.AS").click()
    page.wait_for_url("**/for-you/profile")
    assert "You follow no authors or categories" in page.locator("#follows").inner_text()

    # a digest link (?from=digest) tells the feed the paper was opened from a digest
    page.goto(f"{base}/papers/2611.00020?from=digest")
    page.wait_for_function("() => !window.location.search")
    page.goto(base + "/for-you/profile")
    page.wait_for_selector("text=opened from a digest")
    assert not reader.errors and not reader.dialogs


def test_without_javascript_a_map_point_seeds_through_a_form(site, open_page) -> None:  # noqa: ANN001
    base, data = site
    reader = open_page(java_script_enabled=False)
    page = reader.page
    sign_in(page, base, data, "nojs@example.org")
    page.goto(base + "/map")
    page.locator("svg#paper-map .map-point").first.focus()  # labels may cover a dot
    page.keyboard.press("Enter")
    page.wait_for_url("**/map?paper=*")
    page.get_by_role("button", name="Start my feed from this paper").click()
    page.wait_for_url("**/for-you")
    assert "in your library" in page.locator(".card .reasons").first.inner_text()
