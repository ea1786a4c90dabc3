"""pgvector: an HNSW index over the stored embeddings, where PostgreSQL has the extension.

Revision ID: 0011_pgvector
Revises: 0010_search_speed

SQLite, and PostgreSQL without the `vector` extension: nothing. Otherwise the extension
(if this user may create it), `paper_embeddings.embedding vector(384)` generated from the
bytea vector, and its HNSW index. `paperwire db upgrade` repeats the check, so a server
that gains pgvector later gets it then (paperwire.store.pgvector.install).
"""

from alembic import op

from paperwire.store.pgvector import install, uninstall

revision = "0011_pgvector"
down_revision = "0010_search_speed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        install(bind)


def downgrade() -> None:
    uninstall(op.get_bind())
