"""The vendored library that every function ships with.

Platform code (settings, secrets, logs, traces, HTTP, validation, stores, events,
outbox, idempotent subscribers) and the domain services. Each function's bundle
carries the modules of this package it imports beside its main.py (scripts/package).
"""
