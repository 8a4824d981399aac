"""The demo data set for local stacks and qa: `plan` (what exists, decided in advance) and `run` (through the API)."""
