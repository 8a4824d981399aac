"""Developer tooling: the catalog, the local stack, the local gateway.

Runs on developer machines and in CI only; nothing here is deployed.
"""
