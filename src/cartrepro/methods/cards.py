"""Which methods-chapter card explains a published number.

Each ledger entry names the method that produced it (its ``method`` text). :func:`card_for` maps that text
to the card of the methods chapter that explains the method, as ``(docname, anchor)``:

* ``notebooks/methods_survival`` -- Kaplan-Meier and Greenwood (card 1), 1 - Kaplan-Meier versus the
  competing-risks cumulative incidence (card 4), the log-rank test (card 5);
* ``notebooks/methods_descriptive_tests`` -- counts and percentages (card 1), medians and ranges (card 2),
  confidence intervals for a proportion (card 3), two-group tests (card 4), rank correlation (card 5);
* ``notebooks/methods_diagnostics`` -- the exact Mann-Whitney test with ties (card 1), the ROC area and its
  interval (card 2), Youden's cutoff (card 3), intervals for sensitivity and specificity (card 4), the
  screen and multiplicity (card 5), Pearson's correlation (card 6).

The anchors are the ids Sphinx gives the card sections: docutils' ``make_id`` of the section title
(lower case, non-ASCII characters such as "·" and "−" dropped, every other run of non-alphanumerics one
hyphen). ``tests/unit/test_method_cards.py`` checks them against the headings of the three notebooks, and a
scratch Jupyter Book build confirmed them as the ``<section id=...>`` values of the rendered pages.

Every ``kind: data`` entry of both ledgers maps to a card. Entries of kind ``context`` (protocol constants,
literature) and methods without a card (means and SDs, Fisher's exact test, qualitative statements) map to
None.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

__all__ = ["CARDS", "Card", "card_for", "card_href", "section_anchor"]

SURVIVAL = "notebooks/methods_survival"
DESCRIPTIVE = "notebooks/methods_descriptive_tests"
DIAGNOSTICS = "notebooks/methods_diagnostics"


@dataclass(frozen=True)
class Card:
    """One card: the page (Sphinx docname, no suffix), the section title and its anchor id."""

    docname: str
    title: str
    anchor: str


#: every card a ledger entry can point to; the titles are the ``## `` headings of the three notebooks
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
    "mann_whitney_exact": Card(DIAGNOSTICS, "Card 1 · Mann-Whitney: the exact test with ties",
                               "card-1-mann-whitney-the-exact-test-with-ties"),
    "roc_auc": Card(DIAGNOSTICS, "Card 2 · The ROC area and its confidence interval",
                    "card-2-the-roc-area-and-its-confidence-interval"),
    "youden": Card(DIAGNOSTICS, "Card 3 · Youden's index and the cutoff", "card-3-youden-s-index-and-the-cutoff"),
    "sens_spec_ci": Card(DIAGNOSTICS, "Card 4 · Confidence intervals for sensitivity and specificity",
                         "card-4-confidence-intervals-for-sensitivity-and-specificity"),
    "multiplicity": Card(DIAGNOSTICS, "Card 5 · Multiplicity: raw P versus Benjamini-Hochberg q",
                         "card-5-multiplicity-raw-p-versus-benjamini-hochberg-q"),
    "pearson": Card(DIAGNOSTICS, "Card 6 · Pearson's correlation versus Spearman",
                    "card-6-pearson-s-correlation-versus-spearman"),
}

# (card key or None, pattern on the lower-cased method text). First match wins, so the order matters:
# * P1's diagnostic numbers first: the ROC area, then the sensitivity/specificity (the hybrid Wilson/Brown
#   interval, or "k/n x 100 at the training cutoff") before "cutoff" reaches the Youden card and before
#   "wilson" reaches the generic proportion-CI card or "k/n" the percentage card;
# * the screen's count of P < 0.05 (the multiplicity card) and the exact / Prism Mann-Whitney P values before
#   the generic two-group card; the mean +/- SD of P1's doses (whose text says "printed as 'median ... ± SD'")
#   stops before the median rule;
# * "Clopper-Pearson" reaches the CI card before "pearson" reaches a correlation card, and a Pearson
#   correlation reaches the Pearson card before "t-test" reaches the two-group card; Spearman stays with the
#   rank-correlation card of the descriptive page.
_RULES: tuple[tuple[str | None, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("roc_auc", r"\broc\b|\bauc\b"),
        ("sens_spec_ci", r"hybrid wilson|wilson/brown|at the training cutoff|sensitivity|specificity"),
        ("youden", r"youden|cutoff|cut-off point"),
        (None, r"\bsd\b"),  # mean +/- SD (P1 doses): no card
        ("one_minus_km", r"1\s*[-−]\s*kaplan|cumulative incidence|competing"),
        ("km", r"kaplan"),
        ("logrank", r"log-?rank|mantel-cox"),
        ("multiplicity", r"benjamini|hochberg|false discovery|multiplicit|count of mann-whitney p"),
        ("mann_whitney_exact", r"mann-whitney.*(exact|prism|statxact|permutation)"),
        ("proportion_ci", r"clopper|wilson|exact binomial|binom\.test"),
        ("pearson", r"pearson (product-moment )?correlation|pearson's r\b"),
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
