"""A rendered digest in a real browser (Debian's chromium through Playwright), wide and on
a phone: readable, nothing wider than the screen, hostile titles inert. The screenshots
go to docs/screenshots/ when PAPERWIRE_SCREENSHOTS names that folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperwire.demo import load_demo
from paperwire.digest.run import DigestRun
from paperwire.digest.preferences import Preferences
from paperwire.formats.base import Parsed
from paperwire.ingest import Importer, ImportSummary
from paperwire.records import Listing, PaperRecord, Version
from paperwire.store import Database
from tests.conftest import REPO
from tests.web.conftest import HOSTILE_TITLE

from .conftest import make_config

CHROMIUM = "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing")


def test_digest_reads_well_wide_and_on_a_phone(sqlite_db: Database, tmp_path: Path):
    load_demo(sqlite_db)
    hostile = PaperRecord(title=HOSTILE_TITLE + " video generation", abstract="<b>x</b>",
                          arxiv_id="2607.99999", authors=["<img src=x onerror=alert(1)>"],
                          published="2026-07-27T00:00:00Z", upvotes=1,
                          listings=[Listing("2026-07-27", "hf", None, "2026-07-27T08:00:00Z")],
                          versions=[Version(1, "2026-07-27T00:00:00Z")])
    Importer(sqlite_db).import_results([Parsed("t", hostile)], ImportSummary())
    config = make_config(tmp_path, None)
    run = DigestRun(sqlite_db, config, dry_run=True)
    digest = run.composer.compose(1, "reader@example.org", Preferences(
        interests=["video generation", "language model agents"], count=8), "2026-07-28")
    assert digest.picks and digest.trending
    page_file = tmp_path / "digest.html"
    page_file.write_text(run.preview(digest), encoding="utf-8")
    folder = os.environ.get("PAPERWIRE_SCREENSHOTS")
    shots = (REPO / folder) if folder else tmp_path
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for name, viewport in (("digest.png", {"width": 1100, "height": 1500}),
                                   ("digest-phone.png", {"width": 390, "height": 844})):
                context = browser.new_context(viewport=viewport, java_script_enabled=True)
                page = context.new_page()
                dialogs: list[str] = []
                page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
                page.goto(page_file.as_uri())
                assert page.get_by_text("Picked for you").count() == 1
                assert page.get_by_role("link", name="PDF").count() == len(digest.papers)
                assert page.get_by_text(HOSTILE_TITLE, exact=False).count() == 1
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                page.screenshot(path=str(shots / name), full_page=name == "digest-phone.png")
                assert not dialogs
                context.close()
        finally:
            browser.close()
