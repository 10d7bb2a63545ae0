"""The quarter's appendix: the overview, then every report, rebuilt only when a part changed.

The overview (every report × the four goals, from the results files) comes first; method and
measures are said once, in the national part (:mod:`techmonitor.batch.shared`).
"""

from __future__ import annotations

import json
import time
from typing import Any

from techmonitor.batch.index import batch_language, batch_overview
from techmonitor.batch.manifest import BatchState
from techmonitor.batch.plan import appendix_name
from techmonitor.batch.shared import shared_once
from techmonitor.batch.track import batch_track_sentence
from techmonitor.cache import combined_key
from techmonitor.errors import TechmonitorError
from techmonitor.fsutil import atomic_write_bytes
from techmonitor.messages import msg


def build_appendix(state: BatchState) -> None:
    """Build (or keep) the appendix of ``state``'s run and record it in ``state.appendix``.

    The appendix is built only with ``pdf`` among the formats and when every report of the
    batch is ok; otherwise any earlier appendix is removed and the reason recorded. A run
    without ``pdf`` removes an appendix whose reports changed (it would show old versions).
    It is laid out anew from the reports' documents, which the kept notebooks hold, so a
    cached report needs no rerun.
    """
    name = appendix_name(state.period, state.jobs[0].params.language)
    path = state.out_dir / name
    entries = {e["report"]: e for e in state.entries()}
    jobs = state.jobs
    missing = [j.report_id for j in jobs
               if entries.get(j.report_id, {}).get("status") != "ok"
               or not (state.out_dir / f"notebooks/{j.report_id}.ipynb").is_file()]
    key = None if missing else combined_key([str(entries[j.report_id].get("key"))
                                             for j in jobs])
    if "pdf" not in state.options.formats:
        # a run without PDF keeps the appendix only while it still shows every report as is
        if state.appendix.get("status") == "ok" and (key is None
                                                     or state.appendix.get("key") != key):
            path.unlink(missing_ok=True)
            state.appendix = {"status": "not built", "file": None,
                              "reason": "reports changed in a run without --format pdf; "
                              "run with --format pdf to rebuild it"}
            state.emit({"event": "appendix", "status": "removed",
                        "reason": state.appendix["reason"]})
        return
    if missing:
        path.unlink(missing_ok=True)
        state.appendix = {"status": "not built", "file": None,
                          "reason": f"{len(missing)} of {len(jobs)} reports missing "
                          "or failed (" + ", ".join(missing[:3])
                          + (", …" if len(missing) > 3 else "")
                          + "); run the whole batch to build it"}
        state.emit({"event": "appendix", "status": "not built",
                    "reason": state.appendix["reason"]})
        return
    if (not state.options.force and state.appendix.get("key") == key
            and state.appendix.get("status") == "ok" and path.is_file()):
        state.appendix["cached"] = True
        state.emit({"event": "appendix", "status": "cached", "file": name})
        return
    state.emit({"event": "appendix", "status": "start", "parts": len(jobs)})
    t0 = time.perf_counter()
    try:
        pdf = _render(state, entries)
    except Exception as exc:  # noqa: BLE001 - the reports stand; say why the appendix not
        path.unlink(missing_ok=True)
        reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, TechmonitorError) \
            else str(exc)
        state.appendix = {"status": "failed", "file": None, "reason": reason}
        state.emit({"event": "appendix", "status": "failed", "reason": reason})
        return
    atomic_write_bytes(path, pdf)
    seconds = round(time.perf_counter() - t0, 3)
    state.appendix = {"status": "ok", "file": name, "key": key, "cached": False,
                      "seconds": seconds, "parts": [j.report_id for j in jobs]}
    state.emit({"event": "appendix", "status": "ok", "file": name, "seconds": seconds})


def _render(state: BatchState, entries: dict[str, dict[str, Any]]) -> bytes:
    """The appendix PDF: the overview first, then each report, shared sections said once."""
    from techmonitor.render.typst import AppendixPart, render_appendix_pdf
    from techmonitor.report.overview import OVERVIEW_ID, overview_section
    from techmonitor.worker import appendix_meta, documents_of

    lang = batch_language(state)
    has_national = any(j.params.kind == "national" for j in state.jobs)
    overview = overview_section(batch_overview(state), lang, state.period, batch_track_sentence(
        state.out_dir, [j.report_id for j in state.jobs], lang))
    parts = [AppendixPart(OVERVIEW_ID, msg("ovw.part", lang), [overview.to_json()], lang)]
    parts += [AppendixPart(
        j.report_id, str(entries[j.report_id]["title"]),
        shared_once(documents_of(json.loads((state.out_dir / f"notebooks/{j.report_id}.ipynb")
                                            .read_text(encoding="utf-8"))),
                    national=j.params.kind == "national", lang=j.params.language,
                    has_national=has_national),
        j.params.language,
        # the national part's sections in the contents; the others the same each time
        sections_in_contents=j.params.kind == "national" or not has_national)
        for j in state.jobs]
    return render_appendix_pdf(parts, appendix_meta(state.jobs[0].params))
