"""The batch's track record: past projections summed over the results files, by hand."""

from __future__ import annotations

from pathlib import Path

from techmonitor.batch.track import batch_coverage


def item(key: str, values: list[float], kind: str, inside80: bool, inside95: bool,
         compared: bool = True) -> dict[str, object]:
    return {"key": key, "indicator": key.split("-")[0], "level": "hbo",
            "observations": [{"period": str(2015 + i), "value": v}
                             for i, v in enumerate(values)],
            "track_record": {"compared": compared, "kind": kind, "inside80": inside80,
                             "inside95": inside95}}


def test_each_series_counts_once_per_kind() -> None:
    national = {"report": "national-nl", "items": [
        item("inflow_tech-hbo", [1, 2, 3], "count", True, True),
        item("inflow_share-hbo", [10, 11, 12], "share", False, True),
        item("diplomas_tech-hbo", [5, 6, 7], "count", False, False),
        item("short-hbo", [1, 2], "count", True, True, compared=False)]}
    # a region report shows the same national series (same values) and one of its own
    region = {"report": "region-utrecht", "items": [
        item("inflow_tech-hbo", [1, 2, 3], "count", True, True),
        item("inflow_tech-hbo", [4, 5, 6], "count", True, False)]}
    cov = batch_coverage([national, region])
    assert list(cov) == ["count", "share"]
    count = cov["count"]
    # by hand: three distinct compared count series; inside 80%: the first and the region's,
    # inside 95%: only the first
    assert (count.n, count.inside80, count.inside95) == (3, 2, 1)
    assert count.series == ("national-nl:inflow_tech-hbo", "national-nl:diplomas_tech-hbo",
                            "region-utrecht:inflow_tech-hbo")
    assert (cov["share"].n, cov["share"].inside80, cov["share"].inside95) == (1, 0, 1)
    assert abs(count.share80 - 2 / 3) < 1e-12


def test_nothing_compared_gives_nothing() -> None:
    assert batch_coverage([{"items": [item("a-hbo", [1, 2], "count", True, True,
                                             compared=False)]}, {}]) == {}


def test_the_sentence_sums_the_results_files(tmp_path: Path) -> None:
    import json

    from techmonitor.batch.track import batch_track_sentence

    (tmp_path / "results").mkdir()
    national = {"report": "national-nl", "items": [
        item("inflow_tech-hbo", [1, 2, 3], "count", True, True),
        item("diplomas_tech-hbo", [5, 6, 7], "count", False, True)]}
    (tmp_path / "results" / "national-nl.json").write_text(json.dumps(national))
    text = batch_track_sentence(tmp_path, ["national-nl", "region-gone"], "nl")
    # by hand: 2 count series, 1 inside 80% (50%), 2 inside 95% (100%)
    assert text is not None and "over de 2 reeksen" in text
    assert "bij aantallen lag de waarde die binnenkwam in 50% van de gevallen binnen de " \
           "80%-band en in 100% binnen de 95%-band (1 en 2 van 2)" in text
    assert batch_track_sentence(tmp_path, ["region-gone"], "nl") is None
