"""`python -m devstack.seed`: what scripts/seed runs."""

import sys

from devstack.seed.run import main

sys.exit(main())
