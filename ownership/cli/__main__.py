"""`python -m ownership.cli`: the `ownership` command."""

import sys

from .main import main

sys.exit(main())
