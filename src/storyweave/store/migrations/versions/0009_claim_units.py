"""Claims as complete units, and contested claims with their versions.

Claims are now whole sentences or main clauses (the claims component, nlp/claims) with a display
text, the entities, rankings and content words alignment compares; the clause
signatures of the old design (subject, predicate, object, signature) are gone. The table
holds derived data only: it is recreated empty, and the analyser version that comes with
this change has every article analysed again. Claim groups gain the versions of a
contested claim and their outlet count; mentions the display text and version.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _claims_columns():
    return [
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("display", sa.Text, nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("headline", sa.Boolean, nullable=False),
        sa.Column("negated", sa.Boolean, nullable=False),
        sa.Column("denied", sa.Boolean, nullable=False),
        sa.Column("entities", sa.Text, nullable=False),
        sa.Column("places", sa.Text, nullable=False),
        sa.Column("numbers", sa.Text, nullable=False),
        sa.Column("dates", sa.Text, nullable=False),
        sa.Column("ranks", sa.Text, nullable=False),
        sa.Column("lemmas", sa.Text, nullable=False),
        sa.Column("atoms", sa.Text, nullable=False),
        sa.Column("attributed_to", sa.Text),
        sa.Column("attribution_text", sa.Text),
        sa.Column("quote_start", sa.Integer),
        sa.Column("quote_end", sa.Integer),
        sa.Column("direct", sa.Boolean, nullable=False),
        sa.Column("hedges", sa.Text, nullable=False),
        sa.Column("hedged", sa.Boolean, nullable=False),
        sa.Column("scope_hedges", sa.Text, nullable=False),
        sa.Column("check_worthy", sa.Float, nullable=False),
        sa.Column("event_code", sa.String(64)),
    ]


def upgrade() -> None:
    op.drop_table("claims")
    op.create_table("claims", *_claims_columns())
    with op.batch_alter_table("claim_groups") as batch:
        batch.add_column(sa.Column("versions", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("outlets", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("score", sa.Float, nullable=False, server_default="0"))
    with op.batch_alter_table("claim_mentions") as batch:
        batch.add_column(sa.Column("display", sa.Text, nullable=True))
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("claim_mentions") as batch:
        batch.drop_column("version")
        batch.drop_column("display")
    with op.batch_alter_table("claim_groups") as batch:
        batch.drop_column("score")
        batch.drop_column("outlets")
        batch.drop_column("versions")
    op.drop_table("claims")
    op.create_table(
        "claims",
        sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sentence_start", sa.Integer, nullable=False),
        sa.Column("sentence_end", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("subject_entity", sa.String(200)),
        sa.Column("predicate", sa.Text, nullable=False),
        sa.Column("object", sa.Text),
        sa.Column("object_entity", sa.String(200)),
        sa.Column("negated", sa.Boolean, nullable=False),
        sa.Column("numbers", sa.Text, nullable=False),
        sa.Column("dates", sa.Text, nullable=False),
        sa.Column("places", sa.Text, nullable=False),
        sa.Column("attributed_to", sa.Text),
        sa.Column("attribution_text", sa.Text),
        sa.Column("quote_start", sa.Integer),
        sa.Column("quote_end", sa.Integer),
        sa.Column("hedges", sa.Text, nullable=False),
        sa.Column("hedged", sa.Boolean, nullable=False),
        sa.Column("check_worthy", sa.Float, nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("event_code", sa.String(64)),
    )
