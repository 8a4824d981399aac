"""Release scenarios the rehearsal plays after its first release (`rehearse(..., scenarios=)`, `Rehearsal.scenario`).

Each starts from the first release (N, recorded as `1st`; the Rehearsal restores its snapshot)
and changes a function of its own, so that the revisions whose numbers they write into the
local stack's Prometheus never meet.

`progressive` (class ProgressivePromotion): a healthy release promoted in steps, and one whose
error rate rises at the first step, rolled back by the watch.

`rollback` (RollbackAfterMigration): release N+1, whose migration expands the schema (N's
migration files plus one revision, as in functions/db-migrate's own test); `scripts/rollback`
to N. Then the stand-in state must have N's revisions at 100 % and N's API config on the live
gateway, N's migration job must find the database ahead and do nothing, and the local stack
(N's code) must pass the smoke on N+1's schema. N+1's revision is taken out of both databases
afterwards, whatever happened, so the next scenario and the stack find them as they were.

`broken-endpoint`, `broken-subscriber` (SmokeStops): N+1 with one function broken, applied as a
candidate and stopped by the smoke; N still serves.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devstack.catalog import REPO_ROOT
from devstack.deploy.standin.cloud_run_metrics import Traffic
from devstack.deploy.standin.rehearse import Release, Scenario, StepFailed, Workspace
from devstack.stack import candidate

if TYPE_CHECKING:
    from devstack.stack.stack import Stack

Steps = list[tuple[str, Callable[[], str]]]
NEXT_REVISION = "rehearsal_next"  # N+1's migration: a revision id no real migration will take
NEXT_TABLE = "rehearsal_next_release"
FIRST = "1st"  # the ref the first release records (Release.first_steps)
# Which function (by its place in the bundles' sorted names) each scenario changes: its own.
ROLLBACK_CHANGES, PROGRESSIVE_CHANGES = 1, 2


def next_release_migrations(into: Path) -> Path:
    """N+1's migration files: this checkout's, plus an expand-only revision on their head."""
    from alembic.script import ScriptDirectory

    from wellness.migrations import MIGRATIONS, alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    files = into / "next-migrations"
    shutil.copytree(MIGRATIONS, files, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    (files / "versions" / f"{NEXT_REVISION}.py").write_text(
        f'"""Release N+1 in the rehearsal: a new table (expand-only)."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f'revision = "{NEXT_REVISION}"\ndown_revision = "{head}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        "def upgrade() -> None:\n"
        f'    op.create_table("{NEXT_TABLE}", sa.Column("id", sa.Integer, primary_key=True))\n\n\n'
        f'def downgrade() -> None:\n    op.drop_table("{NEXT_TABLE}")\n'
    )
    return files


class RollbackAfterMigration:
    def __init__(self, release: Release) -> None:
        self.release = release
        self.ws = release.ws

    def _python(self, code: str) -> str:
        if self.release.database_url is None:
            raise StepFailed("rollback scenario", "needs a local stack (--database-url)")
        env = {
            **self.ws.environ,
            "DATABASE_URL": self.release.database_url,
            "PYTHONPATH": f"{REPO_ROOT / 'scripts'}:{REPO_ROOT / 'shared'}",
        }
        return self.ws.run([sys.executable, "-c", code], env=env)

    def migrate_next(self) -> str:
        """N+1's migration job (N's files and one more revision): on the stand-in Cloud SQL instance, as the
        job, and on the local stack's database, which the stack's functions (N's code) serve from."""
        files = next_release_migrations(self.release.temp)
        code = (
            "from pathlib import Path; from wellness.migrations import upgrade; "
            f"print('ahead' if upgrade(migrations=Path({str(files)!r})) else 'migrated to {NEXT_REVISION}')"
        )
        job = self.ws.run([sys.executable, "-c", code], env=self.release.migration_job_environment())
        return job + self._python(code)

    def rollback(self) -> str:
        return self.ws.run(
            [
                str(REPO_ROOT / "scripts" / "rollback"),
                self.ws.env,
                FIRST,
                "--tf-dir",
                str(self.ws.env_dir),
                "--bundles",
                str(self.ws.dist / "bundles.json"),
            ]
        )

    def first_is_live(self) -> str:
        """Every function's 100 % revision and the live gateway's config are the first release's."""
        first: dict[str, Any] = json.loads(
            self.ws.run(["gcloud", "storage", "cat", self.release.record_url.replace("live.json", f"{FIRST}.json")])
        )
        state: dict[str, Any] = json.loads(self.ws.terraform("show", "-json"))
        resources = _resources(state["values"]["root_module"])
        served = {
            r["values"]["name"]: next(t["revision"] for t in r["values"]["traffic"] if t.get("percent") == 100)
            for r in resources
            if r["type"] == "google_cloud_run_v2_service"
        }
        wrong = {name: rev for name, rev in first["live_revisions"].items() if served.get(name) != rev}
        # The live gateway's config key (the stand-in's config ids do not carry it), and that config exists.
        config = self.ws.terraform("output", "-raw", "live_api_config").strip()
        configs = {r.get("index") for r in resources if r["type"] == "google_api_gateway_api_config"}
        if wrong or config != first["live_api_config"] or config not in configs:
            raise StepFailed("first is live", f"not the first release's: {wrong} / config {config} of {configs}")
        live = json.loads(self.ws.run(["gcloud", "storage", "cat", self.release.record_url]))
        if live["ref"] != FIRST or live.get("rolled_back_from") != "second":
            raise StepFailed("first is live", f"the record says {live}")
        return f"{len(served)} services on the first release's revisions; the live gateway on config {config}"

    def older_job_is_ahead(self) -> str:
        """N's migration job (this checkout's files) on N+1's database: `ahead`, nothing migrated."""
        said = self.release.migrate()
        if "ahead of this release's head" not in said or NEXT_REVISION not in said:
            raise StepFailed("older migration job", said)
        return said

    def cleanup(self) -> None:
        """Take N+1's revision out of the stand-in instance and the local stack's database (the rehearsal's,
        not a release's, business): the next scenario's releases migrate from N's head again."""
        try:
            if self.release.sql is not None:
                restore_database(self.release.migration_job_environment()["DATABASE_URL"])
        finally:
            if self.release.database_url is not None:
                restore_database(self.release.database_url)

    def steps(self) -> Steps:
        r = self.release
        return [
            ("2nd: one bundle changes", lambda: r.change_one_bundle(ROLLBACK_CHANGES, "CHANGED-ROLLBACK")),
            ("2nd record (read)", r.read_record),
            ("2nd candidate apply", r.candidate),
            ("2nd migrate: N+1 expands", self.migrate_next),
            ("2nd promote", r.promote),
            ("2nd record (write)", lambda: r.record("second")),
            ("scripts/rollback qa first", self.rollback),
            ("first is live again", self.first_is_live),
            ("N's migration job: ahead", self.older_job_is_ahead),
            ("N serves on N+1's schema", r.smoke),
        ]


def restore_database(url: str) -> str:
    """N+1's table and revision out of a database migrated to it (nothing where it is not)."""
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text

    from wellness.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {NEXT_TABLE}"))
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head WHERE version_num = :next"),
                {"head": head, "next": NEXT_REVISION},
            )
            conn.execute(text("DELETE FROM alembic_lineage WHERE revision = :next"), {"next": NEXT_REVISION})
    finally:
        engine.dispose()
    return "restored"


def _resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found += _resources(child)
    return found


def traffic(ws: Workspace) -> dict[str, dict[str, int]]:
    """{service: {revision: percent}} in the stand-in state."""
    state: dict[str, Any] = json.loads(ws.terraform("show", "-json"))
    return {
        r["values"]["name"]: {t["revision"]: t["percent"] for t in r["values"]["traffic"]}
        for r in _resources(state["values"]["root_module"])
        if r["type"] == "google_cloud_run_v2_service"
    }


class ProgressivePromotion:
    """N+1 promoted in steps while healthy; N+2, whose errors rise at 10 %, rolled back by itself.

    The steps are devstack.deploy.promote on the stand-in Terraform (`Release.promote_tool`); the
    watch reads the local stack's Prometheus with the query text it sends Cloud Monitoring. What
    the two revisions report is written there by `cloud_run_metrics` (Cloud Run's metrics, stood
    in for), each release's recording ending at its own instant (`--at`), so that they never overlap.
    """

    def __init__(self, release: Release) -> None:
        self.release = release
        self.ws = release.ws

    def _prometheus(self) -> None:
        if not self.release.prometheus_url:
            raise StepFailed("progressive promotion", "needs the local stack's Prometheus (--prometheus-url)")

    def healthy_in_steps(self) -> str:
        self._prometheus()
        changed = self.release.changed()
        code, decisions, output = self.release.promote_tool(
            Traffic(calls=10, errors=0, latency_ms=100), int(time.time()) - 1200, self.release.temp / "second.jsonl"
        )
        served = traffic(self.ws)
        wrong = {f: served[f] for f, (_, new) in changed.items() if served[f].get(new) != 100}
        if code != 0 or decisions != ["continue", "continue", "promoted"] or wrong or not changed:
            raise StepFailed("healthy promotion", f"exit {code}, {decisions}, not at 100 %: {wrong}\n{output}")
        return output

    def third_release(self) -> str:
        """The same function changes again (its own entry: the second change's name is taken), and its candidate."""
        self.release.change_bundle(self.release.changed_function, "CHANGED-THIRD", b"the third release's change\n")
        self.release.read_record()
        return self.release.candidate()

    def errors_rise_rolled_back(self) -> str:
        self._prometheus()
        changed = self.release.changed()
        code, decisions, output = self.release.promote_tool(
            Traffic(calls=10, errors=3, latency_ms=100), int(time.time()), self.release.temp / "third.jsonl"
        )
        served = traffic(self.ws)
        back = {f: served[f] for f, (live, _) in changed.items() if served[f].get(live) != 100}
        record = json.loads(self.ws.run(["gcloud", "storage", "cat", self.release.record_url]))
        if code != 3 or decisions != ["roll back", "rolled back"] or back or not changed or record["ref"] != "second":
            raise StepFailed("regressed promotion", f"exit {code}, {decisions}, live not at 100 %: {back}\n{output}")
        return output

    def cleanup(self) -> None:
        pass  # the samples stay in the local Prometheus, under this scenario's revision names only

    def steps(self) -> Steps:
        r = self.release
        return [
            ("2nd: one bundle changes", lambda: r.change_one_bundle(PROGRESSIVE_CHANGES, "CHANGED-PROGRESSIVE")),
            ("2nd record (read)", r.read_record),
            ("2nd candidate apply", r.candidate),
            ("2nd promote: in steps", self.healthy_in_steps),
            ("2nd record (write)", lambda: r.record("second")),
            ("3rd candidate apply", self.third_release),
            ("3rd promote: rolled back", self.errors_rise_rolled_back),
        ]


IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", "tests", "test_*.py")
# Release N+1's changed bundles, by N+1's own packager (run with its tree's scripts/ and shared/).
WRITE_BUNDLES = (
    "import json, sys; from pathlib import Path; from devstack.deploy import package; "
    "print(json.dumps({n: package.write_bundle(n, Path(sys.argv[1])).name for n in sys.argv[2:]}))"
)


def next_release_tree(into: Path, path: str, old: str, new: str) -> Path:
    """Release N+1's checkout: this one with `old` replaced by `new` in one file (of what the packager and
    the local candidate read: the functions, the contracts, the library and the tooling)."""
    # A path of its own per change: devstack.stack.candidate names a tree's bundles once per process.
    root = into / f"next-release-{path.replace('/', '-')}"
    shutil.rmtree(root, ignore_errors=True)
    for part in ("functions", "contracts", "shared/wellness", "scripts/devstack"):
        shutil.copytree(REPO_ROOT / part, root / part, ignore=IGNORED)
    target = root / path
    text = target.read_text()
    if old not in text:
        raise StepFailed("next release", f"{path} no longer holds {old!r}: update the scenario's planted change")
    target.write_text(text.replace(old, new))
    return root


class SmokeStops:
    """N+1 with one function broken: applied as a candidate, stopped by the smoke, never promoted; N serves.

    N+1 is a checkout with one change (`next_release_tree`), its changed bundles made by its own
    packager into dist/. The release's steps run as deploy.yml runs them up to the smoke, which
    goes through the local candidate (devstack.stack.candidate: the changed function runs from
    N+1's tree beside the live one, behind a candidate gateway, and the subscriptions' candidate
    lanes push the smoke's events to it), as deploy.yml's goes through the candidate gateway. It
    must fail, naming `failed`; deploy.yml stops at a failed step, so promote is not played.
    Then the stand-in still serves N's revision at 100 % with N+1's at 0 %, the record still
    names N, no candidate process is left, and the smoke through the live gateway passes.
    """

    def __init__(self, release: Release, function: str, old: str, new: str, failed: str) -> None:
        self.release = release
        self.ws = release.ws
        self.function, self.old, self.new, self.failed = function, old, new, failed
        self.tree: Path | None = None
        self.smoke_said = ""

    def _stack(self) -> Stack:
        if self.release.stack is None:
            raise StepFailed("smoke-stop scenario", "needs the local stack (--state-dir)")
        return self.release.stack

    def next_release(self) -> str:
        main = f"functions/{self.function}/main.py"
        tree = self.tree = next_release_tree(self.release.temp, main, self.old, self.new)
        changed = candidate.changed_functions(REPO_ROOT, tree)
        if changed != [self.function]:
            raise StepFailed("next release", f"N+1 changes {changed}, not only {self.function}")
        env = {**self.ws.environ, "PYTHONPATH": f"{tree / 'scripts'}:{tree / 'shared'}"}
        written = json.loads(self.ws.run([sys.executable, "-c", WRITE_BUNDLES, str(self.ws.dist), *changed], env=env))
        manifest: dict[str, Any] = json.loads((self.ws.dist / "bundles.json").read_text())
        manifest["bundles"].update(written)
        (self.ws.dist / "bundles.json").write_text(json.dumps(manifest, indent=2))
        return f"N+1 changes {self.function} ({self.new.strip()!r}): bundle {written[self.function]}"

    def _smoke(self, base_url: str) -> bool:
        """scripts/smoke through a gateway with the stack's smoke key (every step tried); its output kept."""
        argv = [str(REPO_ROOT / "scripts" / "smoke"), "--base-url", base_url, "--event-timeout", "30"]
        argv += ["--smoke-key-file", str(self._stack().smoke_key_file)]
        done = subprocess.run(argv, env=self.ws.environ, capture_output=True, text=True, check=False)
        self.smoke_said = done.stdout + done.stderr
        return done.returncode == 0

    def smoke_stops(self) -> str:
        assert self.tree is not None
        promoted = candidate.release(self._stack(), self.tree, self._smoke)
        if promoted or f"smoke: FAILED: {self.failed}" not in self.smoke_said:
            raise StepFailed("smoke", f"{'promoted' if promoted else 'not the failure expected'}:\n{self.smoke_said}")
        return f"{self.smoke_said.strip()}\nnot promoted: the candidate's processes are stopped"

    def n_serves(self) -> str:
        r, stack = self.release, self._stack()
        live = json.loads((r.temp / "release.tfvars.json").read_text())["live_revisions"][self.function]
        new = json.loads((r.temp / "candidate.json").read_text())["candidate_revisions"]["value"][self.function]
        served = traffic(self.ws)[self.function]
        record = json.loads(self.ws.run(["gcloud", "storage", "cat", r.record_url]))
        left = [name for name in stack.processes if name.startswith(candidate.PREFIX)]
        if new == live or served != {live: 100, new: 0} or record["ref"] != FIRST or left:
            raise StepFailed("N serves", f"traffic {served} (N {live}, N+1 {new}), record {record['ref']}, left {left}")
        if not self._smoke(str(stack.gateway_url)):
            raise StepFailed("N serves", f"the smoke through the live gateway failed:\n{self.smoke_said}")
        return (
            f"stand-in: {self.function} serves N's {live} at 100 %, N+1's {new} at 0 %; the record names {FIRST}\n"
            + self.smoke_said.strip().splitlines()[-1]
        )

    def cleanup(self) -> None:
        if self.release.stack is not None:  # a candidate left by a step that failed half-way
            candidate.Candidate(self.release.stack, self.tree or REPO_ROOT).stop()

    def steps(self) -> Steps:
        r = self.release
        return [
            ("2nd: N+1 breaks " + self.function, self.next_release),
            ("2nd record (read)", r.read_record),
            ("2nd candidate apply", r.candidate),
            ("2nd secrets", r.secrets),
            ("2nd database", r.database),
            ("2nd migrate", r.migrate),
            ("2nd smoke: stopped", self.smoke_stops),
            ("not promoted: N serves", self.n_serves),
        ]


def broken_endpoint(release: Release) -> SmokeStops:
    """GET /v1/programs raises in N+1: the smoke's `programs listed` meets a 500."""
    ret = "    return ApiResponse(200, programs.list_programs("
    return SmokeStops(
        release, "program-list", ret, '    raise RuntimeError("a candidate bug")\n' + ret, "programs listed failed (500"
    )


def broken_subscriber(release: Release) -> SmokeStops:
    """reporting-on-task-completed raises in N+1: only its candidate gets the smoke's task.completed, and the
    completion is never reported."""
    applied = "    reports.on_task_completed(store, event)"
    return SmokeStops(
        release,
        "reporting-on-task-completed",
        applied,
        '    raise RuntimeError("a candidate bug")',
        "completion reported failed",
    )


SCENARIOS: dict[str, Callable[[Release], Scenario]] = {
    "rollback": RollbackAfterMigration,
    "progressive": ProgressivePromotion,
    "broken-endpoint": broken_endpoint,
    "broken-subscriber": broken_subscriber,
}
