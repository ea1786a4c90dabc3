"""Each reader's trained model, cached: float32 weights over the embedding and a JSON of the
rest (bias, text weights, counts). Never pickle: the row is data, not code."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import orjson
from sqlalchemy import text
from sqlalchemy.engine import Connection


@dataclass
class StoredModel:
    embedding_model: str
    signals_version: str
    trained_at: str
    weights: np.ndarray
    details: dict


def load(connection: Connection, user_id: int) -> StoredModel | None:
    row = connection.execute(text(
        "SELECT embedding_model, signals_version, trained_at, weights, details "
        "FROM user_models WHERE user_id = :user"), {"user": user_id}).first()
    if row is None:
        return None
    return StoredModel(row.embedding_model, row.signals_version, row.trained_at,
                       np.frombuffer(bytes(row.weights), dtype="<f4").copy(),
                       orjson.loads(row.details))


def save(connection: Connection, user_id: int, model: StoredModel) -> None:
    connection.execute(text(
        "INSERT INTO user_models (user_id, embedding_model, signals_version, trained_at, "
        "weights, details) VALUES (:user, :emb, :version, :at, :weights, :details) "
        "ON CONFLICT (user_id) DO UPDATE SET embedding_model = excluded.embedding_model, "
        "signals_version = excluded.signals_version, trained_at = excluded.trained_at, "
        "weights = excluded.weights, details = excluded.details"),
        {"user": user_id, "emb": model.embedding_model, "version": model.signals_version,
         "at": model.trained_at, "weights": np.asarray(model.weights, dtype="<f4").tobytes(),
         "details": orjson.dumps(model.details).decode()})


def delete(connection: Connection, user_id: int) -> None:
    connection.execute(text("DELETE FROM user_models WHERE user_id = :user"), {"user": user_id})


def stamp_of(connection: Connection, user_id: int) -> tuple[str, str, str] | None:
    """(embedding model, signals version, trained at) without the weights: the cheap check."""
    row = connection.execute(text(
        "SELECT embedding_model, signals_version, trained_at FROM user_models "
        "WHERE user_id = :user"), {"user": user_id}).first()
    return (row.embedding_model, row.signals_version, row.trained_at) if row else None
