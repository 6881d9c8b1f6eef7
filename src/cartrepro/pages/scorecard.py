"""The scorecard as MyST Markdown (written into the book at build time from the scorecard, never typed)."""

from __future__ import annotations

import pandas as pd

from cartrepro.ledger.scorecard import EVIDENCE_VALUES, MATCH_VALUES, MATCHES, NO_PUBLISHED_VALUE

PAPER_TITLES = {
    "cd22": "P2 · CD22 CAR T cells in r/r B-ALL (Pan et al., Leukemia 2019)",
    "car1922": "P1 · Sequential CAR19/22 T cells, MIP3α (119 patients)",
}
TABLE_COLUMNS = ["id", "quantity", "published", "computed", "match", "evidence", "reason"]


def _html_table(frame: pd.DataFrame) -> str:
    """The per-figure comparison table's HTML (quantity linked to its methods card, id under it)."""
    from cartrepro.ledger.record import ComparisonTable

    table = ComparisonTable(frame.reset_index(drop=True))
    table.link_from = "book"
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


def scorecard_markdown(card: pd.DataFrame, reference_papers: set[str]) -> str:
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
        parts.append(_table(_counts(rows, reference)) + "\n")
        ordered = rows.assign(order=rows["kind"].map({"data": 0, "construction": 1, "figure_only": 2}),
                              attention=~rows["match"].isin([MATCHES, NO_PUBLISHED_VALUE]))
        ordered = ordered.sort_values(["attention", "order", "id"], ascending=[False, True, True], kind="stable")
        parts.append(_html_table(ordered[TABLE_COLUMNS]))
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
