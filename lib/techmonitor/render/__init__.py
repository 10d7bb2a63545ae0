"""Rendering: document nodes to HTML (jinja2, in the notebook and the nbconvert page) and to
PDF/UA (Typst), the appendix, the index page and screenshots."""
