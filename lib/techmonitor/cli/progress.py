"""A batch run's progress on the terminal (``techmonitor run``)."""

from __future__ import annotations

import sys
from typing import Any


class RunView:
    """Progress on the terminal: a rich progress bar with the running reports when stdout is
    a terminal, plain lines otherwise, nothing but the summary with ``--quiet``."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.progress: Any = None
        self.total: Any = None
        self.rows: dict[str, Any] = {}

    def _start(self, todo: int, cached: int) -> None:
        if self.quiet or not sys.stdout.isatty() or todo == 0:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 transient=False)
        self.progress.start()
        label = f"reports ({cached} unchanged)" if cached else "reports"
        self.total = self.progress.add_task(label, total=todo)

    def _line(self, text: str) -> None:
        if self.quiet:
            return
        if self.progress is not None:
            self.progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, flush=True)

    def event(self, event: dict[str, Any]) -> None:
        """Show one event of :func:`~techmonitor.batch.run_batch` (``on_event``)."""
        kind = event.get("event")
        if kind == "batch_start":
            self._start(int(event["to_run"]), int(event["cached"]))
        elif kind == "cached":
            self._line(f"=    {event['report']:<32} unchanged")
        elif kind == "start" and self.progress is not None:
            rid = str(event["report"])
            self.rows[rid] = self.progress.add_task(f"  {rid} [{event['worker']}]", total=None)
        elif kind == "done":
            rid = str(event["report"])
            if self.progress is not None:
                if rid in self.rows:
                    self.progress.remove_task(self.rows.pop(rid))
                self.progress.advance(self.total)
            timings = event.get("timings") or {}
            if event["status"] == "ok":
                self._line(f"ok   {rid:<32} {timings.get('total', 0):6.1f} s")
            else:
                self._line(f"FAIL {rid:<32} {event.get('error')}")
        elif kind == "pdf" and event.get("status") != "ok":
            self._line(f"FAIL {event['report']:<32} {event.get('error')}")
        elif kind == "appendix" and event.get("status") == "start":
            self._line(f"...  appendix of {event.get('parts')} reports")

    def stop(self) -> None:
        """End the progress bar, if one is shown (idempotent)."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
