"""A step the analysis could not do is said in the reader's words in the report, the appendix
and the overview: the indicator's name, a Dutch step and reason, no internal key and no
exception text (issue #22: no internal key in any PDF). The technical line stays in the
manifest and on the command line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from .report_helpers import make_report

ROOT = Path(__file__).resolve().parents[1]


def _net_retention_drenthe() -> dict[str, float]:
    """Net retention in 'gedrag' hbo, Drenthe, per year: stayed / base x 100, from the data
    file directly (the check the report's share model refuses above 100)."""
    obs = pd.read_csv(ROOT / "data" / "observations.csv", dtype=str)
    sel = obs[(obs["region"] == "PV22") & (obs["sex"] == "all") & (obs["level"] == "hbo")]
    stayed = sel[sel["indicator"] == "retention_net_gedrag_stayed"].set_index("period")["value"]
    base = sel[sel["indicator"] == "retention_net_gedrag_base"].set_index("period")["value"]
    return {p: float(stayed[p]) / float(base[p]) * 100 for p in stayed.index if p in base.index}


def test_a_share_above_100_is_said_with_the_indicator_name_and_its_values() -> None:
    over = {p: v for p, v in _net_retention_drenthe().items() if v > 100}
    assert over, "the bundled data no longer have a net retention above 100% in Drenthe"
    report = make_report("regions/drenthe.yaml", period="2025Q4")
    found = [f for f in report.context.findings if f.where == "retention_net_gedrag-hbo"]
    assert len(found) == 1, [f.text() for f in report.context.findings]
    finding = found[0]
    # the technical line keeps the key and the exception text (manifest, command line)
    assert "retention_net_gedrag-hbo" in finding.text()
    assert "kind='share'" in finding.text()
    where, step, reason = finding.row("nl")
    assert "retention_net" not in where and "_" not in where
    assert step == "trend"
    assert "buiten het bereik van 0% tot 100%" in reason and "kind=" not in reason
    assert reason.count("een trend voor aandelen") == 1, reason  # said once, nothing glued on
    assert reason.endswith("dus de reeks staat er zonder trend"), reason
    for period, value in over.items():  # each value above 100, as a Dutch percentage
        year = f"{period[:4]}/'{period[-2:]}"
        # rounded half up, as Statistics Netherlands rounds (106,25 -> 106,3)
        rounded = Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        shown = str(rounded).replace(".", ",") + "%"
        assert f"{year} ({shown})" in reason, (year, shown, reason)
    # the summary the overview reads carries the same words, not the technical line
    lines = report.summary().data["findings"]
    assert finding.line("nl") in lines
    assert not any("kind=" in line or "retention_net" in line for line in lines)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_step_of_a_finding_has_words(lang: str) -> None:
    from techmonitor.report.context import Finding

    for step in ("trend", "target", "status", "delineation", "changes", "analysis"):
        where, word, reason = Finding(f"key-of-{step}", step, "r").row(lang)  # type: ignore[arg-type]
        assert word and not word.startswith("step."), (step, word)
        # without a label the reader sees what kind of place it is, never the internal key
        assert where and "key-of" not in where and not where.startswith("where."), where
        assert reason == "r"
