"""`python -m devstack up|down|status|logs|traces`: what scripts/dev runs once the venv is ready."""

import sys

from devstack.stack.cli import main

sys.exit(main())
