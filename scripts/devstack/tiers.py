"""The suite's four tiers and its closing summary: each tier's tests by outcome, and their seconds.

conftest.py checks and orders the tiers and prints the summary at the end of a session; when
WELLNESS_TIERS_FILE names a file it writes the summary there too, so `devstack.suite`, which
runs the suite as two sessions at once, prints the two added together.

    >>> one = Summary({"unit": {"passed": 3}}, {"unit": 2.0})
    >>> two = Summary({"unit": {"passed": 1, "failed": 1}, "e2e": {"passed": 4}}, {"unit": 1.0, "e2e": 40.0})
    >>> print("\\n".join(lines(merge([one, two]))))
    unit         4 passed, 1 failed in 3 s
    integration  no tests
    functional   no tests
    e2e          4 passed in 40 s
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

TIERS = ("unit", "integration", "functional", "e2e")
FILE_VARIABLE = "WELLNESS_TIERS_FILE"


@dataclasses.dataclass
class Summary:
    counts: dict[str, dict[str, int]]  # tier -> outcome (passed, failed, skipped, error) -> tests
    seconds: dict[str, float]  # tier -> set-up, call and tear-down of its tests

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(dataclasses.asdict(self)))

    @classmethod
    def load(cls, path: Path) -> Summary:
        data = json.loads(path.read_text())
        return cls(data["counts"], data["seconds"])


def merge(summaries: Iterable[Summary]) -> Summary:
    """The tests and seconds of several sessions, added tier by tier."""
    total = Summary({}, {})
    for summary in summaries:
        for tier, outcomes in summary.counts.items():
            for outcome, n in outcomes.items():
                total.counts.setdefault(tier, {})
                total.counts[tier][outcome] = total.counts[tier].get(outcome, 0) + n
        for tier, seconds in summary.seconds.items():
            total.seconds[tier] = total.seconds.get(tier, 0.0) + seconds
    return total


def lines(summary: Summary) -> list[str]:
    """One line per tier, cheapest first."""
    found = []
    for tier in TIERS:
        outcomes = ", ".join(f"{n} {o}" for o, n in summary.counts.get(tier, {}).items()) or "no tests"
        seconds = f" in {summary.seconds[tier]:.0f} s" if tier in summary.seconds else ""
        found.append(f"{tier:12} {outcomes}{seconds}")
    return found
