"""Votes and comments through the real app: once per person, undoable, the count on the
page (form POST with a redirect, or JSON for fetch); comments in markdown with LaTeX,
sanitised, threaded, edited and deleted by their authors only, hidden by admins."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from paperwire.community.markdown import render_markdown
from paperwire.store.comments import count_visible
from paperwire.store.users import ensure_user
from paperwire.store.votes import count_votes

from .conftest import csrf, make_client, sign_in

PAPER = "2502.00001"  # 10 imported upvotes


def _votes_shown(client, paper: str = PAPER) -> int:  # noqa: ANN001
    page = client.get(f"/papers/{paper}").text
    return int(re.search(r'class="count">(\d+)<', page).group(1))


def test_vote_once_undo_and_json(app_client, community_db, data_dir) -> None:  # noqa: ANN001
    sign_in(app_client, data_dir, "voter@example.org")
    assert _votes_shown(app_client) == 10
    token = csrf(app_client, f"/papers/{PAPER}")
    form = {"csrf": token, "paper": PAPER, "action": "up", "next": f"/papers/{PAPER}"}
    answer = app_client.post("/votes", data=form, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/papers/{PAPER}"
    assert _votes_shown(app_client) == 11
    assert app_client.post("/votes", data=form).status_code == 200  # twice: still one vote
    assert _votes_shown(app_client) == 11
    assert 'aria-pressed="true"' in app_client.get(f"/papers/{PAPER}").text
    undo = app_client.post("/votes", data={**form, "action": "undo"},
                           headers={"Accept": "application/json"})
    assert undo.json() == {"paper": PAPER, "votes": 10, "voted": False}
    up = app_client.post("/votes", data=form, headers={"Accept": "application/json"})
    assert up.json()["votes"] == 11
    with community_db.read() as connection:
        assert count_votes(connection, PAPER) == 1


def test_votes_need_sign_in_csrf_and_a_real_paper(app_client, data_dir) -> None:  # noqa: ANN001
    token = csrf(app_client)
    assert app_client.post("/votes", data={"csrf": token, "paper": PAPER}).status_code == 403
    sign_in(app_client, data_dir, "v2@example.org")
    token = csrf(app_client, f"/papers/{PAPER}")
    assert app_client.post("/votes", data={"paper": PAPER}).status_code == 403
    assert app_client.post("/votes", data={"csrf": token, "paper": "9999.99999"}
                           ).status_code == 404
    assert app_client.post("/votes", data={"csrf": token, "paper": PAPER, "action": "drop"}
                           ).status_code == 422
    assert app_client.post("/votes", data={"csrf": token, "paper": "x" * 10_000}
                           ).status_code == 422
    # a hostile `next` never leads off the site
    answer = app_client.post("/votes", data={"csrf": token, "paper": PAPER,
                                             "next": "//evil.example/"}, follow_redirects=False)
    assert answer.headers["location"] == f"/papers/{PAPER}"


def test_votes_are_rate_limited(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir, rate_limit_vote="3/600") as client:
        sign_in(client, data_dir, "fast@example.org")
        token = csrf(client, f"/papers/{PAPER}")
        codes = [client.post("/votes", data={"csrf": token, "paper": PAPER, "action": a},
                             follow_redirects=False).status_code
                 for a in ("up", "undo", "up", "undo")]
    assert codes == [303, 303, 303, 429]


def _comment(client, body: str, parent: int | None = None) -> int:  # noqa: ANN001
    token = csrf(client, f"/papers/{PAPER}")
    data = {"csrf": token, "paper": PAPER, "body": body}
    if parent:
        data["parent"] = str(parent)
    answer = client.post("/comments", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("-", 1)[1])


def test_comments_markdown_latex_threads_edit_delete_hide(community_db, data_dir) -> None:  # noqa: ANN001
    with community_db.write() as connection:
        ensure_user(connection, "admin@example.org", "2025-01-01T00:00:00Z", admin=True)
    with make_client(community_db, data_dir) as alice, \
            make_client(community_db, data_dir) as bob, \
            make_client(community_db, data_dir) as admin:
        sign_in(alice, data_dir, "alice@example.org")
        sign_in(bob, data_dir, "bob@example.org")
        sign_in(admin, data_dir, "admin@example.org")
        first = _comment(alice, "**Nice** result: $\\alpha^2$ <script>alert(1)</script>"
                                " [x](javascript:alert(2))")
        reply = _comment(bob, "I *disagree*", parent=first)
        page = alice.get(f"/papers/{PAPER}").text
        assert "<strong>Nice</strong>" in page and "<math" in page and "<msup>" in page
        assert "<script>alert(1)" not in page, page[page.find("<script>alert(1)") - 300:][:400]
        assert 'href="javascript' not in page
        assert page.index(f'id="comment-{first}"') < page.index(f'id="comment-{reply}"')
        assert '<ol class="replies">' in page
        with community_db.read() as connection:
            assert count_visible(connection, PAPER) == 2
        # bob cannot edit or delete alice's comment; alice can
        token = csrf(bob, f"/papers/{PAPER}")
        assert bob.post(f"/comments/{first}/edit", data={"csrf": token, "body": "pwned"}
                        ).status_code == 403
        assert bob.post(f"/comments/{first}/delete", data={"csrf": token}).status_code == 403
        # bob is not an admin
        assert bob.post(f"/admin/comments/{first}/hide", data={"csrf": token}).status_code == 403
        token = csrf(alice, f"/papers/{PAPER}")
        assert alice.post(f"/comments/{first}/edit", data={"csrf": token, "body": "Edited $x$"},
                          follow_redirects=False).status_code == 303
        assert "Edited" in alice.get(f"/papers/{PAPER}").text
        # the admin hides bob's reply
        token = csrf(admin, f"/papers/{PAPER}")
        assert admin.post(f"/admin/comments/{reply}/hide", data={"csrf": token, "hidden": "true"},
                          follow_redirects=False).status_code == 303
        page = alice.get(f"/papers/{PAPER}").text
        assert "I <em>disagree</em>" not in page and "hidden by a moderator" in page
        alice.post(f"/comments/{first}/delete", data={"csrf": csrf(alice, f"/papers/{PAPER}")})
        page = alice.get(f"/papers/{PAPER}").text
        assert "Edited" not in page and "[deleted]" in page
        with community_db.read() as connection:
            assert count_visible(connection, PAPER) == 0
        assert "1 comment" not in page


def test_bad_comments_are_refused(app_client, data_dir) -> None:  # noqa: ANN001
    sign_in(app_client, data_dir, "c@example.org")
    token = csrf(app_client, f"/papers/{PAPER}")
    assert app_client.post("/comments", data={"csrf": token, "paper": PAPER, "body": "   "}
                           ).status_code == 422
    assert app_client.post("/comments", data={"csrf": token, "paper": PAPER,
                                              "body": "x" * 10_001}).status_code == 422
    assert app_client.post("/comments", data={"csrf": token, "paper": PAPER, "body": "hi",
                                              "parent": "999999"}).status_code == 422
    assert app_client.post("/comments", data={"csrf": token, "paper": PAPER, "body": "hi",
                                              "parent": "abc"}).status_code == 422


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_rendered_markdown_never_carries_script_or_handlers(body: str) -> None:
    html = str(render_markdown(body + " <script>x</script> <img src=x onerror=y> "
                                      "[a](javascript:z)"))
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered
    assert 'href="javascript' not in lowered
    assert not re.search(r"<[^>]+\son\w+=", lowered)
