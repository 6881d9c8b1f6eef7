"""The scorecard as MyST Markdown (written into the book at build time from the scorecard, never typed)."""

from __future__ import annotations

import pandas as pd

from cartrepro.ledger.scorecard import EVIDENCE_VALUES, MATCH_VALUES, MATCHES, NO_PUBLISHED_VALUE

PAPER_TITLES = {
    "cd22": "P2 · CD22 CAR T cells in r/r B-ALL (Pan et al., Leukemia 2019)",
    "car1922": "P1 · Sequential CAR19/22 T cells, MIP3α (119 patients)",
}
#: a ledger kind as shown in Markdown: the reader's word, linked to its glossary entry
KIND_TERMS = {"data": "{term}`data <Data (kind)>`", "construction": "{term}`construction <Construction (kind)>`",
              "figure_only": "{term}`figure only <Figure only (kind)>`"}
TABLE_COLUMNS = ["id", "quantity", "published", "computed", "match", "evidence", "reason"]


#: ledger id -> (notebook stem, page title) of the page that records it (see
#: :func:`cartrepro.pages.downloads.notebook_pages`); empty: no links to figure pages
Pages = dict[str, tuple[str, str]]


def _html_table(frame: pd.DataFrame, pages: Pages | None = None) -> str:
    """The per-figure comparison table's HTML (quantity linked to its methods card, id and its page under it)."""
    from cartrepro.ledger.record import ComparisonTable

    table = ComparisonTable(frame.reset_index(drop=True))
    table.link_from = "book"
    table.row_anchors = True
    table.figure_pages = pages or {}
    return "```{raw} html\n" + table._repr_html_() + "\n```\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _counts(rows: pd.DataFrame, reference: bool) -> pd.DataFrame:
    """Entries per kind and match (and evidence on the shipped cohort), in the vocabulary's order."""
    keys = ["kind", "match"] + (["evidence"] if reference else [])
    counts = rows.groupby(keys).size().rename("entries").reset_index()
    counts["o1"] = counts["kind"].map({"data": 0, "construction": 1, "figure_only": 2})
    counts["o2"] = counts["match"].map({v: i for i, v in enumerate(MATCH_VALUES)})
    order = ["o1", "o2"]
    if reference:
        counts["o3"] = counts["evidence"].map({v: i for i, v in enumerate(("", *EVIDENCE_VALUES))})
        order.append("o3")
    return counts.sort_values(order).drop(columns=[c for c in counts if c.startswith("o") and len(c) == 2])


def scorecard_markdown(card: pd.DataFrame, reference_papers: set[str], pages: Pages | None = None) -> str:
    """One section per paper: what the data is, counts, then every entry (entries that do not match first)."""
    parts: list[str] = []
    for paper in [p for p in PAPER_TITLES if p in set(card["paper"])]:
        rows = card[card["paper"] == paper]
        reference = paper in reference_papers
        parts.append(f"## {PAPER_TITLES[paper]}\n")
        if reference:
            parts.append("Computed from the **shipped synthetic reconstruction**: a match shows that the printed "
                         "numbers hold together in one cohort under the identified methods, not that the paper "
                         "was reproduced; the *evidence* column says what each match can show.\n")
        else:
            parts.append("Computed from **your data** (not the shipped reconstruction): *match* compares your "
                         "numbers with the paper's printed ones at the printed precision.\n")
        parts.append(_table(_counts(rows, reference).assign(kind=lambda f: f["kind"].map(KIND_TERMS).fillna(f["kind"])))
                     + "\n")
        ordered = rows.assign(order=rows["kind"].map({"data": 0, "construction": 1, "figure_only": 2}),
                              attention=~rows["match"].isin([MATCHES, NO_PUBLISHED_VALUE]))
        ordered = ordered.sort_values(["attention", "order", "id"], ascending=[False, True, True], kind="stable")
        parts.append(_html_table(ordered[TABLE_COLUMNS], pages))
    return "\n".join(parts)


def review_markdown(records: dict, declared: dict[str, str]) -> str:
    """The review chapter's quantities (``review_`` ids): one table per paper, no published value, no verdict.

    ``records`` maps ids to :class:`~cartrepro.ledger.scorecard.Computed` (other ids are ignored);
    ``declared`` maps ids to the reason they are not computable on this data.
    """
    from cartrepro.ledger.review import SECTIONS, format_value, is_review_id, load_registry

    registry = load_registry()
    rows = []
    for review_id, e in registry.items():
        if review_id in records:
            rep = records[review_id]
            ci = None if rep.ci_low is None or rep.ci_high is None else (rep.ci_low, rep.ci_high)
            shown = format_value(rep.value, ci)
        elif review_id in declared:
            shown = f"not computable: {declared[review_id]}"
        else:
            continue
        rows.append({"paper": e.paper, "section": SECTIONS[e.section], "quantity": e.quantity,
                     "id": f"`{review_id}`", "value": shown, "method": e.method})
    extra = sorted(k for k in [*records, *declared] if is_review_id(k) and k not in registry)
    if extra:
        raise KeyError(f"review ids not declared in data/review/registry.yaml: {', '.join(extra)}")
    parts = ["## Review quantities\n",
             "Numbers the project computes to test the papers' claims (the Review part of the book). The papers "
             "do not print them, so there is no published value and no verdict; on the shipped cohort they "
             "describe the reconstruction, not the trial.\n"]
    if not rows:
        parts.append("No review quantity was computed in this build.\n")
        return "\n".join(parts)
    frame = pd.DataFrame(rows)
    for paper in [p for p in PAPER_TITLES if p in set(frame["paper"])]:
        parts.append(f"### {PAPER_TITLES[paper]}\n")
        parts.append(_table(frame[frame["paper"] == paper].drop(columns="paper")) + "\n")
    return "\n".join(parts)


# ----- the headline: what the build shows, computed from the scorecard (landing page and scorecard page) -------

#: methods the printed digits identify: (name, pattern on an entry's ledger ``method`` text). The counts come
#: from the scorecard: entries that match (or are unattainable as printed) and are not inputs.
IDENTIFIED_METHODS = (
    ("SPSS output rounded to 3 decimals before the CI is formed (S ± 1.96·SE)", r"SPSS (25 KM table|3-decimal)"),
    ("Kaplan-Meier log(-log) Greenwood interval", r"log\(-log\)"),
    ("ROC area with the Hanley-McNeil SE", r"Hanley-McNeil"),
    ("exact Mann-Whitney P (no ties)", r"exact P \(no ties\)"),
    ("exact conditional (permutation) Mann-Whitney P with ties", r"exact conditional \(permutation\)"),
    ("Youden cutoff at midpoints of observed values", r"Youden"),
    ("Wilson/Brown interval for a proportion (GraphPad Prism)", r"Wilson/Brown"),
    ("Clopper-Pearson exact interval", r"Clopper-Pearson"),
    ("unpaired two-tailed Student's t-test", r"Student's t"),
    ("log-rank (Mantel-Cox) test", r"log-rank"),
    ("SPSS medians (even n: mean of the two middle values)", r"SPSS 25 descriptive"),
    ("percentages rounded half up", r"half-up|rounded to one decimal|printed to integer %"),
    ("percentages truncated, not rounded", r"truncated \(not rounded\)|truncated to integer"),
)
R_FIXTURES = "tests/reference/fixtures"


def _anchor(ledger_id: str) -> str:
    return f"scorecard.html#sc-{ledger_id}"


def _methods_identified(rows: pd.DataFrame) -> list[tuple[str, int]]:
    import re

    from cartrepro.ledger.entries import load_ledger
    from cartrepro.ledger.scorecard import INPUT, UNATTAINABLE

    ledger = load_ledger()
    shown = rows[rows["match"].isin([MATCHES, UNATTAINABLE]) & (rows["evidence"] != INPUT)]
    found = []
    for name, pattern in IDENTIFIED_METHODS:
        n = sum(1 for i in shown["id"] if re.search(pattern, ledger[i].method))
        if n:
            found.append((name, n))
    return found


def _r_fixtures() -> int:
    from cartrepro.paths import REPO_ROOT

    return len(list((REPO_ROOT / R_FIXTURES).glob("*.json")))


def _paper_split(rows: pd.DataFrame) -> str:
    names = {"cd22": "P2", "car1922": "P1"}
    counts = rows.groupby("paper").size()
    return ", ".join(f"{names.get(p, p)} {int(counts[p])}" for p in ("cd22", "car1922") if p in counts)


def _page_link(ledger_id: str, text: str, pages: Pages) -> str:
    """``text`` (HTML-escaped) linked to the page that records ``ledger_id`` (links relative to ``book/``)."""
    from html import escape

    if ledger_id not in pages:
        return escape(text)
    stem, title = pages[ledger_id]
    return (f'<a class="cr-finding" href="../notebooks/{escape(stem, quote=True)}.html" '
            f'title="{escape(title, quote=True)}">{escape(text)}</a>')


def _unattainable_list(unattainable: pd.DataFrame, pages: Pages) -> list[str]:
    """The printed values no data can give, P2 first in page order, each linked to its page and scorecard row."""
    from html import escape

    from cartrepro.ledger.entries import load_ledger

    if not len(unattainable):
        return []
    ledger = load_ledger()
    items = []
    order = unattainable.assign(o=unattainable["paper"].map({"cd22": 0, "car1922": 1}),
                                page=[pages.get(i, ("~", ""))[0] for i in unattainable["id"]])
    for r in order.sort_values(["o", "page", "id"], kind="stable").itertuples(index=False):
        inc = ledger[r.id].inconsistency
        where = f" ({escape(pages[r.id][1])})" if r.id in pages else ""
        items.append(f"<li>{_page_link(r.id, f'printed {r.published}', pages)}{where}: the data give "
                     f"{escape(r.computed)}. {escape(inc.for_reader)} "
                     f'<a class="cr-row" href="{_anchor(r.id)}"><code>{escape(r.id)}</code></a></li>')
    return ["**Printed values no data can give:**\n\n```{raw} html\n<ul class=\"cr-unattainable\">"
            + "".join(items) + "</ul>\n```\n"]


def _shipped_headline(card: pd.DataFrame, pages: Pages) -> list[str]:
    import re

    from cartrepro.ledger.scorecard import (
        ASSUMED,
        CONSTRAINED,
        DIFFERS,
        INPUT,
        NOT_COMPUTABLE,
        NOT_RECORDED,
        UNATTAINABLE,
        UNCONSTRAINED,
    )

    data = card[card["kind"] == "data"]
    holds = data[(data["match"] == MATCHES) & data["evidence"].isin([CONSTRAINED, UNCONSTRAINED, ASSUMED])]
    n_assumed = int((holds["evidence"] == ASSUMED).sum())
    assumptions = sorted({m for r in holds.loc[holds["evidence"] == ASSUMED, "reason"]
                          for m in re.findall(r"needs `([^`]+)`", r)})
    inputs = data[data["evidence"] == INPUT]
    unattainable = card[card["match"] == UNATTAINABLE]
    construction = card[card["kind"] == "construction"]
    lines = [
        f"On the shipped synthetic cohorts, of the **{len(data)}** printed numbers of kind {KIND_TERMS['data']} "
        f"({_paper_split(data)}):\n",
        f"- **{len(holds)}** hold together in one cohort under the identified methods: they match the printed "
        f"digits and are not inputs. {int((holds['evidence'] == CONSTRAINED).sum())} were searched for by the "
        f"generators (*constrained*), {int((holds['evidence'] == UNCONSTRAINED).sum())} came out without being "
        f"targeted (*unconstrained*), and **{n_assumed}** needed an assumption the paper does not state"
        + (f" ({', '.join(f'`{a}`' for a in assumptions)})" if assumptions else "") + ".",
        f"- **{len(inputs)}** are *inputs*: the generator wrote them into patient rows (single-patient facts, "
        f"printed minima, medians and maxima), so their match is not evidence.",
        f"- **{len(unattainable)}** printed values no data can give (listed below); the data give the value the "
        f"arithmetic says.",
    ]
    rest = [(DIFFERS, "differ from the printed digits"), (NOT_COMPUTABLE, "are not computable"),
            (NOT_RECORDED, "are not recorded by any page")]
    for value, text in rest:
        n = int((data["match"] == value).sum())
        if n:
            lines.append(f"- **{n}** {text}.")
    if len(construction):
        n_c = int((construction["match"] == MATCHES).sum())
        lines.append(f"- Besides these, {n_c} of {len(construction)} {KIND_TERMS['construction']} numbers (a test "
                     "or grouping the paper does not name; the reason names the one assumed) match.")
    lines.append("\nA match on the shipped cohorts is partly true by construction: it does not show that the "
                 "papers were reproduced, only that their printed numbers can hold together in one cohort.\n")
    lines.extend(_unattainable_list(unattainable, pages))
    methods = _methods_identified(card)
    if methods:
        lines.append("**Methods the printed digits identify** (how many printed numbers, not inputs, come out "
                     "digit for digit under each; the methods chapter shows what other tools' defaults would "
                     "print instead):\n")
        lines.extend(f"- {name}: {n}" for name, n in methods)
        lines.append("")
    lines.append(f"The statistics behind these numbers are checked by the test suite against R 4.2 (survival, "
                 f"cmprsk, pROC, coin, maxstat): {_r_fixtures()} frozen R reference files in `{R_FIXTURES}`, made "
                 "by the R scripts beside them.\n")
    return lines


def _user_headline(card: pd.DataFrame, data_name: str) -> list[str]:
    from cartrepro.ledger.scorecard import DIFFERS, NOT_COMPUTABLE, NOT_RECORDED, UNATTAINABLE

    data = card[card["kind"] == "data"]
    counts = data["match"].value_counts()
    parts = [f"**{int(counts.get(v, 0))}** {label}" for v, label in (
        (MATCHES, "match the printed digits"), (DIFFERS, "differ"),
        (UNATTAINABLE, "are unattainable as printed (no data can give the printed digits; yours give the value "
                       "the arithmetic says)"),
        (NOT_COMPUTABLE, "are not computable from it"), (NOT_RECORDED, "are not recorded")) if counts.get(v, 0)]
    return [f"Computed from **your data** (`{data_name}`), not the shipped reconstruction. Of the "
            f"**{len(data)}** printed numbers of kind *data* ({_paper_split(data)}): " + ", ".join(parts) + ". "
            "The comparison is at the precision the paper printed; the scorecard lists every number.\n"]


def headline_markdown(card: pd.DataFrame, reference_papers: set[str], data_name: str = "",
                      pages: Pages | None = None) -> str:
    """The numbers the landing page and the scorecard page lead with, from this build's scorecard; each
    printed value listed links to the page that records it (``pages``)."""
    shipped = card[card["paper"].isin(reference_papers)]
    other = card[~card["paper"].isin(reference_papers)]
    lines: list[str] = []
    if len(shipped):
        lines += _shipped_headline(shipped, pages or {})
    if len(other):
        lines += _user_headline(other, data_name or "the data folder of this build")
    return "\n".join(lines) + "\n"


def generated_pages(card: pd.DataFrame, reference_papers: set[str], data_name: str = "",
                    review: tuple[dict, dict] = ({}, {}), pages: Pages | None = None) -> dict[str, str]:
    """The book's generated Markdown files (under ``book/_generated/``), by file name: the scorecard tables
    (with the review chapter's quantities, ``review`` = (records, not-computable reasons), in a section of
    their own), the headline the landing page and the scorecard page lead with, and the landing page's review
    findings (:mod:`cartrepro.pages.review_findings`). ``pages`` (id -> notebook stem and title) links numbers
    to the pages that record them."""
    pages = {i: (stem, f"{stem[:2].upper()} {title}") for i, (stem, title) in (pages or {}).items()}  # P2/P1
    from cartrepro.pages.review_findings import review_findings_markdown

    return {"scorecard_tables.md": scorecard_markdown(card, reference_papers, pages) + "\n"
            + review_markdown(*review),
            "headline.md": headline_markdown(card, reference_papers, data_name, pages),
            "review_findings.md": review_findings_markdown(*review, shipped=set(reference_papers))}
