"""What parliament reads: the text layer of the PDFs of a small real batch.

The national report, one sector (energie) and two provinces (Zuid-Holland; Drenthe, whose
findings table lists steps that could not be done) are built on the
bundled data as the worker builds them (the notebook's documents through Typst, without a
kernel: ``tests/report_helpers.py``), once per test process, and put together as the appendix.
Every check reads the text of every page with pypdf and looks for what belongs to developers,
not to a reader: a backtick, a ``techmonitor`` command, a file path, JSON, an internal source key
(a key of ``data/sources.yaml``) or formula code (``inflow_tech / inflow_total``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
import yaml
from pypdf import PdfReader
from techmonitor.render.typst import AppendixPart, render_appendix_pdf
from techmonitor.titles import report_title
from techmonitor.worker import appendix_meta

from .report_helpers import ROOT, shared_documents, shared_pdf, shared_report

REPORTS = {
    "national-nl": "national.yaml",
    "sector-energie": "sectors/energie.yaml",
    "region-zuid-holland": "regions/zuid-holland.yaml",
    # a province whose share series are refused (net retention above 100%): its findings
    "region-drenthe": "regions/drenthe.yaml",
}


@dataclass(frozen=True)
class Pdf:
    """One PDF of the batch and the text of its pages (line breaks folded to spaces)."""

    name: str
    pages: tuple[str, ...]


def _pages(data: bytes) -> tuple[str, ...]:
    reader = PdfReader(io.BytesIO(data))
    return tuple(" ".join((p.extract_text() or "").split()) for p in reader.pages)


@pytest.fixture(scope="module")
def batch() -> list[Pdf]:
    """The reports' PDFs and their appendix, each read back once."""
    out: list[Pdf] = []
    parts: list[AppendixPart] = []
    national = None
    for rid, params_file in REPORTS.items():
        report = shared_report(params_file)
        assert report.params.report_id == rid
        documents = shared_documents(params_file)
        title = report_title(report.params)
        out.append(Pdf(f"{rid}.pdf", _pages(shared_pdf(params_file))))
        parts.append(AppendixPart(rid, title, documents, report.params.language))
        national = national or report
    assert national is not None
    appendix = render_appendix_pdf(parts, appendix_meta(national.params))
    out.append(Pdf("bijlage.pdf", _pages(appendix)))
    return out


def offenders(batch: list[Pdf], pattern: str, flags: int = 0,
              allowed: tuple[str, ...] = ()) -> list[str]:
    """``file p<page>: …match in context…`` for each match of ``pattern`` not in ``allowed``."""
    found = []
    for pdf in batch:
        for number, text in enumerate(pdf.pages, start=1):
            for m in re.finditer(pattern, text, flags):
                if m.group(0) in allowed:
                    continue
                context = text[max(0, m.start() - 40): m.end() + 40]
                found.append(f"{pdf.name} p{number}: {m.group(0)!r} in …{context}…")
    return sorted(set(found))


def test_the_batch_has_text_to_check(batch: list[Pdf]) -> None:
    """Guard: the checks below read real pages (a PDF without a text layer passes them all)."""
    assert [p.name for p in batch] == [*(f"{r}.pdf" for r in REPORTS), "bijlage.pdf"]
    for pdf in batch:
        assert len(pdf.pages) >= 8
        assert "Doel 1" in " ".join(pdf.pages)


def test_no_backticks(batch: list[Pdf]) -> None:
    assert offenders(batch, r"`") == []


def test_no_commands(batch: list[Pdf]) -> None:
    assert offenders(batch, r"\btechmonitor [a-z]+\b") == []


def test_no_commands_detector_sees_one() -> None:
    page = Pdf("x.pdf", ("Opnieuw maken: techmonitor run --only sector:energie",))
    assert offenders([page], r"\btechmonitor [a-z]+\b") != []


def own_csv_files() -> tuple[str, ...]:
    """The reports' open-data files: a reader is told their names, they are published."""
    return tuple(f"{rid}.csv" for rid in REPORTS)


def test_no_file_paths(batch: list[Pdf]) -> None:
    paths = r"[\w./-]*\.(?:yaml|yml|py|ipynb|json)\b|[\w-]+/[\w./-]+\.csv\b|[\w-]+\.csv\b"
    assert offenders(batch, paths, allowed=own_csv_files()) == []


def test_no_json(batch: list[Pdf]) -> None:
    assert offenders(batch, r"\{\"|\"\s*:\s*|\bnull\b|\btrue\b|\bfalse\b") == []


def source_keys() -> list[str]:
    sources = yaml.safe_load((ROOT / "data" / "sources.yaml").read_text(encoding="utf-8"))
    return sorted(sources["sources"])


def test_no_internal_source_keys(batch: list[Pdf]) -> None:
    keys = source_keys()
    assert "duo-ho-eerstejaars" in keys
    # a key as a word of its own, case as written (the organisation VHTO is not the key vhto)
    pattern = r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w-])"
    assert offenders(batch, pattern) == []


def test_no_formula_code(batch: list[Pdf]) -> None:
    assert offenders(batch, r"\b[a-z]+(?:_[a-z0-9]+)+\b") == []


def test_no_exception_text(batch: list[Pdf]) -> None:
    """A step that failed is said in words, never as the exception that stopped it."""
    assert offenders(batch, r"\b\w+Error\b|\bkind='|must lie between|Traceback") == []


# One style for money, thousands and units (fmt.py): "€ 18,7 mln", "3.500", "in duizendtallen",
# a percentage with its "%".
def test_no_thousands_written_as_x_1_000(batch: list[Pdf]) -> None:
    assert offenders(batch, r"\b[x×] ?1[ .]?000\b") == []


def test_no_percentage_without_its_unit(batch: list[Pdf]) -> None:
    """A planned share reads "2% (deel van …)", never "2 deel van de onderwijsbekostiging"."""
    assert offenders(batch, r"\b\d+ deel van\b") == []


def test_no_money_written_as_eur(batch: list[Pdf]) -> None:
    assert offenders(batch, r"\bEUR\b") == []


def test_no_thousands_without_a_separator(batch: list[Pdf]) -> None:
    """"3.500", never "3500" (years and CBS table numbers such as 85388 are no amounts)."""
    found = offenders(batch, r"(?<![\d.,/'\w-])[1-9]\d{3,}(?![\d/'\w-])")
    not_amounts = re.compile(r"'(?:19|20)\d\d'|'8\d{4}'")
    assert [f for f in found if not not_amounts.search(f)] == []
