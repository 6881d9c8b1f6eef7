"""The published-values ledgers: every number the two papers print, with stable ids.

The project's copies live in ``data/published/*.yaml`` (same ids as the shared ledger). An entry is a
published fact to reproduce; its ``kind`` says how it is scored:

- ``data``: computable from patient-level data; recorded by a page and compared with the printed value;
- ``construction``: a statistic whose test or grouping the paper does not fully identify; recorded and
  scored, shown with the assumption named;
- ``figure_only``: its value is only in a figure we do not have; computed and shown, never scored;
- ``context``: protocol constants and literature; never computed.

Entries that the paper prints inconsistently point to an ``inconsistencies:`` item through their notes
("see inconsistencies: pct_24_34"); :func:`load_ledger` resolves that link.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from cartrepro.paths import PUBLISHED_DIR

#: libyaml's parser where PyYAML has it (the same objects as ``yaml.safe_load``, six times faster)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SCORED_KINDS = ("data", "construction")
SHOWN_KINDS = ("data", "construction", "figure_only")

_INCONSISTENCY_REF = re.compile(r"see inconsistenc(?:y|ies):?\s+([a-z0-9_]+)", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Inconsistency:
    """A place where the paper contradicts itself, with the resolution the project adopts.

    ``printed_unreachable`` (a field the project adds to its ledger copy) marks the inconsistencies where
    no data can give the printed digits (e.g. 24/34 printed as 70.5%); ``expected`` (also a project
    addition, as printed text: ``"70.6"``) is the value the resolution says the data should give instead;
    where the item is linked from entries that print other numbers, ``expected`` maps the flagged entry's id
    to its value (``{p1_relapse_bnhl_pct: '40.5'}``). Only a computed value equal to it at the printed
    precision earns the match "unattainable as printed"; any other mismatch is a plain "differs".

    ``resolution`` is the project's working note (how the reconstruction handles it) and ``issue`` the
    terse statement of the problem; neither is shown. What a reader is shown is :attr:`for_reader`, the
    item's ``reader`` sentence (a project addition, required: what the paper prints, what the arithmetic
    gives, how the book handles it). There is no fallback to ``issue``: the book only reads the project's
    own ledgers, and an item without a sentence is refused when the ledger is loaded.
    """

    id: str
    issue: str
    resolution: str
    printed_unreachable: bool = False
    expected: str | tuple[tuple[str, str], ...] | None = None
    reader: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.reader, str) or not self.reader.strip():
            raise ValueError(f"inconsistency {self.id!r} has no reader sentence (the 'reader:' field)")

    @property
    def for_reader(self) -> str:
        """The sentence the scorecard, the figure pages and the headline show for this item."""
        return self.reader

    def expected_for(self, entry_id: str) -> str | None:
        """The value the data should give for this entry (None: the resolution names none)."""
        if isinstance(self.expected, tuple):
            return dict(self.expected).get(entry_id)
        return self.expected


@dataclass(frozen=True)
class Entry:
    """One published number (or list of numbers) of one paper."""

    id: str
    paper: str
    kind: str
    quantity: str
    where: str
    printed: str
    value: object
    unit: str = ""
    ci_low: float | None = None
    ci_high: float | None = None
    method: str = ""
    notes: str = ""
    inconsistency: Inconsistency | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None and self.ci_high is not None

    def published_numbers(self) -> list[str] | None:
        """The published value as decimal strings, keeping the printed precision.

        ``71.6`` -> ``["71.6"]``; ``"6, 6.6, 14"`` -> ``["6", "6.6", "14"]``; ``"4 of 7"`` -> ``["4", "7"]``.
        None when the value holds no number (a verbal statement such as "no significant differences").
        A number stored as a YAML float loses trailing zeros (49.30 -> 49.3): the ``printed`` text restores
        them (see :func:`printed_literal`).
        """
        found = published_numbers(self.value)
        if found and len(found) == 1 and isinstance(self.value, float):
            return [printed_literal(found[0], self.printed)]
        return found

    def ci_literals(self) -> tuple[str, str] | None:
        """The CI bounds as printed (``60.70``, not the YAML float's ``60.7``); None without a CI."""
        if not self.has_ci:
            return None
        return (printed_literal(_literal(self.ci_low), self.printed),
                printed_literal(_literal(self.ci_high), self.printed))


def published_numbers(value: object) -> list[str] | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return [_literal(value)]
    found = _NUMBER.findall(str(value))
    return found or None


def printed_literal(literal: str, printed: str) -> str:
    """``literal`` with the precision it has in the ``printed`` text, where that shows it with more digits.

    ``printed_literal("60.7", "78.86 (60.70-89.32)")`` -> ``"60.70"``. Only the same number with trailing
    zeros counts; anything else leaves ``literal`` as it is.
    """
    best = literal
    for candidate in _NUMBER.findall(printed or ""):
        if Decimal(candidate) == Decimal(literal) and len(candidate) > len(best):
            best = candidate
    return best


def _literal(x: int | float) -> str:
    """The number as the YAML wrote it: 71.6 -> '71.6', 0.0 -> '0.0', 10 -> '10'."""
    if isinstance(x, int):
        return str(x)
    text = repr(float(x))
    if "e" in text or "E" in text:  # 4000000.0 is fine, 1e-05 is not a printed value form
        text = format(Decimal(text), "f")
    return text


def _expected(item: dict, file_name: str) -> str | tuple[tuple[str, str], ...] | None:
    """An inconsistency's ``expected`` value as text (YAML may give a number), or (entry id, text) pairs;
    required where ``printed_unreachable`` is set, so that no flagged entry passes without naming what the
    data give."""
    def text(x: object) -> str:
        return _literal(x) if isinstance(x, int | float) and not isinstance(x, bool) else str(x)

    expected = item.get("expected")
    if expected is None:
        if item.get("printed_unreachable"):
            raise ValueError(f"{file_name}: inconsistency {item['id']!r} is printed_unreachable but names no "
                             "expected value")
        return None
    if isinstance(expected, dict):
        return tuple(sorted((str(k), text(v)) for k, v in expected.items()))
    return text(expected)


def _reader(item: dict, file_name: str) -> str:
    """An inconsistency's ``reader`` sentence (what the site shows for it); refused when missing or empty."""
    reader = item.get("reader")
    if not isinstance(reader, str) or not reader.strip():
        raise ValueError(f"{file_name}: inconsistency {item['id']!r} has no 'reader:' sentence (the plain "
                         "text the site shows instead of the issue and the working resolution)")
    return reader


PAPER_OF_FILE = {"p1_car1922.yaml": "car1922", "p2_cd22.yaml": "cd22"}

#: parsed ledger files by their path and text (see :func:`_ledger_documents`); a few ledger versions at most
_PARSED: dict[tuple[str, bytes], object] = {}
_PARSED_MAX = 8


def _ledger_documents(published_dir: Path) -> list[tuple[Path, dict]]:
    """Every ``*.yaml`` of ``published_dir`` (sorted) with its parsed document, each file parsed once per process
    for the same text: a notebook, the scorecard and the review pages ask for the ledgers many times (a page
    of inconsistencies four times), and parsing both costs ~60 ms each time. The text is read every time,
    so an edited ledger is parsed again. The documents are shared between callers: read them, never change
    them (:func:`load_ledger` and :func:`load_inconsistencies` build their own objects from them)."""
    out = []
    for path in sorted(Path(published_dir).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        key = (str(path.resolve()), hashlib.sha256(text.encode("utf-8")).digest())
        doc = _PARSED.get(key)
        if doc is None:
            doc = yaml.load(text, Loader=YAML_LOADER)
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[key] = doc
        out.append((path, doc))
    return out


@lru_cache(maxsize=4)
def load_ledger(published_dir: Path = PUBLISHED_DIR) -> dict[str, Entry]:
    """All entries of all ledgers in ``published_dir``, keyed by id (ids are unique across papers)."""
    entries: dict[str, Entry] = {}
    documents = _ledger_documents(published_dir)
    if not documents:
        raise FileNotFoundError(f"no ledger (*.yaml) in {published_dir}")
    for path, doc in documents:
        paper = PAPER_OF_FILE.get(path.name, path.stem)
        inconsistencies = {item.id: item for item in _inconsistencies(doc, path.name)}
        for raw in doc["entries"]:
            entry_id = raw["id"]
            if entry_id in entries:
                raise ValueError(f"{path.name}: ledger id {entry_id!r} appears twice")
            notes = str(raw.get("notes") or "")
            link = raw.get("inconsistency")
            if link is None:
                match = _INCONSISTENCY_REF.search(notes)
                link = match.group(1) if match else None
            entries[entry_id] = Entry(
                id=entry_id,
                paper=paper,
                kind=raw["kind"],
                quantity=str(raw.get("quantity", "")),
                where=str(raw.get("where", "")),
                printed=str(raw.get("printed", "")),
                value=raw.get("value"),
                unit=str(raw.get("unit") or ""),
                ci_low=raw.get("ci_low"),
                ci_high=raw.get("ci_high"),
                method=str(raw.get("method") or ""),
                notes=notes,
                inconsistency=inconsistencies.get(link) if link else None,
                raw=raw,
            )
    return entries


def _inconsistencies(doc: dict, file_name: str) -> list[Inconsistency]:
    """The ``inconsistencies:`` items of one ledger document, in the ledger's order."""
    return [Inconsistency(item["id"], item["issue"], item["resolution"], bool(item.get("printed_unreachable", False)),
                          _expected(item, file_name), _reader(item, file_name))
            for item in doc.get("inconsistencies") or []]


def load_inconsistencies(published_dir: Path = PUBLISHED_DIR) -> dict[str, list[Inconsistency]]:
    """Every ledger's inconsistency items, keyed by paper (``cd22``, ``car1922``), in the ledger's order.

    :func:`load_ledger` reaches an item only through the entries that link to it; this lists them all, linked
    or not (the review chapter shows every one).
    """
    out: dict[str, list[Inconsistency]] = {}
    for path, doc in _ledger_documents(published_dir):
        out[PAPER_OF_FILE.get(path.name, path.stem)] = _inconsistencies(doc, path.name)
    return out


def entry(ledger_id: str) -> Entry:
    """The ledger entry with this id; a KeyError naming the closest ids when there is none."""
    ledger = load_ledger()
    try:
        return ledger[ledger_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(ledger_id, ledger.keys(), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise KeyError(f"{ledger_id!r} is not a ledger id{hint}") from None


def entries_with_prefix(prefix: str) -> list[Entry]:
    return [e for e in load_ledger().values() if e.id.startswith(prefix)]
