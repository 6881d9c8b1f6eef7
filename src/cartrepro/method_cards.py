"""Which methods-chapter card explains a published number.

Each ledger entry names the method that produced it (its ``method`` text). :func:`card_for` maps that text
to the card of the methods chapter that explains the method, as ``(docname, anchor)``:

* ``notebooks/methods_survival`` -- Kaplan-Meier and Greenwood (card 1), 1 - Kaplan-Meier versus the
  competing-risks cumulative incidence (card 4), the log-rank test (card 5);
* ``notebooks/methods_descriptive_tests`` -- counts and percentages (card 1), medians and ranges (card 2),
  confidence intervals for a proportion (card 3), two-group tests (card 4), rank correlation (card 5).

The anchors are the ids Sphinx gives the card sections: docutils' ``make_id`` of the section title
(lower case, non-ASCII characters such as "·" and "−" dropped, every other run of non-alphanumerics one
hyphen). ``tests/test_method_cards.py`` checks them against the headings of the two notebooks, and a scratch
Jupyter Book build confirmed them as the ``<section id=...>`` values of the rendered pages.

Entries of kind ``context`` (protocol constants, literature) and methods without a card yet (P1's ROC /
AUC / Youden cutoff numbers, means and SDs, Fisher's exact test, qualitative statements) map to None.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

__all__ = ["CARDS", "Card", "card_for", "card_href", "section_anchor"]

SURVIVAL = "notebooks/methods_survival"
DESCRIPTIVE = "notebooks/methods_descriptive_tests"


@dataclass(frozen=True)
class Card:
    """One card: the page (Sphinx docname, no suffix), the section title and its anchor id."""

    docname: str
    title: str
    anchor: str


#: every card a ledger entry can point to; the titles are the ``## `` headings of the two notebooks
CARDS: dict[str, Card] = {
    "km": Card(SURVIVAL, "Card 1 · Kaplan-Meier estimator with Greenwood variance",
               "card-1-kaplan-meier-estimator-with-greenwood-variance"),
    "one_minus_km": Card(SURVIVAL, "Card 4 · 1 − Kaplan-Meier versus the competing-risks cumulative incidence",
                         "card-4-1-kaplan-meier-versus-the-competing-risks-cumulative-incidence"),
    "logrank": Card(SURVIVAL, "Card 5 · The log-rank test (Mantel-Cox)", "card-5-the-log-rank-test-mantel-cox"),
    "percent": Card(DESCRIPTIVE, "Card 1 · Counts and percentages", "card-1-counts-and-percentages"),
    "median": Card(DESCRIPTIVE, "Card 2 · Medians and ranges", "card-2-medians-and-ranges"),
    "proportion_ci": Card(DESCRIPTIVE, "Card 3 · Confidence intervals for a proportion",
                          "card-3-confidence-intervals-for-a-proportion"),
    "two_group": Card(DESCRIPTIVE, "Card 4 · Two-group tests: Student, Welch, Mann-Whitney",
                      "card-4-two-group-tests-student-welch-mann-whitney"),
    "correlation": Card(DESCRIPTIVE, "Card 5 · Spearman's rank correlation versus Pearson",
                        "card-5-spearman-s-rank-correlation-versus-pearson"),
}

# (card key or None, pattern on the lower-cased method text). First match wins, so the order matters:
# "Clopper-Pearson" must reach the CI card before "pearson" reaches the correlation card, "Pearson
# correlation, two-sided t-test P" the correlation card before "t-test" reaches the two-group card, and the
# ROC numbers (a "k/n x 100 at the training cutoff") and the mean +/- SD of P1's doses (whose text says
# "printed as 'median ... ± SD'") must stop before the median and proportion rules.
_RULES: tuple[tuple[str | None, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        (None, r"\broc\b|\bauc\b|youden|cutoff|cut-off point"),
        (None, r"\bsd\b"),  # mean +/- SD (P1 doses): no card yet
        ("one_minus_km", r"1\s*[-−]\s*kaplan|cumulative incidence|competing"),
        ("km", r"kaplan"),
        ("logrank", r"log-?rank|mantel-cox"),
        ("proportion_ci", r"clopper|wilson|exact binomial|binom\.test"),
        ("correlation", r"spearman|pearson|correlation"),
        ("two_group", r"student|t-test|mann-whitney|wilcox|welch|two-group"),
        ("median", r"median|follow-up times"),
        ("percent", r"proportion|percent|k/n|\d+/\d+|truncat|rounded|count|arithmetic on stated counts"),
    )
)


def _method_text(entry) -> tuple[str, str]:
    method = getattr(entry, "method", None)
    kind = getattr(entry, "kind", None)
    if isinstance(entry, dict):
        method, kind = entry.get("method"), entry.get("kind")
    return str(method or "").lower(), str(kind or "")


def card_key(entry) -> str | None:
    """The key in :data:`CARDS` of the card explaining ``entry`` (a ledger Entry or a raw dict), or None."""
    method, kind = _method_text(entry)
    if kind == "context" or not method:
        return None
    for key, pattern in _RULES:
        if pattern.search(method):
            return key
    return None


def card_for(entry) -> tuple[str, str] | None:
    """``(docname, anchor)`` of the card that explains the entry's method, or None.

    ``entry`` is a :class:`cartrepro.ledger.Entry` (or a dict with ``method`` and ``kind``). Example:
    a P2 Kaplan-Meier number gives ``("notebooks/methods_survival",
    "card-1-kaplan-meier-estimator-with-greenwood-variance")``.
    """
    key = card_key(entry)
    if key is None:
        return None
    card = CARDS[key]
    return card.docname, card.anchor


def card_href(entry, from_dir: str = "notebooks") -> str | None:
    """A relative link to the card from a page in the folder ``from_dir`` of the built site, or None.

    From a notebook page (``from_dir="notebooks"``) it is ``methods_survival.html#card-1-...``; from
    ``book/scorecard.html`` (``from_dir="book"``) ``../notebooks/methods_survival.html#card-1-...``.
    """
    target = card_for(entry)
    if target is None:
        return None
    docname, anchor = target
    path = posixpath.relpath(docname + ".html", from_dir or ".")
    return f"{path}#{anchor}"


_DIGRAPHS = {"ß": "sz", "æ": "ae", "œ": "oe"}


def section_anchor(title: str) -> str:
    """The id Sphinx gives a section with this title (docutils ``nodes.make_id``).

    Lower case; a few Latin digraphs spelled out; accents stripped and other non-ASCII characters dropped
    (so "·" and "−" vanish); every run of characters other than ``a-z0-9`` becomes one hyphen; hyphens and
    leading digits are stripped at the start, hyphens at the end.
    """
    import unicodedata

    text = title.lower()
    for char, spelled in _DIGRAPHS.items():
        text = text.replace(char, spelled)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", " ".join(text.split()))
    return re.sub(r"^[-0-9]+|-+$", "", text)
