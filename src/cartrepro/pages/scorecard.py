"""The scorecard as MyST Markdown tables (written into the book at build time, never typed by hand)."""

from __future__ import annotations

import pandas as pd

from cartrepro.ledger.scorecard import REPRODUCED

PAPER_TITLES = {
    "cd22": "P2 · CD22 CAR T cells in r/r B-ALL (Pan et al., Leukemia 2019)",
    "car1922": "P1 · Sequential CAR19/22 T cells, MIP3α (119 patients)",
}
VERDICT_ORDER = ["reproduced", "differs", "inconsistent in the paper", "not computable from this data",
                 "not recorded", "no verdict"]


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


def scorecard_markdown(card: pd.DataFrame, reference_papers: set[str]) -> str:
    """Headline counts, then one table per paper: entries that are not reproduced first, then the rest."""
    parts: list[str] = []
    for paper in [p for p in PAPER_TITLES if p in set(card["paper"])]:
        rows = card[card["paper"] == paper]
        parts.append(f"## {PAPER_TITLES[paper]}\n")
        scored = rows[rows["kind"] == "data"]
        if paper in reference_papers:
            n_ok = int((scored["verdict"] == REPRODUCED).sum())
            parts.append(f"**{n_ok} of {len(scored)}** published numbers of kind *data* reproduced "
                         f"from the shipped reconstructed (synthetic) cohort.\n")
        else:
            parts.append("This build ran on data other than the shipped cohort: reproduced values are shown "
                         "without verdicts.\n")
        counts = (rows.groupby(["kind", "verdict"]).size().rename("entries").reset_index())
        counts["order"] = counts["verdict"].map({v: i for i, v in enumerate(VERDICT_ORDER)})
        counts = counts.sort_values(["kind", "order"]).drop(columns="order")
        parts.append(_table(counts) + "\n")
        ordered = rows.assign(order=rows["kind"].map({"data": 0, "construction": 1, "figure_only": 2}),
                              attention=~rows["verdict"].isin([REPRODUCED, "no verdict"]))
        ordered = ordered.sort_values(["attention", "order", "id"], ascending=[False, True, True], kind="stable")
        parts.append(_html_table(ordered[["id", "quantity", "published", "reproduced", "verdict", "reason"]]))
    return "\n".join(parts)
