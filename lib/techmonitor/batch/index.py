"""The run folder's index page: every report with its status and its files."""

from __future__ import annotations

from techmonitor.batch.manifest import BatchState
from techmonitor.fsutil import atomic_write_text
from techmonitor.titles import sector_families


def write_index(state: BatchState, *, changed: bool) -> None:
    """Write ``index.html`` of ``state``'s run folder (kept as it is when nothing changed)."""
    index = state.out_dir / "index.html"
    if not changed and index.is_file():
        return
    from techmonitor.render.index import index_html

    def present(name: str | None) -> str | None:
        # the index links only files that are there (never one a run removed)
        return name if name and (state.out_dir / name).is_file() else None

    entries = state.entries()
    language = next((e["params"].get("language", "nl") for e in entries), "nl")
    families = sector_families(state.project / "data")
    index_entries = [
        {"report": e["report"], "kind": e["kind"], "title": e["title"],
         "status": e["status"], "html": present((e.get("outputs") or {}).get("html")),
         "pdf": present((e.get("outputs") or {}).get("pdf")), "error": e.get("error"),
         "summary": e.get("summary"),
         "family": family.heading[language] if e["kind"] == "sector" and (
             family := families.get(e["params"].get("slug", ""))) else None}
        for e in entries
    ]
    appendix = present(state.appendix.get("file")) \
        if state.appendix.get("status") == "ok" else None
    atomic_write_text(index, index_html(state.period, index_entries, language, appendix))
