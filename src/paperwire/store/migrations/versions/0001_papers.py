"""Papers with their versions, authors and categories; day listings; import runs.

Revision ID: 0001_papers
Revises:

A paper's ordered authors, its categories and its versions are JSON / text columns of its
row: they are always read together, and one row per paper keeps bulk imports fast.
paper_categories is the index that category filters use.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_papers"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "papers",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("arxiv_id", sa.Text),
        sa.Column("doi", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("abstract", sa.Text, nullable=False, server_default=""),
        sa.Column("authors", sa.Text, nullable=False, server_default="[]"),  # JSON list
        sa.Column("categories", sa.Text, nullable=False, server_default=""),  # primary first
        sa.Column("published_at", sa.Text, index=True),
        sa.Column("updated_at", sa.Text),
        sa.Column("latest_version", sa.Integer),
        sa.Column("versions", sa.Text, nullable=False, server_default="[]"),  # JSON list
        sa.Column("comments", sa.Text),
        sa.Column("journal_ref", sa.Text),
        sa.Column("report_no", sa.Text),
        sa.Column("license", sa.Text),
        sa.Column("submitter", sa.Text),
        sa.Column("pdf_url", sa.Text),
        sa.Column("github_repo", sa.Text),
        sa.Column("github_stars", sa.BigInteger),
        sa.Column("project_page", sa.Text),
        sa.Column("organization", sa.Text),
        sa.Column("upvotes", sa.BigInteger),
        sa.Column("num_comments", sa.BigInteger),
        sa.Column("ai_summary", sa.Text),
        sa.Column("ai_keywords", sa.Text),  # JSON list
        # Counters that community features keep up to date.
        sa.Column("vote_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("comment_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_seen_at", sa.Text, nullable=False),
        sa.Column("changed_at", sa.Text, nullable=False, index=True),
    )
    op.create_index("ix_papers_doi", "papers", ["doi"], sqlite_where=sa.text("doi IS NOT NULL"),
                    postgresql_where=sa.text("doi IS NOT NULL"))
    op.create_table(
        "paper_categories",
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("paper_id", sa.Text, sa.ForeignKey("papers.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("is_primary", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("category", "paper_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "day_listings",
        sa.Column("day", sa.Text, nullable=False),
        sa.Column("paper_id", sa.Text, sa.ForeignKey("papers.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.Text),
        sa.Column("submitted_at", sa.Text),
        sa.PrimaryKeyConstraint("day", "paper_id", "source"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_day_listings_paper", "day_listings", ["paper_id"])
    op.create_table(
        "import_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("inputs", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("read", sa.Integer, nullable=False, server_default="0"),
        sa.Column("new", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rejected", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table in ("import_runs", "day_listings", "paper_categories", "papers"):
        op.drop_table(table)
