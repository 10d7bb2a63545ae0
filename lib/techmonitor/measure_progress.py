"""Realised progress of the measures: ``data/measure_progress.csv`` or the Excel workbook the
programme office fills in (:func:`write_measure_template`), validated row by row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from techmonitor import csvio, periods
from techmonitor.bilingual import text
from techmonitor.errors import DataValidationError
from techmonitor.measures import load_measures
from techmonitor.reference import default_data_dir
from techmonitor.values import parse_number
from techmonitor.yamlio import short

PROGRESS_COLUMNS = ["measure_id", "period", "output_value", "spent_eur", "status", "note"]
PROGRESS_STATUS = {"reported", "illustrative"}


def load_measure_progress(path: Path, measure_ids: list[str] | None = None) -> pd.DataFrame:
    """Load realised measure progress from CSV or the Excel workbook.

    Parameters
    ----------
    path
        ``measure_progress.csv`` or an ``.xlsx`` made by :func:`write_measure_template`
        (sheet ``voortgang``).
    measure_ids
        Known measure ids; unknown ids are errors when given.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PROGRESS_COLUMNS`; numbers as floats (empty = missing).

    Raises
    ------
    DataValidationError
        Every problem (row, column, value, how to fix) at once.
    """
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        df = _read_workbook(path)
    else:
        df = csvio.read_table(path, PROGRESS_COLUMNS,
                              "create it with `techmonitor measures template`")
    df.columns = [str(c).strip() for c in df.columns]
    problems = []
    missing = [c for c in PROGRESS_COLUMNS if c not in df.columns]
    if missing:
        msg = f"{path}: missing columns {missing}; the header must be {PROGRESS_COLUMNS}"
        raise DataValidationError(msg, [msg])
    df = df[PROGRESS_COLUMNS].copy()
    # Template rows that were not filled in (no period, no numbers) are skipped, not errors.
    filled = (df[["period", "output_value", "spent_eur"]] != "").any(axis=1)
    df = df[filled].reset_index(drop=True)
    out_num: dict[str, list[float]] = {"output_value": [], "spent_eur": []}
    for i, row in df.iterrows():
        line = int(str(i)) + 2
        if measure_ids is not None and row["measure_id"] not in measure_ids:
            problems.append(
                f"{path}: row {line}, column measure_id: {row['measure_id']!r} is not a measure "
                "in data/measures.yaml; use one of its ids"
            )
        if not periods.QUARTER_RE.match(str(row["period"])):
            problems.append(
                f"{path}: row {line}, column period: {short(row['period'])} is not a "
                "quarter; write e.g. 2013Q2"
            )
        if row["status"] not in PROGRESS_STATUS:
            problems.append(
                f"{path}: row {line}, column status: {row['status']!r}; use 'reported' "
                "(a real figure) or 'illustrative'"
            )
        for col in out_num:
            text = str(row[col]).strip().replace(",", ".")  # Excel users write 1,5
            try:
                val = parse_number(text) if text else float("nan")  # empty: not reported
            except ValueError as exc:
                problems.append(f"{path}: row {line}, column {col}: {short(row[col])} "
                                f"{exc}")
                val = float("nan")
            if val < 0:
                problems.append(f"{path}: row {line}, column {col}: {val:g} is negative; "
                                "progress is a cumulative count or amount")
            out_num[col].append(val)
    dup = df.duplicated(["measure_id", "period"], keep=False)
    for i in df.index[dup]:
        problems.append(
            f"{path}: row {i + 2}: measure {df.at[i, 'measure_id']} has more than one row for "
            f"{df.at[i, 'period']}; keep one"
        )
    if problems:
        raise DataValidationError(f"{path}: {len(problems)} problems", problems)
    for col, vals in out_num.items():
        df[col] = pd.Series(vals, dtype=float)
    return df


def _read_workbook(path: Path) -> pd.DataFrame:
    if not path.exists():
        msg = f"{path}: file missing; create it with `techmonitor measures template`"
        raise DataValidationError(msg, [msg])
    try:
        return pd.read_excel(path, sheet_name="voortgang", dtype=str, keep_default_na=False)
    except (OSError, ValueError, KeyError) as exc:  # not a workbook, or no sheet 'voortgang'
        msg = (f"{path}: cannot read the sheet 'voortgang' ({str(exc)[:200]}); use the "
               "workbook made by `techmonitor measures template`")
        raise DataValidationError(msg, [msg]) from None


def write_measure_template(path: Path, data_dir: Path | None = None) -> Path:
    """Write the Excel workbook the programme office fills in.

    Sheets: ``voortgang`` (the rows to fill: one per measure × quarter), ``maatregelen``
    (read-only list of measures with their output targets) and ``uitleg`` (instructions).
    The status column has a drop-down (reported/illustrative).

    Parameters
    ----------
    path
        Target ``.xlsx``; written to a temporary file first, then renamed.
    data_dir
        Folder with ``measures.yaml`` (default: the bundled ``data/``).

    Returns
    -------
    pathlib.Path
        The written path.
    """
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation


    ref = load_measures(data_dir or default_data_dir())
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "voortgang"
    ws.append(PROGRESS_COLUMNS)
    for m in ref.measures:
        ws.append([m.id, "", None, None, "reported", ""])
    dv = DataValidation(type="list", formula1='"reported,illustrative"', allow_blank=False)
    ws.add_data_validation(dv)
    dv.add(f"E2:E{len(ref.measures) + 500}")
    ws2 = wb.create_sheet("maatregelen")
    ws2.append(["measure_id", "cluster", "titel", "eigenaar", "outputdoel", "waarde", "eenheid"])
    for m in ref.measures:
        ot = m.output_target
        # the workbook is the Dutch programme office's: Dutch texts
        ws2.append([m.id, m.cluster, text(m, "title", "nl"),
                    ", ".join(text(ref.owners[o], "name", "nl") for o in m.owner),
                    text(ot, "description", "nl") if ot else "", ot.value if ot else None,
                    ot.unit if ot else ""])
    ws3 = wb.create_sheet("uitleg")
    for line in (
        "Vul per maatregel en kwartaal één regel in op het blad 'voortgang'.",
        "period: kwartaal als 2013Q2. output_value: gerealiseerde output (aantal), cumulatief.",
        "spent_eur: uitgegeven bedrag in euro, cumulatief. status: 'reported' voor echte cijfers.",
        "Kopieer een regel voor extra kwartalen. Controleer met: techmonitor validate",
    ):
        ws3.append([line])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path
