"""The code a kept-alive kernel runs to snapshot its state after warm-up and restore it.

:class:`~techmonitor.kernel.KernelSession` runs :func:`baseline_code` once, right after the
warm-up imports, and :data:`RESET_CODE` between two reports. The reset restores:

* the user namespace (``InteractiveShell.reset``; also ``In``/``Out`` and the execution count),
* open matplotlib figures, ``matplotlib.rcParams`` (hence also seaborn themes), pandas options,
* the working directory, ``sys.path``, ``os.environ``, warning filters, ``builtins`` additions,
* the global random states of ``random`` and ``numpy.random``,
* modules imported from the project folder during a report (dropped from ``sys.modules``, so the
  next import is fresh).

It reports (:data:`RESULT_EXPR`) whether the report imported a stateful library the warm-up did
not (matplotlib, seaborn, pandas): no reset can restore that one, so the kernel is restarted.
"""

from __future__ import annotations

from pathlib import Path

# Keeps the baseline in a module that the namespace reset does not touch, plus the reset
# function; CWD and PACKAGE_DIR are filled in by :func:`baseline_code`.
_BASELINE_CODE = r'''
def __techmonitor_install(cwd, package_dir):
    import builtins, copy, os, random, sys, types, warnings
    st = types.ModuleType("__techmonitor_state__")
    st.cwd, st.package_dir = cwd, package_dir
    st.path = list(sys.path)
    st.environ = dict(os.environ)
    st.modules = set(sys.modules)
    st.builtins = set(vars(builtins))
    st.warnings = list(warnings.filters)
    st.random = random.getstate()
    np = sys.modules.get("numpy")
    st.np_random = np.random.get_state() if np is not None else None
    mpl = sys.modules.get("matplotlib")
    st.rc = None
    if mpl is not None:
        st.rc = dict(mpl.rcParams.copy())
        st.rc.pop("backend", None)
    pdc = sys.modules.get("pandas._config.config")
    st.pd = copy.deepcopy(pdc._global_config) if pdc is not None else None
    st.last = {}

    def reset():
        ip = get_ipython()
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            plt.close("all")
        ip.reset(new_session=True)
        ip.execution_count = 1
        os.chdir(st.cwd)
        sys.path[:] = st.path
        os.environ.clear()
        os.environ.update(st.environ)
        for name in set(vars(builtins)) - st.builtins:
            delattr(builtins, name)
        warnings.filters[:] = st.warnings
        warnings._filters_mutated()
        random.setstate(st.random)
        if st.np_random is not None:
            sys.modules["numpy"].random.set_state(st.np_random)
        if st.rc is not None:
            rc = sys.modules["matplotlib"].rcParams
            getattr(rc, "_update_raw", lambda d: dict.update(rc, d))(st.rc)
        if st.pd is not None:
            g = sys.modules["pandas._config.config"]._global_config
            g.clear()
            g.update(copy.deepcopy(st.pd))
        new = set(sys.modules) - st.modules
        stateful = sorted(m for m in new if m in ("matplotlib", "seaborn", "pandas"))
        dropped = 0
        for name in new:
            f = getattr(sys.modules.get(name), "__file__", None) or ""
            if f.startswith(st.cwd + os.sep) and not f.startswith(st.package_dir):
                sys.modules.pop(name, None)
                dropped += 1
        st.last = {"restart": bool(stateful), "stateful": stateful[:5], "dropped": dropped}

    st.reset = reset
    sys.modules[st.__name__] = st

__techmonitor_install(CWD, PACKAGE_DIR)
del __techmonitor_install
'''
#: run in the kernel between two reports (through a fresh client)
RESET_CODE = "__import__('sys').modules['__techmonitor_state__'].reset()"
#: user expression read back after :data:`RESET_CODE`: what the reset found, as JSON
RESULT_EXPR = "__import__('json').dumps(__import__('sys').modules['__techmonitor_state__'].last)"


def baseline_code(cwd: Path, package_dir: Path) -> str:
    """The code that takes the reset baseline in a freshly warmed kernel.

    Parameters
    ----------
    cwd
        The kernel's working directory (the project folder), restored by every reset.
    package_dir
        The installed ``techmonitor`` package: modules under it are never dropped, even when
        it lies inside the project folder.

    Returns
    -------
    str
        Python source to run once in the kernel.
    """
    return _BASELINE_CODE.replace("CWD", repr(str(cwd))).replace(
        "PACKAGE_DIR", repr(str(package_dir)))
