"""Email digests: subscribers, one digest per (subscriber, period), the papers each
subscriber was sent, and the log of delivery runs.

Revision ID: 0008_digests
Revises: 0005_rate_limits
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_digests"
down_revision = "0007_community"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),  # normalised
        sa.Column("status", sa.Text, nullable=False),  # pending|active|paused|unsubscribed
        sa.Column("preferences", sa.Text, nullable=False),  # JSON, see digest/preferences.py
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("confirmed_at", sa.Text),
        sa.Column("confirmation_sent_at", sa.Text),
        sa.Column("unsubscribed_at", sa.Text),
        sa.Column("bounce_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_bounce", sa.Text),
    )
    op.create_index("ix_subscribers_status", "subscribers", ["status"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subscriber_id", sa.Integer,
                  sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("period", sa.Text, nullable=False),  # 2025-02-26 or 2025-W09
        sa.Column("status", sa.Text, nullable=False),  # claimed|sent|failed|bounced|skipped
        sa.Column("message_id", sa.Text, nullable=False),
        sa.Column("papers", sa.Text, nullable=False),  # JSON [[id, reason, personal]]: its content
        sa.Column("claimed_by", sa.Text),
        sa.Column("heartbeat_at", sa.Float),  # unix seconds; a stale claim may be taken over
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("sent_at", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("run_id", sa.Integer),
        sa.UniqueConstraint("subscriber_id", "period", name="uq_digests_subscriber_period"),
    )
    op.create_index("ix_digests_status", "digests", ["status"])
    op.create_table(
        "sent_papers",
        sa.Column("subscriber_id", sa.Integer,
                  sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("paper_id", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("subscriber_id", "paper_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("status", sa.Text, nullable=False),  # running|ok|failed
        sa.Column("dry_run", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("due", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent", sa.Integer, nullable=False, server_default="0"),
        sa.Column("skipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("bounced", sa.Integer, nullable=False, server_default="0"),
        sa.Column("busy", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("digest_runs")
    op.drop_table("sent_papers")
    op.drop_table("digests")
    op.drop_table("subscribers")
