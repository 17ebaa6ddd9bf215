"""Claims carry the clauses compared on their own.

``claims.views`` holds, as a JSON list, the clauses inside a claim unit that claim alignment
compares on their own ("who had been living and working in Christchurch", "stole their
weapons"): two outlets often share one fact inside two long sentences that say much else.
Rows written before read as no views until the articles are analysed again (the analyser
version changes with this revision).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("views", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("views")
