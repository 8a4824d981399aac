"""What `GET /v1/me/export` costs for a user with a long journal: the answer's size and time.

    scripts/bench-export [--base-url http://127.0.0.1:8080] [--reflections 365] [--chars 500] [--runs 5]

Against a running stack (`scripts/dev up`): signs a fresh user up, logs `--reflections`
reflections of `--chars` characters each through the API (a year of a daily journal by
default), enrolls and completes a task, then takes the export `--runs` times. Prints one JSON
line: the records and bytes of the document, and the export's p50 and max time in
milliseconds. Numbers only: no test asserts them (the bounds that hold are EXPORT_MAX_RECORDS
and EXPORT_MAX_BYTES, tested by counting).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from typing import Any

import requests

PASSWORD = "correct horse battery"  # noqa: S105 - a throwaway benchmark account


def _records(document: Any) -> int:
    if isinstance(document, list):
        return len(document) + sum(_records(item) for item in document)
    if isinstance(document, dict):
        return sum(_records(value) for value in document.values())
    return 0


def bench(base_url: str, reflections: int, chars: int, runs: int) -> dict[str, Any]:
    http = requests.Session()
    email = f"bench-export-{uuid.uuid4().hex[:10]}@example.com"
    signed = http.post(
        f"{base_url}/v1/auth/signup",
        json={"email": email, "password": PASSWORD, "displayName": "Bench", "timezone": "Europe/Paris"},
        timeout=30,
    )
    signed.raise_for_status()
    auth = {"Authorization": f"Bearer {signed.json()['accessToken']}"}
    http.post(f"{base_url}/v1/programs/mindful-7/enrollments", headers=auth, timeout=30)
    http.post(f"{base_url}/v1/me/tasks/mindful-7-d1/completions", headers=auth, timeout=30)
    text = ("Slept well, walked to work, a quiet evening. " * (chars // 45 + 1))[:chars]
    for n in range(reflections):
        logged = http.post(
            f"{base_url}/v1/me/reflections", headers=auth, json={"mood": 1 + n % 5, "text": text}, timeout=30
        )
        logged.raise_for_status()
    times, size, records = [], 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        answer = http.get(f"{base_url}/v1/me/export", headers=auth, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
        size, records = len(answer.content), _records(answer.json())
    return {
        "reflections": reflections,
        "chars": chars,
        "records": records,
        "bytes": size,
        "export_ms_p50": round(statistics.median(times), 1),
        "export_ms_max": round(max(times), 1),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--reflections", type=int, default=365)
    parser.add_argument("--chars", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(bench(args.base_url.rstrip("/"), args.reflections, args.chars, args.runs)))


if __name__ == "__main__":
    main()
