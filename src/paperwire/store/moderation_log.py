"""Every moderation action: who did what to which thing, and when."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection


@dataclass
class Action:
    id: int
    actor: str | None
    action: str
    target: str
    detail: str | None
    created_at: str


def log_action(connection: Connection, actor_id: int | None, action: str, target: str,
               now: str, detail: str | None = None) -> None:
    connection.execute(text(
        "INSERT INTO moderation_log (actor_id, action, target, detail, created_at) "
        "VALUES (:actor, :action, :target, :detail, :now)"),
        {"actor": actor_id, "action": action, "target": target, "detail": detail, "now": now})


def recent_actions(connection: Connection, limit: int = 100) -> list[Action]:
    return [Action(r.id, r.actor, r.action, r.target, r.detail, r.created_at)
            for r in connection.execute(text(
                "SELECT m.id, u.name AS actor, m.action, m.target, m.detail, m.created_at "
                "FROM moderation_log m LEFT JOIN users u ON u.id = m.actor_id "
                "ORDER BY m.id DESC LIMIT :limit"), {"limit": limit})]
