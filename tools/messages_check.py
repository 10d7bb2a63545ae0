"""Check the message catalogues of the reports; with ``--write``, also tidy and update them.

Every text a reader sees is in ``lib/techmonitor/locale/<lang>/LC_MESSAGES/techmonitor.po``
(``nl``, the default, and ``en``). ``msgid`` is the message key used by the code, ``msgstr``
the text; ``{name}`` placeholders must be the same in both languages.

To change a wording, open the ``.po`` file in Poedit (or Lokalize, or a text editor), change the
``msgstr`` and save; the English file shows the Dutch text of each entry as a note ("nl: …").
Then run::

    .venv/bin/python tools/messages_check.py            # list problems; exit status 1 if any
    .venv/bin/python tools/messages_check.py --write    # and re-write both files

``--write`` re-wraps both files in the standard PO layout, orders the English file like the
Dutch one, adds keys that are missing from English with an empty text (to translate: the check
fails until they are), and refreshes the "nl: …" notes. A new message is added to the Dutch file
first (key, text, and a ``# -- section`` comment if it starts a group), then ``--write`` and the
English text. ``pytest tests/test_messages.py`` runs the same checks.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "lib" / "techmonitor" / "locale"


def load_time_ms() -> float:
    """Milliseconds to import the PO reader and read both catalogues (as a report does)."""
    from techmonitor import fmt  # noqa: F401  (reports load babel's number formats first)
    from techmonitor.messages import LANGS, catalogue

    catalogue.cache_clear()
    t0 = time.perf_counter()
    for lang in LANGS:
        catalogue(lang)
    return 1000 * (time.perf_counter() - t0)


def write(locale_dir: Path) -> None:
    """Re-write both catalogues: standard layout, English in Dutch order with "nl:" notes."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po
    from techmonitor.messages import DOMAIN

    def path(lang: str) -> Path:
        return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"

    def read(lang: str) -> Catalog:
        with path(lang).open("rb") as fh:
            return read_po(fh, locale=lang, domain=DOMAIN, ignore_obsolete=True)

    nl, en = read("nl"), read("en")
    out = Catalog(locale="en", domain=DOMAIN, header_comment=en.header_comment, fuzzy=False)
    out.mime_headers = en.mime_headers
    for m in nl:
        if not m.id:
            continue
        old = en.get(m.id)
        out.add(m.id, old.string if old is not None else "", user_comments=m.user_comments,
                auto_comments=[f"nl: {m.string}"], flags=old.flags if old is not None else ())
    for m in en:
        if m.id and m.id not in nl:  # reported by the check; kept so no text is lost
            out.add(m.id, m.string, user_comments=m.user_comments, flags=m.flags)
    for lang, cat in (("nl", nl), ("en", out)):
        with path(lang).open("wb") as fh:
            write_po(fh, cat, width=79, no_location=True)


def main(argv: list[str] | None = None) -> int:
    """Run the check (and ``--write``); print the problems; 1 if there are any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="re-write both .po files (layout, order, missing keys, nl notes)")
    args = parser.parse_args(argv)
    from techmonitor.messages import catalogue, check_catalogues

    if args.write:
        write(LOCALE)
        catalogue.cache_clear()
    problems = check_catalogues(LOCALE)
    for p in problems:
        print(p)
    n = len(catalogue("nl"))
    print(f"{n} messages, {len(problems)} problem(s); both catalogues read in "
          f"{load_time_ms():.1f} ms")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
