"""Reading a data CSV as text, with one clear error for a file that is not a table.

Cells stay strings (``dtype=str``, nothing read as missing), so a bad cell survives for the
message of the validator that reads it. What is wrong with the file as a whole (missing, empty,
not UTF-8, a row with too many fields) is one :class:`DataValidationError` naming file and row.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from techmonitor.errors import DataValidationError


def _fail(message: str) -> DataValidationError:
    return DataValidationError(message, [message])


def read_table(path: Path, columns: list[str], missing: str) -> pd.DataFrame:
    """A CSV file as a frame of strings.

    Parameters
    ----------
    path
        The file (UTF-8, optionally with a byte-order mark as Excel writes it).
    columns
        The header it should have, named when the file is empty.
    missing
        How to fix a missing file (the end of the message).

    Returns
    -------
    pandas.DataFrame
        Every cell as ``str``; empty cells are ``""``.

    Raises
    ------
    DataValidationError
        Missing file, empty file, not UTF-8 (the row of the first bad byte), a row whose fields
        do not fit the header.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(f"{path}: file missing; {missing}") from None
    except OSError as exc:
        raise _fail(f"{path}: cannot read the file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise _fail(f"{path}: row {row}: not UTF-8 text (byte {data[exc.start]:#04x}); save "
                    "the file as UTF-8 CSV") from None
    if not text.strip():
        raise _fail(f"{path}: the file is empty; it needs at least the header "
                    f"{','.join(columns)}")
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise _fail(f"{path}: not a valid CSV table ({str(exc).strip()[:200]}); every row "
                    "needs as many fields as the header") from None
