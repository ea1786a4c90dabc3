"""Comments on papers, threaded by parent. Deleting keeps the row (replies stay in their
thread) and blanks it; hiding is the admin's switch. papers.comment_count counts comments
that are neither deleted nor hidden, moved in the same transaction as each change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

_SELECT = ("SELECT c.id, c.paper_id, c.user_id, c.parent_id, c.body, c.created_at, "
           "c.edited_at, c.deleted, c.hidden, u.name AS author "
           "FROM comments c JOIN users u ON u.id = c.user_id")


@dataclass
class Comment:
    id: int
    paper_id: str
    user_id: int
    parent_id: int | None
    body: str
    created_at: str
    edited_at: str | None
    deleted: bool
    hidden: bool
    author: str

    @property
    def visible(self) -> bool:
        return not (self.deleted or self.hidden)


def _comment(row: Row) -> Comment:
    return Comment(row.id, row.paper_id, row.user_id, row.parent_id, row.body, row.created_at,
                   row.edited_at, bool(row.deleted), bool(row.hidden), row.author)


def _count(connection: Connection, paper_id: str, step: int) -> None:
    connection.execute(text("UPDATE papers SET comment_count = comment_count + :step "
                            "WHERE id = :id AND comment_count + :step >= 0"),
                       {"step": step, "id": paper_id})


def get_comment(connection: Connection, comment_id: int) -> Comment | None:
    row = connection.execute(text(_SELECT + " WHERE c.id = :id"), {"id": comment_id}).first()
    return _comment(row) if row else None


def add_comment(connection: Connection, paper_id: str, user_id: int, body: str, now: str,
                parent_id: int | None = None) -> int:
    """The new comment's id. A reply's parent must be on the same paper (else ValueError)."""
    if parent_id is not None:
        parent = get_comment(connection, parent_id)
        if parent is None or parent.paper_id != paper_id:
            raise ValueError("that comment is not on this paper")
    new_id = connection.execute(text(
        "INSERT INTO comments (paper_id, user_id, parent_id, body, created_at) "
        "VALUES (:paper, :user, :parent, :body, :now) RETURNING id"),
        {"paper": paper_id, "user": user_id, "parent": parent_id, "body": body,
         "now": now}).scalar_one()
    _count(connection, paper_id, 1)
    return new_id


def edit_comment(connection: Connection, comment_id: int, user_id: int, body: str,
                 now: str) -> bool:
    """Only its author may edit, and not once deleted."""
    return connection.execute(text(
        "UPDATE comments SET body = :body, edited_at = :now WHERE id = :id AND user_id = :user "
        "AND deleted = :no"), {"body": body, "now": now, "id": comment_id, "user": user_id,
                               "no": False}).rowcount == 1


def delete_comment(connection: Connection, comment_id: int, user_id: int) -> bool:
    """Only its author may delete. The text goes; the place in the thread stays."""
    comment = get_comment(connection, comment_id)
    if comment is None or comment.user_id != user_id or comment.deleted:
        return False
    connection.execute(text("UPDATE comments SET deleted = :yes, body = '' WHERE id = :id"),
                       {"yes": True, "id": comment_id})
    if not comment.hidden:
        _count(connection, comment.paper_id, -1)
    return True


def set_hidden(connection: Connection, comment_id: int, hidden: bool) -> Comment | None:
    """Hide or show a comment (admins); the comment, or None if there is none."""
    comment = get_comment(connection, comment_id)
    if comment is None or comment.hidden == hidden:
        return comment
    connection.execute(text("UPDATE comments SET hidden = :hidden WHERE id = :id"),
                       {"hidden": hidden, "id": comment_id})
    if not comment.deleted:
        _count(connection, comment.paper_id, -1 if hidden else 1)
    comment.hidden = hidden
    return comment


def comments_on(connection: Connection, paper_id: str) -> list[Comment]:
    """Every comment on a paper, oldest first (threads are built by the caller)."""
    return [_comment(r) for r in connection.execute(
        text(_SELECT + " WHERE c.paper_id = :paper ORDER BY c.id"), {"paper": paper_id})]


def count_visible(connection: Connection, paper_id: str) -> int:
    return connection.execute(text(
        "SELECT COUNT(*) FROM comments WHERE paper_id = :paper AND deleted = :no "
        "AND hidden = :no"), {"paper": paper_id, "no": False}).scalar_one()
