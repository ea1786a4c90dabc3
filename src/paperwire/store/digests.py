"""One digest per (subscriber, period), claimed before it is sent.

A run claims a digest by inserting its row (`INSERT … ON CONFLICT DO NOTHING`: the unique
key decides between concurrent runs, on SQLite and PostgreSQL alike), sends it, then marks
it sent in its own transaction. A claim whose heartbeat is older than the claim timeout
belonged to a run that died; another run takes it over by compare-and-set on
(claimed_by, heartbeat_at) and resends it with the same Message-ID. A skipped digest
(nothing new then) keeps its check time in heartbeat_at: a later run of the same period
looks again once it is old enough, and claims it the same way if papers arrived since.
`sent_papers` remembers every paper mailed to a subscriber, so none is sent twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from .subscribers import now_text

FINAL = ("sent", "bounced", "skipped")  # never sent again (a skipped one may be re-checked)


@dataclass
class DigestRow:
    id: int
    subscriber_id: int
    period: str
    status: str
    message_id: str
    papers: list[list]  # [paper id, reason, personal] in the email's order
    claimed_by: str | None
    heartbeat_at: float | None
    attempts: int


_COLUMNS = ("id, subscriber_id, period, status, message_id, papers, claimed_by, "
            "heartbeat_at, attempts")


def _row(row) -> DigestRow:  # noqa: ANN001
    return DigestRow(row.id, row.subscriber_id, row.period, row.status, row.message_id,
                     orjson.loads(row.papers), row.claimed_by, row.heartbeat_at, row.attempts)


def existing(connection: Connection, period_by_subscriber: dict[int, str]) -> dict[int, DigestRow]:
    """The digests already recorded for these (subscriber, period) pairs."""
    found: dict[int, DigestRow] = {}
    ids = list(period_by_subscriber)
    query = text(f"SELECT {_COLUMNS} FROM digests WHERE subscriber_id IN :ids").bindparams(
        bindparam("ids", expanding=True))
    for start in range(0, len(ids), 500):
        for row in connection.execute(query, {"ids": ids[start:start + 500]}):
            if period_by_subscriber.get(row.subscriber_id) == row.period:
                found[row.subscriber_id] = _row(row)
    return found


def claim_many(connection: Connection, wanted: Sequence[tuple[int, str, str, str, Sequence]],
               *, run: str, now: float, run_id: int | None) -> dict[int, int]:
    """Record digests as ours (status claimed) or as skipped, a few hundred per statement:
    wanted holds (subscriber id, period, status, message id, papers). Returns subscriber
    id -> digest id for the rows inserted; a row that existed is someone else's."""
    claimed: dict[int, int] = {}
    created = now_text()
    for start in range(0, len(wanted), 200):
        chunk = wanted[start:start + 200]
        params: dict[str, object] = {"run": run, "now": now, "created": created,
                                     "run_id": run_id}
        values = []
        for i, (subscriber_id, period, status, message_id, papers) in enumerate(chunk):
            values.append(f"(:s{i}, :p{i}, :st{i}, :m{i}, :j{i}, :run, :now, 0, :created, :run_id)")
            params.update({f"s{i}": subscriber_id, f"p{i}": period, f"st{i}": status,
                           f"m{i}": message_id,
                           f"j{i}": orjson.dumps([list(p) for p in papers]).decode()})
        rows = connection.execute(text(
            "INSERT INTO digests (subscriber_id, period, status, message_id, papers, claimed_by, "
            "heartbeat_at, attempts, created_at, run_id) VALUES " + ", ".join(values)
            + " ON CONFLICT (subscriber_id, period) DO NOTHING RETURNING subscriber_id, id"),
            params)
        claimed.update({subscriber_id: digest_id for subscriber_id, digest_id in rows})
    return claimed


def take_over(connection: Connection, row: DigestRow, *, run: str, now: float,
              stale_before: float, run_id: int | None) -> bool:
    """Take a dead run's claim (or a failed digest) by compare-and-set; True if ours now."""
    if row.status == "claimed" and (row.heartbeat_at or 0) >= stale_before:
        return False
    if row.status not in ("claimed", "failed"):
        return False
    changed = connection.execute(text(
        "UPDATE digests SET status = 'claimed', claimed_by = :run, heartbeat_at = :now, "
        "run_id = :run_id WHERE id = :id AND status = :status "
        "AND claimed_by = :old_run AND heartbeat_at = :old_beat"),
        {"run": run, "now": now, "id": row.id, "status": row.status, "old_run": row.claimed_by,
         "old_beat": row.heartbeat_at, "run_id": run_id}).rowcount
    return changed == 1


def reopen_skipped(connection: Connection, row: DigestRow, papers: Sequence, *, run: str,
                   now: float, run_id: int | None) -> bool:
    """Claim a skipped digest that now has papers, by compare-and-set on its check time:
    of two runs re-checking it at once, one wins."""
    changed = connection.execute(text(
        "UPDATE digests SET status = 'claimed', claimed_by = :run, heartbeat_at = :now, "
        "run_id = :run_id, papers = :papers WHERE id = :id AND status = 'skipped' "
        "AND COALESCE(heartbeat_at, -1) = :old_beat"),
        {"run": run, "now": now, "run_id": run_id, "id": row.id,
         "papers": orjson.dumps([list(p) for p in papers]).decode(),
         "old_beat": -1 if row.heartbeat_at is None else row.heartbeat_at}).rowcount
    return changed == 1


def mark_rechecked(connection: Connection, rows: Iterable[DigestRow], now: float) -> None:
    """Still nothing new: the next look is one recheck interval from now."""
    for row in rows:
        connection.execute(text(
            "UPDATE digests SET heartbeat_at = :now WHERE id = :id AND status = 'skipped' "
            "AND COALESCE(heartbeat_at, -1) = :old_beat"),
            {"now": now, "id": row.id,
             "old_beat": -1 if row.heartbeat_at is None else row.heartbeat_at})


def heartbeat(connection: Connection, digest_ids: Iterable[int], run: str, now: float) -> None:
    ids = list(digest_ids)
    if ids:
        connection.execute(text(
            "UPDATE digests SET heartbeat_at = :now WHERE claimed_by = :run "
            "AND status = 'claimed' AND id IN :ids").bindparams(
                bindparam("ids", expanding=True)), {"now": now, "run": run, "ids": ids})


def finish(connection: Connection, digest_id: int, run: str, status: str, *,
           error: str | None = None, attempts: int = 0) -> bool:
    """Move our claim to its outcome; False if it was no longer ours."""
    changed = connection.execute(text(
        "UPDATE digests SET status = :status, error = :error, attempts = attempts + :attempts, "
        "sent_at = CASE WHEN :status = 'sent' THEN :now ELSE sent_at END "
        "WHERE id = :id AND claimed_by = :run AND status = 'claimed'"),
        {"status": status, "error": error[:500] if error else None, "attempts": attempts,
         "now": now_text(), "id": digest_id, "run": run}).rowcount
    return changed == 1


def remember_sent(connection: Connection, subscriber_id: int, paper_ids: Sequence[str],
                  period: str) -> None:
    if paper_ids:
        connection.execute(text(
            "INSERT INTO sent_papers (subscriber_id, paper_id, period) VALUES (:s, :p, :period) "
            "ON CONFLICT (subscriber_id, paper_id) DO NOTHING"),
            [{"s": subscriber_id, "p": paper_id, "period": period} for paper_id in paper_ids])


def already_sent(connection: Connection, subscriber_ids: Sequence[int],
                 paper_ids: Sequence[str]) -> dict[int, set[str]]:
    """Which of `paper_ids` each subscriber has been sent."""
    sent: dict[int, set[str]] = {}
    if not subscriber_ids or not paper_ids:
        return sent
    query = text("SELECT subscriber_id, paper_id FROM sent_papers WHERE subscriber_id IN :ids"
                 ).bindparams(bindparam("ids", expanding=True))
    wanted = set(paper_ids)
    ids = list(subscriber_ids)
    for start in range(0, len(ids), 500):
        for subscriber_id, paper_id in connection.execute(query, {"ids": ids[start:start + 500]}):
            if paper_id in wanted:
                sent.setdefault(subscriber_id, set()).add(paper_id)
    return sent


def for_subscriber(connection: Connection, subscriber_id: int, limit: int = 20) -> list[dict]:
    rows = connection.execute(text(
        "SELECT period, status, message_id, sent_at, created_at, error FROM digests "
        "WHERE subscriber_id = :s ORDER BY id DESC LIMIT :limit"),
        {"s": subscriber_id, "limit": limit}).mappings().all()
    return [dict(row) for row in rows]
