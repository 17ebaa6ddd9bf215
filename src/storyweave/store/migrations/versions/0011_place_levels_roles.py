"""Places carry a level and a role.

``entities.level`` says what a place is (country, admin1, admin2, town, facility-in-town,
region, water, continent); ``entities.role`` and ``entity_mentions.role`` say how the
article uses it: "literal" (the ground: it goes on the map), "demonym" ("Syrian") or
"metonymic" ("Washington said"). Rows written before stay NULL, read as literal, until the
articles are analysed again (the analyser version changes with this revision).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entities") as batch:
        batch.add_column(sa.Column("level", sa.String(24)))
        batch.add_column(sa.Column("role", sa.String(16)))
    with op.batch_alter_table("entity_mentions") as batch:
        batch.add_column(sa.Column("role", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("entity_mentions") as batch:
        batch.drop_column("role")
    with op.batch_alter_table("entities") as batch:
        batch.drop_column("role")
        batch.drop_column("level")
