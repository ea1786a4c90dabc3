"""The formula is in the open: /about/trending shows it with the gravity in use, and each
paper page shows its own breakdown."""

from __future__ import annotations

import re

from .conftest import make_client


def test_about_page_shows_the_formula_and_the_gravity_setting(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir, trending_gravity=1.2) as client:
        page = client.get("/about/trending").text
    assert "points = votes + 0.5 × comments + 2.0 × log2(1 + GitHub stars" in page
    assert "score  = points / (age in hours + 2.0) ^ gravity" in page
    assert "<strong>1.2</strong>" in page and "trending_gravity" in page
    # the worked example adds up: 40 + 0.5 × 6 + 2 × log2(256) = 59 points, 10 h old
    assert "= 59.0;" in page and "= 2.991." in page  # 59 / 12 ** 1.2


def test_each_paper_page_shows_its_breakdown(app_client) -> None:  # noqa: ANN001
    page = app_client.get("/papers/2502.00001").text
    section = page[page.index('id="breakdown-h"'):page.index('id="comments-h"')]
    assert "10 votes, 0 comments, 1.5k GitHub stars" in section
    assert re.search(r"points = 10\.0 \(votes\) \+ 0\.0 \(comments\) \+ 21\.1 \(stars\)", section)
    assert 'href="/about/trending"' in section
