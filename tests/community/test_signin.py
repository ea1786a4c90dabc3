"""Sign-in by magic link through the real app: the same answer for known and unknown
addresses, single-use links that expire, tokens stored only as hashes, sign-out by POST."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from paperwire.community import accounts
from paperwire.store.login_tokens import token_hash
from paperwire.store.users import ensure_user
from paperwire.web.visitor import COOKIE

from .conftest import csrf, make_client, outbox_links, sign_in


def _answer(client, email: str) -> str:  # noqa: ANN001
    page = client.post("/signin", data={"csrf": csrf(client), "email": email}).text
    return re.sub(r'value="[^"]+"', "", page)  # the CSRF token differs per visitor


def test_known_and_unknown_addresses_get_the_same_answer(app_client, community_db, data_dir) -> None:  # noqa: ANN001
    with community_db.write() as connection:
        ensure_user(connection, "known@example.org", "2025-01-01T00:00:00Z")
    known = _answer(app_client, "known@example.org")
    unknown = _answer(app_client, "nobody@example.org")
    assert known == unknown and "sign-in link is on its way" in known
    assert len(outbox_links(data_dir, "known@example.org")) == 1
    assert len(outbox_links(data_dir, "nobody@example.org")) == 1


def test_a_link_signs_in_once_and_makes_the_account(app_client, community_db, data_dir) -> None:  # noqa: ANN001
    sign_in(app_client, data_dir, "Ada@Example.org")
    account = app_client.get("/account")
    assert account.status_code == 200 and "ada@example.org" in account.text
    cookie = account.headers.get("set-cookie") or ""
    assert "HttpOnly" in cookie or app_client.cookies.get(COOKIE)
    with community_db.read() as connection:
        rows = connection.execute(text("SELECT token_hash, used_at FROM login_tokens")).all()
    link = outbox_links(data_dir, "ada@example.org")[-1]
    token = link.split("token=")[1]
    assert [r.token_hash for r in rows] == [token_hash(token)]  # only the hash is kept
    assert token not in str(rows) and rows[0].used_at
    # the same link again: refused
    again = app_client.post("/signin/link", data={"csrf": csrf(app_client), "token": token})
    assert again.status_code == 400 and "expired or was already used" in again.text


def test_links_expire(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir) as client:
        config = client.app.state.config
        accounts.request_link(community_db, config, "late@example.org",
                              now=datetime.now(timezone.utc) - timedelta(minutes=16))
        token = outbox_links(data_dir)[-1].split("token=")[1]
        answer = client.post("/signin/link", data={"csrf": csrf(client), "token": token})
        assert answer.status_code == 400
        assert accounts.complete_sign_in(community_db, token) is None


def test_hostile_and_malformed_input(app_client, data_dir) -> None:  # noqa: ANN001
    for bad in ["not-an-email", "a@b.c\r\nBcc: x@evil.org", "x" * 500 + "@example.org",
                "<script>@example.org", ""]:
        page = app_client.post("/signin", data={"csrf": csrf(app_client), "email": bad})
        assert page.status_code in (422,), (bad, page.status_code)
        assert "<script>@" not in page.text
    assert outbox_links(data_dir) == []
    for token in ["", "x", "A" * 5000, "../../etc/passwd", "\x00"]:
        answer = app_client.post("/signin/link", data={"csrf": csrf(app_client), "token": token})
        assert answer.status_code in (400, 422)


def test_sign_in_requests_are_rate_limited(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir, rate_limit_signin="3/600") as client:
        codes = [client.post("/signin", data={"csrf": csrf(client),
                                              "email": f"p{i}@example.org"}).status_code
                 for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_sign_out_is_a_post(app_client, data_dir) -> None:  # noqa: ANN001
    sign_in(app_client, data_dir, "bye@example.org")
    assert app_client.get("/account").status_code == 200
    assert app_client.post("/signout", data={}).status_code == 403  # no CSRF token
    token = csrf(app_client, "/account")
    assert app_client.post("/signout", data={"csrf": token}, follow_redirects=False
                           ).status_code == 303
    assert app_client.get("/account", follow_redirects=False).status_code == 303


def test_people_choose_the_name_others_see(app_client, data_dir) -> None:  # noqa: ANN001
    sign_in(app_client, data_dir, "quiet@example.org")
    token = csrf(app_client, "/account")
    assert app_client.post("/account/name", data={"csrf": token, "name": "  Ada <b>L</b>\x07 "},
                           follow_redirects=False).status_code == 303
    page = app_client.get("/account").text
    assert 'value="Ada &lt;b&gt;L&lt;/b&gt;"' in page
    for bad in ["", "   ", "x" * 41]:
        assert app_client.post("/account/name", data={"csrf": token, "name": bad}
                               ).status_code == 422


def test_sign_in_mail_over_smtp_and_failures_change_nothing_visible(community_db, data_dir) -> None:  # noqa: ANN001
    from ..smtp_server import RecordingHandler, smtp_server
    handler = RecordingHandler(replies={"bounce@example.org": "550 no such user"})
    with smtp_server(handler=handler) as (_, port), \
            make_client(community_db, data_dir, smtp_url=f"smtp://127.0.0.1:{port}") as client:
        delivered = _answer(client, "smtp@example.org")
        bounced = _answer(client, "bounce@example.org")
        assert delivered == bounced and "sign-in link is on its way" in delivered
        [mail] = handler.to("smtp@example.org")
        body = mail.message.get_body(("plain",)).get_content()
        token = re.search(r"token=([\w\-]+)", body).group(1)
        page = client.get(f"/signin/link?token={token}").text
        done = client.post("/signin/link", data={"csrf": re.search(
            r'name="csrf" value="([^"]+)"', page).group(1), "token": token},
            follow_redirects=False)
        assert done.status_code == 303
    assert outbox_links(data_dir) == []  # SMTP set: nothing in the outbox
