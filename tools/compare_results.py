"""Compare the results files of two batch runs: every differing leaf, by report and path.

Usage: python tools/compare_results.py RUN_BEFORE RUN_AFTER  (folders holding 2023Q3/results).
The period is fixed at 2023Q3 (the batch of issue 19's before/after check).
"""
import json
import sys
from pathlib import Path

IGNORE = {"code_version"}  # the commit changes by construction


def leaves(x, path=""):
    if isinstance(x, dict):
        for k, v in x.items():
            if k in IGNORE:
                continue
            yield from leaves(v, f"{path}.{k}")
    elif isinstance(x, list):
        if x and all(isinstance(i, dict) and "key" in i for i in x):
            for i in x:
                yield from leaves(i, f"{path}[{i['key']}]")
        else:
            for n, i in enumerate(x):
                yield from leaves(i, f"{path}[{n}]")
    else:
        yield path, x


before, after = (Path(a) / "2023Q3" / "results" for a in sys.argv[1:3])
names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
total = 0
for name in names:
    a, b = before / name, after / name
    if not a.exists() or not b.exists():
        print(f"{name}: only in {'after' if b.exists() else 'before'}")
        total += 1
        continue
    la = dict(leaves(json.loads(a.read_text())))
    lb = dict(leaves(json.loads(b.read_text())))
    for k in sorted(la.keys() | lb.keys()):
        if la.get(k, "<absent>") != lb.get(k, "<absent>"):
            total += 1
            print(f"{name} {k}: {la.get(k, '<absent>')!r} -> {lb.get(k, '<absent>')!r}")
print(f"{len(names)} files, {total} differences")
