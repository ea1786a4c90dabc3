"""`paperwire worker` delivers due digests on its schedule, once, across workers."""

from __future__ import annotations

import signal
import time

from paperwire.subscriptions import subscribe
from paperwire.digest.preferences import Preferences
from tests.conftest import run_cli
from tests.test_worker import pg_env, start_worker  # noqa: F401 - the fixture
from tests.web.conftest import load

from .conftest import make_config


def test_two_workers_deliver_each_digest_once(pg_env, smtp, tmp_path):  # noqa: F811
    env, db = pg_env
    handler, port = smtp
    load(db)
    config = make_config(tmp_path, port)
    for email in ("one@example.org", "two@example.org"):
        subscribe(db, config, email, preferences=Preferences(hour=0), confirmed=True)
    env.update(PAPERWIRE_SCHEDULE_DIGESTS="* * * * * *", PAPERWIRE_SMTP_URL=f"smtp://127.0.0.1:{port}",
               PAPERWIRE_SCHEDULE_MAINTENANCE="0 0 1 1 *")
    run_cli("worker", "jobs", env=env, check=True)  # creates the queue tables once
    workers = [start_worker(env, f"w{i}") for i in range(2)]
    try:
        deadline = time.time() + 60
        while len(handler.received) < 2 and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # several more scheduled times pass
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [w.communicate(timeout=60)[0] for w in workers]
    assert sorted(r.recipients[0] for r in handler.received) == [
        "one@example.org", "two@example.org"], outputs
