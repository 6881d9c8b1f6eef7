"""The review chapter (issue 11): which of the papers' conclusions survive scrutiny, on the cohort being built.

* :mod:`~cartrepro.analysis.review.screen`: multiplicity of P1's 70-analyte screen (BH, Bonferroni, overlap);
* :mod:`~cartrepro.analysis.review.cutoff`: optimism of P1's data-chosen marker and cutoff (bootstrap,
  maximally selected log-rank);
* :mod:`~cartrepro.analysis.review.alternatives`: conclusions under the methods chapter's alternatives;
* :mod:`~cartrepro.analysis.review.ensemble`: what the text pins down (ranges over admissible cohorts;
  precomputed, not run by the book).

Every number is recorded under a ``review_`` id declared in ``data/review/registry.yaml``
(:mod:`cartrepro.ledger.review`). :data:`PAGES` registers the recording notebooks.
"""

from __future__ import annotations

from cartrepro.analysis.pages import Page, Parameter
from cartrepro.analysis.review.alternatives import p1_alternatives, p2_alternatives
from cartrepro.analysis.review.cutoff import cutoff_optimism
from cartrepro.analysis.review.screen import screen_multiplicity

__all__ = ["PAGES", "cutoff_optimism", "p1_alternatives", "p2_alternatives", "screen_multiplicity"]

WINDOW = Parameter("window_months", 6.0, "NR/ER rule: no remission, or relapse within this many months")

PAGES: list[Page] = [
    Page("review_p1_screen", "car1922", screen_multiplicity, (
        WINDOW, Parameter("alpha", 0.05, "significance level of a raw hit and of the adjusted survivors"))),
    Page("review_p1_cutoff", "car1922", cutoff_optimism, (
        Parameter("analyte", "MIP3α", "the marker whose cutoff is reviewed"),
        WINDOW,
        Parameter("n_boot", 1000, "bootstrap resamples of the optimism correction (Harrell: >= 200)"),
        Parameter("seed", 20240101, "seed of the bootstrap resamples"),
        Parameter("minprop", 0.1, "smallest share of specimens in the lower group of a cutpoint"),
        Parameter("maxprop", 0.9, "largest share of specimens in the lower group of a cutpoint"))),
    Page("review_p1_alternatives", "car1922", p1_alternatives, (WINDOW,)),
    Page("review_p2_alternatives", "cd22", p2_alternatives, (
        Parameter("early_death_days", 30, "deaths before this day are the early deaths of Figure 3b"),)),
]


def values_table(result):
    """The review ids of a result as a table: quantity, value (4 significant figures) or the reason."""
    import pandas as pd

    from cartrepro.analysis.results import NotComputable
    from cartrepro.ledger.review import format_value, review_entry

    rows = []
    for review_id, outcome in result.items():
        shown = (f"not computable: {outcome.reason}" if isinstance(outcome, NotComputable)
                 else format_value(outcome.value, outcome.ci))
        rows.append({"quantity": review_entry(review_id).quantity, "value": shown, "id": review_id})
    return pd.DataFrame(rows, columns=["quantity", "value", "id"])
