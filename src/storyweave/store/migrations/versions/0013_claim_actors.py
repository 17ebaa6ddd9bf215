"""Claims carry their actors.

``claims.actors`` holds the entity keys of the named person or organisation a claim unit's
main predicate is about (its subject), as a JSON list. Claim alignment keeps two units apart
when two different named actors do one kind of thing to one named thing ("The Orioles have
offered Teixeira a seven-year deal" / "The Red Sox have made an eight-year offer"). Rows
written before read as no actor until the articles are analysed again (the analyser version
changes with this revision).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("actors", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("actors")
