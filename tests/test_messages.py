"""Message catalogue: both languages, same placeholders, and no texts outside it."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from techmonitor.messages import (
    MESSAGES,
    MessageError,
    catalogue,
    check_catalogues,
    has,
    join_words,
    keys,
    msg,
    placeholders,
    text,
)


def test_msg_formats_and_names_unknown_keys() -> None:
    assert msg("sec.goal", "en", n=2, title="x") == "Goal 2: x"
    assert msg("sec.goal", "nl", n=2, title="x") == "Doel 2: x"
    with pytest.raises(KeyError, match="no.such"):
        msg("no.such", "nl")


def test_join_words() -> None:
    assert join_words(["a", "b", "c"], "nl") == "a, b en c"
    assert join_words(["a", "b"], "en") == "a and b"


def test_catalogue_units_have_dutch_and_english_names() -> None:
    import yaml
    from techmonitor.messages import unit_name

    from .conftest import ROOT

    doc = yaml.safe_load((ROOT / "data" / "indicators.yaml").read_text(encoding="utf-8"))
    units = {ind["unit"] for ind in doc["indicators"].values()}
    for unit in units:
        assert unit_name(unit, "en") == unit  # the catalogue writes units in English
        assert unit_name(unit, "nl") != unit, f"no Dutch name for unit {unit!r}"
    assert unit_name("persons", "nl") == "personen"


# ---------------------------------------------------------------- the gettext catalogues
LIB = Path(__file__).resolve().parents[1] / "lib" / "techmonitor"


#: functions whose first argument is a message key
_LOOKUPS = {"msg", "text", "t"}
#: look up one form per grammatical number: ``msg_n("a.b", n)`` reads ``a.b.one``/``a.b.other``
_FORM_LOOKUPS = {"msg_n", "t_n"}
_FORMS = (".one", ".other")
_KEYLIKE = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*\.?")


def key_uses(source: str) -> tuple[set[str], set[str], set[str]]:
    """Keys a module names: ``(looked up, looked-up prefixes, every key-like literal)``.

    A looked-up key is a literal first argument of ``msg``/``text``/``t`` (also inside a
    conditional: ``t("a" if x else "b")``). Key-like literals anywhere count as uses (keys
    kept in tables); so do the literal starts of f-strings and sums anywhere
    (``f"kind.{kind}"``, ``f"nar.target.met{ill}"``, ``"tbl." + t``) as prefixes.
    """
    looked: set[str] = set()
    prefixes: set[str] = set()
    literals: set[str] = set()

    def prefix_of(node: ast.AST) -> str | None:
        if isinstance(node, ast.JoinedStr) and node.values \
                and isinstance(node.values[0], ast.Constant):
            return str(node.values[0].value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) \
                and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            return node.left.value
        return None

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and _KEYLIKE.fullmatch(node.value):
            literals.add(node.value)
        pre = prefix_of(node)
        if pre and _KEYLIKE.fullmatch(pre) and "." in pre:
            prefixes.add(pre)
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else ""
            if name not in _LOOKUPS | _FORM_LOOKUPS:
                continue
            first = node.args[0]
            forms = _FORMS if name in _FORM_LOOKUPS else ("",)
            for part in (first.body, first.orelse) if isinstance(first, ast.IfExp) else (first,):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    looked |= {part.value + f for f in forms}
    return looked, prefixes, literals


def catalogue_problems(known: set[str], sources: dict[str, str]) -> list[str]:
    """Keys looked up but missing, and keys no source names (``sources``: name -> code)."""
    problems: list[str] = []
    prefixes: set[str] = set()
    named: set[str] = set()
    for where, source in sources.items():
        looked, pre, literals = key_uses(source)
        problems += [f"{where}: key {key!r} is used but not in the catalogue"
                     for key in sorted(looked - known)]
        prefixes |= pre
        named |= literals
    # a form (``a.b.one``) is used where its message (``a.b``) is named
    named |= {key + f for key in named for f in _FORMS}
    problems += [f"key {key!r} is in the catalogue but never used; remove it from "
                 "locale/nl and locale/en" for key in sorted(known - named)
                 if not any(key.startswith(p) for p in prefixes)]
    return problems


def _library_sources() -> dict[str, str]:
    import nbformat

    root = LIB.parents[1]
    sources = {p.relative_to(LIB).as_posix(): p.read_text(encoding="utf-8")
               for p in sorted(LIB.rglob("*.py"))}
    for path in sorted((root / "templates").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        sources[f"templates/{path.name}"] = "\n".join(
            c.source for c in nb.cells if c.cell_type == "code")
    return sources


def test_the_catalogue() -> None:
    """One check of the whole catalogue, listing every problem at once: both languages for
    every key, the same placeholders, no empty text, no key twice, nothing fuzzy, the English
    notes show the current Dutch text, every key the code looks up exists, no unused key."""
    nl, en = catalogue("nl"), catalogue("en")
    problems = check_catalogues()
    problems += [f"{key!r}: placeholder {{{name}}} is not a name"
                 for key in nl for name in sorted(placeholders(nl[key]))
                 if not name.isidentifier()]
    problems += catalogue_problems(set(nl) | set(en), _library_sources())
    assert list(nl) == list(keys()) and len(nl) > 200
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_the_usage_check_finds_missing_and_unused_keys() -> None:
    code = ('def f(report, kind, ok):\n'
            '    a = report.t("sec.key" if ok else "sec.gone")\n'
            '    b = msg(f"kind.{kind}", "nl") + text("no.such")\n'
            '    c = msg_n("half.form", 2) + report.t_n("two.forms", "plural")\n'
            '    return a, b, c, TABLE\n'
            'TABLE = ("kept.in.table",)\n')
    known = {"sec.key", "kind.sector", "kind.region", "kept.in.table", "never.named",
             "half.form.one", "two.forms.one", "two.forms.other"}
    assert catalogue_problems(known, {"m.py": code}) == [
        "m.py: key 'half.form.other' is used but not in the catalogue",
        "m.py: key 'no.such' is used but not in the catalogue",
        "m.py: key 'sec.gone' is used but not in the catalogue",
        "key 'never.named' is in the catalogue but never used; remove it from "
        "locale/nl and locale/en"]


def test_check_reports_each_kind_of_problem(tmp_path: Path) -> None:
    shutil.copytree(LIB / "locale", tmp_path / "locale")
    en = tmp_path / "locale" / "en" / "LC_MESSAGES" / "techmonitor.po"
    po = en.read_text(encoding="utf-8")
    for old, new in [
        ('msgid "app"\nmsgstr "Techniek Monitor"\n', ""),
        ('msgstr "Goal {n}: {title}"', 'msgstr "Goal {n}: {name}"'),
        ('msgid "toc"\nmsgstr "Contents"', 'msgid "toc"\nmsgstr ""'),
        ('msgid "sec.key"', '#, fuzzy\nmsgid "sec.key"'),
        ('msgstr "Key messages"', 'msgstr "Key messages"\n\nmsgid "sec.key"\nmsgstr "x"'),
    ]:
        assert old in po
        po = po.replace(old, new, 1)
    en.write_text(po, encoding="utf-8")
    problems = "\n".join(check_catalogues(tmp_path / "locale"))
    assert "'app': in nl, missing from en" in problems
    assert "'sec.goal': placeholders differ: nl {n, title}, en {n, name}" in problems
    assert "en: 'toc' has no text" in problems
    assert "en: 'sec.key' is defined 2 times" in problems
    assert "en: 'sec.key' is marked fuzzy" in problems


def test_msg_names_the_key_of_a_missing_placeholder_value() -> None:
    with pytest.raises(MessageError, match=r"'sec\.goal' \(nl\) needs a value for \{title\}"):
        msg("sec.goal", "nl", n=2)
    with pytest.raises(KeyError, match=r"'sec\.goal' \(en\)"):  # a MessageError is a KeyError
        msg("sec.goal", "en")
    with pytest.raises(MessageError, match="no message 'no.such'"):
        text("no.such", "en")
    assert msg("sec.goal", "nl", n=1, title="x", unused="y") == "Doel 1: x"
    assert msg("sec.key", "de") == msg("sec.key", "nl")  # any other language is the default


def test_catalogue_is_read_once_and_lazily() -> None:
    assert catalogue("nl") is catalogue("nl")
    with pytest.raises(TypeError):
        catalogue("nl")["sec.key"] = "x"  # type: ignore[index]
    code = ("import sys, techmonitor.report.core, techmonitor.narrative, techmonitor.progress; "
            "print('babel.messages.pofile' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"  # importing the report code reads no catalogue


def test_catalogues_are_found_from_the_installed_package(tmp_path: Path) -> None:
    # from another directory: the .po files travel with the package, not with the checkout
    code = ("from techmonitor.messages import catalogue_file, msg; "
            "print(catalogue_file('en').is_file(), msg('sec.goal', 'en', n=3, title='t'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path)
    assert out.stdout.strip() == "True Goal 3: t"


def test_messages_view_and_per_language_texts() -> None:
    from techmonitor.progress import ON_TRACK
    from techmonitor.render.html import SKIP_TEXT

    assert MESSAGES["sec.goal"] == ("Doel {n}: {title}", "Goal {n}: {title}")
    assert "sec.goal" in MESSAGES and has("sec.goal") and not has("no.such")
    assert dict(SKIP_TEXT) == {"nl": "Naar de inhoud", "en": "Skip to content"}
    assert SKIP_TEXT.get("de", SKIP_TEXT["nl"]) == "Naar de inhoud"
    assert (ON_TRACK.label("nl"), ON_TRACK.label_en) == ("op koers", "on track")
    assert str(ON_TRACK) == "✓ op koers"


# ------------------------------------------------- no sentences outside the catalogue
_LANG_CODES = {"nl", "en"}
_WORD = re.compile(r"[^\W\d_]")


def _is_language_test(node: ast.AST) -> bool:
    """``lang == "nl"``, ``report.language != "en"`` …"""
    return any(
        isinstance(n, ast.Compare) and all(isinstance(op, ast.Eq | ast.NotEq) for op in n.ops)
        and any(isinstance(o, ast.Constant) and o.value in _LANG_CODES
                for o in (n.left, *n.comparators))
        for n in ast.walk(node)
    )


def _words(nodes: list[ast.AST]) -> list[str]:
    """String literals with a letter in them (language codes aside)."""
    return [n.value for node in nodes for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and n.value not in _LANG_CODES and _WORD.search(n.value)]


def language_branches(source: str) -> list[tuple[int, str]]:
    """Places that choose literal text by language: ``if lang == "nl": "…"`` or ``{"nl": "…"}``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        words: list[str] = []
        if isinstance(node, ast.If | ast.IfExp) and _is_language_test(node.test):
            body = node.body if isinstance(node.body, list) else [node.body]
            orelse = node.orelse if isinstance(node.orelse, list) else [node.orelse]
            words = _words([*body, *orelse])
        elif isinstance(node, ast.Dict):
            codes = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if _LANG_CODES <= codes:
                words = _words([v for v in node.values if v is not None])
        if words:
            found.append((node.lineno, words[0]))
    return found


def test_the_scan_finds_language_branches() -> None:
    bad = ('def f(lang):\n'
           '    if lang == "nl":\n        return "hallo"\n'
           '    x = "de" if lang != "en" else "the"\n'
           '    return {"nl": "ja", "en": "yes"}[lang]\n')
    assert [line for line, _ in language_branches(bad)] == [2, 4, 5]
    fine = ('def f(lang, ind):\n'
            '    name = ind.name_en if lang == "en" else ind.name_nl\n'
            '    code = "en" if lang == "en" else "nl"\n'
            '    return msg("sec.key", lang) + name + code\n')
    assert language_branches(fine) == []


#: literals in a language branch that are not words for the reader: (file, literal)
NOT_WORDS = {
    ("report/context.py", " --set language="),  # the command that rebuilds the report
}


def test_no_sentences_outside_the_catalogue() -> None:
    # messages.py holds the loader; fmt.py's language branches are number formats, not words
    skip = {LIB / "messages.py", LIB / "fmt.py"}
    found = [f"{name}:{line}: {word!r}"
             for path in sorted(LIB.rglob("*.py")) if path not in skip
             for name in [path.relative_to(LIB).as_posix()]
             for line, word in language_branches(path.read_text(encoding="utf-8"))
             if (name, word) not in NOT_WORDS]
    assert found == [], "texts chosen by language outside the catalogue:\n" + "\n".join(found)
