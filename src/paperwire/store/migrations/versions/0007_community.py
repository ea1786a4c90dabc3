"""Community: users and magic-link tokens, votes, comments, submissions, authorship claims,
collections, featured papers and the moderation log.

Revision ID: 0007_community
Revises: 0005_rate_limits
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_community"
down_revision = "0006_search"
branch_labels = None
depends_on = None


def _paper_fk() -> sa.Column:
    return sa.Column("paper_id", sa.Text, sa.ForeignKey("papers.id", ondelete="CASCADE"),
                     nullable=False)


def _user_fk(name: str = "user_id", nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                     nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),  # normalised, lower case
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("last_sign_in_at", sa.Text),
    )
    op.create_table(
        "login_tokens",
        sa.Column("token_hash", sa.Text, primary_key=True),  # sha256 hex; never the token
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False, index=True),
        sa.Column("used_at", sa.Text),
    )
    op.create_table(
        "votes",
        _user_fk(), _paper_fk(),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "paper_id"),
    )
    op.create_index("ix_votes_paper", "votes", ["paper_id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _paper_fk(), _user_fk(),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("comments.id", ondelete="CASCADE")),
        sa.Column("body", sa.Text, nullable=False),  # markdown as written
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("edited_at", sa.Text),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_comments_paper", "comments", ["paper_id", "id"])
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _paper_fk(), _user_fk(),
        sa.Column("day", sa.Text, nullable=False),  # the daily list it asks to join
        sa.Column("status", sa.Text, nullable=False),  # pending | approved | rejected
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("decided_at", sa.Text),
    )
    op.create_index("ix_submissions_user", "submissions", ["user_id", "created_at"])
    op.create_index("ix_submissions_status", "submissions", ["status"])
    op.create_table(
        "author_emails",  # known author addresses, for approving claims automatically
        sa.Column("email", sa.Text, nullable=False),
        _paper_fk(),
        sa.PrimaryKeyConstraint("email", "paper_id"),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user_fk(), _paper_fk(),
        sa.Column("status", sa.Text, nullable=False),  # pending | approved | rejected
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("decided_at", sa.Text),
        sa.UniqueConstraint("user_id", "paper_id"),
    )
    op.create_index("ix_claims_status", "claims", ["status"])
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _user_fk(),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("is_public", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("user_id", "name"),
    )
    op.create_table(
        "collection_items",
        sa.Column("collection_id", sa.Integer,
                  sa.ForeignKey("collections.id", ondelete="CASCADE"), nullable=False),
        _paper_fk(),
        sa.Column("added_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("collection_id", "paper_id"),
    )
    op.create_table(
        "featured",
        sa.Column("day", sa.Text, nullable=False),
        _paper_fk(),
        _user_fk("featured_by", nullable=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("day", "paper_id"),
    )
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("actor_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("moderation_log", "featured", "collection_items", "collections", "claims",
                  "author_emails", "submissions", "comments", "votes", "login_tokens", "users"):
        op.drop_table(table)
