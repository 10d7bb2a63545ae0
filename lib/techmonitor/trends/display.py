"""How a :class:`~techmonitor.trends.TrendResult` shows itself in JupyterLab (``_repr_html_``).

A compact, escaped HTML table an author reads while tuning a report: the data fitted, the
model and how it was chosen, the slope with its 95% interval, the backtest, and the
calibrated forecast with 80% and 95% bands to the target period (or three periods ahead).
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

from techmonitor.errors import TechmonitorError

if TYPE_CHECKING:
    from techmonitor.trends.result import TrendResult


def _num(x: float) -> str:
    if x is None or not math.isfinite(x):
        return "–"
    return f"{x:,.4g}" if abs(x) < 1e4 else f"{x:,.0f}"


def trend_html(result: TrendResult) -> str:
    """The result as an HTML fragment (every text escaped)."""
    d = result.data
    rows: list[tuple[str, str]] = [("kind", result.kind)]
    if d.n:
        rows.append(("observations", f"{d.n} ({d.periods[0]} – {d.periods[-1]})"))
    else:
        rows.append(("observations", "0"))
    rows.append(("vintage", str(d.vintage)))
    rows.append(("model", f"{result.model or 'none'} (scale: {result.scale.name})"))
    if result.reason:
        rows.append(("note", result.reason))
    if result.selection:
        rows.append(("selection", result.selection))
    if result.slope is not None:
        lo, hi = result.slope_ci95 or (math.nan, math.nan)
        rows.append(("slope per year", f"{_num(result.slope)} (95%: {_num(lo)} to {_num(hi)})"))
    if result.backtest is not None:
        b = result.backtest
        rows.append(("backtest", f"MASE {b.mase:.2f}; 80% band held {b.coverage80:.0%}, "
                                 f"95% {b.coverage95:.0%} of {b.n_forecasts} forecasts"))
    rows.append(("calibration", "none (textbook intervals)" if result.calibration is None
                 else f"table {result.calibration.version}"))
    facts = "".join(f"<tr><th scope='row'>{escape(k)}</th><td>{escape(v)}</td></tr>"
                    for k, v in rows)
    forecast = ""
    if result.has_model and result.kind != "quarterly":
        try:
            fc = result.forecast(target=result.target_period) if result.target_period \
                else result.forecast(horizon=3)
        except TechmonitorError:
            fc = None
        if fc is not None and len(fc):
            body = "".join(
                f"<tr><th scope='row'>{escape(str(r.period))}</th><td>{_num(r.mean)}</td>"
                f"<td>{_num(r.lo80)} – {_num(r.hi80)}</td><td>{_num(r.lo95)} – {_num(r.hi95)}"
                "</td></tr>" for r in fc.itertuples())
            forecast = ("<table><caption>Forecast (calibrated)</caption><thead><tr>"
                        "<th scope='col'>period</th><th scope='col'>mean</th>"
                        "<th scope='col'>80% band</th><th scope='col'>95% band</th></tr>"
                        f"</thead><tbody>{body}</tbody></table>")
    return (f"<div class='techmonitor-trend'><table><caption>Trend estimate</caption>"
            f"<tbody>{facts}</tbody></table>{forecast}</div>")
