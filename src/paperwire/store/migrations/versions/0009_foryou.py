"""For you: what a reader told us (signals, interests in plain words, follows), their cached
model, and their profile (reset time, private feed token's hash).

Revision ID: 0009_foryou
Revises: 0008_digests
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_foryou"
down_revision = "0008_digests"
branch_labels = None
depends_on = None


def _user() -> sa.Column:
    return sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "user_signals",  # votes and collection items are read where they live
        _user(),
        sa.Column("paper_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),  # opened|not_interested|skipped|seeded
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "paper_id", "kind"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "user_interests",
        _user(),
        sa.Column("interest", sa.Text, nullable=False),  # plain words, as typed (tidied)
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "interest"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "user_follows",
        _user(),
        sa.Column("kind", sa.Text, nullable=False),  # author|category
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "kind", "value"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_user_follows_value", "user_follows", ["kind", "value"])
    op.create_table(
        "user_models",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("embedding_model", sa.Text, nullable=False),  # the vectors it was trained on
        sa.Column("signals_version", sa.Text, nullable=False),  # hash of what it learnt from
        sa.Column("trained_at", sa.Text, nullable=False),
        sa.Column("weights", sa.LargeBinary, nullable=False),  # little-endian float32
        sa.Column("details", sa.Text, nullable=False),  # JSON: bias, text weights, counts
    )
    op.create_table(
        "user_profiles",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("reset_at", sa.Text),  # votes and saves before it no longer teach the model
        sa.Column("feed_token_hash", sa.Text, unique=True),  # SHA-256 of the private feed token
        sa.Column("feed_token_created_at", sa.Text),
    )


def downgrade() -> None:
    for table in ("user_profiles", "user_models", "user_follows", "user_interests",
                  "user_signals"):
        op.drop_table(table)
