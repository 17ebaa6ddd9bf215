"""Full-text search over articles: FTS5 on SQLite, a GIN index on PostgreSQL.

On SQLite the index is a contentless FTS5 table whose rowid is ``articles.seq``
(it stores only the index, not a second copy of every text). It is filled and
kept in sync by ``storyweave.store.search.sync_search_index``: articles only
ever gain rows in ``seq`` order, so the rows past the largest indexed rowid
are the missing ones. On PostgreSQL the query uses the same
``to_tsvector('english', ...)`` expression as this index, so no sync is needed.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PG_EXPRESSION = "to_tsvector('english', coalesce(title, '') || ' ' || text)"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
            "title, text, content='', tokenize='unicode61 remove_diacritics 2')"
        )
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_articles_fulltext ON articles USING GIN ({PG_EXPRESSION})")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_fulltext")
