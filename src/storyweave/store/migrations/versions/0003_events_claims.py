"""Per-article events (PLOVER-coded) and check-worthy claims.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _article_fk():
    return sa.ForeignKey("articles.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("lemma", sa.String(64), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("actor", sa.Text),
        sa.Column("actor_entity", sa.String(200)),
        sa.Column("target", sa.Text),
        sa.Column("target_entity", sa.String(200)),
        sa.Column("place", sa.Text),
        sa.Column("place_entity", sa.String(200)),
        sa.Column("date", sa.String(40)),
        sa.Column("date_text", sa.Text),
        sa.Column("trigger_start", sa.Integer, nullable=False),
        sa.Column("trigger_end", sa.Integer, nullable=False),
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("background", sa.Boolean, nullable=False),
        sa.Column("attributed_to", sa.Text),
    )
    op.create_index("ix_events_type", "events", ["type"])
    op.create_table(
        "claims",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("subject_entity", sa.String(200)),
        sa.Column("predicate", sa.Text, nullable=False),
        sa.Column("object", sa.Text),
        sa.Column("object_entity", sa.String(200)),
        sa.Column("negated", sa.Boolean, nullable=False),
        sa.Column("numbers", sa.Text, nullable=False),
        sa.Column("dates", sa.Text, nullable=False),
        sa.Column("places", sa.Text, nullable=False),
        sa.Column("attributed_to", sa.Text),
        sa.Column("attribution_text", sa.Text),
        sa.Column("quote_start", sa.Integer),
        sa.Column("quote_end", sa.Integer),
        sa.Column("hedges", sa.Text, nullable=False),
        sa.Column("hedged", sa.Boolean, nullable=False),
        sa.Column("check_worthy", sa.Float, nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("event_code", sa.String(64)),
    )


def downgrade() -> None:
    op.drop_table("claims")
    op.drop_index("ix_events_type", "events")
    op.drop_table("events")
