"""The vendored library that every function ships with.

Platform code (settings, secrets, logs, traces, HTTP, validation, stores, events,
outbox, idempotent subscribers) and the domain services. Each function's bundle
carries a copy of this package beside its main.py.
"""
