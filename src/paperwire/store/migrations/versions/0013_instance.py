"""The database's own name: one random id, made once.

Revision ID: 0013_instance
Revises: 0012_paper_authors

The saved search indexes (data_dir/search/) are named by it rather than by the database
URL, which differs between machines (host names, credentials) for the same database: a
saved word index copied to another machine is found there. `db copy` leaves it behind (a
copy is another database, with its own id).
"""

import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0013_instance"
down_revision = "0012_paper_authors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "instance",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.bulk_insert(table, [{"id": uuid.uuid4().hex,
                            "created_at": datetime.now(timezone.utc).isoformat()}])


def downgrade() -> None:
    op.drop_table("instance")
