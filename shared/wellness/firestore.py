"""Firestore: the client, built lazily once per instance.

The client finds the emulator through FIRESTORE_EMULATOR_HOST. Importing
google.cloud.firestore costs ≈0.3 s, so only Firestore functions pay it, on
first use.
"""

from __future__ import annotations

from typing import Any

from .config import Settings


def build_client(settings: Settings) -> Any:
    from google.cloud import firestore

    return firestore.Client(project=settings.project_id)
