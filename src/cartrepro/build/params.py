"""``--param`` for ``cartrepro build`` and ``cartrepro results``: scoped keys, checked before anything runs.

A key names one parameter declared by the pages of :mod:`cartrepro.analysis.pages` (the
:class:`~cartrepro.analysis.pages.Parameter` of a :class:`~cartrepro.analysis.pages.Page`), in one of three
scopes:

- ``p2_fig4_long_term_outcome.conf_type=log``: that notebook only;
- ``cd22.conf_type=log``: every page of that paper that declares ``conf_type``;
- ``conf_type=log``: every page that declares it, allowed only when all of them declare the same default
  (the two papers' ``conf_type`` defaults differ, so an unscoped ``conf_type`` is refused and names the
  scopes to use instead, rather than silently changing both papers).

A narrower scope wins over a wider one. A key that no page declares is an error naming the keys that
exist; the text after ``=`` is parsed to the declared type (``float``, ``int``, ``str``, ``bool``; ``None``
where the parameter is nullable) and checked against the declared choices. Every error is one line
(:class:`ParamError`); the command line turns it into exit status 2.

Examples
--------
>>> from cartrepro.analysis.pages import Page, Parameter
>>> conf = lambda d: Parameter("conf_type", d, "CI transform", choices=("plain", "log", "log-log"))
>>> pages = [Page("p2_a", "cd22", None, (conf("plain"),)), Page("p1_b", "car1922", None, (conf("log-log"),))]
>>> resolve(["cd22.conf_type=log"], pages)
{'p2_a': {'conf_type': 'log'}}
>>> resolve(["conf_type=log"], pages)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
cartrepro.build.params.ParamError: --param conf_type=log: conf_type has different defaults (car1922: ...
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from cartrepro.analysis.pages import Page, Parameter

PAPERS = ("cd22", "car1922")


class ParamError(ValueError):
    """A ``--param`` that names no declared parameter or whose value does not fit; the message is one line."""


def parse_value(param: Parameter, text: str) -> object:
    """``text`` as a value of ``param``'s declared type, checked against its choices.

    Examples
    --------
    >>> parse_value(Parameter("horizon_days", 365.25, "when"), "365")
    365.0
    >>> parse_value(Parameter("horizon_days", 365.25, "when"), "abc")
    Traceback (most recent call last):
    ...
    cartrepro.build.params.ParamError: horizon_days must be a number (float), got 'abc'
    """
    raw = text.strip()
    if param.nullable and raw.lower() in ("none", "null"):
        return None
    kind = param.type
    try:
        if kind is bool:
            lowered = raw.lower()
            if lowered not in ("true", "false"):
                raise ValueError
            value: object = lowered == "true"
        elif kind is int:
            value = int(raw)
        elif kind is float:
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
        elif kind is str:
            value = raw
            if len(raw) >= 2 and raw[0] == raw[-1] == '"':
                value = json.loads(raw)
        else:
            raise ParamError(f"{param.name} has a type --param cannot set ({kind.__name__})")
    except (ValueError, json.JSONDecodeError):
        names = {bool: "true or false", int: "a whole number (int)", float: "a number (float)"}
        allowed = " or None" if param.nullable else ""
        raise ParamError(f"{param.name} must be {names.get(kind, kind.__name__)}{allowed}, got {raw!r}") from None
    if param.choices is not None and value not in param.choices:
        options = ", ".join(repr(c) for c in param.choices)
        raise ParamError(f"{param.name} must be one of {options}, got {raw!r}")
    return value


def declared_keys(pages: Sequence[Page]) -> list[str]:
    """The keys ``--param`` accepts, in their shortest form: ``NAME`` where all pages declaring it share its
    default, else ``PAPER.NAME`` for each paper (``NOTEBOOK.NAME`` always works too)."""
    keys: set[str] = set()
    for name, owners in _by_name(pages).items():
        if len({repr(p.default) for _, p in owners}) == 1:
            keys.add(name)
        else:
            keys.update(f"{page.paper}.{name}" for page, _ in owners)
    return sorted(keys)


def _by_name(pages: Sequence[Page]) -> dict[str, list[tuple[Page, Parameter]]]:
    by_name: dict[str, list[tuple[Page, Parameter]]] = {}
    for page in pages:
        for param in page.parameters:
            by_name.setdefault(param.name, []).append((page, param))
    return by_name


def _targets(key: str, pages: Sequence[Page]) -> tuple[int, list[tuple[Page, Parameter]]]:
    """(scope rank: 0 unscoped, 1 paper, 2 notebook; the (page, parameter) pairs the key sets)."""
    scope, _, name = key.rpartition(".")
    owners = _by_name(pages).get(name, [])
    if not scope:
        defaults = {page.paper: repr(p.default) for page, p in owners}
        if len(set(defaults.values())) > 1:
            listed = "; ".join(f"{paper}: {d}" for paper, d in sorted(defaults.items()))
            scopes = " or ".join(f"{paper}.{name}=..." for paper in sorted(defaults))
            raise ParamError(f"{name} has different defaults ({listed}); scope it: {scopes}")
        return 0, owners
    if scope in PAPERS:
        return 1, [(page, p) for page, p in owners if page.paper == scope]
    return 2, [(page, p) for page, p in owners if page.notebook == scope]


def resolve(assignments: Iterable[str], pages: Sequence[Page]) -> dict[str, dict[str, object]]:
    """``KEY=VALUE`` texts -> ``{notebook stem: {parameter: value}}``, only the values given (not defaults).

    Raises :class:`ParamError` (one line) for text without ``=``, a key no page declares, an ambiguous
    unscoped key, a key given twice, or a value of the wrong type or outside the declared choices.
    """
    chosen: dict[tuple[str, str], tuple[int, object]] = {}
    seen: set[str] = set()
    for text in assignments:
        if "=" not in text:
            raise ParamError(f"--param takes KEY=VALUE, got {text!r}")
        key, raw = (part.strip() for part in text.split("=", 1))
        if key in seen:
            raise ParamError(f"--param {key} is given twice")
        seen.add(key)
        try:
            rank, targets = _targets(key, pages)
        except ParamError as exc:
            raise ParamError(f"--param {text}: {exc}") from None
        if not targets:
            known = ", ".join(declared_keys(pages)) or "none (no page declares a parameter)"
            raise ParamError(f"--param {text}: no page declares {key!r}; the keys are: {known} "
                             "(or NOTEBOOK.NAME for one page)")
        for page, param in targets:
            try:
                value = parse_value(param, raw)
            except ParamError as exc:
                raise ParamError(f"--param {text}: {exc} ({page.notebook})") from None
            slot = (page.notebook, param.name)
            if slot not in chosen or chosen[slot][0] <= rank:
                chosen[slot] = (rank, value)
    resolved: dict[str, dict[str, object]] = {}
    for (notebook, name), (_, value) in sorted(chosen.items()):
        resolved.setdefault(notebook, {})[name] = value
    return resolved
