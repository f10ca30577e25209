"""Alembic environment: migrations run on the connection the storage layer passes in."""

from alembic import context
from sqlmodel import SQLModel

import server.storage.tables  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
