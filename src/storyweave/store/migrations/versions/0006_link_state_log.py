"""A journal for the link stage's state: per-chunk changes instead of whole rewrites.

``link_state`` keeps a snapshot per state name; each linked chunk appends
the changes it made to ``link_state_log`` (in the chunk's transaction), and
the snapshot is rewritten (and the log emptied) only now and then. The cost
of a chunk's write then grows with the chunk, not with the store.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_state_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index("ix_link_state_log_name_seq", "link_state_log", ["name", "seq"])


def downgrade() -> None:
    op.drop_index("ix_link_state_log_name_seq", table_name="link_state_log")
    op.drop_table("link_state_log")
