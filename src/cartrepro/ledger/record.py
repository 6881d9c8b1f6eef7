"""Recording computed numbers inside notebooks.

``record(ledger_id, value, ci=(low, high))`` is the only way a notebook hands a number to the scorecard.
It checks the id against the ledger, normalises the value (numpy scalars become plain numbers, nothing is
rounded) and glues it into the executed notebook with myst-nb's ``glue``, under the ledger id
(``<id>``, ``<id>__ci_low``, ``<id>__ci_high``) plus a ready-formatted string ``<id>__text`` for prose.
The pipeline reads the glued values back from the executed notebook (:func:`read_records`), so the
executed notebook is the single artefact a number comes from.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from cartrepro.analysis.results import NotComputable, Results
from cartrepro.analysis.results import plain as plain_value
from cartrepro.ledger.entries import entry as ledger_entry
from cartrepro.ledger.review import format_value, is_review_id, review_entry
from cartrepro.ledger.scorecard import Computed, build_scorecard, format_for_prose

GLUE_MIME = "application/papermill.record/text/plain"
CI_LOW, CI_HIGH, TEXT, NOT_COMPUTABLE = "__ci_low", "__ci_high", "__text", "__not_computable"

#: what this kernel has recorded so far (id -> Computed), for the on-page comparison tables
RECORDED: dict[str, Computed] = {}
DECLARED_NOT_COMPUTABLE: dict[str, str] = {}


def _glue(name: str, value: object) -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    if get_ipython() is None:  # plain Python (tests, scripts): nothing to glue into
        return
    from myst_nb import glue

    glue(name, value, display=False)


def record(ledger_id: str, value: object, ci: tuple[float, float] | None = None) -> object:
    """Record the computed value of a ledger entry (in the ledger's unit, unrounded).

    ``ci`` is the (low, high) interval where the ledger entry has one. Returns the value, so a notebook can
    write ``lfs = record("p2_fig4a_lfs_1y", 100 * point.estimate, ci=...)``.
    """
    if is_review_id(ledger_id):
        return _record_review(ledger_id, value, ci)
    entry = ledger_entry(ledger_id)
    if entry.kind == "context":
        raise ValueError(f"{ledger_id} is a context entry (protocol constant or literature): not recorded")
    plain = plain_value(value)
    if entry.has_ci and ci is None:
        raise ValueError(f"{ledger_id} is published with a confidence interval: pass ci=(low, high)")
    rep = Computed(plain)
    if ci is not None:
        low, high = (plain_value(c) for c in ci)
        rep = Computed(plain, float(low), float(high))
    RECORDED[ledger_id] = rep
    _glue(ledger_id, plain)
    if ci is not None:
        _glue(ledger_id + CI_LOW, rep.ci_low)
        _glue(ledger_id + CI_HIGH, rep.ci_high)
    _glue(ledger_id + TEXT, format_for_prose(entry, rep))
    return value


def _record_review(review_id: str, value: object, ci: tuple[float, float] | None) -> object:
    """A ``review_`` id: declared in data/review/registry.yaml, glued like a ledger id, never scored."""
    review_entry(review_id)
    plain = plain_value(value)
    low_high = None if ci is None else (float(plain_value(ci[0])), float(plain_value(ci[1])))
    RECORDED[review_id] = Computed(plain, *(low_high or (None, None)))
    _glue(review_id, plain)
    if low_high is not None:
        _glue(review_id + CI_LOW, low_high[0])
        _glue(review_id + CI_HIGH, low_high[1])
    _glue(review_id + TEXT, format_value(plain, low_high))
    return value


def not_computable(ledger_id: str, reason: str) -> None:
    """Declare that this data cannot give the number (shown as the scorecard's reason)."""
    review_entry(ledger_id) if is_review_id(ledger_id) else ledger_entry(ledger_id)
    DECLARED_NOT_COMPUTABLE[ledger_id] = reason
    _glue(ledger_id + NOT_COMPUTABLE, reason)
    _glue(ledger_id + TEXT, "not computable")  # prose that glues this number still renders (and says so)


class ComparisonTable:
    """Published-vs-computed lines shown next to a figure (HTML in the book, a DataFrame in ``.frame``).

    ``.frame`` holds id, quantity, published, computed, match, evidence, reason (see
    :mod:`cartrepro.ledger.scorecard` for what ``match`` and ``evidence`` say).
    """

    def __init__(self, frame):
        self.frame = frame

    #: folder of the page this table is shown on, relative to the site root (for the methods-card links)
    link_from = "notebooks"
    #: give each row the anchor ``sc-<ledger id>`` (the scorecard page, where the headline links to rows)
    row_anchors = False
    #: ledger id -> (notebook stem, page title) of the page that records it: each row links to that page
    figure_pages: dict[str, tuple[str, str]] = {}

    def _repr_html_(self) -> str:
        from html import escape

        from cartrepro.methods.cards import card_href

        rows = []
        for r in self.frame.itertuples(index=False):
            css = "match-" + r.match.replace(" ", "-")
            reason = f'<div class="cr-reason">{escape(r.reason)}</div>' if r.reason else ""
            evidence = (f'<span class="cr-evidence evidence-{escape(r.evidence)}">{escape(r.evidence)}</span>'
                        if r.evidence else "")
            quantity = escape(r.quantity)
            href = card_href(ledger_entry(r.id), from_dir=self.link_from)
            if href:
                quantity = (f'<a class="cr-method" href="{escape(href, quote=True)}" '
                            f'title="How this number is computed (methods chapter)">{quantity}</a>')
            anchor = f' id="sc-{escape(r.id, quote=True)}"' if self.row_anchors else ""
            page = self.figure_pages.get(r.id)
            shown_on = ("" if page is None else
                        f' · <a class="cr-page" href="{escape(_page_href(page[0], self.link_from), quote=True)}" '
                        f'title="The page that computes and shows this number">{escape(page[1])}</a>')
            rows.append(
                f'<tr{anchor}><td>{quantity}<div class="cr-id"><code>{escape(r.id)}</code>{shown_on}</div></td>'
                f"<td>{escape(r.published)}</td><td>{escape(r.computed)}</td>"
                f'<td><span class="cr-verdict {css}">{escape(r.match)}</span></td>'
                f"<td>{evidence}{reason}</td></tr>")
        head = ("<tr><th>published number</th><th>paper</th><th>computed</th><th>match</th>"
                "<th>evidence · reason</th></tr>")
        return f'<table class="cartrepro-compare"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'

    def __repr__(self) -> str:
        return self.frame.to_string(index=False)


def _page_href(stem: str, from_dir: str) -> str:
    """The link to notebook page ``stem`` from a page in ``from_dir`` (``notebooks`` or ``book``)."""
    return f"{stem}.html" if from_dir == "notebooks" else f"../notebooks/{stem}.html"


COMPARISON_COLUMNS = ["id", "quantity", "published", "computed", "match", "evidence", "reason"]


def skip(ids: Iterable[str], reason: str) -> None:
    """An analysis this data cannot support: declare its ids not computable and say why on the page.

    For degenerate but valid cohorts (nobody transplanted, an empty comparison group, ...): the page shows
    the reason, the scorecard carries it, and nothing is recorded for these ids.
    """
    from IPython.display import Markdown, display

    for ledger_id in ids:
        not_computable(ledger_id, reason)
    display(Markdown(f"**Not computable on this data:** {reason}."))


def record_all(*results: Results) -> None:
    """Record every outcome of one or more analysis results: values with ``record``, reasons with ``not_computable``.

    The page shows each distinct not-computable reason once, with the numbers it affects.
    """
    from IPython.display import Markdown, display

    reasons: dict[str, list[str]] = {}
    for result in results:
        for ledger_id, outcome in result.items():
            if isinstance(outcome, NotComputable):
                not_computable(ledger_id, outcome.reason)
                reasons.setdefault(outcome.reason, []).append(ledger_id)
            else:
                record(ledger_id, outcome.value, ci=outcome.ci)
    for reason in reasons:
        display(Markdown(f"**Not computable on this data:** {reason}."))


def comparison(ids: Iterable[str] | str, *, reference_data: bool) -> ComparisonTable:
    """Published-vs-computed lines for some ledger ids (or every id with a prefix) of this kernel.

    ``.frame`` holds id, quantity, published, computed, match, evidence, reason. ``match`` is given on any
    data; ``evidence`` only when ``reference_data`` (this kernel reads the shipped reconstructed cohort).
    """
    from cartrepro.ledger.entries import entries_with_prefix

    if isinstance(ids, str):
        wanted = [e.id for e in entries_with_prefix(ids) if e.kind != "context"]
    else:
        wanted = list(ids)
    papers = {ledger_entry(i).paper for i in wanted}
    card = build_scorecard({k: v for k, v in RECORDED.items() if k in wanted},
                           not_computable={k: v for k, v in DECLARED_NOT_COMPUTABLE.items() if k in wanted},
                           reference_papers=papers if reference_data else (), papers=papers)
    card = card.set_index("id").loc[wanted].reset_index()
    return ComparisonTable(card[COMPARISON_COLUMNS])


def read_records(ipynb: Path) -> tuple[dict[str, Computed], dict[str, str]]:
    """The numbers an executed notebook recorded, and the ids it declared not computable."""
    import json

    # plain JSON (nbformat's read validates the whole notebook: most of a no-change rebuild's reading time);
    # on disk a text output is a string or a list of lines
    nb = json.loads(Path(ipynb).read_text(encoding="utf-8"))
    glued: dict[str, object] = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            text = output.get("data", {}).get(GLUE_MIME)
            if name and text is not None:
                glued[name] = ast.literal_eval("".join(text) if isinstance(text, list) else text)
    records: dict[str, Computed] = {}
    declared: dict[str, str] = {}
    for name, value in glued.items():
        if name.endswith(NOT_COMPUTABLE):
            declared[name.removesuffix(NOT_COMPUTABLE)] = str(value)
        elif "__" not in name:
            records[name] = Computed(value, glued.get(name + CI_LOW), glued.get(name + CI_HIGH))
    return records, declared
