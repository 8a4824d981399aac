"""Release scenarios the rehearsal plays besides its two plain releases (`rehearse(..., scenario=)`).

`progressive` (class ProgressivePromotion): a healthy release promoted in steps, and one whose
error rate rises at the first step, rolled back by the watch.

`rollback_after_migration`: release N; release N+1, whose migration expands the schema (N's
migration files plus one revision, as in functions/db-migrate's own test); `scripts/rollback`
to N. Then the stand-in state must have N's revisions at 100 % and N's API config on the live
gateway, N's migration job must find the database ahead and do nothing, and the local stack
(N's code) must pass the smoke on N+1's schema. N+1's revision is taken out of the local
database afterwards, whatever happened, so the stack is left as it was found.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devstack.catalog import REPO_ROOT
from devstack.deploy import watch
from devstack.deploy.standin import cloud_run_metrics
from devstack.deploy.standin.cloud_run_metrics import Traffic
from devstack.deploy.standin.rehearse import Release, Scenario, StepFailed

Steps = list[tuple[str, Callable[[], str]]]
LATER = ("2nd", "plan shows", "destroy", "apply again")  # the plain rehearsal's, after its first release
NEXT_REVISION = "rehearsal_next"  # N+1's migration: a revision id no real migration will take
NEXT_TABLE = "rehearsal_next_release"
FIRST = "1st"  # the ref the plain rehearsal's first release records (Release.release("1st"))


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


def first_release(release: Release) -> Steps:
    """The plain rehearsal's steps up to its first release, without the plan (the applies show it) or the
    seed (the plain rehearsals seed the same addresses; again here, they meet the per-address throttle)."""
    return [s for s in release.steps() if s[0] != "plan" and not s[0].startswith(LATER) and not s[0].endswith("seed")]


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

    def restore_database(self) -> str:
        """Take N+1's revision out of the local stack's database (the rehearsal's, not a release's, business)."""
        from alembic.script import ScriptDirectory
        from sqlalchemy import create_engine, text

        from wellness.migrations import alembic_config

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        engine = create_engine(str(self.release.database_url))
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

    def cleanup(self) -> None:
        if self.release.database_url is not None:
            self.restore_database()

    def steps(self) -> Steps:
        r = self.release
        first = first_release(r)
        return [
            *first,
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


def _resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found += _resources(child)
    return found


class ProgressivePromotion:
    """Release N; N+1 promoted in steps while healthy; N+2, whose errors rise at 10 %, rolled back by itself.

    The steps are devstack.deploy.promote on the stand-in Terraform; the watch reads the local
    stack's Prometheus with the query text it sends Cloud Monitoring. What the two revisions
    report is written there by `cloud_run_metrics` (Cloud Run's metrics, stood in for), each
    release's recording ending at its own instant (`--at`), so that they never overlap.
    """

    def __init__(self, release: Release) -> None:
        self.release = release
        self.ws = release.ws
        self.third = release.temp / "third"

    def _prometheus(self) -> str:
        url = self.release.prometheus_url
        if not url:
            raise StepFailed("progressive promotion", "needs the local stack's Prometheus (--prometheus-url)")
        return str(url)

    def _changed(self) -> dict[str, tuple[str, str]]:
        return watch.changed_functions(
            json.loads((self.release.temp / "candidate.json").read_text()),
            json.loads((self.release.temp / "release.tfvars.json").read_text()),
        )

    def _promote(self, candidate: Traffic, end: int, report: Path) -> tuple[int, list[str], str]:
        """Record both revisions' traffic ending at `end`, promote judging there: (exit, decisions, output)."""
        changed = self._changed()
        series = [
            sample
            for function, (live, new) in changed.items()
            for sample in cloud_run_metrics.samples(
                function, {live: Traffic(calls=90, errors=1, latency_ms=100), new: candidate}, end, count=40
            )
        ]
        cloud_run_metrics.remote_write(self._prometheus(), series)
        t = self.release.temp
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "devstack.deploy.promote",
                *("--tf-dir", str(self.ws.env_dir), "--bundles", str(self.ws.dist / "bundles.json")),
                *("--live-vars", str(t / "release.tfvars.json"), "--promote-vars", str(t / "promote.tfvars.json")),
                *("--candidates", str(t / "candidate.json"), "--prometheus", self._prometheus()),
                *("--settle", "0", "--at", str(end), "--report", str(report)),
            ],
            cwd=REPO_ROOT,
            env=self.ws.environ,
            capture_output=True,
            text=True,
            check=False,
        )
        decisions = (
            [json.loads(line)["decision"] for line in report.read_text().splitlines()] if report.is_file() else []
        )
        return done.returncode, decisions, done.stdout + done.stderr

    def _traffic(self) -> dict[str, dict[str, int]]:
        """{service: {revision: percent}} in the stand-in state."""
        state: dict[str, Any] = json.loads(self.ws.terraform("show", "-json"))
        return {
            r["values"]["name"]: {t["revision"]: t["percent"] for t in r["values"]["traffic"]}
            for r in _resources(state["values"]["root_module"])
            if r["type"] == "google_cloud_run_v2_service"
        }

    def healthy_in_steps(self) -> str:
        changed = self._changed()
        code, decisions, output = self._promote(
            Traffic(calls=10, errors=0, latency_ms=100), int(time.time()) - 1200, self.release.temp / "second.jsonl"
        )
        served = self._traffic()
        wrong = {f: served[f] for f, (_, new) in changed.items() if served[f].get(new) != 100}
        if code != 0 or decisions != ["continue", "continue", "promoted"] or wrong or not changed:
            raise StepFailed("healthy promotion", f"exit {code}, {decisions}, not at 100 %: {wrong}\n{output}")
        return output

    def third_release(self) -> str:
        """The same function changes again (its own entry: the second change's name is taken), and its candidate."""
        self.release.change_bundle(self.release.changed, "CHANGED-THIRD", b"the third release's change\n")
        self.release.read_record()
        return self.release.candidate()

    def errors_rise_rolled_back(self) -> str:
        changed = self._changed()
        code, decisions, output = self._promote(
            Traffic(calls=10, errors=3, latency_ms=100), int(time.time()), self.release.temp / "third.jsonl"
        )
        served = self._traffic()
        back = {f: served[f] for f, (live, _) in changed.items() if served[f].get(live) != 100}
        record = json.loads(self.ws.run(["gcloud", "storage", "cat", self.release.record_url]))
        if code != 3 or decisions != ["roll back", "rolled back"] or back or not changed or record["ref"] != "second":
            raise StepFailed("regressed promotion", f"exit {code}, {decisions}, live not at 100 %: {back}\n{output}")
        return output

    def cleanup(self) -> None:
        pass  # the samples stay in the local Prometheus, under the stand-in's revision names only

    def steps(self) -> Steps:
        r = self.release
        first = first_release(r)
        return [
            *first,
            ("2nd record (read)", r.read_record),
            ("2nd candidate apply", r.candidate),
            ("2nd promote: in steps", self.healthy_in_steps),
            ("2nd record (write)", lambda: r.record("second")),
            ("3rd candidate apply", self.third_release),
            ("3rd promote: rolled back", self.errors_rise_rolled_back),
        ]


SCENARIOS: dict[str, Callable[[Release], Scenario]] = {
    "rollback": RollbackAfterMigration,
    "progressive": ProgressivePromotion,
}
