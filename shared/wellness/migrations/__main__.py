"""python -m wellness.migrations [revision]: migrate the database in DATABASE_URL (default: to head)."""

import sys

from wellness.migrations import upgrade

upgrade(revision=sys.argv[1] if len(sys.argv) > 1 else "head")
print("migrations applied", file=sys.stderr)
