"""Document nodes → HTML with jinja2, escaped by construction (autoescape on).

The one piece of markup that enters as markup is a chart's SVG, which matplotlib wrote from
our own figures (its text already XML-escaped); it is given ``role="img"``, an
``aria-label`` and a ``<title>`` with the alt text so browsers and screen readers carry the
description.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Protocol

import jinja2
from markupsafe import Markup, escape

from techmonitor.report import xref


class Figure(Protocol):
    """What the HTML needs of a document figure (:class:`techmonitor.report.document.Figure`;
    a protocol: the document module imports this one to show nodes in a notebook)."""

    svg: str
    alt: str

TEMPLATES = Path(str(files("techmonitor") / "render" / "templates"))


def svg_markup(fig: Figure) -> Markup:
    """The figure's SVG with accessible name and without fixed size (it scales with CSS)."""
    svg = fig.svg[fig.svg.find("<svg"):]
    close = svg.find(">")
    opening = svg[:close].replace(" width=", " data-width=").replace(" height=", " data-height=")
    alt = escape(fig.alt)
    return Markup(f'{opening} role="img" aria-label="{alt}" class="chart">'
                  f"<title>{alt}</title>{svg[close + 1:]}")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The jinja2 environment of the HTML templates (autoescape on, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=False, keep_trailing_newline=False)
    env.globals["svg"] = svg_markup
    # a reference phrase ("zie de methode") links to its section
    env.filters["xref"] = xref.html
    return env


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    return environment().get_template("document.html.j2")


def render_node(node: object) -> str:
    """HTML of one document node (a section, the front matter, or any block).

    Parameters
    ----------
    node
        A node of :mod:`techmonitor.report.document`.
    """
    return _template().render(root=node).strip()
