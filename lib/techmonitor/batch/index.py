"""The run folder's index page: the overview of every report, read from its results file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from techmonitor.batch.manifest import BatchState
from techmonitor.batch.track import batch_track_sentence
from techmonitor.fsutil import atomic_write_text
from techmonitor.messages import Lang, as_lang
from techmonitor.titles import sector_families

if TYPE_CHECKING:  # the overview reads results with the verdict machinery: only when needed
    from techmonitor.report.overview import OverviewRow


def batch_overview(state: BatchState) -> list[OverviewRow]:
    """The overview's rows of ``state``'s run: the manifest entries and their results files.

    Links go only to files that are there (never one a run removed).
    """
    # imported here: a no-change rerun keeps the index and never needs the report layer
    from techmonitor.report.overview import overview_rows

    def present(name: str | None) -> str | None:
        return name if name and (state.out_dir / name).is_file() else None

    entries = state.entries()
    language = batch_language(state)
    names = {j.report_id: j.params.display_name() for j in state.jobs}
    families = sector_families(state.project / "data")
    index_entries: list[dict[str, Any]] = [
        {"report": e["report"], "kind": e["kind"], "title": e["title"],
         "name": names.get(e["report"], e["title"]),
         "status": e["status"], "html": present((e.get("outputs") or {}).get("html")),
         "pdf": present((e.get("outputs") or {}).get("pdf")), "error": e.get("error"),
         "summary": e.get("summary"),
         "family": family.heading[language] if e["kind"] == "sector" and (
             family := families.get(e["params"].get("slug", ""))) else None}
        for e in entries
    ]
    return overview_rows(state.out_dir, index_entries, language)


def batch_language(state: BatchState) -> Lang:
    """The language of the run (every report of a batch has the same)."""
    return as_lang(state.jobs[0].params.language if state.jobs else "nl")


def write_index(state: BatchState, *, changed: bool) -> None:
    """Write ``index.html`` of ``state``'s run folder (kept as it is when nothing changed)."""
    index = state.out_dir / "index.html"
    if not changed and index.is_file():
        return
    from techmonitor.render.index import index_html

    appendix = state.appendix.get("file") if state.appendix.get("status") == "ok" else None
    if appendix and not (state.out_dir / appendix).is_file():
        appendix = None
    lang = batch_language(state)
    track = batch_track_sentence(state.out_dir, [j.report_id for j in state.jobs], lang)
    atomic_write_text(index, index_html(state.period, batch_overview(state), lang, appendix,
                                        track))
