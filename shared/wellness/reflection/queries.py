"""The reflection domain's Firestore queries, declared so a test can check them against the indexes.

>>> [field for field, _ in REFLECTIONS_PAGE.order]
['date', 'createdAt', 'id']
"""

from __future__ import annotations

from ..platform.firestore.queries import DESC, QuerySpec

# The order is the model's PageKey: a cursor holds these fields' values, in this order.
REFLECTIONS_PAGE = QuerySpec(
    "reflections newest first (optional date range)",
    "reflections",
    range_field="date",
    order=(("date", DESC), ("createdAt", DESC), ("id", DESC)),
)
REFLECTIONS_OF_USER = QuerySpec("a user's reflections (erasure)", "reflections")  # one user's subcollection: no index
