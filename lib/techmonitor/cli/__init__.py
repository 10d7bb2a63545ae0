"""Command line: ``techmonitor run | list | validate | new | open | preview | data | measures``.

Library errors (:class:`TechmonitorError`) become one clear line per problem and a non-zero
exit; ``--debug`` shows the traceback instead."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from techmonitor.cli.commands import COMMANDS
from techmonitor.cli.parser import build_parser
from techmonitor.errors import DataValidationError, TechmonitorError
from techmonitor.swap import recover_data


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``techmonitor`` console script."""
    args = build_parser().parse_args(argv)
    try:
        for line in recover_data(getattr(args, "project", Path(".")) / "data"):  # killed update
            print(f"note: {line}", file=sys.stderr)
        return COMMANDS[args.command](args)
    except DataValidationError as exc:
        if args.debug:
            raise
        print(f"error: {exc.args[0]}", file=sys.stderr)
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except TechmonitorError as exc:
        if args.debug:
            raise
        for line in str(exc).splitlines():
            print(f"error: {line.strip().removeprefix('- ')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`techmonitor list | head`): stop quietly, like other tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
