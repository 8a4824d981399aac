"""`python -m devstack.load`: what scripts/load runs."""

import sys

from devstack.load.run import main

sys.exit(main())
