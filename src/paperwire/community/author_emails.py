"""Known author addresses: a claim on a paper from one of its known addresses is approved
at once (see claiming.py). Operators load them from what they know (a publisher's author
list, a conference's submission system) with `paperwire author-emails`.

Every address is kept canonical (as accounts are), every paper id as the papers table keys
it; a line that names an unknown paper or an address we could not mail is reported with its
line number and skipped, the others are added.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import bindparam, text

from ..ids import InvalidId, parse_arxiv_id
from ..store import Database
from ..store.claims import add_author_email
from .accounts import InvalidEmail, normalise_email

BATCH = 500
MAX_FIELD = 1000  # longer than any paper id or address: anything past it is not one


@dataclass
class AuthorEmailReport:
    added: int = 0
    already_known: int = 0
    rejected: list[dict] = field(default_factory=list)  # {"line", "paper", "email", "error"}


def paper_key(raw: str) -> str:
    """An arXiv id in any written form (arXiv: prefix, version, URL) as papers keys it;
    other keys (doi:…, title:…) as given."""
    try:
        return parse_arxiv_id(raw)[0]
    except InvalidId:
        return raw.strip()


def read_pairs(stream: io.TextIOBase) -> Iterator[tuple[int, str, str]]:
    """(line, paper, email) from CSV with two columns; a first line `paper,email` is a
    header. A line with another number of columns comes as (line, "", "") + the fault."""
    reader = csv.reader(stream)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValueError(f"line {reader.line_num}: not CSV ({exc})") from None
        if reader.line_num == 1 and [c.strip().lower() for c in row] == ["paper", "email"]:
            continue
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) != 2:
            yield reader.line_num, "", f"expected 2 columns (paper,email), found {len(row)}"
            continue
        yield reader.line_num, row[0], row[1]


def add_author_emails(db: Database, pairs: Iterable[tuple[int, str, str]],
                      progress=None) -> AuthorEmailReport:  # noqa: ANN001 - a callable
    report = AuthorEmailReport()
    batch: list[tuple[int, str, str]] = []

    def flush() -> None:
        _add_batch(db, batch, report)
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for line, paper, email in pairs:
        batch.append((line, paper, email))
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return report


def _add_batch(db: Database, batch: list[tuple[int, str, str]], report: AuthorEmailReport
               ) -> None:
    valid: list[tuple[int, str, str, str, str]] = []
    for line, paper, email in batch:
        error = None
        if not paper:
            error = email  # read_pairs put the fault there
        elif len(paper) > MAX_FIELD or len(email) > MAX_FIELD:
            error = "too long to be a paper id or an address"
        else:
            try:
                valid.append((line, paper, email, paper_key(paper), normalise_email(email)))
                continue
            except InvalidEmail as exc:
                error = str(exc)
        report.rejected.append({"line": line, "paper": paper[:200], "email": email[:200],
                                "error": error})
    if not valid:
        return
    with db.write() as connection:
        keys = sorted({v[3] for v in valid})
        known = set(connection.execute(text("SELECT id FROM papers WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": keys}).scalars())
        pairs = sorted({(v[3], v[4]) for v in valid if v[3] in known})
        present = set()
        if pairs:
            present = {tuple(row) for row in connection.execute(text(
                "SELECT paper_id, email FROM author_emails WHERE paper_id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": sorted({p for p, _ in pairs})})}
        seen: set[tuple[str, str]] = set()
        for line, paper, email, key, address in valid:
            if key not in known:
                report.rejected.append({"line": line, "paper": paper[:200],
                                        "email": email[:200], "error": "no such paper here"})
            elif (key, address) in present or (key, address) in seen:
                report.already_known += 1
            else:
                add_author_email(connection, key, address)
                seen.add((key, address))
                report.added += 1


def list_author_emails(db: Database, paper: str | None = None, limit: int = 1000
                       ) -> list[dict]:
    where, params = ("WHERE a.paper_id = :paper", {"paper": paper_key(paper)}) if paper \
        else ("", {})
    with db.read() as connection:
        rows = connection.execute(text(
            "SELECT a.paper_id, a.email, p.title FROM author_emails a "
            f"JOIN papers p ON p.id = a.paper_id {where} ORDER BY a.paper_id, a.email "
            "LIMIT :limit"), {**params, "limit": limit}).all()
    return [{"paper": r.paper_id, "email": r.email, "title": r.title} for r in rows]


def remove_author_email(db: Database, paper: str, email: str) -> bool:
    """False when that address was not known for that paper."""
    try:
        address = normalise_email(email)
    except InvalidEmail:
        return False
    with db.write() as connection:
        return connection.execute(text(
            "DELETE FROM author_emails WHERE paper_id = :paper AND email = :email"),
            {"paper": paper_key(paper), "email": address}).rowcount == 1
