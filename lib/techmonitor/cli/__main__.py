"""``python -m techmonitor.cli``: the same as the ``techmonitor`` console script."""

import sys

from techmonitor.cli import main

sys.exit(main())
