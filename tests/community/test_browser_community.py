"""The community in a real browser (Debian's chromium through Playwright) against a real
`paperwire serve` on the demo papers: sign in by the link from the outbox, upvote and see
the count change without a reload, comment with markdown and LaTeX, submit an arXiv id,
approve it as an admin and find it on the day's list.

The screenshot of a paper page with votes and comments goes to docs/screenshots/ when
PAPERWIRE_SCREENSHOTS names that folder (`make screenshots`)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperwire.formats.paperwire_jsonl import record_to_json

from ..conftest import run_cli, running_server
from ..web.test_browser import browser, open_page, shots  # noqa: F401 - shared fixtures
from .conftest import outbox_links, recent_paper

PAPER = "2608.19880"  # in the demo cut
SUBMITTED = "2611.00042"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("community-browser")
    data = home / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env.update(PAPERWIRE_DATA_DIR=str(data), HOME=str(home), PAPERWIRE_JOBS_ENABLED="false",
               PAPERWIRE_WEB_CACHE_SECONDS="0")
    extra = home / "recent.jsonl"  # a recent paper the store knows but no list has
    extra.write_bytes(record_to_json(SUBMITTED, recent_paper(
        SUBMITTED, title="Platypus transformers for echolocation")) + b"\n")
    run_cli("init", "--demo", env=env, check=True)
    run_cli("import", str(extra), env=env, check=True)
    run_cli("users", "add", "admin@example.org", "--admin", env=env, check=True)
    with running_server(env) as base:
        yield base, data


def sign_in(page, base: str, data: Path, email: str) -> None:  # noqa: ANN001
    page.goto(base + "/signin")
    page.fill("#email", email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.wait_for_selector("text=sign-in link is on its way")
    link = outbox_links(data, email)[-1]
    page.goto(base + link[link.index("/signin/link"):])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account")
    assert email in page.locator("main").inner_text()


def test_the_community_flow(site, open_page, shots) -> None:  # noqa: ANN001
    base, data = site
    member = open_page()
    page = member.page
    bad = []
    page.on("response", lambda r: r.status >= 400 and bad.append((r.request.method, r.url, r.status)))
    sign_in(page, base, data, "reader@example.org")

    page.goto(f"{base}/papers/{PAPER}")
    count = page.locator(".vote-form .count")
    before = int(count.inner_text())
    page.evaluate("() => { window.notReloaded = true; }")
    page.locator(".vote-form button").click()
    page.wait_for_function(
        "(n) => document.querySelector('.vote-form .count').textContent === String(n)",
        arg=before + 1)
    assert page.evaluate("() => window.notReloaded === true")  # no reload: fetch did it
    assert page.locator(".vote-form button").get_attribute("aria-pressed") == "true"
    page.reload()
    assert int(page.locator(".vote-form .count").inner_text()) == before + 1

    page.fill("#comment-body", "**Lovely** result: $E = mc^2$, see [the code](https://example.org).")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.wait_for_selector(".comment-body strong")
    body = page.locator(".comment-body").first
    assert body.locator("strong").inner_text() == "Lovely"
    assert body.locator("math msup").count() == 1
    assert body.locator("a").get_attribute("rel") == "nofollow noopener ugc"
    page.locator(".paper-stats").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "paper-community.png"), full_page=True)

    page.goto(base + "/submit")
    page.fill("#arxiv-id", SUBMITTED)
    page.get_by_role("button", name="Submit").click()
    page.wait_for_selector("text=waits for an admin")

    admin = open_page().page
    sign_in(admin, base, data, "admin@example.org")
    admin.goto(base + "/admin")
    row = admin.locator(".queue li", has_text="Platypus transformers")
    row.get_by_role("button", name="Approve").click()
    admin.wait_for_url("**/admin")
    assert admin.locator(".queue li", has_text="Platypus transformers").count() == 0
    assert "approve submission" in admin.locator("table.log").inner_text()

    page.goto(base + "/")
    titles = page.locator(".card .title").all_inner_texts()
    assert "Platypus transformers for echolocation" in titles
    assert "submitted by reader" in page.goto(f"{base}/papers/{SUBMITTED}").text()
    assert not member.errors and not member.dialogs, bad


def test_voting_without_javascript(site, open_page) -> None:  # noqa: ANN001
    base, data = site
    page = open_page(java_script_enabled=False).page
    sign_in(page, base, data, "nojs@example.org")
    page.goto(f"{base}/papers/{PAPER}")
    before = int(page.locator(".vote-form .count").inner_text())
    page.locator(".vote-form button").click()  # a plain form POST, answered by a redirect
    page.wait_for_url(f"**/papers/{PAPER}")
    assert int(page.locator(".vote-form .count").inner_text()) == before + 1
    page.locator(".vote-form button").click()  # and back
    page.wait_for_url(f"**/papers/{PAPER}")
    assert int(page.locator(".vote-form .count").inner_text()) == before
