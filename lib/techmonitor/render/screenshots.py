"""PNG screenshots of rendered reports from headless Chromium, for reviewers.

Uses Debian's ``chromium`` (``/usr/bin/chromium``) through Playwright's Python package; the
browser Playwright would download is never used. Only ``file://`` requests are allowed, so a
screenshot also proves the page needs nothing from the network.

Run it as ``techmonitor screenshots --period 2023Q3`` (or ``make screenshots``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from techmonitor.errors import RenderError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: report ids screenshotted by default: the national report and one sector report
DEFAULT_REPORTS = ("national-nl", "sector-energie")
#: desktop (A4-like reading width) and phone widths in CSS pixels
VIEWPORTS = {"desktop": (1024, 1400), "phone": (390, 844)}


def chromium_path() -> str | None:
    """Path of the system Chromium, or None (``TECHMONITOR_CHROMIUM`` overrides)."""
    env = os.environ.get("TECHMONITOR_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for cand in CHROMIUM_CANDIDATES:
        if Path(cand).exists():
            return cand
    found = shutil.which("chromium")
    return found


@contextmanager
def browser() -> Iterator[Any]:
    """A headless system Chromium (Playwright), closed on exit.

    Raises
    ------
    RenderError
        When Chromium or the Python ``playwright`` package is missing, with how to install.
    """
    exe = chromium_path()
    if exe is None:
        raise RenderError("Chromium not found at /usr/bin/chromium; install it with "
                          "`make browser-deps` (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise RenderError("the Python package 'playwright' is missing; install the test "
                          "extras: pip install -e '.[test]'") from exc
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def block_network(page: Any, blocked: list[str] | None = None) -> None:
    """Abort every request that is not ``file://`` (and note it in ``blocked``)."""

    def _route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:", "about:")):
            route.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            route.abort()

    page.route("**/*", _route)


def screenshots(
    report_dir: Path,
    out_dir: Path,
    reports: Sequence[str] = DEFAULT_REPORTS,
    *,
    full_page: bool = True,
    viewports: Sequence[str] = ("desktop", "phone"),
    max_tiles: int = 30,
) -> list[Path]:
    """Write ``<report>-<viewport>.png`` for each report HTML in ``report_dir``.

    Parameters
    ----------
    report_dir
        Folder with the rendered ``<report>.html`` files (``reports/<period>``).
    out_dir
        Folder for the PNGs (created).
    reports
        Report ids, e.g. ``national-nl`` and ``sector-energie``.
    full_page
        Capture the whole page as numbered tiles ``<report>-<viewport>-01.png`` … (a long
        report is one PNG too tall for image viewers), not only the first screen.
    viewports
        Names from :data:`VIEWPORTS`.

    Returns
    -------
    list of Path
        The PNG files written.

    Raises
    ------
    RenderError
        When a report HTML is missing, the browser is missing, or a page asked for anything
        outside ``file://``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for rid in reports:
        html = report_dir / f"{rid}.html"
        if not html.exists():
            raise RenderError(f"{html}: not found; run `techmonitor run` for this period first")
        pages.append((rid, html))
    written: list[Path] = []
    with browser() as b:
        for name in viewports:
            width, height = VIEWPORTS[name]
            ctx = b.new_context(viewport={"width": width, "height": height})
            for rid, html in pages:
                page = ctx.new_page()
                blocked: list[str] = []
                block_network(page, blocked)
                page.goto(html.resolve().as_uri(), wait_until="load")
                if full_page:
                    written += _tiles(page, out_dir, f"{rid}-{name}", width, max_tiles)
                else:
                    target = out_dir / f"{rid}-{name}.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                page.close()
                if blocked:
                    raise RenderError(f"{html}: the page requested {blocked[0]} (only local "
                                      "files are allowed)")
            ctx.close()
    return written


TILE_HEIGHT = 1600


def _tiles(page: Any, out_dir: Path, stem: str, width: int, max_tiles: int) -> list[Path]:
    """Screenshot the page in tiles of :data:`TILE_HEIGHT` CSS pixels from the top."""
    height = int(page.evaluate("document.documentElement.scrollHeight"))
    out = []
    for i, top in enumerate(range(0, height, TILE_HEIGHT)):
        if i >= max_tiles:
            break
        target = out_dir / f"{stem}-{i + 1:02d}.png"
        page.screenshot(path=str(target), full_page=True,
                        clip={"x": 0, "y": top, "width": width,
                              "height": min(TILE_HEIGHT, height - top)})
        out.append(target)
    return out
