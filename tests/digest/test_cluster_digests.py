"""The cluster: two web processes and three workers on one PostgreSQL, 1,000 subscribers due,
one worker killed in the middle. Every subscriber gets exactly one digest at the local
aiosmtpd (a message in flight at the kill may arrive twice, with the same Message-ID)."""

from __future__ import annotations

import signal
import time
from collections import defaultdict

import httpx

from paperwire.digest.preferences import Preferences
from paperwire.subscriptions import subscribe
from tests.conftest import run_cli, running_server
from tests.test_worker import pg_env, start_worker  # noqa: F401 - the fixture
from tests.web.conftest import load

from .conftest import make_config

SUBSCRIBERS = 1000


def wait_for(condition, seconds: float) -> bool:  # noqa: ANN001
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_three_workers_one_killed_every_subscriber_gets_one_digest(pg_env, smtp, tmp_path):  # noqa: F811
    env, db = pg_env
    handler, port = smtp
    handler.delay = 0.02  # a real relay takes its time: the kill lands mid-run
    load(db)
    config = make_config(tmp_path, port)
    emails = [f"reader{i:04d}@example.org" for i in range(SUBSCRIBERS)]
    for email in emails:
        subscribe(db, config, email, preferences=Preferences(hour=0), confirmed=True)
    env.update(PAPERWIRE_SCHEDULE_DIGESTS="*/2 * * * * *",
               PAPERWIRE_SMTP_URL=f"smtp://127.0.0.1:{port}",
               PAPERWIRE_SCHEDULE_MAINTENANCE="0 0 1 1 *",
               PAPERWIRE_DIGEST_SHARD_SIZE="50",
               PAPERWIRE_DIGEST_CLAIM_TIMEOUT_SECONDS="5",
               PAPERWIRE_WORKER_STALLED_SECONDS="10",
               PAPERWIRE_MAIL_FROM="Paperwire <digest@paperwire.test>",
               PAPERWIRE_BASE_URL="https://papers.example.org",
               PAPERWIRE_SECRET_KEY="one key for the cluster",
               PAPERWIRE_DEMO_ON_EMPTY="false")
    run_cli("worker", "jobs", env=env, check=True)  # creates the queue tables once
    web_env = {**env, "PAPERWIRE_DATA_DIR": str(tmp_path / "web")}
    with running_server(web_env, "--no-jobs") as first, \
            running_server({**web_env, "PAPERWIRE_DATA_DIR": str(tmp_path / "web2")},
                           "--no-jobs") as second:
        workers = [start_worker(env, f"w{i}") for i in range(3)]
        try:
            assert wait_for(lambda: len(handler.received) >= SUBSCRIBERS // 4, 300)
            workers[0].kill()  # SIGKILL: no chance to finish or release anything
            workers[0].wait()
            everyone = set(emails)
            assert wait_for(lambda: {r.recipients[0] for r in handler.received} >= everyone,
                            600), f"{len({r.recipients[0] for r in handler.received})} reached"
            time.sleep(6)  # more scheduled times pass: nothing more may be sent
        finally:
            for worker in workers[1:]:
                worker.send_signal(signal.SIGTERM)
            for worker in workers[1:]:
                worker.communicate(timeout=120)
        pages = [httpx.get(f"{base}/digests", timeout=60) for base in (first, second)]
    assert all(page.status_code == 200 for page in pages)
    received: dict[str, list[str]] = defaultdict(list)
    for message in handler.received:
        received[message.recipients[0]].append(message.message["Message-ID"])
    assert set(received) == set(emails)
    repeated = {email: ids for email, ids in received.items() if len(ids) > 1}
    assert all(len(set(ids)) == 1 for ids in repeated.values()), repeated  # same digest
    assert len(repeated) <= config.digest_send_threads  # only what was in flight at the kill
    from sqlalchemy import text
    with db.read() as connection:
        sent = connection.execute(text(
            "SELECT COUNT(*), COUNT(DISTINCT subscriber_id) FROM digests WHERE status = 'sent'")
        ).one()
    assert tuple(sent) == (SUBSCRIBERS, SUBSCRIBERS)
