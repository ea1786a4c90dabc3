"""Paper metrics over time: the votes and GitHub stars a paper had on each day they were
observed, for the charts on paper pages (and, later, stars gained per hour).

Revision ID: 0004_web
Revises: 0003_sources
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_web"
down_revision = "0003_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_metrics",
        sa.Column("paper_id", sa.Text, sa.ForeignKey("papers.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("day", sa.Text, nullable=False),  # YYYY-MM-DD the counts were observed
        sa.Column("upvotes", sa.BigInteger),
        sa.Column("github_stars", sa.BigInteger),
        sa.PrimaryKeyConstraint("paper_id", "day"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("paper_metrics")
