"""Unsubscribing by mail, end to end: a real digest through the real SMTP server, the
reply a mail client makes from its List-Unsubscribe mailto, piped into `paperwire mail
receive` as the MTA would, on SQLite and PostgreSQL; and every way such mail goes wrong."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous.timed import TimestampSigner

from paperwire.digest.run import run_digests
from paperwire.signing import signer_for
from paperwire.store import subscribers as store
from paperwire.subscriptions import UNSUBSCRIBE, links_for
from paperwire.unsubscribe_by_mail import TryLater, receive
from tests.conftest import REPO

from .conftest import PERIOD, add, make_config

OURS = "unsubscribe@paperwire.test"


def mailto_of(message: EmailMessage) -> tuple[str, str]:
    """(address, subject) of the mailto in List-Unsubscribe, as a mail client reads it."""
    url = re.search(r"<(mailto:[^>]+)>", str(message["List-Unsubscribe"])).group(1)
    parts = urlsplit(url)
    return parts.path, parse_qs(parts.query)["subject"][0]


def mail(subject: str | None, body: str = "", *, to: str = OURS,
         sender: str = "Reader <reader@example.org>") -> bytes:
    """The message a mail client sends (CRLF lines); the subject goes in as written, so a
    test can fold it or encode it (RFC 2047) the way some client does."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = f"<{time.monotonic_ns()}@client.example.org>"
    message.set_content(body or "\n")
    raw = message.as_bytes()
    return raw if subject is None else f"Subject: {subject}\r\n".encode() + raw


def token_of(db, config, email: str) -> str:  # noqa: ANN001
    with db.read() as connection:
        subscriber = store.by_email(connection, email)
    links = links_for(config, signer_for(config), subscriber.id, email, with_confirm=False)
    return parse_qs(urlsplit(links.mailto).query)["subject"][0].split()[1]


def receive_cli(env: dict[str, str], *args: str, data: bytes = b""
                ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperwire", "mail", "receive", *args],
                          input=data, env=env, cwd=REPO, capture_output=True, timeout=120)


@pytest.fixture
def env(cli_env, db_url, tmp_path) -> dict[str, str]:  # noqa: ANN001
    """The command's settings: the digests' database, data folder (its signing key) and
    From address (the domain of unsubscribe@)."""
    return dict(cli_env, PAPERWIRE_DATABASE_URL=db_url,
                PAPERWIRE_DATA_DIR=str(tmp_path / "data"),
                PAPERWIRE_MAIL_FROM="Paperwire <digest@paperwire.test>")


def status_of(db, email: str) -> store.Subscriber:  # noqa: ANN001
    with db.read() as connection:
        return store.by_email(connection, email)


def test_a_reply_to_the_digests_mailto_unsubscribes_and_no_digest_follows(papers, smtp, tmp_path,
                                                                           env):
    handler, port = smtp
    config = make_config(tmp_path, port)
    add(papers, config, "reader@example.org")
    assert run_digests(papers, config, period_date=PERIOD).sent == 1
    address, subject = mailto_of(handler.to("reader@example.org")[0].message)
    assert address == OURS and subject.startswith("unsubscribe ")

    reply = mail(subject)
    done = receive_cli(env, "--json", data=reply)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["counts"] == {"unsubscribed": 1, "already_unsubscribed": 0, "rejected": 0}
    assert result["messages"][0]["email"] == "reader@example.org"
    first = status_of(papers, "reader@example.org")
    assert first.status == "unsubscribed" and first.unsubscribed_at

    again = receive_cli(env, data=reply)  # the MTA delivered it twice: nothing changes
    assert again.returncode == 0
    assert again.stdout.decode().strip() == "-: already unsubscribed reader@example.org"
    assert status_of(papers, "reader@example.org") == first

    with papers.write() as connection:  # new papers or not, nothing may be sent to them
        connection.exec_driver_sql("DELETE FROM sent_papers")
    later = run_digests(papers, config, period_date=PERIOD + timedelta(days=1))
    assert later.due == 0 and len(handler.to("reader@example.org")) == 1

    listed = subprocess.run([sys.executable, "-m", "paperwire", "subscribers", "list", "--json"],
                            env=env, cwd=REPO, capture_output=True, timeout=120, check=True)
    row = json.loads(listed.stdout)[0]
    assert (row["status"], row["unsubscribed_at"]) == ("unsubscribed", first.unsubscribed_at)


def _expired(config, subscriber_id: int, email: str, monkeypatch) -> str:  # noqa: ANN001
    old = int(time.time()) - config.digest_link_max_age - 86400
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: old)
        return signer_for(config).sign(UNSUBSCRIBE, {"s": subscriber_id, "e": email})


def _tampered(token: str) -> str:
    payload, stamp, signature = token.rsplit(".", 2)
    return f"{payload}.{stamp}.{signature[:-2]}{'AB' if signature[-2:] != 'AB' else 'CD'}"


def test_every_kind_of_request_is_decided_in_process(db, tmp_path, monkeypatch):
    """The library on both databases: each way a request arrives, and each way it fails."""
    config = make_config(tmp_path, None)
    emails = [f"r{i}@example.org" for i in range(6)]
    ids = [add(db, config, email) for email in emails]
    tokens = [token_of(db, config, email) for email in emails]
    gone = add(db, config, "gone@example.org")
    gone_token = token_of(db, config, "gone@example.org")
    with db.write() as connection:
        connection.exec_driver_sql(f"DELETE FROM subscribers WHERE id = {gone}")
    cases = [
        (mail(f"Re: UNSUBSCRIBE\r\n   {tokens[0]}"), "unsubscribed", None),  # folded
        (mail(f"=?utf-8?b?{_b64(f'Re: unsubscribe {tokens[1]} ✓')}?="), "unsubscribed", None),
        (mail("Unsubscribe", f"\n{tokens[2]}\n\nSent from my phone"), "unsubscribed", None),
        (mail("please stop", f"unsubscribe {tokens[3]}", sender="x@forwarded.example"),
         "unsubscribed", None),
        (mail(f"unsubscribe {_tampered(tokens[4])}"), "rejected", "bad_token"),
        (mail(f"unsubscribe {_expired(config, ids[4], emails[4], monkeypatch)}"), "rejected",
         "expired_token"),
        (mail(f"unsubscribe {gone_token}"), "rejected", "gone"),
        (mail(f"unsubscribe {tokens[5]}", to="digest@paperwire.test"), "rejected",
         "wrong_recipient"),
        (mail("unsubscribe me please"), "rejected", "no_token"),
        (b"", "rejected", "not_mail"),
        (os.urandom(4096), "rejected", "not_mail"),
        (mail(f"unsubscribe {tokens[0]}"), "already_unsubscribed", None),
    ]
    for raw, status, reason in cases:
        outcome = receive(raw, config, lambda: db)
        assert (outcome.status, outcome.reason) == (status, reason), (raw[:200], outcome)
    statuses = [status_of(db, email).status for email in emails]
    assert statuses == ["unsubscribed"] * 4 + ["active"] * 2


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def test_a_batch_of_files_and_a_maildir_counts_each_outcome(db, tmp_path, env, monkeypatch):
    config = make_config(tmp_path, None)
    emails = [f"r{i}@example.org" for i in range(4)]
    ids = [add(db, config, email) for email in emails]
    tokens = [token_of(db, config, email) for email in emails]
    folder = tmp_path / "mail"
    folder.mkdir()
    files = {
        "01-good.eml": mail(f"unsubscribe {tokens[0]}"),
        "02-folded.eml": mail(f"Re: unsubscribe\r\n\t{tokens[1]}"),
        "03-body.eml": mail(None, f"unsubscribe {tokens[2]}"),
        "04-same-again.eml": mail(f"unsubscribe {tokens[0]}"),
        "05-tampered.eml": mail(f"unsubscribe {_tampered(tokens[3])}"),
        "06-expired.eml": mail(f"unsubscribe {_expired(config, ids[3], emails[3], monkeypatch)}"),
        "07-elsewhere.eml": mail(f"unsubscribe {tokens[3]}", to="someone@paperwire.test"),
        "08-empty.eml": b"",
        "09-junk.eml": os.urandom(2048),
        "10-large.eml": mail(f"unsubscribe {tokens[3]}", "x" * 76 + "\n") * 20_000,
        "notes.txt": mail(f"unsubscribe {tokens[3]}"),  # not an .eml: not read
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    maildir = tmp_path / "Maildir"
    for part in ("new", "cur", "tmp"):
        (maildir / part).mkdir(parents=True)
    (maildir / "new" / "1700000000.M1P1.host").write_bytes(mail(f"unsubscribe {tokens[3]}"))
    (maildir / "tmp" / "1700000001.M2P1.host").write_bytes(b"half written")

    done = receive_cli(env, str(folder), str(maildir), "--json", "--no-progress")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["counts"] == {"unsubscribed": 4, "already_unsubscribed": 1, "rejected": 6}
    assert result["rejected"] == {"bad_token": 1, "expired_token": 1, "not_mail": 2,
                                  "too_large": 1, "wrong_recipient": 1}
    assert [Path(m["source"]).name for m in result["messages"]][-1] == "1700000000.M1P1.host"
    assert [status_of(db, email).status for email in emails] == ["unsubscribed"] * 4
    text = receive_cli(env, str(folder), "--no-progress")  # for people: a line each, a total
    assert text.returncode == 0
    lines = text.stdout.decode().splitlines()
    assert lines[-1] == "unsubscribed 0  already unsubscribed 4  rejected 6"
    assert "10-large.eml: rejected (too_large): larger than 1,048,576 bytes" in text.stdout.decode()


# Starts the command from this small process and writes its peak memory (KiB) to argv[1]:
# measured from the test process itself, the peak would include the test's own memory,
# which a child inherits until it execs.
MEASURE = ("import os, subprocess, sys\n"
           "child = subprocess.Popen(sys.argv[2:])\n"
           "_, status, usage = os.wait4(child.pid, 0)\n"
           "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
           "sys.exit(os.waitstatus_to_exitcode(status))\n")


def _measured_run(env: dict[str, str], data: bytes, peak_file: Path) -> tuple[int, bytes, int]:
    """Runs the command with `data` written into its stdin pipe, as an MTA does; returns
    its exit status, stdout and peak memory in KiB."""
    process = subprocess.Popen([sys.executable, "-c", MEASURE, str(peak_file), sys.executable,
                                "-m", "paperwire", "mail", "receive", "--json"],
                               env=env, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    for start in range(0, len(data), 1 << 20):  # a broken pipe here fails the test
        process.stdin.write(data[start:start + (1 << 20)])
    process.stdin.close()
    out = process.stdout.read()
    return process.wait(timeout=120), out, int(peak_file.read_text())


@pytest.mark.slow
def test_a_50_mb_message_is_refused_without_holding_it(db, env, tmp_path):
    small_status, _, small_peak = _measured_run(env, mail("unsubscribe nothing"),
                                                tmp_path / "small-peak")
    huge = mail("unsubscribe nothing", ("y" * 999 + "\n") * 50_000)
    assert len(huge) > 50_000_000
    status, out, peak = _measured_run(env, huge, tmp_path / "peak")
    assert (small_status, status) == (0, 0)
    result = json.loads(out)
    assert result["rejected"] == {"too_large": 1}
    assert "larger than 1,048,576 bytes" in result["messages"][0]["detail"]
    assert peak < small_peak + 20 * 1024, f"peak {peak} KiB against {small_peak} KiB"


def test_empty_stdin_and_junk_are_rejected_but_accepted_by_the_mta(db, env):
    for data in (b"", os.urandom(10_000)):
        done = receive_cli(env, data=data)
        assert done.returncode == 0 and "rejected (not_mail)" in done.stdout.decode()


def test_without_the_database_a_valid_request_waits_and_junk_is_still_dropped(db, env, tmp_path):
    config = make_config(tmp_path, None)
    add(db, config, "reader@example.org")
    request = mail(f"unsubscribe {token_of(db, config, 'reader@example.org')}")
    down = dict(env, PAPERWIRE_DATABASE_URL="postgresql+psycopg://paperwire@127.0.0.1:1/none")
    waits = receive_cli(down, "--json", data=request)
    assert waits.returncode == 75, waits.stderr  # EX_TEMPFAIL: the MTA keeps it, retries
    assert "try again later" in waits.stderr.decode()
    assert "database is unavailable" in json.loads(waits.stdout)["error"]
    assert status_of(db, "reader@example.org").status == "active"
    assert receive_cli(down, data=mail("hello")).returncode == 0  # no token: no database
    no_key = dict(env, PAPERWIRE_DATA_DIR=str(tmp_path / "elsewhere"))  # the wrong user, say
    assert receive_cli(no_key, data=request).returncode == 75
    with pytest.raises(TryLater):
        receive(request, config, lambda: (_ for _ in ()).throw(ConnectionRefusedError()))
    assert receive_cli(env, data=request).returncode == 0  # the MTA's retry succeeds
    assert status_of(db, "reader@example.org").status == "unsubscribed"
