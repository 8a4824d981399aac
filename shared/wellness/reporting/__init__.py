"""The reporting domain (PostgreSQL, fed by events): streaks, totals and moods per local day.

model (pure) · ports · service · adapters (Postgres) · tables · wiring
"""
