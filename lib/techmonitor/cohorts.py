"""Education retention of entry cohorts: a binomial GLM on cohort and years since entry.

Input: one row per entry cohort (start year ``cohort``) and moment ``years`` after entry, with
the cohort's size ``entrants`` and how many of it are ``retained`` then (still enrolled, or
graduated, in techniek: see the table's connector, e.g. CBS 83286NED in
:mod:`techmonitor.sources.cbs_tables`).

Model (statsmodels ``GLM``, binomial family, logit link)::

    logit P(retained | cohort c, n years) = a + b * (c - mean cohort) + g_n

with ``g_n`` one coefficient per moment (the first moment is the reference). ``b`` is the
**trend across cohorts** on the log-odds scale (``exp(b)``: odds ratio per later start year);
the fitted probabilities per cohort and moment are the **retention curves**. Every quantity
comes with a 95% interval from the model's covariance.

The rows of one cohort are the same people counted at several moments, not independent
draws; by default the dispersion is estimated from the Pearson statistic (quasi-binomial), so
intervals widen (or narrow) as the cells scatter more (or less) than binomially. The binomial
scale (1) is used when there are no residual degrees of freedom or the fit is exact.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from techmonitor.errors import DataValidationError

COLUMNS = ("cohort", "years", "entrants", "retained")


@dataclass(frozen=True)
class CohortFit:
    """Result of :func:`fit_cohorts`.

    ``params``/``bse``: coefficients (``const``, ``cohort``, ``years_<n>``) and standard
    errors; ``trend``: the cohort slope (log-odds per start year) with its 95% interval and
    p-value; ``curves``: per cohort and moment the observed share and the fitted retention
    with its 95% interval; ``scale``: the dispersion used (1 = binomial).
    """

    params: pd.Series
    bse: pd.Series
    trend: dict[str, float]
    curves: pd.DataFrame
    scale: float
    n_cells: int

    @property
    def odds_ratio(self) -> tuple[float, float, float]:
        """``exp(b)`` with its 95% interval: the odds of retention per later start year."""
        t = self.trend
        return float(np.exp(t["slope"])), float(np.exp(t["lo95"])), float(np.exp(t["hi95"]))


def check_cohorts(df: pd.DataFrame, where: str = "cohorts") -> pd.DataFrame:
    """The cohort rows as numbers, or a clear error naming the row and column.

    Raises
    ------
    DataValidationError
        A missing column, a value that is not a number, a cohort of size 0 or fewer, or more
        retained than entrants.
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        msg = f"{where}: column(s) {missing} missing; need {list(COLUMNS)}"
        raise DataValidationError(msg, [msg])
    out = df.copy()
    problems = []
    for col in COLUMNS:
        num = pd.to_numeric(out[col], errors="coerce")
        for bad in np.flatnonzero(num.isna().to_numpy()):
            problems.append(f"{where}: row {bad + 2}, column {col}: {out[col].iloc[bad]!r} is "
                            "not a number")
        out[col] = num
    if not problems:
        for i, r in enumerate(out.itertuples()):
            if not r.entrants > 0:
                problems.append(f"{where}: row {i + 2}: entrants {r.entrants:g} must be > 0")
            elif not 0 <= r.retained <= r.entrants:
                problems.append(f"{where}: row {i + 2}: retained {r.retained:g} is not between "
                                f"0 and entrants {r.entrants:g}")
    if problems:
        raise DataValidationError(f"{where}: {len(problems)} problems", problems)
    return out


def design(df: pd.DataFrame, centre: float | None = None) -> pd.DataFrame:
    """The model matrix: constant, centred cohort, one dummy per moment after the first."""
    centre = float(df["cohort"].mean()) if centre is None else centre
    years = sorted(int(y) for y in df["years"].unique())
    x = pd.DataFrame({"const": 1.0, "cohort": df["cohort"].to_numpy(dtype=float) - centre},
                     index=df.index)
    for y in years[1:]:
        x[f"years_{y}"] = (df["years"].to_numpy() == y).astype(float)
    return x


def fit_cohorts(df: pd.DataFrame, *, overdispersion: bool = True) -> CohortFit:
    """Fit the cohort model (see the module docstring).

    Parameters
    ----------
    df
        Columns ``cohort, years, entrants, retained`` (other columns are ignored).
    overdispersion
        Estimate the dispersion from the Pearson statistic (default) rather than fixing it at 1.

    Returns
    -------
    CohortFit

    Raises
    ------
    DataValidationError
        Bad rows (:func:`check_cohorts`), fewer than two cohorts, or as many parameters as
        cells (nothing left to estimate a trend from).
    """
    import statsmodels.api as sm
    from scipy import stats
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    data = check_cohorts(df).reset_index(drop=True)
    if data["cohort"].nunique() < 2:
        msg = "cohort model: needs at least two entry cohorts for a trend across cohorts"
        raise DataValidationError(msg, [msg])
    centre = float(data["cohort"].mean())
    x = design(data, centre)
    if len(data) <= x.shape[1] - 1:
        msg = (f"cohort model: {len(data)} cells for {x.shape[1]} parameters; add cohorts or "
               "moments")
        raise DataValidationError(msg, [msg])
    endog = np.column_stack([data["retained"], data["entrants"] - data["retained"]])
    model = sm.GLM(endog, x, family=sm.families.Binomial())
    dof = len(data) - x.shape[1]
    with warnings.catch_warnings():
        # statsmodels calls a fit whose probabilities equal the observed shares "perfect
        # prediction"; with counts in every cell that is an exact fit, not separation
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        result = model.fit(scale=1.0)
    scale = 1.0
    if overdispersion and dof > 0:
        # Pearson dispersion on the counts: sum (k - n p)^2 / (n p (1 - p)) / dof. (The GLM's
        # own "X2" scale works on the proportions of a two-column endog, without the trials.)
        n = data["entrants"].to_numpy(dtype=float)
        p = np.asarray(result.fittedvalues, dtype=float)
        resid = data["retained"].to_numpy(dtype=float) - n * p
        scale = float((resid**2 / (n * p * (1 - p))).sum() / dof)
        if scale > 0:
            result = model.fit(scale=scale)
        else:
            scale = 1.0  # the cells sit exactly on the model: nothing to widen
    slope, se = float(result.params["cohort"]), float(result.bse["cohort"])
    q = float(stats.norm.ppf(0.975))
    trend = {"slope": slope, "se": se, "lo95": slope - q * se, "hi95": slope + q * se,
             "p_value": float(result.pvalues["cohort"]), "centre": centre}
    pred = result.get_prediction(x).summary_frame(alpha=0.05)
    curves = pd.DataFrame({
        "cohort": data["cohort"].astype(int), "years": data["years"].astype(int),
        "observed": data["retained"] / data["entrants"], "fitted": pred["mean"].to_numpy(),
        "lo95": pred["mean_ci_lower"].to_numpy(), "hi95": pred["mean_ci_upper"].to_numpy()})
    return CohortFit(result.params, result.bse, trend,
                     curves.sort_values(["cohort", "years"]).reset_index(drop=True), scale,
                     len(data))
