"""P2 (CD22 CAR-T, Pan et al., Leukemia 2019): the analysis behind every page of the paper's chapter.

One module per topic, each a set of plain functions of the loaded patient table and the analysis
parameters returning :class:`~cartrepro.analysis.results.Results`:

* :mod:`~cartrepro.analysis.cd22.baseline` (Table 1), :mod:`~cartrepro.analysis.cd22.response` (Figure 2),
  :mod:`~cartrepro.analysis.cd22.kinetics` (expansion, persistence, cytokines),
  :mod:`~cartrepro.analysis.cd22.toxicity` (Figure 3 and the early deaths),
  :mod:`~cartrepro.analysis.cd22.outcome` (Figure 4), :mod:`~cartrepro.analysis.cd22.relapse` (Figure 5);
* one function per page computes everything the page records (:data:`PAGES`): :func:`table1`,
  :func:`response_rates`, :func:`expansion_kinetics`, :func:`adverse_effects`, :func:`long_term_outcome`
  (e.g. ``long_term_outcome(tables, horizon_days=365, conf_type="plain", spss_decimals=3)``),
  :func:`relapsed_patients`;
* :mod:`~cartrepro.analysis.cd22.derive` holds the analysis sets and time-to-event tables they share.

:data:`PAGES` registers each recording notebook with its function and parameters (declared here once; the
notebook's ``parameters`` cell repeats the same names and defaults).
"""

from __future__ import annotations

from cartrepro.analysis.cd22.baseline import table1
from cartrepro.analysis.cd22.kinetics import expansion_kinetics
from cartrepro.analysis.cd22.outcome import long_term_outcome
from cartrepro.analysis.cd22.relapse import relapsed_patients
from cartrepro.analysis.cd22.response import response_rates
from cartrepro.analysis.cd22.toxicity import adverse_effects
from cartrepro.analysis.pages import Page, Parameter

__all__ = ["PAGES", "adverse_effects", "expansion_kinetics", "long_term_outcome", "relapsed_patients",
           "response_rates", "table1"]

EARLY_DEATH_DAYS = Parameter(
    "early_death_days", 30,
    "deaths before this day after infusion are early deaths, not evaluated on day 30 (the paper: 'the 30 "
    "patients who survived for 30 days or longer')")

PAGES: list[Page] = [
    Page("p2_table1_baseline", "cd22", table1),
    Page("p2_fig2_response_rates", "cd22", response_rates, (EARLY_DEATH_DAYS,)),
    Page("p2_kinetics", "cd22", expansion_kinetics, (
        Parameter("peak_window_end", 15, "last day of the paper's peak window (days 12 to 15): the peak-day range "
                                         "counts patients alive after it"),)),
    Page("p2_fig3_toxicity", "cd22", adverse_effects, (EARLY_DEATH_DAYS,)),
    Page("p2_fig4_long_term_outcome", "cd22", long_term_outcome, (
        Parameter("horizon_days", 365, "time point of the '1-year' Kaplan-Meier estimates, days after the origin"),
        Parameter("conf_type", "plain", "CI of the Kaplan-Meier estimates: plain S ± 1.96 SE (the paper's SPSS "
                                        "intervals), log or log-log", choices=("plain", "log", "log-log")),
        Parameter("spss_decimals", 3, "S and SE rounded to this many decimals before the plain CI is formed, as "
                                      "SPSS shows them; None for unrounded (ignored unless conf_type is plain)",
                  kind=int, allow_none=True),
    )),
    Page("p2_fig5_relapse", "cd22", relapsed_patients),
]
