"""The program domain: a seeded catalog of guided programs, enrollments, a task a day, completions (PostgreSQL).

model (pure) · ports · service · adapters (Postgres) · tables · wiring
"""
