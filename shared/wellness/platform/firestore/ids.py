"""Which document paths Firestore can hold, checked before a request reaches it.

Firestore refuses a document id that is empty, `.` or `..`, contains `/`, matches
`__.*__` (reserved: `__x__` gets INVALID_ARGUMENT "Resource id ... is reserved") or is
longer than 1,500 bytes of UTF-8 (https://firebase.google.com/docs/firestore/quotas,
"Collections, documents, and fields"). Ids in request paths are the client's word, so
`FirestoreTransaction` checks every segment of a path with `valid_path` first: a read
of such a path finds nothing (the domain answers its own 404), a write is a 404; no
id ever becomes Firestore's error, and so a 500.

    >>> valid_id("8c99dddc0ec74e85b717c2cd9424cd64"), valid_id("__x__"), valid_id("..")
    (True, False, False)
    >>> valid_path("posts/p1/comments/__name__")
    False
"""

from __future__ import annotations

import re

MAX_ID_BYTES = 1500
_RESERVED = re.compile(r"__.*__", re.DOTALL)


def valid_id(segment: str) -> bool:
    """Whether Firestore takes `segment` as a document or collection id."""
    if segment in ("", ".", "..") or "/" in segment or _RESERVED.fullmatch(segment):
        return False
    try:
        return len(segment.encode("utf-8")) <= MAX_ID_BYTES
    except UnicodeEncodeError:  # a lone surrogate
        return False


def valid_path(path: str) -> bool:
    """Whether every segment of a slash-separated document path is a valid id."""
    return all(valid_id(segment) for segment in path.split("/"))
