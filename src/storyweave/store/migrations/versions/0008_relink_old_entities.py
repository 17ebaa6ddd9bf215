"""The entities a queued article had when it was linked.

The link stage takes a re-analysed article's old entities back out of the
entity index before it adds the new ones, so the index's counts and name
forms stay those of the articles' current results. The old rows are gone
from ``entities`` once the new results are saved, so the queue keeps them
(as JSON: key, name, type, aliases, geonameid, mention_count).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("relink_queue", sa.Column("linked_entities", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("relink_queue") as batch:
        batch.drop_column("linked_entities")
