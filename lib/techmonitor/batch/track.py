"""The batch's track record: how often the projections' bands held, over every report.

Each report's results file holds, per projected series, what the projection made on the data
of a year earlier said and what came in (``items[].track_record``). The batch sums those over
all reports of the round, each distinct series once (a national series that several reports
show counts once), per kind of series. The sum is read from the results files, never by one
report re-fitting the others, so it costs nothing and always matches the reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from techmonitor import fmt
from techmonitor.messages import Lang, msg


@dataclass(frozen=True)
class BandCoverage:
    """How many past projections of one kind held in their 80% and 95% bands."""

    kind: str
    n: int
    inside80: int
    inside95: int
    series: tuple[str, ...]

    @property
    def share80(self) -> float:
        """Share of outcomes inside the 80% band."""
        return self.inside80 / self.n

    @property
    def share95(self) -> float:
        """Share of outcomes inside the 95% band."""
        return self.inside95 / self.n


def _identity(item: Mapping[str, Any]) -> tuple[object, ...]:
    """A series as the reader sees it: indicator, level and its observations."""
    obs = tuple((str(o.get("period")), o.get("value")) for o in item.get("observations") or ())
    return (item.get("indicator"), item.get("level"), obs)


def batch_coverage(results: Iterable[Mapping[str, Any]]) -> dict[str, BandCoverage]:
    """Sum the past projections of every report's results, each distinct series once.

    Parameters
    ----------
    results
        The results files (parsed JSON) of the batch's reports.

    Returns
    -------
    dict
        ``kind -> BandCoverage`` (``count``, ``share``, ...), sorted by kind; kinds without a
        compared projection are left out.
    """
    seen: set[tuple[object, ...]] = set()
    tally: dict[str, list[Any]] = {}
    for res in results:
        for item in res.get("items") or ():
            track = item.get("track_record") or {}
            if not track.get("compared"):
                continue
            ident = _identity(item)
            if ident in seen:
                continue
            seen.add(ident)
            kind = str(track.get("kind") or "count")
            n, i80, i95, names = tally.setdefault(kind, [0, 0, 0, []])
            names.append(f"{res.get('report', '')}:{item.get('key', '')}")
            tally[kind] = [n + 1, i80 + bool(track.get("inside80")),
                           i95 + bool(track.get("inside95")), names]
    return {k: BandCoverage(k, n, i80, i95, tuple(names))
            for k, (n, i80, i95, names) in sorted(tally.items())}


def batch_track_sentence(out_dir: Path, reports: Iterable[str], lang: Lang) -> str | None:
    """How often the bands held over the batch, in one sentence for the index and the
    appendix overview; None when no report has a compared projection.

    Parameters
    ----------
    out_dir
        The run folder (``results/<report>.json``).
    reports
        The batch's report ids.
    lang
        Language of the sentence.
    """
    results = []
    for rid in reports:
        path = out_dir / "results" / f"{rid}.json"
        if path.is_file():
            try:
                results.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue  # an unreadable results file shows as a failed report elsewhere
    cov = batch_coverage(results)
    if not cov:
        return None
    parts = "; ".join(msg("batch.track.part", lang, kind=msg(f"met.kind.{k}", lang),
                          c80=fmt.percent(100 * c.share80, 0, lang),
                          c95=fmt.percent(100 * c.share95, 0, lang), i80=c.inside80,
                          i95=c.inside95, n=c.n) for k, c in cov.items())
    return msg("batch.track", lang, n=sum(c.n for c in cov.values()), parts=parts)
