"""The offline calibration study of the trend bands (``techmonitor calibrate``).

Backtests :func:`techmonitor.trends.estimate` on the bundled series (:mod:`.study`), learns the
calibrated predictive distribution per kind and horizon (:mod:`.fit`), writes the table
``data/calibration.json`` and a report on its coverage (:mod:`.report`). Reports never import
this package: they only read the committed table (:mod:`techmonitor.trends.widening`).

The table stays in ``data/``: it is a runtime input of every report, fingerprinted with the
other data files for the report cache, and the study writes it there (``--table``).
"""

from techmonitor.calibration.report import write_report
from techmonitor.calibration.study import (
    KINDS,
    Study,
    StudySeries,
    backtest_series,
    run_backtests,
    run_study,
    split_part,
    study_series,
    table_json,
    write_table,
)

__all__ = [
    "KINDS", "Study", "StudySeries", "backtest_series", "run_backtests", "run_study",
    "split_part", "study_series", "table_json", "write_report", "write_table",
]
