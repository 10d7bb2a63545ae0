"""Writes the fixture templates (run once; the .ipynb files are committed)."""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).parent
PARAMS = '''kind = "national"
slug = "nl"
name = "Nederland"
name_en = "The Netherlands"
period = "2023Q3"
language = "nl"
region = "NL"
sector = "all"
levels = ["hbo", "wo"]
target_year = 2030
organisation = "Testbureau"
organisation_en = "Test office"
appendix_line = "Bijlage"
appendix_line_en = "Appendix"
sbi = []
targets = []
project_dir = ".."
'''
# A report body: document nodes (shown as HTML, recorded as JSON for the PDF); fails on
# purpose for slug "broken", sleeps for slug "slow" (to interrupt a batch while it runs),
# kills its worker process for slug "abort" (as a crash in a C library would).
BODY = '''import time

from IPython.display import display
from techmonitor.report import document as doc

if slug == "broken":
    raise ValueError("boom in the fixture")
if slug == "abort":
    import os
    import signal

    os.kill(os.getppid(), signal.SIGABRT)
    time.sleep(30)
if slug.startswith("slow"):
    time.sleep(float(__import__("os").environ.get("TM_FIXTURE_SLEEP", "3")))
display(doc.Front(f"Rapport {name}", "titel", (("Periode", period),), "Inhoud",
                  (("s", name),)))
sec = doc.section(name, "s", doc.Paragraph(f"Rapport {kind} {slug} {period}, waarde 24.000."))
bundle = sec._repr_mimebundle_()
if slug == "noalt":
    # a chart without alt text: shown in HTML, refused by the PDF printer (PDF/UA)
    bundle[doc.DOCUMENT_MIMETYPE]["children"].append(
        {"type": "figure", "svg": "<svg xmlns='http://www.w3.org/2000/svg' width='9' "
         "height='9'></svg>", "alt": "", "caption": "leeg", "source": ""})
display(bundle, raw=True)
# the summary the batch reads; slug "warned" reports a step that could not be done
display(doc.Summary({"report": f"{kind}-{slug}", "warnings": [
    "inflow_tech-hbo: trend: refused by the fixture"] if slug == "warned" else []}))
'''
# Sets every kind of kernel state a report could leak.
LEAKY = '''import builtins
import os
import random
import sys
import warnings

import helper_mod
import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

leak_var = 42
helper_mod.COUNTER += 1
os.chdir("/")
sys.path.insert(0, "/nonexistent-leak")
os.environ["TM_LEAK"] = "1"
mpl.rcParams["lines.linewidth"] = 9.5
mpl.rcParams["font.size"] = 31.0
fig = plt.figure()
pd.set_option("display.max_rows", 3)
warnings.simplefilter("error")
random.seed(1)
np.random.seed(1)
builtins.tm_leak = 1
'''
# Reports the state a report starts with.
PROBE = '''import builtins
import json
import os
import sys
import warnings

import helper_mod
import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

print(json.dumps({
    "leak_var": "leak_var" in globals(),
    "cwd": os.getcwd(),
    "path": "/nonexistent-leak" in sys.path,
    "env": os.environ.get("TM_LEAK"),
    "linewidth": float(mpl.rcParams["lines.linewidth"]),
    "font_size": float(mpl.rcParams["font.size"]),
    "figures": len(plt.get_fignums()),
    "max_rows": pd.get_option("display.max_rows"),
    "warnings_error": bool(warnings.filters and warnings.filters[0][0] == "error"),
    "builtin": hasattr(builtins, "tm_leak"),
    "helper_counter": helper_mod.COUNTER,
    "execution_count": get_ipython().execution_count,
}, sort_keys=True))
'''


def notebook(*cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(cells[0])
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first, *(nbformat.v4.new_code_cell(c) for c in cells[1:])]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def main() -> None:
    for kind, name in (("national", "national"), ("sector", "report")):
        nbformat.write(notebook(PARAMS.replace('"national"', f'"{kind}"'), "x = 1", BODY),
                       HERE / "project" / "templates" / f"{name}.ipynb")
    nbformat.write(notebook("x = 0", LEAKY), HERE / "templates" / "leaky.ipynb")
    nbformat.write(notebook("x = 0", PROBE), HERE / "templates" / "probe.ipynb")


if __name__ == "__main__":
    main()
