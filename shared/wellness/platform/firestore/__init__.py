"""Firestore: the client, the unit of work, the outbox, and the declared queries."""
