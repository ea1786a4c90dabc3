"""Live sources: per-source state (watermarks), harvest runs, HTTP validators, stars history.

Revision ID: 0003_sources
Revises: 0001_papers
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_sources"
down_revision = "0001_papers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_state",
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),  # the set or feed; "" for a whole source
        # Everything up to this point (a day, or a time for github) is stored.
        sa.Column("watermark", sa.Text),
        # An unfinished list (JSON: resumption token and the request it continues).
        sa.Column("cursor", sa.Text),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("source", "key"),
    )
    op.create_table(
        "harvest_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("status", sa.Text, nullable=False),  # running, ok, failed, interrupted
        sa.Column("params", sa.Text, nullable=False, server_default="{}"),  # JSON
        sa.Column("fetched", sa.Integer, nullable=False, server_default="0"),
        sa.Column("new", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rejected", sa.Integer, nullable=False, server_default="0"),
        sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
        sa.Column("retries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("watermark_before", sa.Text),
        sa.Column("watermark_after", sa.Text),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_harvest_runs_source", "harvest_runs", ["source", "key", "id"])
    op.create_table(
        "http_validators",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("stored_at", sa.Text, nullable=False),
    )
    op.create_table(
        "github_stars_history",
        sa.Column("repo", sa.Text, nullable=False),  # as papers.github_repo holds it
        sa.Column("observed_at", sa.Text, nullable=False),
        sa.Column("stars", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("repo", "observed_at"),
    )
    op.create_index("ix_papers_github_repo", "papers", ["github_repo"],
                    sqlite_where=sa.text("github_repo IS NOT NULL"),
                    postgresql_where=sa.text("github_repo IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_papers_github_repo", table_name="papers")
    for table in ("github_stars_history", "http_validators", "harvest_runs", "source_state"):
        op.drop_table(table)
