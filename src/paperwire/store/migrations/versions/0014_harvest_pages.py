"""Harvest pages: one row per page of a harvest run, with what that page brought.

Revision ID: 0014_harvest_pages
Revises: 0013_instance

A long backfill that goes wrong on page 734 shows which page, how long each page took and
what each stored; `paperwire harvest-runs RUN_ID` lists them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_harvest_pages"
down_revision = "0013_instance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "harvest_pages",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("harvest_runs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Integer, nullable=False),  # 1-based, in the order fetched
        sa.Column("finished_at", sa.Text, nullable=False),
        sa.Column("seconds", sa.Float, nullable=False),  # the page's wall time
        # What the page added to the run's counts.
        *[sa.Column(name, sa.Integer, nullable=False, server_default="0")
          for name in ("fetched", "new", "updated", "unchanged", "rejected", "retries")],
        sa.PrimaryKeyConstraint("run_id", "number"),
    )


def downgrade() -> None:
    op.drop_table("harvest_pages")
