"""The sector author's workbench: scaffold a report, open it in JupyterLab, preview it live.

* :mod:`~techmonitor.workbench.scaffold` — ``techmonitor new sector|region SLUG``;
* :mod:`~techmonitor.workbench.prepare` — ``techmonitor open``: a parametrised copy of the
  template in a git-ignored work folder, and JupyterLab on it;
* :mod:`~techmonitor.workbench.preview` — ``techmonitor preview``: a localhost server with a
  warm kernel that re-renders the HTML when a watched file changes.
"""
