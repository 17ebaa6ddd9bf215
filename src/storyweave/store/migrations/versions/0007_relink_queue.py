"""Articles analysed again after they were linked: the link stage refreshes them.

A new analyser version re-analyses stored articles; their entities and claims
change, but their entity links and their stories' aligned claims were made
from the old results. Re-analysis queues the article here (in the same
transaction as its new results), and the next link run refreshes what was
derived from it, then empties the queue.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relink_queue",
        sa.Column(
            "article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("queued_at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("relink_queue")
