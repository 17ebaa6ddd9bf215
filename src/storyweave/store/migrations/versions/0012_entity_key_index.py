"""Entities are found by key across articles.

An entity page (``queries.reads.entity_detail``) and the search's entity and
place filters look up ``entities.key`` without an article id; the primary key
(article_id, key) cannot serve that, so each lookup scanned every entity of the
store. ``ix_entities_key`` serves it.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_entities_key", "entities", ["key"])


def downgrade() -> None:
    op.drop_index("ix_entities_key", table_name="entities")
