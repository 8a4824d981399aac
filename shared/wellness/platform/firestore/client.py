"""The Firestore client, built lazily once per instance.

The client finds the emulator through FIRESTORE_EMULATOR_HOST. Importing
google.cloud.firestore costs about 0.3 s, so only Firestore functions pay it, on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import Settings

if TYPE_CHECKING:
    from google.cloud.firestore import Client


def build_client(settings: Settings) -> Client:
    from google.cloud import firestore

    return firestore.Client(project=settings.project_id)
