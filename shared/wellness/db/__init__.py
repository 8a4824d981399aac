"""PostgreSQL: the table definitions and the Alembic migrations."""
