"""The P1 (CAR19/22) analyses: one module per topic, one registered page per recording notebook.

Modules: :mod:`~.derive` (analysis sets, labels, time-to-event tables), :mod:`~.cytokines` (specimen tables,
the Mann-Whitney screen), :mod:`~.baseline` (Table 1), :mod:`~.relapse` (Fig. 1a-b), :mod:`~.screen`
(Fig. 1c, supplementary Table 4 and Fig. 3e), :mod:`~.roc` (Fig. 1d-e), :mod:`~.mip3a` (Fig. 1f-i,
supplementary Fig. 3f-h, 3m, 4), :mod:`~.survival` (12-month OS/PFS, CRS log-rank). Each ``compute(tables,
**parameters)`` returns :class:`cartrepro.analysis.results.Results`: a value or a stated reason for every
ledger id its page records, never an exception or NaN on contract-valid data.

:data:`PAGES` registers the notebooks; the parameters are declared once here (the notebooks' ``parameters``
cells repeat the same names and defaults).
"""

from __future__ import annotations

from cartrepro.analysis.car1922 import baseline, mip3a, relapse, roc, screen, survival
from cartrepro.analysis.pages import Page, Parameter
from cartrepro.analysis.results import Results, merge

WINDOW_MONTHS = Parameter(
    "window_months", 6.0,
    "months after infusion that separate early relapse (NR/ER) from remission; also the width of the Fig. 1b "
    "windows. The ledger numbers use 6; with any other value they are declared not computable")
HORIZON_DAYS = Parameter("horizon_days", 365.25, "days after infusion at which the curves are read (12 months)")
ALPHA = Parameter("alpha", 0.05, "significance level of the cytokine screen (P < alpha counts as significant)")
ANALYTE = Parameter("analyte", "MIP3α", "the marker of Fig. 1f-i, by name as in cytokines.csv (any spelling "
                    "with the same letters and digits; the paper: MIP3α)")
CUTOFF = Parameter("cutoff", None, "fold-change cutoff of Fig. 1g-i and supplementary 3m; None = the Youden "
                   "cutoff of the training cohort (4.703 in the paper)", kind=float)
CONF_TYPE = Parameter("conf_type", "log-log", "confidence-interval transform of the Kaplan-Meier estimates (the "
                      "paper's: log-log)", choices=("log-log", "log", "plain"))
CRS_ENDPOINT = Parameter("crs_endpoint", "pfs", "endpoint of supplementary Fig. 3l, which the paper does not name "
                         "(pfs assumed)", choices=("pfs", "os"))

PAGES = [
    Page("p1_table1", "car1922", baseline.compute),
    Page("p1_fig1ab_relapse_timing", "car1922", relapse.compute, (WINDOW_MONTHS, HORIZON_DAYS)),
    Page("p1_fig1c_screen", "car1922", screen.compute, (WINDOW_MONTHS, ALPHA)),
    Page("p1_fig1de_roc", "car1922", roc.compute, (WINDOW_MONTHS,)),
    Page("p1_fig1fi_mip3a", "car1922", mip3a.compute, (ANALYTE, CUTOFF, WINDOW_MONTHS)),
    Page("p1_survival", "car1922", survival.compute, (HORIZON_DAYS, CONF_TYPE, CRS_ENDPOINT)),
]


def compute_all(tables) -> Results:
    """Every P1 page's numbers on one loaded cohort (``load_paper(data_dir, "car1922")``) with the default
    parameters, as one Results."""
    return merge(page.compute(tables, **page.defaults()) for page in PAGES)


__all__ = ["PAGES", "compute_all"]
