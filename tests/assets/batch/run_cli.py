"""Run ``techmonitor`` like the console script, with fast fixture settings.

The batch tests run the real CLI in a subprocess (to kill it or send it Ctrl-C). The fixture
templates need no report library, so kernels skip the heavy warm-up, titles come from the
names and the fixture data is not validated against the real data contract.
"""

from __future__ import annotations

import sys
from typing import Any

import techmonitor.batch as batch
from techmonitor.cli import main

_RunOptions = batch.RunOptions


def fast_options(**kwargs: Any) -> batch.RunOptions:
    """RunOptions with the fixture defaults (light kernels, no data contract)."""
    defaults: dict[str, Any] = {"warm_imports": (), "warm_data": False,
                                "validate": lambda data_dir: []}
    return _RunOptions(**{**defaults, **kwargs})


if __name__ == "__main__":
    batch.RunOptions = fast_options  # type: ignore[assignment,misc]
    sys.exit(main(sys.argv[1:]))
