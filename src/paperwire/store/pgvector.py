"""pgvector storage: an HNSW-indexed copy of `paper_embeddings.vector`, where PostgreSQL has
the `vector` extension.

The bytea column stays the portable truth (db copy, digests, the recommender read it). On
PostgreSQL with pgvector, `paper_embeddings.embedding vector(384)` is a column *generated*
from it, so every writer keeps it in step in the same transaction and `db copy` skips it
as computed. Adding the column backfills it (a table rewrite: about 0.3 ms per row).

`paper_embeddings.published_at` copies the paper's date (triggers keep it in step), so a
date-filtered HNSW scan checks each candidate on the row it already reads instead of
joining `papers` per candidate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import UserDefinedType

log = logging.getLogger("paperwire.store")

DIMENSIONS = 384
INDEX_NAME = "ix_paper_embeddings_hnsw"
# The HNSW build wants the whole graph in memory (150 MB of vectors per 100k papers);
# slower, not wrong, when it does not fit.
BUILD_MEMORY = "512MB"

# Little-endian float32 bytes to a vector, exactly (subnormals included). NULL for another
# dimension, so a model of another size still stores its bytea vectors.
_DECODE = f"""
CREATE OR REPLACE FUNCTION paperwire_f32_vector(b bytea) RETURNS vector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
SELECT CASE WHEN length(b) = {DIMENSIONS * 4} THEN (
  SELECT array_agg(CASE WHEN e = 0 THEN m * 2::float8 ^ -149
                        ELSE (1 + m / 8388608::float8) * 2::float8 ^ (e - 127) END
                   * (1 - 2 * s) ORDER BY i)::real[]::vector
  FROM (SELECT i, get_byte(b, 4 * i + 3) >> 7 AS s,
               ((get_byte(b, 4 * i + 3) & 127) << 1) | (get_byte(b, 4 * i + 2) >> 7) AS e,
               ((get_byte(b, 4 * i + 2) & 127) << 16) | (get_byte(b, 4 * i + 1) << 8)
               | get_byte(b, 4 * i) AS m
        FROM generate_series(0, {DIMENSIONS - 1}) AS i) AS parts) END
$$"""


# The paper's date on its vectors: set on every insert, followed when the paper's changes.
_PUBLICATION_DAY = [
    "ALTER TABLE paper_embeddings ADD COLUMN IF NOT EXISTS published_at text",
    """CREATE OR REPLACE FUNCTION paperwire_embedding_date() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.published_at := (SELECT published_at FROM papers WHERE id = NEW.paper_id);
  RETURN NEW;
END $$""",
    "DROP TRIGGER IF EXISTS paperwire_embedding_date ON paper_embeddings",
    "CREATE TRIGGER paperwire_embedding_date BEFORE INSERT OR UPDATE OF paper_id "
    "ON paper_embeddings FOR EACH ROW EXECUTE FUNCTION paperwire_embedding_date()",
    """CREATE OR REPLACE FUNCTION paperwire_paper_date() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE paper_embeddings SET published_at = NEW.published_at WHERE paper_id = NEW.id;
  RETURN NULL;
END $$""",
    "DROP TRIGGER IF EXISTS paperwire_paper_date ON papers",
    "CREATE TRIGGER paperwire_paper_date AFTER UPDATE OF published_at ON papers FOR EACH ROW "
    "WHEN (OLD.published_at IS DISTINCT FROM NEW.published_at) "
    "EXECUTE FUNCTION paperwire_paper_date()",
    "UPDATE paper_embeddings e SET published_at = p.published_at FROM papers p "
    "WHERE p.id = e.paper_id AND e.published_at IS DISTINCT FROM p.published_at",
]
_DROP_PUBLICATION_DAY = [
    "DROP TRIGGER IF EXISTS paperwire_paper_date ON papers",
    "DROP TRIGGER IF EXISTS paperwire_embedding_date ON paper_embeddings",
    "DROP FUNCTION IF EXISTS paperwire_paper_date()",
    "DROP FUNCTION IF EXISTS paperwire_embedding_date()",
    "ALTER TABLE paper_embeddings DROP COLUMN IF EXISTS published_at",
]


class Vector(UserDefinedType):
    """pgvector's type, named so that reflection (db copy) knows it."""
    cache_ok = True

    def __init__(self, dimensions: int | None = None, **_: object) -> None:
        self.dimensions = dimensions

    def get_col_spec(self) -> str:
        return f"vector({self.dimensions})" if self.dimensions else "vector"


ischema_names.setdefault("vector", Vector)


@dataclass(frozen=True)
class PgVectorState:
    available: bool  # the server has the extension (installed in this database or not)
    version: str | None  # installed in this database
    ready: bool  # the embedding column and its HNSW index exist
    reason: str  # why not ready, in words ("" when ready)
    dated: bool = False  # paper_embeddings.published_at is kept (date filters need no join)

    @property
    def iterative_scan(self) -> bool:
        """pgvector 0.8 scans on until a filtered query has its k rows."""
        return self.version is not None and _version(self.version) >= (0, 8)


def _version(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split(".")[:2] if part.isdigit())


def state(connection: Connection) -> PgVectorState:
    if connection.dialect.name != "postgresql":
        return PgVectorState(False, None, False, "the database is not PostgreSQL")
    row = connection.execute(text(
        "SELECT installed_version FROM pg_available_extensions WHERE name = 'vector'")).first()
    if row is None:
        return PgVectorState(False, None, False,
                             "the PostgreSQL server has no vector extension (pgvector)")
    version = row.installed_version
    if version is None:
        return PgVectorState(True, None, False, "the vector extension is not created in this "
                             "database (run `paperwire db upgrade` as its owner)")
    ready = connection.execute(text(
        "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = 'paper_embeddings' AND indexname = :name)"),
        {"name": INDEX_NAME}).scalar_one()
    dated = connection.execute(text(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = 'paper_embeddings' AND column_name = 'published_at')"
    )).scalar_one()
    return PgVectorState(True, version, bool(ready), "" if ready else
                         "the HNSW index is not built (run `paperwire db upgrade`)", bool(dated))


def install(connection: Connection) -> PgVectorState:
    """Create the extension (if allowed), the column and the HNSW index, where the server
    has pgvector; do nothing otherwise. Idempotent; quick once done."""
    current = state(connection)
    if current.ready and not current.dated:
        add_publication_day(connection)
        return state(connection)
    if not current.available or current.ready:
        return current
    if current.version is None:
        try:
            with connection.begin_nested():
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
        except DBAPIError as exc:  # typically: permission denied (needs a superuser)
            reason = (f"the vector extension cannot be created by this user "
                      f"({str(exc.orig).strip().splitlines()[0]}): ask a superuser to run "
                      "CREATE EXTENSION vector")
            log.warning("pgvector not installed: %s", reason)
            return PgVectorState(True, None, False, reason)
    log.info("pgvector: adding paper_embeddings.embedding and its HNSW index (this rewrites "
             "the table once)")
    connection.execute(text(_DECODE))
    connection.execute(text(
        f"ALTER TABLE paper_embeddings ADD COLUMN IF NOT EXISTS embedding vector({DIMENSIONS}) "
        "GENERATED ALWAYS AS (paperwire_f32_vector(vector)) STORED"))
    build_index(connection)
    add_publication_day(connection)
    return state(connection)


def add_publication_day(connection: Connection) -> None:
    """paper_embeddings.published_at and the triggers that keep it; backfilled. Idempotent."""
    for statement in _PUBLICATION_DAY:
        connection.execute(text(statement))


def drop_publication_day(connection: Connection) -> None:
    for statement in _DROP_PUBLICATION_DAY:
        connection.execute(text(statement))


def build_index(connection: Connection) -> None:
    # Inner product: stored vectors are unit length, so it ranks as cosine does.
    connection.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
    connection.execute(text(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON paper_embeddings "
                            "USING hnsw (embedding vector_ip_ops)"))


def drop_index(connection: Connection) -> None:
    """For a bulk load: inserting into an existing HNSW graph is slower than building it."""
    connection.execute(text(f"DROP INDEX IF EXISTS {INDEX_NAME}"))


def uninstall(connection: Connection) -> None:
    """The migration's downgrade: the extension itself stays (other users may have it)."""
    if connection.dialect.name != "postgresql":
        return
    drop_publication_day(connection)
    connection.execute(text(f"DROP INDEX IF EXISTS {INDEX_NAME}"))
    connection.execute(text("ALTER TABLE paper_embeddings DROP COLUMN IF EXISTS embedding"))
    connection.execute(text("DROP FUNCTION IF EXISTS paperwire_f32_vector(bytea)"))


def ensure_pgvector(db) -> PgVectorState:  # noqa: ANN001 - a Database
    """`install` in its own transaction, under the migrations' lock (one process builds)."""
    with db.write() as connection:
        if db.is_sqlite:
            return state(connection)
        connection.execute(text("SELECT pg_advisory_xact_lock(7201001)"))
        return install(connection)
