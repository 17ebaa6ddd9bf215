"""Alembic environment: migrations run on a connection the store hands over.

The store opens the connection and the transaction; this file only tells
Alembic to use it, so a migration and its version bump commit together.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    # SQLite cannot ALTER most things in place; batch mode copies the table.
    render_as_batch=True,
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
