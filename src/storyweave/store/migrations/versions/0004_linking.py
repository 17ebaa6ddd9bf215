"""Cross-document linking: global entities, stories, article vectors, aligned claims.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _article_fk():
    return sa.ForeignKey("articles.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "link_state",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "global_entities",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False),
        sa.Column("geonameid", sa.Integer),
    )
    op.create_table(
        "entity_links",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("global_id", sa.String(200), nullable=False),
    )
    op.create_index("ix_entity_links_global_id", "entity_links", ["global_id"])
    op.create_table(
        "stories",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("title_article", sa.String(32)),
        sa.Column("first_seen", sa.String(40)),
        sa.Column("last_seen", sa.String(40)),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("story_id", sa.String(32), sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("ann_key", sa.Integer),
    )
    op.create_index("ix_story_articles_story_id", "story_articles", ["story_id"])
    op.create_table(
        "article_vectors",
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("encoder", sa.String(32), nullable=False),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "claim_groups",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("story_id", sa.String(32), sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("independent_origins", sa.Integer, nullable=False),
        sa.Column("origins", sa.Text, nullable=False),
        sa.Column("conflicts", sa.Text, nullable=False),
    )
    op.create_index("ix_claim_groups_story_id", "claim_groups", ["story_id"])
    op.create_table(
        "claim_mentions",
        sa.Column("group_id", sa.String(40), sa.ForeignKey("claim_groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("article_id", sa.String(32), _article_fk(), primary_key=True),
        sa.Column("start", sa.Integer, primary_key=True),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("outlet", sa.Text),
        sa.Column("attributed_to", sa.Text),
        sa.Column("origin_key", sa.Text),
        sa.Column("hedged", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    for table in ("claim_mentions", "claim_groups", "article_vectors", "story_articles", "stories",
                  "entity_links", "global_entities", "link_state"):
        op.drop_table(table)
