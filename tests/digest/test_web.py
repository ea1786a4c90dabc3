"""The subscriber's journey through the web and a real SMTP server, and the pages' guards:
CSRF, rate limit, same answer for every address, tampered and expired links."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from paperwire.digest.run import run_digests
from paperwire.store import subscribers as store
from paperwire.web.app import create_app

from .conftest import PERIOD, add, link, make_config


def client_for(db, config) -> TestClient:  # noqa: ANN001
    config.values["web_cache_seconds"] = 0
    return TestClient(create_app(config, db), base_url="https://papers.example.org")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def text_of(received) -> str:  # noqa: ANN001
    return received.message.get_body(("plain",)).get_content()


def test_the_whole_journey(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    web = client_for(papers, config)
    home = web.get("/")
    assert 'href="/subscribe"' in home.text and 'class="footer-subscribe"' in home.text
    form = web.get("/subscribe", params={"email": "reader@example.org"})
    assert 'value="reader@example.org"' in form.text
    answer = web.post("/subscribe", data={"csrf": csrf_of(form.text),
                                          "email": "Reader@Example.org"})
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    assert run_digests(papers, config, period_date=PERIOD).due == 0  # not confirmed yet
    assert len(handler.received) == 1
    confirmation = handler.received[0]
    assert confirmation.recipients == ["reader@example.org"]

    page = web.get(link(text_of(confirmation), "/subscribe/confirm"))
    assert page.status_code == 200 and "reader@example.org" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    done = web.post("/subscribe/confirm", data={"csrf": csrf_of(page.text), "token": token})
    assert "You are subscribed" in done.text

    assert run_digests(papers, config, period_date=PERIOD).sent == 1
    assert run_digests(papers, config, period_date=PERIOD).sent == 0
    digests = handler.to("reader@example.org")[1:]
    assert len(digests) == 1
    header = digests[0].message["List-Unsubscribe"]
    one_click = re.search(r"<https://papers\.example\.org(/unsubscribe/one-click\?token=[^>]+)>",
                          header).group(1)

    scanner = client_for(papers, config)  # a link scanner's GET changes nothing
    assert "<form" in scanner.get(one_click).text
    assert run_digests(papers, config, period_date=PERIOD).done_before == 1
    mail_client = client_for(papers, config)  # no cookie, no CSRF token: RFC 8058
    gone = mail_client.post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 200 and "Unsubscribed" in gone.text
    with papers.write() as connection:
        connection.exec_driver_sql("DELETE FROM sent_papers")
    later = run_digests(papers, config, period_date=PERIOD + timedelta(days=1))
    assert later.due == 0
    assert len(handler.to("reader@example.org")) == 2  # the confirmation and one digest


def test_preferences_page_changes_what_is_sent(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    run_digests(papers, config, period_date=PERIOD)
    web = client_for(papers, config)
    page = web.get(link(text_of(handler.received[0]), "/subscription"))
    assert page.status_code == 200 and "reader@example.org" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    fields = {"csrf": csrf_of(page.text), "token": token, "frequency": "weekly", "weekday": "2",
              "hour": "7", "timezone": "Europe/Berlin", "categories": "cs.LG, cs.CL",
              "keywords": "quokka", "interests": "vector databases\nLLM serving", "count": "5"}
    saved = web.post("/subscription", data=fields)
    assert saved.status_code == 200 and "Saved." in saved.text
    with papers.read() as connection:
        stored = store.by_email(connection, "reader@example.org")
    assert '"frequency":"weekly"' in stored.preferences and "LLM serving" in stored.preferences
    bad = web.post("/subscription", data=dict(fields, timezone="Mars/Base"))
    assert bad.status_code == 422 and "time zone" in bad.text
    forged = web.post("/subscription", data=dict(fields, csrf="nope"))
    assert forged.status_code == 403


def test_footer_unsubscribe_link_shows_a_button_and_the_post_needs_csrf(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    run_digests(papers, config, period_date=PERIOD)
    web = client_for(papers, config)
    path = link(text_of(handler.received[0]), "/unsubscribe")
    page = web.get(path)
    assert page.status_code == 200 and "<form" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    with papers.read() as connection:
        assert store.by_email(connection, "reader@example.org").status == "active"  # GET: no change
    assert web.post("/unsubscribe", data={"token": token}).status_code == 403
    done = web.post("/unsubscribe", data={"csrf": csrf_of(page.text), "token": token})
    assert "You are unsubscribed" in done.text
    with papers.read() as connection:
        assert store.by_email(connection, "reader@example.org").status == "unsubscribed"


def test_same_answer_for_new_and_existing_addresses_and_no_resend_within_ten_minutes(
        papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port, rate_limit_subscribe="100/600")
    add(papers, config, "member@example.org")
    web = client_for(papers, config)
    csrf = csrf_of(web.get("/subscribe").text)
    answers = [web.post("/subscribe", data={"csrf": csrf, "email": email}).text
               for email in ("member@example.org", "new@example.org", "new@example.org")]
    assert answers[0] == answers[1] == answers[2]
    assert [r.recipients for r in handler.received] == [["new@example.org"]]


def test_subscribe_is_rate_limited(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port, rate_limit_subscribe="2/600")
    web = client_for(papers, config)
    csrf = csrf_of(web.get("/subscribe").text)
    codes = [web.post("/subscribe", data={"csrf": csrf, "email": f"r{i}@example.org"}).status_code
             for i in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.parametrize("email", [
    "reader@example.org\r\nBcc: victim@example.org", "reader@example.org\nX: y", "no-at-sign",
    "<script>@example.org", "reader@", "a" * 400 + "@example.org", "reader@exa mple.org", "",
    "\x00@example.org", "reader@example.org, other@example.org",
])
def test_hostile_addresses_are_refused_clearly(papers, smtp, tmp_path, email):
    handler, port = smtp
    config = make_config(tmp_path, port, rate_limit_subscribe="100/600")
    web = client_for(papers, config)
    csrf = csrf_of(web.get("/subscribe").text)
    answer = web.post("/subscribe", data={"csrf": csrf, "email": email})
    assert answer.status_code == 422 and 'class="problem"' in answer.text
    assert "<script>@" not in answer.text
    assert handler.received == []
    with papers.read() as connection:
        assert store.counts(connection) == {}


def test_tampered_and_foreign_links_change_nothing(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    run_digests(papers, config, period_date=PERIOD)
    web = client_for(papers, config)
    path = link(text_of(handler.received[0]), "/unsubscribe")
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    for bad in (tampered, "/unsubscribe?token=", "/unsubscribe", "/subscription?token=x" * 3,
                "/subscribe/confirm?token=" + path.split("token=")[1]):  # another purpose
        page = web.get(bad)
        assert page.status_code == 400 and "This link does not work" in page.text, bad
    assert web.post(tampered.replace("/unsubscribe", "/unsubscribe/one-click"),
                    data={"List-Unsubscribe": "One-Click"}).status_code == 403
    with papers.read() as connection:
        assert store.by_email(connection, "reader@example.org").status == "active"


def test_expired_confirmation_link_changes_nothing(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port, digest_confirm_max_age=1)
    web = client_for(papers, config)
    csrf = csrf_of(web.get("/subscribe").text)
    web.post("/subscribe", data={"csrf": csrf, "email": "slow@example.org"})
    path = link(text_of(handler.received[0]), "/subscribe/confirm")
    time.sleep(2.1)
    page = web.get(path)
    assert page.status_code == 400 and "expired" in page.text
    token = path.split("token=")[1]
    from urllib.parse import unquote
    posted = web.post("/subscribe/confirm", data={"csrf": csrf, "token": unquote(token)})
    assert posted.status_code == 400
    with papers.read() as connection:
        assert store.by_email(connection, "slow@example.org").status == "pending"


def test_runs_page_shows_the_last_runs(papers, smtp, tmp_path):
    handler, port = smtp
    handler.replies["gone@example.org"] = "550 no such user"
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    add(papers, config, "gone@example.org")
    run_digests(papers, config, period_date=PERIOD)
    page = client_for(papers, config).get("/digests")
    assert page.status_code == 200
    row = re.search(r"<tr><td>#1</td>.*?</tr>", page.text).group(0)
    assert re.findall(r"<td>(\d+)</td>", row) == ["2", "1", "0", "0", "1", "0"]


def test_a_signed_in_reader_finds_their_address_in_the_form(db, tmp_path):
    from tests.community.conftest import make_client, sign_in

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with make_client(db, data_dir, rate_limit_signin="100/600") as web:
        assert 'value=""' in web.get("/subscribe").text.split('id="subscribe-email"')[1][:200]
        sign_in(web, data_dir, "member@example.org")
        form = web.get("/subscribe").text
        assert 'value="member@example.org"' in form


def test_paused_after_bounces_resumes_from_the_preferences_page(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    run_digests(papers, config, period_date=PERIOD)
    path = link(text_of(handler.received[0]), "/subscription")
    with papers.write() as connection:
        subscriber = store.by_email(connection, "reader@example.org")
        for _ in range(3):
            store.record_bounce(connection, subscriber.id, "550 gone", 3)
    web = client_for(papers, config)
    page = web.get(path)
    assert "(paused)" in page.text and 'name="resume"' in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    web.post("/subscription", data={"csrf": csrf_of(page.text), "token": token, "resume": "1"})
    with papers.read() as connection:
        again = store.by_email(connection, "reader@example.org")
    assert again.status == "active" and again.bounce_count == 0


def test_an_unsubscribed_address_can_subscribe_again_with_a_new_confirmation(papers, smtp,
                                                                             tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    subscriber_id = add(papers, config, "back@example.org")
    with papers.write() as connection:
        store.set_status(connection, subscriber_id, "unsubscribed")
    web = client_for(papers, config)
    csrf = csrf_of(web.get("/subscribe").text)
    web.post("/subscribe", data={"csrf": csrf, "email": "back@example.org"})
    assert [r.recipients for r in handler.received] == [["back@example.org"]]
    with papers.read() as connection:
        assert store.by_email(connection, "back@example.org").status == "pending"
    assert run_digests(papers, config, period_date=PERIOD).due == 0
