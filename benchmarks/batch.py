"""Benchmark: the naive chain against ``techmonitor run`` for the full bundled batch.

Run from the project root::

    .venv/bin/python benchmarks/batch.py            # all 22 reports, HTML + PDF
    .venv/bin/python benchmarks/batch.py --reports 4 --skip-naive   # quick look

It measures, in one run on one machine:

1. **naive**: per report, one after the other: ``papermill`` CLI → ``jupyter nbconvert --to html
   --no-input`` → ``weasyprint`` CLI (PDF). No appendix (the naive chain has none).
2. **techmonitor run** (cold: empty output folder, so no cache), HTML + PDF + appendix.
3. **marginal cost per report**: ``(T(all) − T(one report)) / (n − 1)`` from two cold runs (the
   appendix is only built for a complete batch, so it counts in the marginal cost).
4. **no-change rerun**: ``techmonitor run`` again on the finished output folder.

It is a benchmark, not a test: it prints numbers and asserts nothing. The naive chain needs
the ``bench`` extra (WeasyPrint's CLI): ``make benchmark`` installs it and runs this script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(cmd: list[str], **kwargs: object) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - t0


def naive(jobs: list, out: Path) -> float:
    """papermill CLI → nbconvert CLI → weasyprint CLI, report by report."""
    import yaml
    from techmonitor.execute import kernel_parameters

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for job in jobs:
        rid = job.report_id
        nb = out / f"{rid}.ipynb"
        params = yaml.safe_dump(kernel_parameters(job, ROOT), allow_unicode=True)
        _run([str(BIN / "papermill"), str(job.template), str(nb), "-y", params,
              "--cwd", str(ROOT), "--kernel", "python3"])
        _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)])
        _run([str(BIN / "weasyprint"), str(out / f"{rid}.html"), str(out / f"{rid}.pdf")])
        print(f"  naive {rid}: {time.perf_counter() - t0:7.1f} s", flush=True)
    return time.perf_counter() - t0


def techmonitor(out: Path, *extra: str) -> tuple[float, dict]:
    """``techmonitor run`` as the programme manager types it; returns wall time and manifest."""
    cmd = [str(BIN / "techmonitor"), "run", "--project", str(ROOT), "--out", str(out),
           "--format", "html,pdf", "--quiet", *extra]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
    manifests = list(out.glob("*/manifest.json"))
    return wall, json.loads(manifests[0].read_text()) if manifests else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=0, help="only the first N reports")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--period", default=None,
                        help="quarter to build (default: params/base.yaml's, the newest); "
                        "compare ratios of one period only")
    args = parser.parse_args()

    from techmonitor.batch import default_workers, plan

    jobs = plan(ROOT, overrides={"period": args.period} if args.period else None)
    period = ["--period", args.period] if args.period else []
    only: list[str] = []
    if args.reports:
        jobs = jobs[: args.reports]
        for job in jobs:
            only += ["--only", f"{job.params.kind}:{job.params.slug}"]
    n = len(jobs)
    cpu = platform.processor() or platform.machine()
    print(f"machine: {platform.node()} {cpu}, {os.cpu_count()} cores "
          f"({default_workers()} usable), Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print(f"load average at start: {os.getloadavg()}")
    print(f"reports: {n}, period {jobs[0].params.period}")
    if not args.skip_naive and not (BIN / "weasyprint").exists():
        sys.exit("the naive chain needs WeasyPrint's CLI: run `make benchmark` "
                 "(pip install -e '.[bench]')")
    tmp = Path(tempfile.mkdtemp(prefix="techmonitor-bench-"))
    try:
        t_naive = None
        if not args.skip_naive:
            t_naive = naive(jobs, tmp / "naive")
            print(f"naive chain (papermill → nbconvert → weasyprint CLIs): {t_naive:.1f} s "
                  f"({t_naive / n:.2f} s/report)")
        t_all, manifest = techmonitor(tmp / "tm", *period, *only)
        appendix = (manifest.get("appendix") or {}).get("seconds") or 0.0
        failed = [r["report"] for r in manifest.get("reports", []) if r["status"] != "ok"]
        print(f"techmonitor run, cold ({n} reports, HTML + PDF + appendix): {t_all:.1f} s "
              f"(appendix {appendix:.1f} s){'; FAILED: ' + ', '.join(failed) if failed else ''}")
        if t_naive:
            print(f"speed-up: {t_naive / t_all:.1f}x")
        first = jobs[0]
        t_one, _ = techmonitor(tmp / "one", *period, "--only",
                               f"{first.params.kind}:{first.params.slug}")
        if n > 1:
            marginal = (t_all - t_one) / (n - 1)
            print(f"one report, cold: {t_one:.1f} s; marginal cost per report: {marginal:.2f} s")
        t_re, _ = techmonitor(tmp / "tm", *period, *only)
        print(f"no-change rerun: {t_re:.2f} s")
        stages: dict[str, float] = {}
        for entry in manifest.get("reports", []):
            for k, v in entry.get("timings", {}).items():
                stages[k] = stages.get(k, 0.0) + float(v)
        if stages:
            print("per-report stage sums (s): " + ", ".join(
                f"{k} {v:.1f}" for k, v in stages.items() if k not in ("queue", "total")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
