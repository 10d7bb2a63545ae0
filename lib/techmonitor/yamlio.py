"""The one YAML loader and the one formatter of pydantic validation errors.

Every YAML file the toolkit reads (params, ``data/*.yaml``) goes through :func:`load_file`, so
every file gets the same limits: no anchors or aliases (an alias bomb of a few hundred bytes
expands to gigabytes), no duplicate keys (YAML silently keeps the last one), at most
:data:`MAX_BYTES` bytes, :data:`MAX_DEPTH` levels of nesting and :data:`MAX_NODES` values.
Refusals are short and name the file and line.

:func:`validation_problems` turns a pydantic :class:`~pydantic.ValidationError` into one line
per problem (file, key path, the value shown short, "did you mean" for a mistyped key). It never
prints a whole input: values go through :func:`short`.
"""

from __future__ import annotations

import difflib
import reprlib
import types
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from techmonitor.errors import DataValidationError, TechmonitorError

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 100_000
#: longest text of a value or a rule quoted in a message
SHOWN_CHARS = 80

# The C parser is ~5x faster; the checks below use its event stream, which never expands aliases.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_repr = reprlib.Repr()
_repr.maxstring = SHOWN_CHARS
_repr.maxother = SHOWN_CHARS
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 4
_repr.maxlevel = 2


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, line: int, first: int) -> None:
        super().__init__(f"key {short(key)} appears twice (lines {first} and {line}); "
                         "keep one: YAML would silently use the last")
        self.line = line


class _Loader(_PARSER):  # type: ignore[misc,valid-type]
    """The safe loader that refuses a key typed twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:
                    raise _DuplicateKey(key, line, seen[key])
                seen[key] = line
            except TypeError:  # unhashable key: the base class says so with its mark
                break
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _raise(error: type[TechmonitorError], message: str) -> typing.NoReturn:
    if issubclass(error, DataValidationError):
        raise error(message, [message])
    raise error(message)


def _check_events(text: str, where: str, error: type[TechmonitorError]) -> None:
    """Refuse anchors, aliases, deep nesting and too many values before anything is built."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_PARSER):
        line = event.start_mark.line + 1 if event.start_mark is not None else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            _raise(error, f"{where} line {line}: YAML anchors and aliases (&name, *name) are "
                   "not allowed; write the value out in full")
        if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
            nodes += 1
            if nodes > MAX_NODES:
                _raise(error, f"{where} line {line}: more than {MAX_NODES:,} values; a params "
                       "or reference file is far smaller: is this the right file?")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                _raise(error, f"{where} line {line}: nested more than {MAX_DEPTH} levels deep; "
                       "flatten the structure")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_text(text: str, where: str, error: type[TechmonitorError] = DataValidationError) -> Any:
    """Parse YAML text with the limits of :func:`load_file`.

    Parameters
    ----------
    text
        The YAML document.
    where
        What to name in messages (a file path, ``--set language``).
    error
        The exception class to raise (:class:`DataValidationError` or ``ParameterError``).

    Returns
    -------
    Any
        The document (``None`` for an empty one).

    Raises
    ------
    TechmonitorError
        Of class ``error``: too large, anchors/aliases, duplicate keys, too deep, or not YAML;
        the message names ``where`` and the line.
    """
    if len(text) > MAX_BYTES:
        _raise(error, f"{where}: {len(text):,} characters, more than the limit of "
               f"{MAX_BYTES:,}; is this the right file?")
    try:
        _check_events(text, where, error)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except _DuplicateKey as exc:
        _raise(error, f"{where} line {exc.line}: {exc}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        _raise(error, f"{where}{line}: not valid YAML ({_clip(str(problem))}); fix the "
               "indentation or quoting there")


def load_file(path: Path, error: type[TechmonitorError] = DataValidationError,
              missing: str = "restore it from git") -> Any:
    """Read and parse one YAML file safely.

    Parameters
    ----------
    path
        The file.
    error
        The exception class to raise.
    missing
        How to fix a missing file (the end of the message).

    Returns
    -------
    Any
        The document (``None`` for an empty file).

    Raises
    ------
    TechmonitorError
        Of class ``error``: missing or unreadable file, over :data:`MAX_BYTES` bytes, not UTF-8
        (the line of the first bad byte), anchors, aliases, duplicate keys, too deep, not YAML.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            _raise(error, f"{path}: {size:,} bytes, more than the limit of {MAX_BYTES:,}; "
                   "is this the right file?")
        data = path.read_bytes()
    except FileNotFoundError:
        _raise(error, f"{path}: file missing; {missing}")
    except OSError as exc:
        _raise(error, f"{path}: cannot read the file ({exc.strerror})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        _raise(error, f"{path} line {line}: not UTF-8 text (byte {data[exc.start]:#04x}); "
               "save the file as UTF-8")
    return parse_text(text, str(path), error)


def short(value: object) -> str:
    """A value for a message: its repr cut to about :data:`SHOWN_CHARS` characters.

    Containers show a few items only, so a message never holds a whole input.
    """
    return _clip(_repr.repr(value))


def _clip(text: str, limit: int = 4 * SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def close_match(key: str, options: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``options``, or an empty string."""
    match = difflib.get_close_matches(key, list(options), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``list[M]``, ``M | None``, ``dict[str, M]``, or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None:
        return None
    if origin in (typing.Union, types.UnionType, list, dict, tuple):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def allowed_keys(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys the model allows at the mapping that holds ``loc`` (``loc`` minus its last)."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            # a dict key on the way (e.g. an indicator's vintage code): keep the model
            continue
        current = _model_in(field.annotation)
    return list(current.model_fields) if current is not None else []


Where = str | Callable[[tuple[str | int, ...], str], str]


def validation_problems(exc: ValidationError, where: Where,
                        model: type[BaseModel] | None = None,
                        fix: str = "fix that key") -> list[str]:
    """One line per pydantic error: file, key path, value (short) and the rule.

    Parameters
    ----------
    exc
        The validation error.
    where
        The file (or other source) to name, or a function ``(loc, error type) -> str`` that
        picks it per error (e.g. which of several layered params files).
    model
        The model validated; gives the allowed keys and a "did you mean" for an unknown one.
    fix
        The end of a line about a wrong value.

    Returns
    -------
    list of str
        ``<where>: key 'a.b' = <value>: <rule>; <fix>``, ``<where>: missing key ...``,
        ``<where>: unknown key ... (did you mean ...?); allowed keys: ...``.
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = ".".join(str(p) for p in loc)
        at = where(loc, err["type"]) if callable(where) else where
        if not loc:  # the document itself, e.g. an empty file or a list for a mapping
            problems.append(f"{at}: {_clip(err['msg'])} (got {type(err.get('input')).__name__})"
                            "; the file holds a mapping of key: value")
        elif err["type"] == "missing":
            problems.append(f"{at}: missing key {path!r}; add it")
        elif err["type"] == "extra_forbidden":
            options = allowed_keys(model, loc) if model is not None else []
            hint = close_match(str(loc[-1]), options) if loc else ""
            allowed = f"; allowed keys: {', '.join(options)}" if options else ""
            problems.append(f"{at}: unknown key {path!r}{hint}{allowed}")
        else:
            problems.append(f"{at}: key {path!r} = {short(err.get('input'))}: "
                            f"{_clip(err['msg'])}; {fix}")
    return problems
