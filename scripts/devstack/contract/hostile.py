"""Hostile input, shared by the robustness tier (tests/robustness) and the schemathesis hooks.

Strings that crashed or fooled the API before (issue 12): what no store can hold, what
shows nothing or rearranges text on other people's screens, and ids Firestore reserves.

    >>> sorted(UNSTORABLE)
    ['lone surrogate', 'nul']
    >>> inject("Ada", "\\x07", 1)
    'A\\x07da'
"""

from __future__ import annotations

# Refused in every string of every request (wellness.platform.text.unstorable).
UNSTORABLE = {"nul": "\x00", "lone surrogate": "\ud800"}

# Refused in user-visible text (`x-text` in the contract); each is a class of its own.
INVISIBLE = {
    "bell": "\x07",
    "ansi escape": "\x1b[31m",
    "delete": "\x7f",
    "c1 control": "\x9b",
    "right-to-left override": "\u202e",
    "bidi isolate": "\u2066",
    "zero-width space": "\u200b",
    "byte order mark": "\ufeff",
    "hangul filler": "\u3164",
}

# A UTF-16 surrogate as UTF-8 bytes, percent-encoded: how one reaches a URL (it is not valid UTF-8).
SURROGATE_IN_URL = "%ED%A0%80"

# Path ids Firestore reserves or cannot hold (https://firebase.google.com/docs/firestore/quotas), and
# their percent-encoded forms; each must be a 404 (or 400), never Firestore's error.
RESERVED_IDS = {
    "reserved __x__": "__x__",
    "reserved ____": "____",
    "dot": "%2E",
    "dot dot": "%2E%2E",
    "slash": "a%2Fb",
    "nul": "%00",
    "lone surrogate": SURROGATE_IN_URL,
    "1501 bytes": "x" * 1501,
}

# About 20 KB of `[[[[…]]]]`: far past json's recursion limit, well under the body size limit.
DEEP_JSON = b"[" * 10_000 + b"]" * 10_000


def inject(value: str, hostile: str, at: int) -> str:
    """`value` with `hostile` inserted at position `at` (clamped), so it can hide anywhere in a string."""
    at = max(0, min(at, len(value)))
    return value[:at] + hostile + value[at:]
