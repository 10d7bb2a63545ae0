"""The cohort model against independent computations on fixtures with a known answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import minimize
from scipy.special import expit
from techmonitor.cohorts import design, fit_cohorts
from techmonitor.errors import DataValidationError

# a hand-chosen truth: log-odds -1.0 at the mean cohort, +0.10 per later start year,
# +0.8 two years and +1.3 three years after entry (against one year)
A, B, G = -1.0, 0.10, {1: 0.0, 2: 0.8, 3: 1.3}
COHORTS = (2010, 2012, 2014, 2016)


def exact_fixture() -> pd.DataFrame:
    """Cells whose retained counts are exactly entrants x the model's probability."""
    rows = []
    for i, c in enumerate(COHORTS):
        for n, g in G.items():
            p = float(expit(A + B * (c - np.mean(COHORTS)) + g))
            entrants = 1000.0 + 100 * i
            rows.append({"cohort": c, "years": n, "entrants": entrants,
                         "retained": entrants * p})
    return pd.DataFrame(rows)


def test_recovers_the_known_parameters_exactly() -> None:
    fit = fit_cohorts(exact_fixture())
    # observed shares equal the model's: the maximum-likelihood estimate is the truth
    assert_allclose(fit.params["const"], A, atol=1e-8)
    assert_allclose(fit.trend["slope"], B, atol=1e-8)
    assert_allclose([fit.params["years_2"], fit.params["years_3"]], [G[2], G[3]], atol=1e-8)
    assert_allclose(fit.curves["fitted"], fit.curves["observed"], atol=1e-10)
    assert_allclose(fit.odds_ratio[0], np.exp(B), rtol=1e-8)


def noisy_fixture() -> pd.DataFrame:
    """Integer counts off the model (hand-set deviations), so the fit is not exact."""
    df = exact_fixture()
    bump = np.array([7, -12, 5, -3, 9, -8, 11, -6, 2, -9, 4, 6], dtype=float)
    return df.assign(retained=np.round(df["retained"]) + bump)


def test_agrees_with_an_independent_maximum_likelihood_fit() -> None:
    df = noisy_fixture()
    fit = fit_cohorts(df, overdispersion=False)
    x = design(df).to_numpy()
    k, n = df["retained"].to_numpy(), df["entrants"].to_numpy()

    def nll(beta: np.ndarray) -> float:
        eta = x @ beta
        return float(-(k * eta - n * np.logaddexp(0.0, eta)).sum())

    def grad(beta: np.ndarray) -> np.ndarray:
        return -(x.T @ (k - n * expit(x @ beta)))

    ref = minimize(nll, np.zeros(x.shape[1]), jac=grad, method="BFGS",
                   options={"gtol": 1e-10, "maxiter": 1000})
    assert_allclose(fit.params.to_numpy(), ref.x, atol=1e-6)
    # standard errors: inverse Fisher information X' W X with W = n p (1 - p), by hand
    p = expit(x @ ref.x)
    info = x.T @ (x * (n * p * (1 - p))[:, None])
    assert_allclose(fit.bse.to_numpy(), np.sqrt(np.diag(np.linalg.inv(info))), rtol=1e-5)
    assert fit.scale == 1.0
    # the curve interval is the Wald interval on the logit scale, transformed back
    cov = np.linalg.inv(info)
    eta = x @ ref.x
    se_eta = np.sqrt(np.einsum("ij,jk,ik->i", x, cov, x))
    assert_allclose(fit.curves.sort_index()["lo95"].to_numpy(),
                    expit(eta - 1.959963984540054 * se_eta)[np.lexsort(
                        (df["years"], df["cohort"]))], rtol=1e-5)


def test_overdispersion_scales_the_errors() -> None:
    df = noisy_fixture()
    plain, quasi = fit_cohorts(df, overdispersion=False), fit_cohorts(df)
    x = design(df).to_numpy()
    k, n = df["retained"].to_numpy(), df["entrants"].to_numpy()
    mu = n * expit(x @ plain.params.to_numpy())
    pearson = float((((k - mu) ** 2) / (mu * (1 - mu / n))).sum()) / (len(df) - x.shape[1])
    assert_allclose(quasi.scale, pearson, rtol=1e-6)
    assert_allclose(quasi.bse.to_numpy(), plain.bse.to_numpy() * np.sqrt(pearson), rtol=1e-6)


def test_bad_rows_are_clear_errors() -> None:
    df = exact_fixture()
    with pytest.raises(DataValidationError, match="row 4: retained 2000 is not between"):
        fit_cohorts(df.assign(retained=[1.0, 1.0, 2000.0] + [1.0] * (len(df) - 3)))
    with pytest.raises(DataValidationError, match="column entrants: 'veel'"):
        fit_cohorts(df.astype({"entrants": object}).assign(
            entrants=["veel"] + list(df["entrants"].iloc[1:])))
    with pytest.raises(DataValidationError, match="at least two entry cohorts"):
        fit_cohorts(df[df["cohort"] == 2010])
    with pytest.raises(DataValidationError, match=r"missing; need"):
        fit_cohorts(df.drop(columns="retained"))
