"""Failed analyses recorded against their article, with the reason.

Until now an article whose analysis raised got an ``analyses`` row whose analyser
was "<version>!failed": the link stage took it for analysed and put it in a story
with no entities or claims, and the reason was only in that run's log. Failures now
have their own table (shown by ``storyweave failures``), and a failed article has
no ``analyses`` row, so it joins no story until an analysis succeeds. The old
markers move into the new table; their reason was never stored.

Revision ID: 0010
Revises: 0009
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_MARKER = "!failed"
_OLD_REASON = (
    "analysis failed before failure reasons were recorded (migration 0010); "
    "run `storyweave analyze --retry-failed -v` to try again and see why"
)


def upgrade() -> None:
    failures = op.create_table(
        "analysis_failures",
        sa.Column(
            "article_id", sa.String(32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("analyzer", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("failed_at", sa.String(40), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
    )
    analyses = sa.table(
        "analyses", sa.column("article_id", sa.String), sa.column("analyzer", sa.String),
        sa.column("analyzed_at", sa.String),
    )
    conn = op.get_bind()
    marked = conn.execute(
        sa.select(analyses.c.article_id, analyses.c.analyzer, analyses.c.analyzed_at)
        .where(analyses.c.analyzer.like(f"%{_MARKER}"))
    ).all()
    if not marked:
        return
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    op.bulk_insert(failures, [
        {"article_id": row.article_id, "analyzer": row.analyzer[: -len(_MARKER)], "reason": _OLD_REASON,
         "failed_at": row.analyzed_at or now, "attempts": 1}
        for row in marked
    ])
    conn.execute(sa.delete(analyses).where(analyses.c.analyzer.like(f"%{_MARKER}")))


def downgrade() -> None:
    failures = sa.table(
        "analysis_failures", sa.column("article_id", sa.String), sa.column("analyzer", sa.String),
        sa.column("failed_at", sa.String),
    )
    analyses = sa.table(
        "analyses", sa.column("article_id", sa.String), sa.column("analyzer", sa.String),
        sa.column("analyzed_at", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(failures.c.article_id, failures.c.analyzer, failures.c.failed_at)).all()
    if rows:
        # back to the old marker, so the old code does not retry them forever
        conn.execute(sa.delete(analyses).where(analyses.c.article_id.in_([r.article_id for r in rows])))
        op.bulk_insert(analyses, [
            {"article_id": r.article_id, "analyzer": f"{r.analyzer}{_MARKER}", "analyzed_at": r.failed_at}
            for r in rows
        ])
    op.drop_table("analysis_failures")
