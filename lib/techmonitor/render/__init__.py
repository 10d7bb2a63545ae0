"""Rendering: executed notebooks to HTML (nbconvert) and HTML to PDF (WeasyPrint)."""
