"""Analyses record the outlet's home point their places were resolved with.

A local paper writes about its own area, and its articles show where that is
(``storyweave.nlp.places.outlets.outlet_home``). ``analyses.outlet_home`` holds the point an
article's places were resolved with ("lat,lon"), or NULL when its outlet showed none yet; the
analysis stage analyses such an article again once its outlet's articles show a home. Rows
written before read as NULL (the analyser version changes with this revision).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("analyses") as batch:
        batch.add_column(sa.Column("outlet_home", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("analyses") as batch:
        batch.drop_column("outlet_home")
