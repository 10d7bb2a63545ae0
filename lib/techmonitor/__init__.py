"""Techniek Monitor: quarterly progress reports on people in science and technology."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("techmonitor")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
