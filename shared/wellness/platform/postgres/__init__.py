"""PostgreSQL: the engine (Cloud SQL in the cloud), the unit of work, the outbox, the platform's tables."""
