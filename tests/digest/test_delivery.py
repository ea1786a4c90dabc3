"""Delivery against a real SMTP server (aiosmtpd on 127.0.0.1), counting what it received:
exactly one digest per subscriber and period, also across a killed run and two runs at
once; 4xx retried, 5xx counted as bounces and pausing the subscriber."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import defaultdict


from paperwire.digest.run import run_digests
from paperwire.store import Database
from paperwire.store import subscribers as store
from tests.conftest import REPO

from .conftest import PERIOD, add, make_config


def message_ids(handler) -> dict[str, list[str]]:  # noqa: ANN001
    by_recipient: dict[str, list[str]] = defaultdict(list)
    for received in list(handler.received):
        for recipient in received.recipients:
            by_recipient[recipient].append(received.message["Message-ID"])
    return by_recipient


def test_one_digest_each_and_none_on_rerun(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    for i in range(5):
        add(papers, config, f"reader{i}@example.org", interests=["retrieval"])
    report = run_digests(papers, config, period_date=PERIOD)
    assert (report.due, report.sent) == (5, 5)
    again = run_digests(papers, config, period_date=PERIOD)
    assert (again.sent, again.done_before) == (0, 5)
    ids = message_ids(handler)
    assert sorted(ids) == [f"reader{i}@example.org" for i in range(5)]
    assert all(len(v) == 1 for v in ids.values())
    message = handler.received[0].message
    assert message.get_content_type() == "multipart/alternative"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<https://papers.example.org/unsubscribe/one-click?token=" in message["List-Unsubscribe"]
    assert "<mailto:unsubscribe@paperwire.test?subject=" in message["List-Unsubscribe"]
    raw = handler.received[0].data.decode()
    assert re.search(r"^List-Unsubscribe: <https://papers\.example\.org/unsubscribe/one-click"
                     r"\?token=[^>\s]+>, <mailto:", raw, re.M), "a mail client must read the URL"
    assert "=?utf-8?" not in raw.split("\r\n\r\n")[0].split("Subject:")[0]


def test_next_period_sends_only_new_papers(papers, smtp, tmp_path):
    from datetime import timedelta

    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    run_digests(papers, config, period_date=PERIOD)
    report = run_digests(papers, config, period_date=PERIOD + timedelta(days=1))
    assert report.skipped == 1 and report.sent == 0  # same window: nothing new, not sent
    assert len(handler.received) == 1


def _skipped_on_day_two(db: Database, config) -> tuple[int, object]:  # noqa: ANN001
    """A reader sent day one's digest; day two has nothing new, so it is skipped."""
    from datetime import timedelta

    subscriber_id = add(db, config, "reader@example.org")
    run_digests(db, config, period_date=PERIOD)
    day_two = PERIOD + timedelta(days=1)
    assert run_digests(db, config, period_date=day_two).skipped == 1
    return subscriber_id, day_two


def _age_skipped_checks(db: Database, seconds: float) -> None:
    with db.write() as connection:
        connection.exec_driver_sql(
            f"UPDATE digests SET heartbeat_at = heartbeat_at - {seconds} WHERE status = 'skipped'")


def test_a_skipped_digest_is_looked_at_again_once_papers_arrive(papers, smtp, tmp_path):
    """Papers harvested after the send time still reach the reader the same period: a
    skipped digest is composed again once per recheck interval, and sent once."""
    handler, port = smtp
    config = make_config(tmp_path, port, digest_skip_recheck_seconds=3600)
    _, day_two = _skipped_on_day_two(papers, config)
    with papers.write() as connection:  # as if new papers arrived: nothing sent yet
        connection.exec_driver_sql("DELETE FROM sent_papers")
    soon = run_digests(papers, config, period_date=day_two)
    assert (soon.sent, soon.done_before) == (0, 1)  # checked under an hour ago: not yet
    _age_skipped_checks(papers, 3601)
    preview = run_digests(papers, config, period_date=day_two, dry_run=True)
    assert [d["status"] for d in preview.digests] == ["would send"]
    later = run_digests(papers, config, period_date=day_two)
    assert (later.sent, later.busy) == (1, 0)
    assert run_digests(papers, config, period_date=day_two).done_before == 1
    assert len(handler.to("reader@example.org")) == 2  # day one's and day two's, once each
    with papers.read() as connection:
        statuses = [row[0] for row in connection.exec_driver_sql(
            "SELECT status FROM digests ORDER BY period")]
    assert statuses == ["sent", "sent"]


def test_a_skipped_digest_still_empty_waits_another_interval(papers, smtp, tmp_path):
    _, port = smtp
    config = make_config(tmp_path, port, digest_skip_recheck_seconds=3600)
    _, day_two = _skipped_on_day_two(papers, config)
    _age_skipped_checks(papers, 3601)
    checked = run_digests(papers, config, period_date=day_two)
    assert (checked.sent, checked.done_before) == (0, 1)
    with papers.read() as connection:
        row = connection.exec_driver_sql(
            "SELECT status, heartbeat_at FROM digests WHERE status = 'skipped'").one()
    assert row.status == "skipped" and row.heartbeat_at > time.time() - 60  # looked at now


def test_only_one_run_reopens_a_skipped_digest(papers, smtp, tmp_path):
    from paperwire.store import digests

    _, port = smtp
    config = make_config(tmp_path, port)
    subscriber_id, day_two = _skipped_on_day_two(papers, config)
    with papers.read() as connection:
        rows = digests.existing(connection, {subscriber_id: day_two.isoformat()})
    row = rows[subscriber_id]
    assert row.status == "skipped"
    with papers.write() as connection:
        assert digests.reopen_skipped(connection, row, [["2502.00001", "trending", False]],
                                      run="first", now=time.time(), run_id=None)
        assert not digests.reopen_skipped(connection, row, [], run="second", now=time.time(),
                                          run_id=None)
    with papers.read() as connection:
        again = digests.existing(connection, {subscriber_id: day_two.isoformat()})
    assert (again[subscriber_id].status, again[subscriber_id].claimed_by) == ("claimed", "first")


def test_no_recheck_when_the_setting_is_zero(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port, digest_skip_recheck_seconds=0)
    _, day_two = _skipped_on_day_two(papers, config)
    with papers.write() as connection:
        connection.exec_driver_sql("DELETE FROM sent_papers")
    _age_skipped_checks(papers, 10 ** 6)
    assert run_digests(papers, config, period_date=day_two).done_before == 1
    assert len(handler.to("reader@example.org")) == 1


def test_temporary_failures_are_retried(papers, smtp, tmp_path):
    handler, port = smtp
    handler.fail_first["slow@example.org"] = (2, "451 4.3.0 try again later")
    config = make_config(tmp_path, port)
    add(papers, config, "slow@example.org")
    report = run_digests(papers, config, period_date=PERIOD)
    assert report.sent == 1 and handler.attempts["slow@example.org"] == 3
    assert len(handler.to("slow@example.org")) == 1


def test_exhausted_retries_fail_and_the_next_run_sends_it(papers, smtp, tmp_path):
    handler, port = smtp
    handler.fail_first["later@example.org"] = (2, "421 4.7.0 busy")
    config = make_config(tmp_path, port, digest_send_attempts=2)
    add(papers, config, "later@example.org")
    assert run_digests(papers, config, period_date=PERIOD).failed == 1
    report = run_digests(papers, config, period_date=PERIOD)
    assert (report.sent, report.taken_over) == (1, 1)
    assert len(handler.to("later@example.org")) == 1


def test_permanent_failures_bounce_and_pause_after_the_limit(papers, smtp, tmp_path):
    from datetime import timedelta

    handler, port = smtp
    handler.replies["gone@example.org"] = "550 5.1.1 no such user"
    config = make_config(tmp_path, port, digest_bounce_limit=2)
    subscriber_id = add(papers, config, "gone@example.org")
    add(papers, config, "fine@example.org")
    first = run_digests(papers, config, period_date=PERIOD)
    assert (first.sent, first.bounced) == (1, 1)
    assert handler.attempts["gone@example.org"] == 1  # a 5xx is never retried
    with papers.write() as connection:  # forget what was sent, so the next day has papers
        connection.exec_driver_sql("DELETE FROM sent_papers")
    second = run_digests(papers, config, period_date=PERIOD + timedelta(days=1))
    assert second.bounced == 1
    with papers.read() as connection:
        gone = store.by_id(connection, subscriber_id)
    assert gone.status == "paused" and gone.bounce_count == 2
    with papers.write() as connection:
        connection.exec_driver_sql("DELETE FROM sent_papers")
    third = run_digests(papers, config, period_date=PERIOD + timedelta(days=2))
    assert third.due == 1  # the paused subscriber is no longer due


def test_dry_run_sends_and_records_nothing(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    report = run_digests(papers, config, period_date=PERIOD, dry_run=True)
    assert report.digests[0]["status"] == "would send" and report.run_id is None
    assert handler.received == []
    assert run_digests(papers, config, period_date=PERIOD).sent == 1


def test_only_one_subscriber(papers, smtp, tmp_path):
    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "one@example.org")
    add(papers, config, "two@example.org")
    report = run_digests(papers, config, period_date=PERIOD, only="ONE@example.org")
    assert report.sent == 1 and list(message_ids(handler)) == ["one@example.org"]


def test_due_now_uses_the_subscribers_clock(papers, smtp, tmp_path):
    from datetime import datetime, timezone

    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "early@example.org", hour=6, timezone="Asia/Tokyo")
    add(papers, config, "late@example.org", hour=20, timezone="America/New_York")
    now = datetime(2025, 2, 27, 12, tzinfo=timezone.utc)  # 21:00 Tokyo, 07:00 New York
    report = run_digests(papers, config, now=now)
    assert report.due == 1 and list(message_ids(handler)) == ["early@example.org"]


# --- processes: killed halfway, and two at once --------------------------------------

def _subscribers(db: Database, tmp_path, count: int) -> list[str]:  # noqa: ANN001
    config = make_config(tmp_path, None)
    emails = [f"reader{i:03d}@example.org" for i in range(count)]
    for email in emails:
        add(db, config, email)
    return emails


def _run_process(db_url: str, cli_env: dict, port: int, **settings: object) -> subprocess.Popen:
    env = dict(cli_env, PAPERWIRE_SMTP_URL=f"smtp://127.0.0.1:{port}",
               PAPERWIRE_MAIL_FROM="Paperwire <digest@paperwire.test>",
               **{f"PAPERWIRE_{k.upper()}": str(v) for k, v in settings.items()})
    return subprocess.Popen([sys.executable, "-m", "paperwire", "--db", db_url, "digest", "run",
                             "--period", PERIOD.isoformat(), "--json"], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_killed_run_is_completed_by_the_next_exactly_once(papers, db_url, smtp, tmp_path,
                                                             cli_env):
    handler, port = smtp
    handler.delay = 0.05
    emails = _subscribers(papers, tmp_path, 40)
    process = _run_process(db_url, cli_env, port, digest_send_threads=1)
    deadline = time.time() + 60
    while len(handler.received) < 10 and time.time() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.kill()
    process.wait()
    received_at_kill = len(handler.received)
    assert 10 <= received_at_kill < 40, "the run was not killed halfway"
    time.sleep(0.6)
    rerun = _run_process(db_url, cli_env, port, digest_claim_timeout_seconds=0.5)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    time.sleep(0.2)
    ids = message_ids(handler)
    assert sorted(ids) == emails
    for email, seen in ids.items():
        assert len(set(seen)) == 1, f"{email} got two different digests"
    repeated = [email for email, seen in ids.items() if len(seen) > 1]
    assert len(repeated) <= 1  # only the one in flight at the kill, with the same Message-ID
    with papers.read() as connection:
        statuses = dict(connection.exec_driver_sql(
            "SELECT status, COUNT(*) FROM digests GROUP BY status").all())
    assert statuses == {"sent": 40}


def test_two_runs_at_once_send_exactly_one_each(papers, db_url, smtp, tmp_path, cli_env):
    handler, port = smtp
    handler.delay = 0.01
    emails = _subscribers(papers, tmp_path, 60)
    runs = [_run_process(db_url, cli_env, port, digest_send_threads=2) for _ in range(2)]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    time.sleep(0.2)
    ids = message_ids(handler)
    assert sorted(ids) == emails
    assert all(len(seen) == 1 for seen in ids.values())
    import json
    reports = [json.loads(out) for out, _ in results]
    assert sum(r["sent"] for r in reports) == 60


def test_worker_processes_share_a_run_exactly_once(papers, smtp, tmp_path):
    handler, port = smtp
    emails = _subscribers(papers, tmp_path, 450)
    config = make_config(tmp_path, port)
    report = run_digests(papers, config, period_date=PERIOD, workers=2)
    assert (report.shards, report.due, report.sent) == (2, 450, 450)
    time.sleep(0.2)
    ids = message_ids(handler)
    assert sorted(ids) == emails and all(len(seen) == 1 for seen in ids.values())
    assert run_digests(papers, config, period_date=PERIOD, workers=2).sent == 0


def test_a_stored_address_the_mailer_refuses_is_a_bounce_and_the_run_goes_on(papers, smtp,
                                                                              tmp_path):
    from paperwire.digest.preferences import Preferences

    handler, port = smtp
    config = make_config(tmp_path, port)
    with papers.write() as connection:  # as if an older version had let it in
        store.insert(connection, "broken@@example.org", Preferences().to_json(),
                     status="active", confirmed=True)
    add(papers, config, "fine@example.org")
    report = run_digests(papers, config, period_date=PERIOD)
    assert (report.sent, report.bounced) == (1, 1)
    assert list(message_ids(handler)) == ["fine@example.org"]


def test_the_serve_job_delivers_and_leaves_no_trace_when_idle(papers, smtp, tmp_path):
    from datetime import datetime, timezone

    from paperwire.digest.job import run_digest_job, start_digest_jobs
    from paperwire.store import digest_runs

    handler, port = smtp
    config = make_config(tmp_path, port)
    run_digest_job(papers, config)
    with papers.read() as connection:
        assert digest_runs.latest(connection) == []  # nobody due: no run logged
    add(papers, config, "reader@example.org", hour=0)
    run_digest_job(papers, config)  # due today (any hour is past 0:00), newest papers
    assert len(handler.to("reader@example.org")) == 1
    scheduler = start_digest_jobs(papers, config)
    try:
        assert scheduler.get_job("digests").next_run_time > datetime.now(timezone.utc)
    finally:
        scheduler.shutdown(wait=False)


def test_a_slow_mail_server_does_not_make_live_claims_look_dead(papers, db_url, smtp, tmp_path,
                                                                cli_env):
    """The claims of a run that is still sending keep their heartbeat fresh, so a second
    run with a short claim timeout leaves them alone."""
    handler, port = smtp
    handler.delay = 0.15
    emails = _subscribers(papers, tmp_path, 40)
    first = _run_process(db_url, cli_env, port, digest_send_threads=1,
                         digest_claim_timeout_seconds=0.4)
    deadline = time.time() + 60
    while len(handler.received) < 3 and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.6)  # older than the claim timeout, but still being sent
    second = _run_process(db_url, cli_env, port, digest_claim_timeout_seconds=0.4)
    results = [run.communicate(timeout=120) for run in (first, second)]
    assert json.loads(results[1][0])["busy"] > 0, "the second run came too late to compete"
    assert [run.returncode for run in (first, second)] == [0, 0], results
    time.sleep(0.2)
    ids = message_ids(handler)
    assert sorted(ids) == emails
    assert all(len(seen) == 1 for seen in ids.values()), "a live claim was taken over"
