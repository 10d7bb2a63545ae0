"""The calibration study's report: ``calibration.md`` with a coverage chart and a reliability
diagram, written by ``techmonitor calibrate`` (:func:`write_report`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from techmonitor.calibration.measure import EVENT_CHANGES, RELIABILITY_MIN_N
from techmonitor.trends.widening import RELIABILITY_TOLERANCE, TABLE_KEYS

if TYPE_CHECKING:
    from techmonitor.calibration.study import Study

#: Target ranges drawn in the coverage chart (nominal 80% → 75–85%, 95% → 90–98%).
_TARGETS = {80: (0.75, 0.85), 95: (0.90, 0.98)}


def coverage_figure(cov: pd.DataFrame, time_split: pd.DataFrame | None = None) -> Any:
    """Figure: nominal against observed coverage by horizon, per kind (textbook and
    calibrated, calibration and validation part; with ``time_split`` also the calibrated
    coverage of the time split's later origins)."""
    import matplotlib.pyplot as plt

    if time_split is not None and len(time_split):
        later = time_split[time_split["part"] == "validation"].assign(part="time split")
        cov = pd.concat([cov, later], ignore_index=True)

    keys = [k for k in TABLE_KEYS if k in set(cov["kind"])]
    fig, axes = plt.subplots(1, max(1, len(keys)), figsize=(3.6 * max(1, len(keys)), 3.4),
                             sharey=True, squeeze=False)
    styles = {("validation", "cal"): ("C0", "-", "calibrated, validation"),
              ("calibration", "cal"): ("C0", ":", "calibrated, calibration"),
              ("validation", "raw"): ("C3", "-", "textbook, validation"),
              ("time split", "cal"): ("C2", "--", "calibrated, time split ≥ 2014")}
    for ax, key in zip(axes[0], keys, strict=False):
        for lv, marker in ((80, "o"), (95, "s")):
            lo, hi = _TARGETS[lv]
            ax.axhspan(lo, hi, color="0.9" if lv == 80 else "0.95", zorder=0)
            ax.axhline(lv / 100, color="0.5", lw=0.8)
            for (part, which), (col, ls, label) in styles.items():
                g = cov[(cov["part"] == part) & (cov["kind"] == key)].sort_values("h")
                if len(g):
                    ax.plot(g["h"], g[f"{which}{lv}"], color=col, ls=ls, marker=marker, ms=3,
                            label=f"{label} ({lv}%)")
        ax.set_title(key)
        ax.set_xlabel("horizon (quarters)" if key.startswith("quarterly") else "horizon (years)")
        ax.set_ylim(0.2, 1.0)
    axes[0][0].set_ylabel("observed coverage")
    axes[0][-1].legend(fontsize=6, loc="lower left")
    fig.suptitle("Nominal 80% / 95% intervals: observed coverage in rolling-origin backtests "
                 "(grey bands: target ranges)", fontsize=8)
    fig.tight_layout()
    return fig


def reliability_figure(panels: dict[str, pd.DataFrame]) -> Any:
    """Reliability diagram: per kind the observed frequency of the exceedance events against
    the mean predicted probability per bin, for each frame of ``panels`` (label → output of
    :func:`~techmonitor.calibration.reliability`); the grey band is the tolerance,
    error bars two block-bootstrap standard errors."""
    import matplotlib.pyplot as plt

    keys = [k for k in TABLE_KEYS if any(k in set(r["kind"]) for r in panels.values() if len(r))]
    fig, axes = plt.subplots(1, max(1, len(keys)), figsize=(3.2 * max(1, len(keys)), 3.3),
                             sharey=True, squeeze=False)
    for ax, key in zip(axes[0], keys, strict=False):
        ax.fill_between([0, 1], [-RELIABILITY_TOLERANCE, 1 - RELIABILITY_TOLERANCE],
                        [RELIABILITY_TOLERANCE, 1 + RELIABILITY_TOLERANCE], color="0.9")
        ax.plot([0, 1], [0, 1], color="0.5", lw=0.8)
        for i, (label, rel) in enumerate(panels.items()):
            g = rel[(rel["kind"] == key) & (rel["n"] >= RELIABILITY_MIN_N)] if len(rel) else rel
            if not len(g):
                continue
            se = pd.to_numeric(g["se"], errors="coerce").fillna(0.0) * 2
            ax.errorbar(g["predicted"], g["observed"], yerr=se, color=f"C{i}", marker="o",
                        ms=3, lw=1, capsize=2, label=label)
        ax.set_title(key)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("predicted probability")
    axes[0][0].set_ylabel("observed frequency")
    axes[0][-1].legend(fontsize=6, loc="upper left")
    fig.suptitle("Probabilities of exceeding a value: predicted against observed (grey: "
                 f"±{RELIABILITY_TOLERANCE:.2f})", fontsize=8)
    fig.tight_layout()
    return fig


def _coverage_lines(study: Study) -> list[str]:
    checks = study.table.meta.get("checks", {})
    lines: list[str] = []
    for part in ("calibration", "validation", "external"):
        lines += [f"### {part}", "", "| kind | h | n | textbook 80 | calibrated 80 | "
                  "textbook 95 | calibrated 95 |", "|---|---|---|---|---|---|---|"]
        g = study.coverage[study.coverage["part"] == part]
        for r in g.itertuples(index=False):
            lines.append(f"| {r.kind} | {r.h} | {r.n} | {r.raw80:.1%} | {r.cal80:.1%} | "
                         f"{r.raw95:.1%} | {r.cal95:.1%} |")
        lines.append("")
        lines += [_check_line(key, c) for key, c in checks.get(part, {}).items()]
        lines.append("")
    lines += ["### time split (table learned on origins before 2014, checked on 2014 and "
              "later)", "", "A harder check than the series split: the later origins are the "
              "long rise of vacancies in 2014–2022 and 2020.", ""]
    ts = study.table.meta.get("time_split_2014_centre", {})
    if ts:
        lines.append(f"Centre learned on the early origins: anchor α {ts.get('anchor')}, "
                     f"damping φ {ts.get('damping')}.")
        lines.append("")
    lines += [_check_line(key, c) for key, c in checks.get("time_split_2014", {}).items()]
    return lines


def _check_line(key: str, c: dict[str, Any]) -> str:
    c80, c95 = c["coverage80"], c["coverage95"]
    return (f"- {key}: 80% pooled {c80.get('pooled', 0):.1%} (min {c80.get('min', 0):.1%}, "
            f"max {c80.get('max', 0):.1%}); 95% pooled {c95.get('pooled', 0):.1%} (min "
            f"{c95.get('min', 0):.1%}, max {c95.get('max', 0):.1%}); {c['n_forecasts']} "
            f"forecasts; within target: {'yes' if c['within_target'] else 'no'}")


def _reliability_lines(title: str, rel: pd.DataFrame, raw: pd.DataFrame | None) -> list[str]:
    lines = [f"### {title}", "", "| kind | bin | n | years | predicted | observed | "
             "2 se | ok (±0.05) | ok (sampling) | textbook observed−predicted |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    rawd = {} if raw is None else {(r.kind, r.bin): r for r in raw.itertuples(index=False)}
    for r in rel.itertuples(index=False):
        rr = rawd.get((r.kind, r.bin))
        gap = "" if rr is None else f"{rr.observed - rr.predicted:+.3f} (n={rr.n})"
        se = "" if r.se is None or pd.isna(r.se) else f"{2 * r.se:.3f}"
        ok = "–" if r.ok is None else ("yes" if r.ok else "no")
        oks = "–" if r.ok_sampling is None else ("yes" if r.ok_sampling else "no")
        lines.append(f"| {r.kind} | {r.bin} | {r.n} | {r.years} | {r.predicted:.3f} | "
                     f"{r.observed:.3f} | {se} | {ok} | {oks} | {gap} |")
    judged = rel.dropna(subset=["ok"]) if len(rel) else rel
    for key in dict.fromkeys(judged["kind"]) if len(judged) else []:
        g = judged[judged["kind"] == key]
        worst = float((g["observed"] - g["predicted"]).abs().max())
        lines.append(f"- {key}: {int(g['ok'].sum())} of {len(g)} bins within ±"
                     f"{RELIABILITY_TOLERANCE:.2f}, {int(g['ok_sampling'].sum())} within "
                     f"sampling error; largest gap {worst:.3f}")
    return [*lines, ""]


def report_markdown(study: Study) -> str:
    """The study report (markdown): method, centre and factors, coverage, reliability."""
    t = study.table
    lines = [
        "# Calibration of prediction intervals and target probabilities",
        "",
        f"Table version {t.version}, created {t.meta.get('created')}; "
        f"{len(study.records)} backtest forecasts.",
        "",
        str(t.meta.get("method", {}).get("en", "")),
        "",
        "![coverage by horizon](coverage.png)",
        "",
        "![reliability diagram](reliability.png)",
        "",
        "## Centre and learned shape",
        "",
        "Centre: start level (1 − α) × model trend level + α × last observed level; projected "
        "change × D(h)/h, D(h) = φ + … + φ^h. Shape: per kind and horizon the quantiles of "
        "the standardized errors (z − centre) / se of the calibration part, symmetric around "
        "the centre (se: the model's predictive standard error, first raised to the floor, a "
        "share of the last level, kept only where it halves the calibration part's coverage "
        "loss). The factors below say how many times as wide as the textbook bands the "
        "learned 80%/95% bands are on average.",
        "",
        "| kind | α | φ | se floor | " + " | ".join(f"h={h}" for h in range(1, 9)) + " |",
        "|---|---|---|---|" + "---|" * 8,
    ]
    for key, vals in t.factors.items():
        cells = [f"{v:.2f}" for v in vals] + [""] * (8 - len(vals))
        lines.append(f"| {key} | {t.alpha(key):.2f} | {t.phi(key):.1f} | "
                     f"{t.floor(key):.3f} | " + " | ".join(cells) + " |")
    lines += ["", "## Coverage of the 80% and 95% intervals", "",
              "Target on the validation part: 80% → 75–85%, 95% → 90–98% at every horizon "
              "1–5 years (counts, shares), 1–8 quarters (quarterly).", ""]
    lines += _coverage_lines(study)
    lines += ["", "## Reliability of exceedance probabilities", "",
              "Events: the realised value is at least the last value (quarterly: the mean of the "
              "last four quarters) × (1 + g), g in "
              f"{', '.join(f'{g:+.0%}' for g in EVENT_CHANGES)}. Strict tolerance: |observed − "
              f"predicted| ≤ {RELIABILITY_TOLERANCE:.2f} in bins with at least "
              f"{RELIABILITY_MIN_N} events. The events are not independent (all series of a "
              "year share the business cycle; one forecast gives seven events), so each gap "
              "also has a block-bootstrap standard error over forecast-origin years; 'ok "
              "(sampling)' judges the gap against max(0.05, 2 se).", ""]
    lines += _reliability_lines("validation part", study.reliability, study.reliability_raw)
    if len(study.reliability_time):
        lines += _reliability_lines("time split: origins 2014 and later",
                                    study.reliability_time, None)
    if len(study.reliability_external):
        lines += _reliability_lines("external education series", study.reliability_external,
                                    None)
    return "\n".join(lines) + "\n"


def write_report(study: Study, out: Path) -> list[Path]:
    """Write ``coverage.png``, ``reliability.png``, ``calibration.md`` and
    ``records.csv.gz`` into ``out``."""
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    fig = coverage_figure(study.coverage, study.time_split)
    png = out / "coverage.png"
    fig.savefig(png, dpi=130)
    plt.close(fig)
    panels = {"validation (calibrated)": study.reliability,
              "validation (textbook)": study.reliability_raw}
    if len(study.reliability_time):
        panels["time split ≥ 2014 (calibrated)"] = study.reliability_time
    fig = reliability_figure(panels)
    rpng = out / "reliability.png"
    fig.savefig(rpng, dpi=130)
    plt.close(fig)
    md = out / "calibration.md"
    md.write_text(report_markdown(study), encoding="utf-8")
    rec = out / "records.csv.gz"
    study.records.to_csv(rec, index=False)
    return [md, png, rpng, rec]
