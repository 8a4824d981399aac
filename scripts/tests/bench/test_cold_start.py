"""The cold-start bench's parts: the catalog's budgets, a run's phases, the launcher's marks.

The bench itself prints numbers and never fails on them; these check that what it prints
is what it says (the phases add up to the cold start, the budget comes from the catalog,
the launcher marks every phase in order and serves the function).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from devstack.bench.cold_start import LAUNCH, Result, Run
from devstack.catalog import CONTRACTS_DIR, load_catalog
from devstack.stack.procs import stop_group
from devstack.stack.services import free_port


def _catalog_with(tmp_path: Path, sizing: str, spec: str) -> Path:
    functions = tmp_path / "functions"
    functions.mkdir()
    (functions / "catalog.yaml").write_text(
        f"defaults:\n  sizing:\n    http: {{{sizing}}}\nfunctions:\n"
        f"  hello:\n    kind: http\n    domain: d\n    route: GET /v1/hello\n{spec}"
    )
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    shutil.copy(CONTRACTS_DIR / "topics.yaml", contracts / "topics.yaml")
    return tmp_path


@pytest.mark.unit
def test_every_user_facing_function_has_a_cold_start_budget() -> None:
    catalog = load_catalog()
    budgets = {fn.name: fn.cold_start_ms for fn in catalog.functions if fn.kind == "http"}
    assert budgets and all(isinstance(ms, int) and ms > 0 for ms in budgets.values()), budgets


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sizing", "spec", "error"),
    [
        ("cpu: '1'", "", "needs a cold_start_ms budget"),
        ("cold_start_ms: 1000", "    cold_start_ms: -5\n", "positive whole number"),
        ("cold_start_ms: 1000", "    cold_start_ms: 0.5\n", "positive whole number"),
    ],
)
def test_the_catalog_refuses_an_http_function_without_a_sound_budget(
    tmp_path: Path, sizing: str, spec: str, error: str
) -> None:
    root = _catalog_with(tmp_path, sizing, spec)
    with pytest.raises(ValueError, match=error):
        load_catalog(root / "functions", root / "contracts")


@pytest.mark.unit
def test_a_function_s_own_budget_wins_over_its_kind_s(tmp_path: Path) -> None:
    root = _catalog_with(tmp_path, "cold_start_ms: 1000", "    cold_start_ms: 800\n")
    assert load_catalog(root / "functions", root / "contracts").function("hello").cold_start_ms == 800


@pytest.mark.unit
def test_the_phases_of_a_run_add_up_to_its_cold_start() -> None:
    run = Run({"interpreter": 0.1, "imports": 0.4, "setup": 0.5, "serving": 0.55}, 0.8, 0.02, 1, 1, (), cpu=0.61)
    parts = run.parts()
    assert list(parts) == ["interpreter", "imports", "setup", "server", "request"]
    assert sum(parts.values()) == pytest.approx(run.first_2xx)
    floor = Run({"interpreter": 0.1, "imports": 0.3, "setup": 0.31, "serving": 0.35}, 0.4, 0.001, 1, 1, ())
    result = Result("f", 1.0, [run], [floor], budget_ms=700)
    assert result.goal == pytest.approx(1.15 * 0.4 + 0.02)
    assert "over 1.15xfloor+warm" in result.row() and "OVER BUDGET (700)" in result.row()
    assert "   800   610 |" in result.row()  # cold, then its CPU time


@pytest.mark.unit
def test_a_bundle_is_compiled_by_the_interpreter_the_bench_runs_it_on(tmp_path: Path) -> None:
    """`--python` reaches the compile step: the bundle's bytecode is that interpreter's (its cache tag)."""
    from devstack.bench.cold_start import _unpacked_bundle

    calls = tmp_path / "calls"
    python = tmp_path / "python-under-test"
    python.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    main = _unpacked_bundle("auth-jwks", tmp_path / "work", str(python))
    assert calls.read_text().split()[:2] == ["-m", "compileall"]
    tag = sys.implementation.cache_tag
    assert (main.parent / "__pycache__" / f"main.{tag}.pyc").is_file()
    library = list((main.parent / "wellness").rglob("*.py"))
    assert library and all((f.parent / "__pycache__" / f"{f.stem}.{tag}.pyc").is_file() for f in library)


BURN = "sum(i * i for i in range(3_000_000))"


@pytest.mark.unit
def test_a_group_s_cpu_time_counts_the_worker_it_forked(tmp_path: Path) -> None:
    """As gunicorn's arbiter forks its worker: each burns CPU, then waits; the group's CPU is both."""
    import psutil

    from devstack.bench.cold_start import _group_cpu_seconds

    ready = tmp_path / "ready"
    script = (
        f"import os, time\nchild = os.fork()\n{BURN}\n"
        f"open({str(ready)!r} + str(child != 0), 'w').close()\ntime.sleep(60)\n"
    )
    popen = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        for _ in range(6000):  # bounded by attempts, not by the clock
            if all((tmp_path / f"ready{parent}").exists() for parent in (True, False)):
                break
            assert popen.poll() is None, "the process exited"
            time.sleep(0.01)
        own = psutil.Process(popen.pid).cpu_times()
        assert _group_cpu_seconds(popen.pid) > own.user + own.system > 0
    finally:
        stop_group(popen.pid, popen=popen)


@pytest.mark.integration
def test_the_launcher_marks_every_phase_in_order_and_serves_the_function(tmp_path: Path) -> None:
    source = tmp_path / "fn" / "main.py"
    source.parent.mkdir()
    source.write_text("import json\n\nANSWER = json.dumps({'ok': True})\n\ndef handler(request):\n    return ANSWER\n")
    marks, port = tmp_path / "marks", free_port()
    popen = subprocess.Popen(
        [sys.executable, str(LAUNCH), str(marks), str(source), str(port)],
        cwd=source.parent,
        start_new_session=True,
    )
    try:
        answer = None
        for _ in range(2000):  # bounded by attempts, not by the clock
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
                break
            except requests.ConnectionError:
                assert popen.poll() is None, "the launcher exited"
                time.sleep(0.05)
        assert answer is not None and answer.json() == {"ok": True}
        for _ in range(200):
            if "modules" in marks.read_text():
                break
            time.sleep(0.05)
    finally:
        stop_group(popen.pid, popen=popen)
    found = dict(line.split(" ", 1) for line in marks.read_text().splitlines())
    times = [int(found[name]) for name in ("interpreter", "imports", "setup", "serving")]
    assert times == sorted(times)
    assert "flask" in found["modules"].split() and "main" not in found["modules"].split()


def _world() -> object:
    from devstack.bench.samples import World

    world = World.__new__(World)  # its state only: no stack
    world.user_id, world.email, world.task_id = "u1", "a@example.com", "mindful-7-d1"
    world.reflection_id, world.post_id, world.headers = "r1", "p1", {"X-Apigateway-Api-Userinfo": "e30"}
    return world


def _takes_a_body(document: dict[str, Any], route: str) -> bool:
    method, path = route.split(" ", 1)
    operation = document["paths"][path][method.lower()]
    parameters = [*document["paths"][path].get("parameters", []), *operation.get("parameters", [])]
    resolved = [document["parameters"][p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p for p in parameters]
    return any(p["in"] == "body" for p in resolved)


@pytest.mark.unit
def test_every_user_facing_function_has_a_sample_and_every_one_taking_a_body_its_own() -> None:
    world: Any = _world()
    http = [fn for fn in load_catalog().functions if fn.kind == "http" and fn.route]
    assert {fn.name for fn in http} - set(world.samples()) == set()
    document = yaml.safe_load((CONTRACTS_DIR / "openapi.yaml").read_text())
    with_a_body = {fn.name for fn in http if _takes_a_body(document, fn.route or "")}
    assert "auth-signup" in with_a_body  # the check reads the contract's body parameters
    assert with_a_body - set(world.own_samples()) == set()


@pytest.mark.unit
def test_a_function_without_its_own_sample_calls_its_route_as_the_bench_s_caller() -> None:
    world: Any = _world()
    first, second = (
        world.from_route("DELETE /v1/me/things/{thingId}/parts/{partId}")(),
        world.from_route("DELETE /v1/me/things/{thingId}/parts/{partId}")(),
    )
    method, path, kwargs = first
    assert method == "DELETE" and kwargs == {"headers": world.headers}
    assert path.startswith("/v1/me/things/") and "{" not in path and path.count("/") == 6
    assert first[1] != second[1]  # fresh ids each call: no two runs share a record


@pytest.mark.unit
def test_a_pool_makes_its_one_shot_requests_before_the_run_and_hands_each_out_once() -> None:
    from devstack.bench.samples import Pool

    made: list[int] = []

    def make() -> tuple[str, str, dict[str, object]]:
        made.append(len(made))
        return ("POST", f"/{len(made)}", {})

    pool = Pool(make, warm=1)
    pool.prepare(2)
    assert len(made) == 2
    assert [pool()[1], pool()[1]] == ["/1", "/2"]
    assert len(made) == 2
