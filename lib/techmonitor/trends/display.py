"""How a :class:`~techmonitor.trends.TrendResult` shows itself in JupyterLab (``_repr_html_``).

A compact, escaped HTML table an author reads while tuning a report: the data fitted, the
model and how it was chosen, the slope with its 95% interval, the backtest, and the
calibrated forecast with 80% and 95% bands to the target period (or three periods ahead).
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import numpy as np

from techmonitor.errors import TechmonitorError

# A TrendResult is typed Any here: result.py imports this module to show itself, and the
# display must not import it back (no import cycle, not even for annotations).
TrendResult = Any


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


def trend_text(result: TrendResult) -> str:
    """The result as plain text (model, data, window, parameters, fit diagnostics)."""
    d = result.data
    lines = [
        "Trend estimate",
        "=" * 60,
        f"kind:         {result.kind}",
        f"observations: {d.n} ({d.periods[0]} – {d.periods[-1]})" if d.n else "observations: 0",
        f"vintage:      {d.vintage}",
    ]
    if len(d.excluded):
        ex = ", ".join(f"{v} ({c})" for v, c in d.excluded["vintage"].value_counts().items())
        lines.append(f"not fitted:   other vintages {ex}")
    if d.illustrative:
        lines.append("status:       contains illustrative data")
    lines.append(f"model:        {result.model or 'none'} (scale: {result.scale.name})")
    if result.reason:
        lines.append(f"note:         {result.reason}")
    if result.core is not None:
        lines.append(f"selection:    {result.selection}")
        lines.append(f"{result.ic_name}:         {result.ic:.3f}")
        lines.append(f"converged:    {result.converged}")
        lines.append("parameters:")
        for k, v in result.params.items():
            lines.append(f"  {k:<28}{v: .6g}")
    w = result.window
    if w is not None:
        left = f"; left out {', '.join(w.left_out)}" if w.left_out else ""
        lines.append(f"window:       {w.first} – {w.last}, {w.n} points{left}")
    if result.covid is not None:
        lines.append(f"covid:        {result.covid.method}")
    check = result.seasonal_check
    if check is not None:
        lines.append(f"seasonal:     {check.method}, {'passed' if check.passed else 'failed'}; "
                     f"mean |q-on-q| raw {check.raw_qoq:.4g}, adjusted {check.adjusted_qoq:.4g}"
                     + (f" ({check.reason})" if check.reason else ""))
    if result.slope is not None:
        lo, hi = result.slope_ci95 or (math.nan, math.nan)
        lines.append(f"trend slope:  {result.slope:.4g} per year (95% CI {lo:.4g} to {hi:.4g})")
    if result.backtest is not None:
        b = result.backtest
        lines.append(
            f"backtest:     MASE {b.mase:.3f}, 80% coverage {b.coverage80:.0%}, "
            f"95% coverage {b.coverage95:.0%} ({b.n_forecasts} forecasts, h <= {b.horizon})"
        )
    if result.core is not None:
        if result.calibration is None:
            lines.append("calibration:  none (textbook prediction intervals)")
        else:
            c = result.calibration.factor(result.kind, np.array([1.0, 3.0]), result.n)
            lines.append(
                f"calibration:  table {result.calibration.version} "
                f"({result.calibration.meta.get('created', '?')}); standard error x "
                f"{c[0]:.2f} one period ahead, x {c[1]:.2f} three periods ahead; centre "
                f"from {result.calibration.alpha(result.kind, result.n):.2f} x last level, "
                f"trend damped with phi {result.calibration.phi(result.kind, result.n):.1f}"
            )
    if len(result.candidates):
        lines.append("candidates:")
        lines.append(result.candidates.to_string(index=False))
    if result.yoy:
        y = result.yoy
        lines.append(
            f"year on year: {y['period']} {y['value']:.6g} vs {y['previous_period']} "
            f"{y['previous_value']:.6g} ({y['pct_change']:+.1f}%)"
        )
    if result.messages:
        lines.append("messages:")
        lines.extend(f"  {m}" for m in result.messages)
    return "\n".join(lines)
