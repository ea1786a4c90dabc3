"""Rate-limit counters shared by every web process.

Revision ID: 0005_rate_limits
Revises: 0004_web
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_rate_limits"
down_revision = "0004_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.Text, nullable=False),  # e.g. "subscribe:ip:203.0.113.7"
        sa.Column("window_start", sa.BigInteger, nullable=False),  # unix seconds
        sa.Column("hits", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start"),
    )
    op.create_index("ix_rate_limits_window", "rate_limits", ["window_start"])


def downgrade() -> None:
    op.drop_table("rate_limits")
