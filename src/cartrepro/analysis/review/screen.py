"""Multiplicity of the 70-analyte screen (P1 Fig. 1c): how many hits survive an adjustment, and how
surprising the overlap of the two disease screens is.

The paper compares 70 analytes between NR/ER and > 6-month remission, first in all training patients,
then within B-ALL and within B-NHL, and calls P < 0.05 a hit without adjusting for the 70 comparisons.
Per screen this module counts the raw hits, the Benjamini-Hochberg survivors at q < 0.05 and q < 0.10
(:func:`cartrepro.stats.multiplicity.bh_adjust`, = R ``p.adjust(p, "BH")``) and the Bonferroni survivors
(P < 0.05 / m, = R ``p.adjust(p, "bonferroni") < 0.05``). For the overlap of the B-ALL and B-NHL hit
lists it gives the hypergeometric chance that two independent hit lists of these sizes, drawn from the
same N analytes, share at least as many analytes as observed (R ``phyper(k - 1, K, N - K, n,
lower.tail = FALSE)``); the exact Mann-Whitney P values come from
:func:`cartrepro.analysis.car1922.cytokines.screen`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cartrepro.analysis.results import Results
from cartrepro.stats.multiplicity import bh_adjust

DISEASES = {"ball": "b_all", "bnhl": "b_nhl"}


@dataclass(frozen=True)
class Multiplicity:
    m: int  # P values adjusted together
    raw_hits: int  # P < alpha
    bh_survivors: int  # q < alpha
    bh10_survivors: int  # q < 0.10
    bonferroni_survivors: int  # P < alpha / m
    min_q: float


def multiplicity(p_values, alpha: float = 0.05) -> Multiplicity:
    """Raw, BH and Bonferroni counts of one screen's P values (missing P values are left out).

    Examples
    --------
    The 6th P value, 0.06, has q = 10/6 x 0.06 = 0.1 exactly as R computes it (so not < 0.10):

    >>> multiplicity([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    Multiplicity(m=10, raw_hits=5, bh_survivors=2, bh10_survivors=5, bonferroni_survivors=1, min_q=0.01)
    """
    p = np.asarray(p_values, dtype=float)
    p = p[~np.isnan(p)]
    if p.size == 0:
        raise ValueError("no P value to adjust")
    q = bh_adjust(p)
    return Multiplicity(int(p.size), int((p < alpha).sum()), int((q < alpha).sum()), int((q < 0.10).sum()),
                        int((p < alpha / p.size).sum()), float(q.min()))


def overlap_p(n_total: int, hits_a: int, hits_b: int, overlap: int) -> tuple[float, float]:
    """(expected overlap, P(overlap >= observed)) of two independent hit lists from ``n_total`` items.

    Examples
    --------
    >>> expected, p = overlap_p(70, 5, 6, 2)
    >>> round(expected, 4), round(p, 4)
    (0.4286, 0.055)
    """
    if not 0 <= overlap <= min(hits_a, hits_b) or max(hits_a, hits_b) > n_total:
        raise ValueError(f"impossible overlap: {overlap} of {hits_a} and {hits_b} hits among {n_total}")
    from scipy.stats import hypergeom  # here: the build imports this package for the ensemble sentence only

    return hits_a * hits_b / n_total, float(hypergeom.sf(overlap - 1, n_total, hits_a, hits_b))


def screen_multiplicity(tables: dict | None, *, window_months: float = 6.0, alpha: float = 0.05) -> Results:
    """The review ids of the screen section, with the per-analyte table in ``frames["screen"]``."""
    from cartrepro.analysis.car1922 import cytokines as cyto
    from cartrepro.ledger.review import load_registry

    r = Results()
    ids = [i for i, e in load_registry().items() if e.section == "screen"]
    cytokines = None if tables is None else tables.get("cytokines")
    if cytokines is None or not (cytokines["cohort"] == "training").any():
        r.skip(ids, "car1922/cytokines.csv with training specimens is absent")
        return r
    patients = tables["patients"]
    screens = {"all": cyto.screen(cytokines, patients, window_months=window_months)}
    for suffix, disease in DISEASES.items():
        screens[suffix] = cyto.screen(cytokines, patients, window_months=window_months, disease=disease)
    # a disease without training specimens screens nothing: its empty frame adds no row (and, left in, makes
    # pandas warn about how it will type the columns of such frames in a later version)
    frame = pd.concat([s.assign(screen=k) for k, s in screens.items() if len(s)], ignore_index=True)
    frame["q_bh"] = frame["q_bh"].astype(float)
    r.frames["screen"] = frame
    tested = {k: s.loc[s["p"].notna()] for k, s in screens.items()}
    r.add("review_p1_screen_n_analytes", len(tested["all"]))
    for key, prefix in (("all", "all"), ("ball", "ball"), ("bnhl", "bnhl")):
        names = [f"review_p1_screen_{what}_{prefix}" for what in
                 ("raw_hits", "bh_survivors", "bh10_survivors", "bonferroni_survivors", "min_q")]
        names = [n for n in names if n in ids]
        if tested[key].empty:
            r.skip(names, f"no analyte could be tested in the {key} screen (an empty response group)")
            continue
        m = multiplicity(tested[key]["p"], alpha)
        values = {"raw_hits": m.raw_hits, "bh_survivors": m.bh_survivors, "bh10_survivors": m.bh10_survivors,
                  "bonferroni_survivors": m.bonferroni_survivors, "min_q": m.min_q}
        for name in names:
            r.add(name, values[name.removeprefix("review_p1_screen_").rsplit("_", 1)[0]])
    overlap_ids = ["review_p1_screen_overlap_observed", "review_p1_screen_overlap_expected",
                   "review_p1_screen_overlap_p"]
    both = set(tested["ball"]["analyte"]) & set(tested["bnhl"]["analyte"])
    if not both:
        r.skip(overlap_ids, "no analyte was tested in both diseases")
        return r
    hits = {k: set(tested[k].loc[tested[k]["p"] < alpha, "analyte"]) & both for k in DISEASES}
    k = len(hits["ball"] & hits["bnhl"])
    expected, p = overlap_p(len(both), len(hits["ball"]), len(hits["bnhl"]), k)
    r.add("review_p1_screen_overlap_observed", k)
    r.add("review_p1_screen_overlap_expected", expected)
    r.add("review_p1_screen_overlap_p", p)
    return r


def hits_table(result: Results, alpha: float = 0.05) -> pd.DataFrame:
    """The analytes with raw P < ``alpha`` in any of the three screens, with their P and BH q per screen."""
    frame = result.frames.get("screen")
    if frame is None or frame.empty:
        return pd.DataFrame(columns=["analyte"])
    hit = frame.loc[frame["p"] < alpha, "analyte"].unique()
    if not len(hit):  # nothing significant (e.g. the small example cohort): an empty table, not an IndexError
        return pd.DataFrame(columns=["analyte"])
    wide = frame[frame["analyte"].isin(hit)].pivot(index="analyte", columns="screen", values=["p", "q_bh"])
    wide.columns = [f"{'P' if v == 'p' else 'q'} {SCREEN_LABELS[s]}" for v, s in wide.columns]
    order = [f"{v} {SCREEN_LABELS[s]}" for s in SCREEN_LABELS for v in ("P", "q") if f"{v} {SCREEN_LABELS[s]}" in wide]
    return wide[order].sort_values(order[0]).round(4).reset_index()


SCREEN_LABELS = {"all": "all training", "ball": "B-ALL", "bnhl": "B-NHL"}
