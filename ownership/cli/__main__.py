"""`python -m ownership.cli`: the `ownership` command."""

import sys

from . import main

sys.exit(main())
