"""The author's workbench: ``new`` scaffolds a file that validates, ``open`` prepares a
notebook that a headless JupyterLab serves through its REST API (executed here with
nbclient), and ``preview`` re-renders the page in Chromium after a saved edit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from techmonitor.cli import main
from techmonitor.errors import ParameterError
from techmonitor.paramfiles import resolve
from techmonitor.report import Report
from techmonitor.report import document as doc
from techmonitor.report.document import DOCUMENT_MIMETYPE
from techmonitor.workbench.prepare import free_port, job_for, lab_command, lab_env, prepare
from techmonitor.workbench.preview import Preview
from techmonitor.workbench.scaffold import new_report

from .conftest import ROOT

TECHMONITOR = str(Path(sys.executable).parent / "techmonitor")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "params", tmp_path / "params")
    base = tmp_path / "params" / "base.yaml"  # the quarter these tests were written for
    base.write_text(base.read_text(encoding="utf-8").replace("period: latest",
                                                             'period: "2023Q3"'),
                    encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "data").symlink_to(ROOT / "data")
    return tmp_path


def test_new_writes_a_commented_file_that_validates_and_a_starter_that_runs(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "params" / "sectors" / "water.yaml").unlink()
    assert main(["new", "sector", "water", "--analysis", "--project", str(project)]) == 0
    path = project / "params" / "sectors" / "water.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("\n#") >= 5  # commented: what each key does and how to set a target
    assert "name: Water" in text and "analysis: analyses/water.py" in text
    assert main(["validate", "--project", str(project)]) == 0
    job = resolve(project / "params" / "base.yaml", path,
                  overrides={"project_dir": str(project)})
    report = Report(job.params)
    shown = report.analysis()
    assert isinstance(shown, doc.Section) and shown.role == "own"
    assert any(isinstance(c, doc.Figure) for c in shown.children)
    assert not any(f.step == "analysis" for f in report.context.findings)
    # nothing is overwritten, and unknown slugs say what exists
    with pytest.raises(ParameterError, match="exists already"):
        new_report(project, "sector", "water")
    with pytest.raises(ParameterError, match="did you mean 'utrecht'"):
        new_report(project, "region", "utrech")


def test_open_prepares_the_notebook_with_the_reports_parameters(project: Path) -> None:
    job = job_for(project, "sector", "energie")
    path, written = prepare(project, job)
    assert written and path == project / "work" / "sector-energie.ipynb"
    nb = nbformat.read(path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "slug = \"energie\"" in injected[0].source
    assert "project_dir = \"..\"" in injected[0].source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    # the author's edits survive any number of opens; --fresh keeps them beside the new copy
    nb.cells.append(nbformat.v4.new_markdown_cell("my notes"))
    nbformat.write(nb, path)
    for _ in range(3):
        assert prepare(project, job) == (path, False)
    assert "my notes" in path.read_text(encoding="utf-8")
    assert prepare(project, job, fresh=True) == (path, True)
    assert "my notes" not in path.read_text(encoding="utf-8")
    (backup,) = (project / "work").glob("sector-energie.*.ipynb.bak")
    assert "my notes" in backup.read_text(encoding="utf-8")
    with pytest.raises(ParameterError, match=r"^sector:energi: no such report"):
        job_for(project, "sector", "energi")


def test_preview_renders_again_when_a_file_is_saved_during_a_render(project: Path) -> None:
    """A save while the warm kernel renders must not be lost, nor one during the first
    render; an editor's swap file and a hidden data file render nothing."""
    import threading

    preview = Preview(project, "sector", "energie")
    params = project / "params" / "sectors" / "energie.yaml"
    seen: list[str] = []

    def render(changed: list[str] | None = None) -> None:  # stands in for the kernel
        seen.append(params.read_text(encoding="utf-8"))
        if len(seen) <= 2:  # the author saves again while this render runs
            time.sleep(0.05)
            params.write_text(seen[0] + f"# save {len(seen)}\n", encoding="utf-8")
            time.sleep(0.3)
        if len(seen) >= 3:
            preview.stop()

    preview.render = render  # type: ignore[method-assign]
    thread = threading.Thread(target=preview.watch, kwargs={"first": render}, daemon=True)
    thread.start()
    thread.join(timeout=20)
    preview.close()
    assert not thread.is_alive(), f"a save during a render was never rendered: {seen}"
    assert seen[-1].endswith("# save 2\n") and len(seen) == 3
    assert preview.wanted(str(params)) and not preview.wanted(str(params) + ".swp")
    assert not preview.wanted(str(project / "data" / ".cache" / "x.parquet"))
    assert preview.wanted(str(project / "data" / "new.csv"))


def _get(url: str, timeout: float = 5) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - localhost
        return bytes(r.read())


@pytest.fixture
def lab(project: Path) -> Iterator[tuple[str, str]]:
    pytest.importorskip("jupyterlab", reason="JupyterLab is installed by `make lab` / the "
                                             "test extra")
    port, token = free_port(), "techmonitor-test-token"
    job = job_for(project, "sector", "energie")
    notebook, _ = prepare(project, job)
    cmd = lab_command(project, notebook, port=port, browser=False)
    assert token not in " ".join(cmd)  # the token is not in the process list
    env = {**lab_env(token), "JUPYTER_CONFIG_DIR": str(project / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(project / ".jupyter-runtime")}
    proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"JupyterLab did not start: {err[-2000:]}")
                time.sleep(0.3)
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.slow
def test_jupyterlab_serves_the_prepared_notebook_and_it_runs(
        project: Path, lab: tuple[str, str]) -> None:
    from nbclient import NotebookClient

    base, token = lab
    # the notebook is found through JupyterLab's REST API (the contents service)
    listing = json.loads(_get(f"{base}/api/contents/work?token={token}"))
    names = [e["name"] for e in listing["content"]]
    assert "sector-energie.ipynb" in names
    model = json.loads(_get(f"{base}/api/contents/work/sector-energie.ipynb?token={token}"
                            "&content=1&type=notebook"))
    assert model["type"] == "notebook"
    page = _get(f"{base}/lab/tree/work/sector-energie.ipynb?token={token}").decode()
    assert 'id="jupyter-config-data"' in page and '"appName": "JupyterLab"' in page
    nb = nbformat.from_dict(model["content"])
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(project / "work")}}).execute()
    sections = [o["data"][DOCUMENT_MIMETYPE] for c in nb.cells if c.cell_type == "code"
                for o in c.get("outputs", []) if DOCUMENT_MIMETYPE in o.get("data", {})]
    assert sections[0]["type"] == "front"
    assert "Energie" in sections[0]["title"]
    assert {"kernboodschappen", "methode"} <= {s.get("id") for s in sections}


def _state(base: str) -> dict[str, object]:
    return dict(json.loads(_get(f"{base}/__state")))


def _wait(base: str, version: int, timeout: float = 60) -> dict[str, object]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            state = _state(base)
            if int(state["version"]) > version and not state["building"]:  # type: ignore[call-overload]
                return state
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"preview did not render version {version + 1} within {timeout} s")


@pytest.mark.slow
def test_preview_reloads_the_page_after_an_edit_and_survives_a_bad_one(
        project: Path) -> None:
    from techmonitor.render.screenshots import browser, chromium_path

    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium missing (CI is set: this check must run); make browser-deps")
        pytest.skip("Chromium missing; run `make browser-deps`")
    port = free_port()
    proc = subprocess.Popen([TECHMONITOR, "preview", "sector:energie", "--project",
                             str(project), "--port", str(port), "--no-browser"],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    params = project / "params" / "sectors" / "energie.yaml"
    good = params.read_text(encoding="utf-8")
    try:
        _wait(base, 0, timeout=120)
        with browser() as chrome:
            page = chrome.new_page()
            page.goto(base + "/")
            assert "Topsector Energie" in page.title()
            params.write_text(good.replace("name: Energie", "name: Energie en Klimaat"),
                              encoding="utf-8")
            page.wait_for_function("document.title.includes('Energie en Klimaat')",
                                   timeout=30_000)
            assert page.locator("h1").first.inner_text().count("Energie en Klimaat") == 1
            # a bad edit: the page shows the error naming the file; the server keeps running
            params.write_text(good + "targets: [oops\n", encoding="utf-8")
            page.wait_for_selector("#preview-error", timeout=30_000)
            error = page.locator("#preview-error").inner_text()
            assert "energie.yaml" in error and "not valid YAML" in error
            assert proc.poll() is None
            params.write_text(good, encoding="utf-8")
            page.wait_for_function("document.title.includes('Topsector Energie,')",
                                   timeout=30_000)
            assert page.locator("#preview-error").count() == 0
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out = ""
    assert "preview of sector-energie: http://127.0.0.1:" in out


def test_preview_server_refuses_foreign_hosts_and_closes_idle_connections(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import http.client
    import socket
    import threading

    from techmonitor.workbench import preview as pv

    monkeypatch.setattr(pv, "CONNECTION_TIMEOUT", 0.5)
    preview = Preview(project, "sector", "energie")
    server = pv.make_server(preview, 0)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        def status(host: str) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.putrequest("GET", "/__state", skip_host=True)
            conn.putheader("Host", host)
            conn.endheaders()
            code = conn.getresponse().status
            conn.close()
            return code

        assert status(f"127.0.0.1:{port}") == 200 and status("localhost") == 200
        for bad in ("127.0.0.1:80@evil.example", "evil.example", "localhost.evil.example",
                    "127.0.0.1:80:81", "127.0.0.1:", "127.0.0.1.nip.io:80"):
            assert status(bad) == 403, bad
        # a client that connects and says nothing is dropped after the timeout
        with socket.create_connection(("127.0.0.1", port), timeout=5) as idle:
            t0 = time.monotonic()
            assert idle.recv(1) == b""
            assert time.monotonic() - t0 < 3
    finally:
        server.shutdown()
        server.server_close()
        preview.close()


def test_new_analysis_for_an_existing_report_keeps_its_params_file(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "params" / "sectors" / "energie.yaml"
    before = path.read_text(encoding="utf-8")
    assert "analysis:" not in before and "\n#" in before  # a commented file without the key
    assert main(["new", "sector", "energie", "--analysis", "--project", str(project)]) == 0
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # every byte kept, comments included
    assert after[len(before):].splitlines()[-1] == "analysis: analyses/energie.py"
    assert "def sections(report)" in (project / "analyses" / "energie.py").read_text()
    assert main(["validate", "--project", str(project)]) == 0
    with pytest.raises(ParameterError, match="already has its own analysis"):
        new_report(project, "sector", "energie", analysis=True)
    assert path.read_text(encoding="utf-8") == after

    # a file `new` wrote without one: its commented-out key is switched on in place
    water = project / "params" / "sectors" / "water.yaml"
    water.unlink()
    new_report(project, "sector", "water")
    lines = water.read_text(encoding="utf-8").splitlines()
    new_report(project, "sector", "water", analysis=True)
    changed = water.read_text(encoding="utf-8").splitlines()
    assert len(changed) == len(lines)
    diff = [(a, b) for a, b in zip(lines, changed, strict=True) if a != b]
    assert diff == [("# analysis: analyses/water.py", "analysis: analyses/water.py")]


def test_open_and_preview_compare_with_the_previous_quarter_as_the_batch_does(
        project: Path) -> None:
    # no earlier run: nothing to compare with
    assert job_for(project, "sector", "energie").params.compare_with == ""
    earlier = project / "reports" / "2023Q2" / "results" / "sector-energie.json"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("{}", encoding="utf-8")
    job = job_for(project, "sector", "energie")
    assert job.params.compare_with == "reports/2023Q2/results/sector-energie.json"
    path, _ = prepare(project, job)
    injected = next(c for c in nbformat.read(path, as_version=4).cells
                    if "injected-parameters" in c.metadata.get("tags", []))
    assert 'compare_with = "reports/2023Q2/results/sector-energie.json"' in injected.source
    preview = Preview(project, "sector", "energie")
    try:
        assert preview._job().params.compare_with == job.params.compare_with
    finally:
        preview.close()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGHUP", "SIGKILL"])
def test_stopping_open_stops_jupyterlab(project: Path, how: str) -> None:
    import re
    import signal

    import psutil

    pytest.importorskip("jupyterlab", reason="JupyterLab is installed by `make lab`")
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(project / ".jupyter"),
           "JUPYTER_RUNTIME_DIR": str(project / ".jupyter-runtime")}
    proc = subprocess.Popen([TECHMONITOR, "open", "sector:energie", "--project", str(project),
                             "--port", str(port), "--no-browser"], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        url = ""
        while not url:
            line = proc.stdout.readline()
            assert line, "open ended before printing the URL"
            found = re.search(r"\?token=(\w+)", line)
            url = f"http://127.0.0.1:{port}/api/status?token={found.group(1)}" if found else ""
        deadline = time.time() + 120
        while True:
            try:
                _get(url)
                break
            except OSError:
                assert time.time() < deadline, "JupyterLab did not start"
                time.sleep(0.3)
        lab = psutil.Process(proc.pid).children(recursive=True)
        assert lab, "JupyterLab should run as a child of open"
        proc.send_signal(getattr(signal, how))
        proc.wait(timeout=30)
        gone, alive = psutil.wait_procs(lab, timeout=30)
        assert not alive, f"left running after {how}: {[p.cmdline() for p in alive]}"
        with pytest.raises(OSError):
            _get(url, timeout=2)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.slow
def test_preview_recovers_by_itself_after_the_kernel_dies(project: Path) -> None:
    (project / "analyses").mkdir()
    own = project / "analyses" / "energie.py"
    own.write_text("import os\n\n\ndef sections(report):\n    os._exit(1)\n", encoding="utf-8")
    params = project / "params" / "sectors" / "energie.yaml"
    params.write_text(params.read_text(encoding="utf-8") + "analysis: analyses/energie.py\n",
                      encoding="utf-8")
    preview = Preview(project, "sector", "energie")
    try:
        t0 = time.monotonic()
        preview.render()
        assert time.monotonic() - t0 < 300  # not "building" for ever
        state = preview.state.as_json()
        assert state["ok"] is False and state["building"] is False
        assert "kernel died during the own analysis" in str(state["error"])
        own.write_text("def sections(report):\n    return [report.section('Eigen', 'Tekst.')]\n",
                       encoding="utf-8")
        preview.render([str(own)])  # what the watcher does on the next save
        state = preview.state.as_json()
        assert state["ok"] is True, state["error"]
        assert "Eigen" in preview.state.html
    finally:
        preview.close()
