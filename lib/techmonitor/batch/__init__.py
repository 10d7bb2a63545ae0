"""The batch: expand params into jobs, skip what is unchanged, run the rest, write everything.

Output layout (``reports/<period>/``)::

    <kind>-<slug>.html              the report
    <kind>-<slug>.pdf               its tagged PDF (``--format pdf``)
    bijlage-<period>.pdf            all reports in one PDF, national → sectors → provinces
    notebooks/<kind>-<slug>.ipynb   the executed notebook (kept, also on failure, with the error)
    index.html                      every report with its status
    manifest.json                   per report: params, cache key, status, outputs, timings
    en/                             the same for a run in English (appendix-<period>.pdf),
                                    so one language never touches the files of another

Incremental: each report's cache key (:mod:`techmonitor.cache`) is stored in the manifest; a
report whose key is unchanged and whose outputs exist is not run again (``force`` redoes it).
The appendix is rebuilt only when one of its parts changed or it is missing.

Atomic: every file is written to a temporary name and renamed; the manifest is rewritten after
each finished report, so a killed run resumes where it stopped. One batch at a time may write
an output folder (``.lock``).

Modules, one job each: :mod:`.plan` (options, jobs, comparisons), :mod:`.outcome` (what
happened), :mod:`.manifest` (state of one run: cache and manifest), :mod:`.appendix`,
:mod:`.index` and :mod:`.run` (executing). Only light modules are imported at import time: a
run where nothing changed hashes the inputs, reads the manifest and stops, without starting a
kernel or importing pandas.
"""

from __future__ import annotations

from techmonitor.batch.outcome import BatchResult, ReportOutcome
from techmonitor.batch.plan import (
    RunOptions,
    appendix_name,
    compared_path,
    default_workers,
    parse_formats,
    plan,
    with_comparison,
)
from techmonitor.batch.run import run_batch

__all__ = ["BatchResult", "ReportOutcome", "RunOptions", "appendix_name", "compared_path",
           "default_workers", "parse_formats", "plan", "run_batch", "with_comparison"]
