"""Report context: what a template needs, built from its parameters.

A template's parameters cell defines plain literals; the next cell calls
:func:`Report.from_namespace` with ``globals()``, and every later cell calls one section
method, whose return value the notebook displays. All computing lives in the library.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from babel.numbers import format_decimal

from techmonitor import blocks, charts, observations
from techmonitor.blocks import Block, Section
from techmonitor.config import FIELDS, ReportParams
from techmonitor.errors import ParameterError
from techmonitor.periods import to_decimal_years

KIND_LABEL = {
    "nl": {"national": "Landelijk rapport", "sector": "Topsector", "region": "Provincie"},
    "en": {"national": "National report", "sector": "Top sector", "region": "Province"},
}
QUARTER_WORDS = {"nl": "{q}e kwartaal {y}", "en": "Q{q} {y}"}
LOCALE = {"nl": "nl_NL", "en": "en_GB"}


def report_title(params: ReportParams) -> str:
    """Title of a report, e.g. ``Techniek Monitor – Topsector Energie, 3e kwartaal 2023``."""
    lang = params.language
    year, q = params.period[:4], params.period[5]
    when = QUARTER_WORDS[lang].format(q=q, y=year)
    return f"Techniek Monitor – {KIND_LABEL[lang][params.kind]} {params.display_name()}, {when}"


def _num(value: float, lang: str, digits: int = 0) -> str:
    fmt = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return str(format_decimal(value, format=fmt, locale=LOCALE[lang]))


@dataclass
class LinearTrend:
    """OLS linear trend on real time with a 95% prediction band (skeleton estimator)."""

    periods: list[str]
    times: np.ndarray
    values: np.ndarray
    slope: float
    grid: np.ndarray
    mean: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray


def linear_trend(df: pd.DataFrame, until: float) -> LinearTrend | None:
    """Fit ``value ~ a + b·time`` and project to ``until`` (decimal year); None if < 4 points."""
    if len(df) < 4:
        return None
    t = to_decimal_years(df["period"])
    y = df["value"].to_numpy(dtype=float)
    fit = sm.OLS(y, sm.add_constant(t)).fit()
    grid = np.linspace(t.min(), max(until, t.max()), 40)
    pred = fit.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)
    return LinearTrend(
        periods=list(df["period"]),
        times=t,
        values=y,
        slope=float(fit.params[1]),
        grid=grid,
        mean=pred["mean"].to_numpy(),
        lo95=pred["obs_ci_lower"].to_numpy(),
        hi95=pred["obs_ci_upper"].to_numpy(),
    )


class Report:
    """Everything a report template calls, for one set of parameters."""

    def __init__(self, params: ReportParams) -> None:
        self.params = params
        self.lang = params.language
        self.project = Path(params.project_dir).resolve()

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, Any]) -> Report:
        """Build a report from a template's parameter variables (pass ``globals()``).

        Raises
        ------
        ParameterError
            If the parameters do not satisfy the schema.
        """
        values = {k: namespace[k] for k in FIELDS if k in namespace}
        try:
            params = ReportParams.model_validate(values)
        except Exception as exc:  # pydantic's message already names the key
            raise ParameterError(f"template parameters: {exc}") from exc
        return cls(params)

    @cached_property
    def obs(self) -> pd.DataFrame:
        return observations.load_observations(self.project / "data")

    def _t(self, nl: str, en: str) -> str:
        return en if self.lang == "en" else nl

    # -- sections ---------------------------------------------------------------------------

    def title_block(self) -> Block:
        """Title, period, date of the data and its status."""
        p = self.params
        statuses = sorted(set(self.obs["status"]))
        data_hash = hashlib.sha256(
            (self.project / "data" / "observations.csv").read_bytes()
        ).hexdigest()[:12]
        return blocks.join(
            Block(f"<header class=\"title-block\"><h1>{blocks.esc(report_title(p))}</h1>"),
            blocks.definition_list([
                (self._t("Verslagperiode", "Reporting period"), p.period),
                (self._t("Status gegevens", "Data status"), ", ".join(statuses)),
                (self._t("Gegevensversie", "Data version"), data_hash),
                (self._t("Opgesteld door", "Prepared by"), p.organisation),
            ]),
            Block("</header>"),
        )

    def inflow(self) -> Section:
        """Technical first-year inflow per level with a linear trend and its 95% band."""
        sec = Section(self._t("Instroom in technische opleidingen", "Inflow into technical "
                              "education"), anchor="instroom")
        region = self.params.region
        rows = []
        for level in self.params.levels:
            indicator = "mbo_participants_tech" if level == "mbo" else "inflow_tech"
            df = observations.select(self.obs, indicator, level=level, region=region)
            if df.empty:
                continue
            label = self._t(
                f"Technische instroom {level}" if level != "mbo" else "Mbo-deelnemers techniek",
                f"Technical inflow {level}" if level != "mbo" else "Mbo participants technology",
            )
            trend = linear_trend(df, until=self.params.target_year + 0.5)
            sec.add(blocks.heading(label, 3), self._trend_chart(df, trend, label, level))
            first, last = df.iloc[0], df.iloc[-1]
            sentence = self._t(
                f"{label} ging van {_num(first.value, 'nl')} in {first.period} naar "
                f"{_num(last.value, 'nl')} in {last.period}.",
                f"{label} went from {_num(first.value, 'en')} in {first.period} to "
                f"{_num(last.value, 'en')} in {last.period}.",
            )
            if trend is not None:
                sentence += " " + self._t(
                    f"De lineaire trend is {_num(trend.slope, 'nl')} per jaar.",
                    f"The linear trend is {_num(trend.slope, 'en')} per year.",
                )
            else:
                sentence += " " + self._t("Te weinig punten voor een trend.",
                                          "Too few points for a trend.")
            sec.add(blocks.paragraph(sentence))
            for r in df.itertuples():
                rows.append([label, str(r.period), _num(float(r.value), self.lang), str(r.status)])
        if rows:
            sec.add(blocks.table(
                self._t("Technische instroom per niveau", "Technical inflow per level"),
                [self._t("Reeks", "Series"), self._t("Periode", "Period"),
                 self._t("Aantal", "Number"), "Status"],
                rows, numeric=[False, False, True, False]))
        else:
            sec.add(blocks.paragraph(self._t("Geen gegevens voor deze selectie.",
                                             "No data for this selection.")))
        return sec

    def _trend_chart(
        self, df: pd.DataFrame, trend: LinearTrend | None, label: str, salt: str
    ) -> Block:
        fig = charts.new_figure()
        ax = fig.add_subplot()
        t = to_decimal_years(df["period"])
        ax.plot(t, df["value"], marker="o", color=charts.PALETTE[0], label=label)
        if trend is not None:
            ax.fill_between(trend.grid, trend.lo95, trend.hi95, color=charts.PALETTE[0],
                            alpha=0.15, label=self._t("95%-interval", "95% interval"))
            ax.plot(trend.grid, trend.mean, linestyle="--", color=charts.PALETTE[4],
                    label=self._t("lineaire trend", "linear trend"))
        charts.style_axes(ax, self._t("aantal", "number"), t, list(df["period"]))
        ax.legend(loc="upper left")
        alt = self._t(
            f"Lijngrafiek van {label} van {df['period'].iloc[0]} tot {df['period'].iloc[-1]}"
            f"{', met lineaire trend en 95%-interval' if trend is not None else ''}.",
            f"Line chart of {label} from {df['period'].iloc[0]} to {df['period'].iloc[-1]}"
            f"{', with linear trend and 95% interval' if trend is not None else ''}.",
        )
        return charts.emit(fig, alt=alt, caption=label + self._t(". Bron: DUO.", ". Source: DUO."),
                           salt=f"{self.params.report_id}-{salt}")

    def vacancies(self) -> Section:
        """Open vacancies over time for the sector or province."""
        sec = Section(self._t("Openstaande vacatures", "Open vacancies"), anchor="vacatures")
        p = self.params
        df = observations.select(self.obs, "vacancies_open", sector=p.sector, region=p.region)
        if df.empty:
            return sec.add(blocks.paragraph(self._t("Geen vacaturegegevens voor deze selectie.",
                                                    "No vacancy data for this selection.")))
        last = df.iloc[-1]
        sec.add(blocks.paragraph(self._t(
            f"Eind {last.period} stonden er {_num(last.value, 'nl')} vacatures open.",
            f"At the end of {last.period} there were {_num(last.value, 'en')} open vacancies.")))
        rows = [[str(r.period), _num(float(r.value), self.lang)] for r in df.tail(8).itertuples()]
        sec.add(blocks.table(self._t("Openstaande vacatures, laatste acht kwartalen",
                                     "Open vacancies, last eight quarters"),
                             [self._t("Kwartaal", "Quarter"), self._t("Aantal", "Number")],
                             rows, numeric=[False, True]))
        return sec
