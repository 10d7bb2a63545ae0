"""``techmonitor preview KIND:SLUG``: the report's HTML, re-rendered on every saved edit.

One warm kernel (the batch's :class:`~techmonitor.worker.Worker`, HTML only) runs the report
whenever a watched file changes: the params files (``base.yaml`` and the report's own),
the template, every file under ``data/``, the author's analysis file and the earlier results
the report is compared with (the same as in the batch: the previous quarter's run in
``reports/``). A small HTTP server,
bound to 127.0.0.1 only, serves the latest page; the page asks ``/__state`` ten times a
second and reloads itself when a newer render is there. An edit that breaks the report (bad
YAML, a failing cell, an analysis error) shows its error in the page; the server keeps
running and the next good save shows the report again.

Files are watched with ``watchfiles`` (inotify and its kin, a polling fallback where the
file system has none): a saved edit is seen about :data:`STEP_MS` after the save, the
same as the 0.1 s polling it replaced on average, without stat-ing every watched file ten
times a second while nothing changes (measured 3.6 ms per poll of the 14 files, i.e.
about 4 % of a core while idle). Editors that save by renaming a temporary file over the
original are seen too: the folders are watched, and events are filtered to the files.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from techmonitor.cache import files_under
from techmonitor.errors import TechmonitorError
from techmonitor.paramfiles import TEMPLATES, Job

#: milliseconds without a further change before a batch of changes is taken (a save that
#: writes several files renders once)
STEP_MS = 50
#: milliseconds the watcher waits before it checks whether it was stopped
WAKE_MS = 100
#: seconds a connection may stay silent before it is closed (no thread per idle connection)
CONNECTION_TIMEOUT = 10.0
#: the only Host headers served: this machine by name or address, with an optional port
_LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost)(?::[0-9]{1,5})?")


def local_host(header: str | None) -> bool:
    """Whether a ``Host`` header names this machine exactly (``127.0.0.1`` or ``localhost``,
    optional numeric port); anything else (``127.0.0.1:80@evil.example``, a DNS-rebinding
    name) is refused."""
    return header is not None and _LOCAL_HOST.fullmatch(header) is not None
#: the only script in a preview page (reports themselves have none): reload on a new render
RELOAD_SCRIPT = """<script>
(function () {
  var seen = %d;
  function poll() {
    fetch('/__state', {cache: 'no-store'}).then(function (r) { return r.json(); })
      .then(function (s) { if (s.version !== seen) { location.reload(); } })
      .catch(function () {}).finally(function () { setTimeout(poll, 100); });
  }
  setTimeout(poll, 100);
})();
</script>"""


@dataclass
class PreviewState:
    """What the server shows: the latest render (or error) and when it was made."""

    version: int = 0
    html: str = ""
    error: str | None = None
    building: bool = False
    changed: list[str] = field(default_factory=list)
    render_seconds: float = 0.0
    rendered_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def as_json(self) -> dict[str, Any]:
        with self.lock:
            return {"version": self.version, "ok": self.error is None,
                    "building": self.building, "error": self.error,
                    "changed": self.changed, "render_seconds": self.render_seconds,
                    "rendered_at": self.rendered_at}


def with_reload(html: str, version: int) -> str:
    """The page with the reload script before ``</body>``."""
    script = RELOAD_SCRIPT % version
    at = html.rfind("</body>")
    return html[:at] + script + html[at:] if at >= 0 else html + script


def error_page(report: str, error: str, version: int) -> str:
    """A plain page that shows why the report could not be rendered (all text escaped)."""
    return with_reload(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Preview of {escape(report)}: error</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;background:#fbe9e9;border-left:4px solid #d52b1e;"
        "padding:1rem}</style></head><body><main>"
        f"<h1>Preview of {escape(report)}: the last save could not be rendered</h1>"
        f"<pre id='preview-error'>{escape(error)}</pre>"
        "<p>Fix the file and save it again; this page reloads by itself.</p>"
        "</main></body></html>", version)


class Preview:
    """The warm kernel, the watcher and the latest render of one report.

    Parameters
    ----------
    project
        The project folder.
    kind, slug
        The report (``sector``, ``energie``).
    overrides
        ``--set`` values, as for ``techmonitor run``.
    """

    def __init__(self, project: Path, kind: str, slug: str,
                 overrides: dict[str, Any] | None = None) -> None:
        from techmonitor.worker import Worker, WorkerSettings, default_warm_code

        self.project = project.resolve()
        self.kind, self.slug = kind, slug
        self.overrides = overrides
        self.report = f"{kind}-{slug}"
        self.state = PreviewState()
        self.worker = Worker(WorkerSettings(project=self.project, formats=("html",),
                                            warm_code=default_warm_code(self.project),
                                            restart_every=10_000))
        self._analysis: Path | None = None
        self._compared: Path | None = None
        self._watching: set[Path] = set()
        self._stop = threading.Event()

    # -- what is watched -----------------------------------------------------------------------
    def watched(self) -> list[Path]:
        """The files whose change re-renders the report."""
        params = self.project / "params"
        own = params / "national.yaml" if self.kind == "national" else \
            params / f"{self.kind}s" / f"{self.slug}.yaml"
        files = [params / "base.yaml", own, self.project / "templates" / TEMPLATES[self.kind]]
        # the same files as the batch's data fingerprint (hidden files and caches left out)
        files += files_under(self.project / "data")
        files += [f for f in (self._analysis, self._compared) if f is not None]
        return files

    def roots(self) -> list[Path]:
        """The folders to watch: the existing parents of the watched files (and ``data/``)."""
        folders = {self.project / "data"} | {f.parent for f in self.watched()}
        existing = sorted(f for f in folders if f.is_dir())
        # a folder inside another watched one (recursively) adds nothing
        return [f for f in existing if not any(o != f and o in f.parents for o in existing)]

    def wanted(self, path: str) -> bool:
        """Whether a change to ``path`` re-renders: a watched file, or a data file as the
        batch's data fingerprint counts it (hidden files, caches and editor swaps left out)."""
        target = Path(path)
        if target in self._watching:
            return True
        data = self.project / "data"
        if data not in target.parents:
            return False
        rel = target.relative_to(data).parts
        return not any(p.startswith(".") or p == "__pycache__" for p in rel) and \
            target.suffix not in {".pyc", ".pyo", ".swp"}

    # -- rendering -----------------------------------------------------------------------------
    def _job(self) -> Job:
        from techmonitor.workbench.prepare import job_for

        return job_for(self.project, self.kind, self.slug, self.overrides)

    def render(self, changed: list[str] | None = None) -> None:
        """Run the report in the warm kernel and publish its page or its error."""
        from techmonitor.batch import compared_path
        from techmonitor.worker import Task

        with self.state.lock:
            self.state.building = True
        t0 = time.perf_counter()
        html, error = "", None
        try:
            job = self._job()
            self._analysis = job.params.analysis_file(self.project)
            self._compared = compared_path(self.project, job)
            result = self.worker.process(Task(0, job, "preview"))
            if result.status == "ok" and result.html is not None:
                html = result.html
                warnings = (result.summary or {}).get("warnings") or []
                if warnings:  # the page shows them too; say so on the terminal as well
                    for w in warnings:
                        print(f"warning: {self.report}: {w}", flush=True)
            else:
                error = result.error or "the report failed"
                if result.cell_source:
                    error += f"\n\nin the cell:\n{result.cell_source}"
        # a bad edit reaches us as a params error (YAML, encoding, schema) or a file that
        # vanished mid-save; a failing cell or renderer is already the worker's result
        except TechmonitorError as exc:
            error = str(exc)
        except OSError as exc:
            error = f"{exc.filename or ''}: {exc.strerror or exc}"
        seconds = round(time.perf_counter() - t0, 3)
        with self.state.lock:
            self.state.version += 1
            v = self.state.version
            self.state.html = with_reload(html, v) if error is None else \
                error_page(self.report, error, v)
            self.state.error = error
            self.state.building = False
            self.state.changed = changed or []
            self.state.render_seconds = seconds
            self.state.rendered_at = time.time()
        status = "error" if error else "ok"
        print(f"{status:5s} {self.report} rendered in {seconds:.2f} s"
              f"{' after ' + ', '.join(Path(c).name for c in changed) if changed else ''}"
              f"{': ' + error.splitlines()[0] if error else ''}", flush=True)

    def watch(self, *, first: Callable[[], None] | None = None) -> None:
        """Re-render on every change until :meth:`stop` (call from one thread only).

        ``first``, if given, runs once the watcher is in place (the first render): a save
        during it is not lost. Changes saved while a render runs are kept by the watcher
        and render again afterwards.
        """
        from watchfiles import watch as watch_files

        while not self._stop.is_set():
            self._watching = set(self.watched())
            roots = self.roots()
            changes = watch_files(*roots, watch_filter=lambda _c, p: self.wanted(p),
                                  stop_event=self._stop, step=STEP_MS, rust_timeout=WAKE_MS,
                                  yield_on_timeout=True, raise_interrupt=False)
            for batch in changes:
                if first is not None:
                    run: Callable[[], None] = first
                    first = None
                    run()
                elif batch:
                    self.render(sorted({path for _change, path in batch}))
                if self.roots() != roots or set(self.watched()) != self._watching:
                    break  # a newly named analysis file, or a folder that appeared

    def stop(self) -> None:
        """Stop watching (the loop ends after its current poll or render)."""
        self._stop.set()

    def close(self) -> None:
        """Shut the warm kernel down and remove its scratch folder."""
        self.worker.close()


def make_server(preview: Preview, port: int) -> ThreadingHTTPServer:
    """The HTTP server of a preview, bound to 127.0.0.1 (never to other interfaces)."""
    state = preview.state

    class Handler(BaseHTTPRequestHandler):
        timeout = CONNECTION_TIMEOUT  # socket timeout: a silent client frees its thread

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not local_host(self.headers.get("Host")):  # another name (DNS rebinding)
                self.send_error(HTTPStatus.FORBIDDEN)
                return
            path = self.path.split("?", 1)[0]
            if path == "/__state":
                self._send(json.dumps(state.as_json()).encode(), "application/json")
            elif path in ("/", "/index.html", f"/{preview.report}.html"):
                with state.lock:
                    body = state.html or error_page(preview.report, "rendering …", 0)
                self._send(body.encode("utf-8"), "text/html; charset=utf-8")
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

        def _send(self, body: bytes, ctype: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", ctype)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return  # quiet: the terminal shows renders, not requests

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def serve(project: Path, kind: str, slug: str, *, port: int, browser: bool,
          overrides: dict[str, Any] | None = None) -> int:
    """Run the preview in the foreground until Ctrl-C; returns the exit status."""
    preview = Preview(project, kind, slug, overrides)
    try:
        server = make_server(preview, port)
    except OSError as exc:
        raise TechmonitorError(f"--port {port}: cannot listen on 127.0.0.1 ({exc.strerror}); "
                               "pick another port") from exc
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"preview of {preview.report}: {url} (Ctrl-C stops)", flush=True)

    def first() -> None:
        preview.render()
        if browser:
            import webbrowser

            webbrowser.open(url)

    try:
        preview.watch(first=first)  # the watcher is in place before the first render
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
        server.shutdown()
        preview.close()
    return 0
