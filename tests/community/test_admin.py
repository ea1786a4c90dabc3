"""Admins feature a paper on a day (shown first on that day's page), every action lands in
the moderation log, and comments are rate-limited."""

from __future__ import annotations

from paperwire.store.users import ensure_user

from .conftest import csrf, make_client, sign_in

PAPER = "2502.00004"


def test_featuring_a_paper_on_a_day(community_db, data_dir) -> None:  # noqa: ANN001
    with community_db.write() as connection:
        ensure_user(connection, "root@example.org", "2025-01-01T00:00:00Z", admin=True)
    with make_client(community_db, data_dir) as admin:
        sign_in(admin, data_dir, "root@example.org")
        assert "Featured" not in admin.get("/papers/date/2025-02-25").text
        answer = admin.post("/admin/featured", data={
            "csrf": csrf(admin, "/admin"), "paper": PAPER, "day": "2025-02-25"},
            follow_redirects=False)
        assert answer.headers["location"] == "/papers/date/2025-02-25"
        page = admin.get("/papers/date/2025-02-25").text
        featured = page[page.index('id="featured-h"'):page.index('class="count"')]
        assert "Wombat benchmarks" in featured
        for bad in ["2025-13-01", "yesterday", "<b>"]:
            assert admin.post("/admin/featured", data={"csrf": csrf(admin, "/admin"),
                                                       "paper": PAPER, "day": bad}
                              ).status_code == 422
        assert admin.post("/admin/featured", data={"csrf": csrf(admin, "/admin"),
                                                   "paper": "9999.99999", "day": "2025-02-25"}
                          ).status_code == 404
        admin.post("/admin/featured", data={"csrf": csrf(admin, "/admin"), "paper": PAPER,
                                            "day": "2025-02-25", "featured": "false"})
        assert 'id="featured-h"' not in admin.get("/papers/date/2025-02-25").text
        log = admin.get("/admin").text
        assert "unfeature" in log and "on 2025-02-25" in log


def test_comments_are_rate_limited(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir, rate_limit_comment="2/600") as client:
        sign_in(client, data_dir, "chatty@example.org")
        token = csrf(client, f"/papers/{PAPER}")
        codes = [client.post("/comments", data={"csrf": token, "paper": PAPER, "body": "hi"},
                             follow_redirects=False).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
