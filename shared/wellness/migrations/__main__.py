"""python -m wellness.migrations [revision]: migrate the database in DATABASE_URL (default: to head).

With DB_RUNTIME_USERS set (as the cloud's migration job has it), the runtime users' grants are
reconciled afterwards, as the job does (wellness.migrations.grants).
"""

import os
import sys

from wellness.migrations import upgrade
from wellness.migrations.grants import grant_runtime_users
from wellness.platform.config import load_settings
from wellness.platform.postgres.engine import build_engine

ahead = upgrade(revision=sys.argv[1] if len(sys.argv) > 1 else "head")
print(ahead.describe() if ahead else "migrations applied", file=sys.stderr)
if "DB_RUNTIME_USERS" in os.environ and ahead is None:
    engine = build_engine(load_settings(), pool_size=1)
    print(grant_runtime_users(engine, os.environ), file=sys.stderr)
    engine.dispose()
