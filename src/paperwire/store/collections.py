"""Collections: a person's named lists of papers (a personal library), public or private."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

_SELECT = ("SELECT c.id, c.user_id, c.name, c.is_public, c.created_at, u.name AS owner, "
           "(SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = c.id) AS size "
           "FROM collections c JOIN users u ON u.id = c.user_id")


@dataclass
class Collection:
    id: int
    user_id: int
    name: str
    is_public: bool
    created_at: str
    owner: str
    size: int


def _collection(row: Row) -> Collection:
    return Collection(row.id, row.user_id, row.name, bool(row.is_public), row.created_at,
                      row.owner, row.size)


def create_collection(connection: Connection, user_id: int, name: str, is_public: bool,
                      now: str) -> Collection:
    """The person's collection of that name, created if new."""
    connection.execute(text(
        "INSERT INTO collections (user_id, name, is_public, created_at) "
        "VALUES (:user, :name, :public, :now) ON CONFLICT (user_id, name) DO NOTHING"),
        {"user": user_id, "name": name, "public": is_public, "now": now})
    row = connection.execute(text(_SELECT + " WHERE c.user_id = :user AND c.name = :name"),
                             {"user": user_id, "name": name}).first()
    return _collection(row)


def get_collection(connection: Connection, collection_id: int) -> Collection | None:
    row = connection.execute(text(_SELECT + " WHERE c.id = :id"), {"id": collection_id}).first()
    return _collection(row) if row else None


def collections_of(connection: Connection, user_id: int, *,
                   public_only: bool = False) -> list[Collection]:
    where = " AND c.is_public = :yes" if public_only else ""
    return [_collection(r) for r in connection.execute(
        text(_SELECT + f" WHERE c.user_id = :user{where} ORDER BY c.name"),
        {"user": user_id, "yes": True})]


def set_public(connection: Connection, collection_id: int, user_id: int, is_public: bool) -> bool:
    return connection.execute(text(
        "UPDATE collections SET is_public = :public WHERE id = :id AND user_id = :user"),
        {"public": is_public, "id": collection_id, "user": user_id}).rowcount == 1


def delete_collection(connection: Connection, collection_id: int, user_id: int) -> bool:
    """The person's collection and its items; False if it is not theirs (or gone)."""
    owned = {"id": collection_id, "user": user_id}
    # Items first, by hand: a database whose foreign keys are off (SQLite without the
    # pragma) would not cascade, and orphaned items would still count as saved papers.
    connection.execute(text(
        "DELETE FROM collection_items WHERE collection_id IN "
        "(SELECT id FROM collections WHERE id = :id AND user_id = :user)"), owned)
    return connection.execute(text(
        "DELETE FROM collections WHERE id = :id AND user_id = :user"), owned).rowcount == 1


def add_item(connection: Connection, collection_id: int, paper_id: str, now: str) -> bool:
    return connection.execute(text(
        "INSERT INTO collection_items (collection_id, paper_id, added_at) "
        "VALUES (:id, :paper, :now) ON CONFLICT DO NOTHING"),
        {"id": collection_id, "paper": paper_id, "now": now}).rowcount == 1


def remove_item(connection: Connection, collection_id: int, paper_id: str) -> bool:
    return connection.execute(text(
        "DELETE FROM collection_items WHERE collection_id = :id AND paper_id = :paper"),
        {"id": collection_id, "paper": paper_id}).rowcount == 1


def items(connection: Connection, collection_id: int) -> list[tuple[str, str]]:
    """(paper id, added at), newest first."""
    return [(r.paper_id, r.added_at) for r in connection.execute(text(
        "SELECT paper_id, added_at FROM collection_items WHERE collection_id = :id "
        "ORDER BY added_at DESC, paper_id"), {"id": collection_id})]
