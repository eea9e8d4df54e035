"""Alembic's environment for the conversion log. dealdocs runs the migrations itself
(generator.conversions.log), on the connection and inside the transaction it passes in
`config.attributes`; there is no alembic.ini and no URL here."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    version_table=context.config.attributes["version_table"],
    # SQLite runs DDL inside transactions too: the whole upgrade commits or none of it.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
