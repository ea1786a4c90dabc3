"""Search: a keyword index kept in step with papers, and stored embeddings.

Revision ID: 0006_search
Revises: 0005_rate_limits

SQLite: an FTS5 table over papers (external content, so no second copy of the text) kept in
step by triggers, so a paper is found by words in the same transaction that stores it.
PostgreSQL: a generated, weighted tsvector column with a GIN index (in step by definition).
paper_embeddings: one vector per (model, paper); the model key names model and version, so
vectors of two models are never compared.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_search"
down_revision = "0005_rate_limits"
branch_labels = None
depends_on = None

_FTS_COLUMNS = "title, abstract, authors"
_SQLITE_TRIGGERS = {
    "papers_fts_insert": "AFTER INSERT ON papers BEGIN "
    "INSERT INTO papers_fts(rowid, title, abstract, authors) "
    "VALUES (new.rowid, new.title, new.abstract, new.authors); END",
    "papers_fts_delete": "AFTER DELETE ON papers BEGIN "
    "INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors) "
    "VALUES ('delete', old.rowid, old.title, old.abstract, old.authors); END",
    # Only when the indexed text changes: vote and count updates leave the index alone.
    "papers_fts_update": "AFTER UPDATE OF title, abstract, authors ON papers BEGIN "
    "INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors) "
    "VALUES ('delete', old.rowid, old.title, old.abstract, old.authors); "
    "INSERT INTO papers_fts(rowid, title, abstract, authors) "
    "VALUES (new.rowid, new.title, new.abstract, new.authors); END",
}
_PG_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(abstract, '')), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(authors, '')), 'C')"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(f"CREATE VIRTUAL TABLE papers_fts USING fts5({_FTS_COLUMNS}, "
                   "content='papers', content_rowid='rowid', "
                   "tokenize='porter unicode61 remove_diacritics 2')")
        op.execute("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")
        for name, body in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(f"ALTER TABLE papers ADD COLUMN search_vector tsvector "
                   f"GENERATED ALWAYS AS ({_PG_VECTOR}) STORED")
        op.execute("CREATE INDEX ix_papers_search_vector ON papers USING GIN (search_vector)")
    op.create_table(
        "paper_embeddings",
        sa.Column("model", sa.Text, nullable=False),  # model name and version, e.g. "...@onnx-int8"
        sa.Column("paper_id", sa.Text, sa.ForeignKey("papers.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),  # float32, L2-normalised
        sa.Column("text_hash", sa.Text, nullable=False),  # of the text embedded
        sa.Column("paper_changed_at", sa.Text, nullable=False),  # papers.changed_at then
        sa.Column("embedded_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("model", "paper_id"),
    )
    op.create_index("ix_paper_embeddings_embedded", "paper_embeddings", ["model", "embedded_at"])


def downgrade() -> None:
    op.drop_table("paper_embeddings")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS papers_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_papers_search_vector")
        op.execute("ALTER TABLE papers DROP COLUMN IF EXISTS search_vector")
