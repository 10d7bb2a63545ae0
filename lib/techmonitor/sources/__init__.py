"""Connectors that turn public raw files into tidy observations (the data contract).

Every connector returns a :class:`pandas.DataFrame` with exactly :data:`TIDY_COLUMNS`.
Connectors read CSV, Excel (``.xlsx``) and Parquet input alike through :func:`read_table`,
because the programme office and DUO/CBS deliver the same tables in all three formats.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from techmonitor.errors import DataValidationError

# the tidy columns are the data contract's (observations.py); re-exported for the connectors
from techmonitor.observations import KEY_COLUMNS, TIDY_COLUMNS  # noqa: E402,F401


def read_table(
    path: Path, *, sep: str | None = None, encoding: str | None = None, **kwargs: Any
) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet file into a frame of strings.

    Parameters
    ----------
    path
        ``.csv``/``.txt`` (separator sniffed between ``;`` and ``,`` unless ``sep`` is given),
        ``.xlsx``/``.xls`` (first sheet) or ``.parquet``.
    sep, encoding
        CSV options. The encoding defaults to UTF-8 (with BOM) and falls back to latin-1,
        because older DUO files are latin-1 and newer ones UTF-8 with BOM.
    **kwargs
        Passed to the pandas reader.

    Returns
    -------
    pandas.DataFrame
        All columns as strings (``object``), empty cells as ``""``: connectors parse numbers
        themselves so that suppression markers such as ``<5`` are never silently coerced.

    Raises
    ------
    DataValidationError
        If the file does not exist or has an unsupported extension.
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError(f"{path}: file not found", [f"{path}: file not found"])
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt"}:
        df = _read_csv(path, sep=sep, encoding=encoding, **kwargs)
    elif suffix in {".xlsx", ".xls", ".xlsm"}:
        df = pd.read_excel(path, dtype=str, keep_default_na=False, **kwargs)
    elif suffix == ".parquet":
        df = pd.read_parquet(path, **kwargs)
        df = df.astype(object).where(df.notna(), "").astype(str)
    else:
        msg = f"{path}: unsupported file type {suffix!r}; use .csv, .xlsx or .parquet"
        raise DataValidationError(msg, [msg])
    df.columns = [str(c).strip() for c in df.columns]
    return df.astype(object)


def _read_csv(path: Path, *, sep: str | None, encoding: str | None, **kwargs: Any) -> pd.DataFrame:
    encodings = [encoding] if encoding else ["utf-8-sig", "latin-1"]
    last_error: Exception | None = None
    for enc in encodings:
        try:
            with path.open(encoding=enc) as fh:
                head = fh.readline()
            use_sep = sep or (";" if head.count(";") >= head.count(",") else ",")
            return pd.read_csv(
                path,
                sep=use_sep,
                dtype=str,
                keep_default_na=False,
                encoding=enc,
                **kwargs,
            )
        except UnicodeDecodeError as exc:  # try the next encoding
            last_error = exc
    msg = f"{path}: cannot decode file ({last_error})"
    raise DataValidationError(msg, [msg])


def tidy(records: list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Return records as a frame with exactly the tidy columns, in contract order.

    Raises
    ------
    DataValidationError
        If a contract column is missing (a connector bug, reported loudly).
    """
    df = pd.DataFrame(records) if not isinstance(records, pd.DataFrame) else records.copy()
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TIDY_COLUMNS}).assign(
            value=pd.Series(dtype=float)
        )
    missing = [c for c in TIDY_COLUMNS if c not in df.columns]
    if missing:
        msg = f"connector output lacks columns {missing}"
        raise DataValidationError(msg, [msg])
    df = df[TIDY_COLUMNS].copy()
    df["value"] = df["value"].astype(float)
    for col in TIDY_COLUMNS:
        if col != "value":
            df[col] = df[col].astype(str)
    return df.reset_index(drop=True)
