"""Per-article analysis: entities with places, date expressions, quotes.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _article_fk():
    return sa.ForeignKey("articles.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "analyses",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("analyzer", sa.String(64), nullable=False),
        sa.Column("analyzed_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "entities",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False),
        sa.Column("geonameid", sa.Integer),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("country", sa.String(8)),
    )
    op.create_index("ix_entities_name", "entities", ["name"])
    op.create_table(
        "entity_mentions",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("field", sa.String(32), primary_key=True),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("end", sa.Integer, primary_key=True),
        sa.Column("entity_key", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
    )
    op.create_table(
        "date_mentions",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("value", sa.String(40)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("relative", sa.String(80)),
    )
    op.create_table(
        "quotes",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("speaker", sa.Text),
        sa.Column("speaker_start", sa.Integer),
        sa.Column("speaker_end", sa.Integer),
        sa.Column("speaker_entity", sa.Text),
        sa.Column("cue", sa.Text),
        sa.Column("cue_start", sa.Integer),
        sa.Column("cue_end", sa.Integer),
        sa.Column("direct", sa.Boolean, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
    )


def downgrade() -> None:
    for table in ("quotes", "date_mentions", "entity_mentions", "entities", "analyses"):
        op.drop_table(table)
