"""No import cycle in the package, counting every import.

Imports inside functions and under ``TYPE_CHECKING`` count too: a cycle that only a lazy
import hides is still two modules that cannot be read, tested or moved one without the other.
The graph is read from the source with :mod:`ast`, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "techmonitor"


def module_name(path: Path) -> str:
    """``lib/techmonitor/report/core.py`` → ``techmonitor.report.core``."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every techmonitor module ``path`` imports, wherever the import stands."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # ``from techmonitor.report import changes`` imports the module changes
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                     for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:  # ``techmonitor.fmt.number`` → techmonitor.fmt
                name = name.rpartition(".")[0]
            if name and name != me:
                found.add(name)
    return found


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the techmonitor modules it imports."""
    files = {module_name(p): p for p in root.rglob("*.py")}
    known = set(files)
    return {m: imports_of(p, known) for m, p in files.items()}


def cycles(g: dict[str, set[str]], prefix: str) -> list[list[str]]:
    """The strongly connected components (more than one module) among modules under
    ``prefix`` (Tarjan's algorithm), each sorted."""
    nodes = {m for m in g if m.startswith(prefix)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g[v] & nodes:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def test_the_checker_finds_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "techmonitor"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("from techmonitor.sub import b\n")
    (pkg / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import X\n")
    (pkg / "sub" / "c.py").write_text("def f():\n    import techmonitor.sub.a.thing\n")
    (pkg / "sub" / "d.py").write_text("from techmonitor.sub import a\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, pkg
    try:
        found = cycles(graph(pkg), "techmonitor.sub")
    finally:
        PACKAGE = saved
    assert found == [["techmonitor.sub.a", "techmonitor.sub.b", "techmonitor.sub.c"]]


def test_no_import_cycle_in_the_package() -> None:
    found = cycles(graph(), "techmonitor")
    assert found == [], "\n".join(" <-> ".join(c) for c in found)



#: the section modules: they phrase what the context holds and return document nodes
SECTIONS = ("intro", "changes", "goals", "retention", "extra40k", "labour", "measures",
            "national", "regions", "annex")
#: what selects, fits or estimates (the analysis layer's tools); no section imports them
COMPUTING = ("techmonitor.trends", "techmonitor.cohorts", "techmonitor.indicators",
             "techmonitor.observations", "techmonitor.report.store",
             "techmonitor.report.series", "techmonitor.report.results_data")


def test_sections_only_phrase() -> None:
    g = graph()
    found = {s: sorted(m for m in g[f"techmonitor.report.{s}"]
                       if any(m == c or m.startswith(c + ".") for c in COMPUTING))
             for s in SECTIONS}
    assert {s: m for s, m in found.items() if m} == {}


if __name__ == "__main__":  # list every cycle of the package
    for c in cycles(graph(), "techmonitor"):
        print(" <-> ".join(c))
