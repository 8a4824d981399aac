"""The platform: everything a function needs that is not a product rule.

Settings, the composition root (`runtime`), HTTP endpoints and jobs (`http`),
subscribers (`subscriber`), the contract as validator (`contracts`, `operations`,
`schemas`), identity, errors, logs, traces, secrets, paging, time (`clock`), events,
Pub/Sub, the Postgres and Firestore units of work with their outboxes, and the relay.
It imports no domain: `lint-imports` (the `[tool.importlinter]` contracts in
pyproject.toml) keeps it that way.
"""
