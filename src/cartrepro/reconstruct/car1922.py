"""The reconstructed P1 cohort: 119 synthetic patients consistent with the CAR19/22 paper (clinical half).

SYNTHETIC DATA. The trial's patient-level data are not public; this generator builds a table that honours
every Table 1 cell (both disease columns), the baseline and outcome numbers of the Results, the follow-up
medians and ranges, the relapse-time bins, the 12-month OS/PFS Kaplan-Meier estimates with their log-log
confidence intervals, and the CRS grade 0-2 vs 3-5 log-rank P in B-NHL. Every choice the paper leaves
open is recorded as an :class:`Assumption`. The cytokine table (``cytokines.csv``) is a later generator.

How it works, in four stages:

1. **Allocation** (no freedom): the counts of Table 1 fix how many patients of each disease are in each
   baseline category and each outcome (no response, relapse in each 6-month window, remission, excluded
   with its reason); who is who is a seeded permutation within the disease.
2. **Descriptive columns**: values with a printed median and range get exactly that minimum, median and
   maximum (:func:`order_statistics`); the age split around 18 and the pooled median 44 are met by drawing
   within count-fixed intervals; the CAR-T doses also meet the pooled mean ± SD of the text by a small
   solve over the shape of the values between the order statistics.
3. **Event order** (an exhaustive solve): a Kaplan-Meier estimate and its log-log interval depend only on
   the order of events and censorings, so :func:`km_orders` enumerates, for each disease and endpoint,
   every order (number of events before 12 months, number of censorings before each of them) that gives
   the printed estimate and both bounds. The solutions are unique or nearly so; together with the
   follow-up medians they fix the timeline layout (documented in :data:`ASSUMPTIONS` ``timeline_layout``).
4. **Times** (a seeded search): event, death and follow-up days are drawn inside the windows of that
   layout, and which B-NHL patients had grade 3-5 CRS is drawn until the log-rank P of PFS rounds to the
   printed 0.0954. The first accepted draw is kept; the report says how many draws were tried.

Finally every constraint is evaluated on the finished table (through the same derivations and statistics
the notebooks use) and the generator refuses to write a table that misses one.

Run ``python -m cartrepro.reconstruct.car1922 [--out DIR]`` to regenerate ``DIR/car1922/``.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.stats import norm

from cartrepro.analysis.car1922 import derive as derive
from cartrepro.ledger.entries import load_ledger
from cartrepro.reconstruct.framework import (
    ASSUMED,
    INPUT,
    Assumption,
    Constraint,
    ReconstructionError,
    Report,
    count_is,
    order_statistics,
    provenance_record,
)
from cartrepro.stats.rounding import round_half_up
from cartrepro.stats.survival import km_at, logrank_test

GENERATOR_VERSION = "1.0"
SEED = 16008526  # the trial registration number (ChiCTR-OPN-16008526)
MAX_DRAWS = 200_000
HORIZON_DAYS = 365.25  # "12 months" (conventions: 12-month KM estimates read at 365.25 days)
Z95 = float(norm.ppf(0.975))

COLUMNS = [
    "patient_id", "disease", "age_years", "sex", "prior_hsct", "prior_lines", "disease_status",
    "cns_involvement", "tp53_mutation", "car19_dose", "car22_dose", "il6_max_pg_ml", "ferritin_max_ug_l",
    "il6_peak_day", "crs_grade", "outcome", "excluded_reason", "relapse_day", "pfs_day", "pfs_event", "os_day",
    "os_event", "followup_day",
]
DISEASES = ("b_all", "b_nhl")

# ----- the published numbers this generator targets (Table 1 by disease, then the text) ------------------

#: Table 1 counts: column -> value -> (B-ALL, B-NHL)
TABLE1_COUNTS = {
    "sex": {"female": (22, 28), "male": (13, 56)},
    "prior_hsct": {"autologous": (2, 16), "allogeneic": (7, 1), "none": (26, 67)},
    "lines_group": {"1": (9, 10), "2": (15, 27), ">=3": (11, 47)},
    "disease_status": {"refractory": (10, 25), "first_relapse": (15, 23), "second_or_later_relapse": (10, 36)},
    "cns_involvement": {True: (4, 9), False: (31, 75)},
    "tp53_mutation": {True: (5, 31), False: (30, 53)},
}
#: outcome courses per disease: course -> (B-ALL, B-NHL). Relapses by 6-month window after infusion.
COURSES = {
    "nr": (3, 9),
    "relapse_0_6": (5, 22), "relapse_6_12": (0, 3), "relapse_12_18": (1, 2), "relapse_18_24": (3, 1),
    "relapse_gt24": (2, 2),
    "remission": (12, 35),
    "hsct": (7, 4), "lost": (2, 2), "nrd": (0, 4),
}
#: relapse windows in days after infusion (months = days / 30.4375: day 182 is 5.98 months, day 183 6.01)
RELAPSE_WINDOW_DAYS = {"relapse_0_6": (31, 182), "relapse_6_12": (183, 365), "relapse_12_18": (366, 547),
                       "relapse_18_24": (548, 730), "relapse_gt24": (731, None)}
#: median (min-max) per disease, decimals
DESCRIPTIVES = {
    "car19_dose": ((3.04, 1.00, 10.00), (4.55, 1.35, 10.00), 2),
    "car22_dose": ((3.41, 1.00, 10.00), (5.77, 1.90, 11.35), 2),
    "il6_max_pg_ml": ((269.8, 15.73, 5000.0), (214.8, 9.71, 5000.0), 2),
    "ferritin_max_ug_l": ((1083.5, 77.4, 50000.0), (845.1, 174.7, 50000.0), 1),
    "il6_peak_day": ((5, 2, 9), (5, 2, 10), 0),
}
DOSE_MEAN_SD = {"car19_dose": (4.1, 2.1), "car22_dose": (5.1, 2.5)}  # text: mean ± SD over 119 (assumed)
FOLLOWUP = {"b_all": (265, 9, 988), "b_nhl": (192, 25, 1005), "all": (208, 9, 1005)}
#: (disease, endpoint) -> the ledger id of the printed 12-month estimate (percent, log-log CI)
KM_IDS = {("b_all", "os"): "p1_s3a_os12_ball", ("b_nhl", "os"): "p1_s3a_os12_bnhl",
          ("b_all", "pfs"): "p1_s3b_pfs12_ball", ("b_nhl", "pfs"): "p1_s3b_pfs12_bnhl"}
#: (disease, endpoint) -> printed estimate, CI low, CI high, read from the ledger (not retyped here)
KM_TARGETS = {key: (float(load_ledger()[i].value), float(load_ledger()[i].ci_low), float(load_ledger()[i].ci_high))
              for key, i in KM_IDS.items()}
CRS_LOGRANK_P = float(load_ledger()["p1_s3l_crs_logrank_p"].value)
CRS_GE3 = {"b_all": 5, "b_nhl": 8}
NO_CRS = {"b_all": 1, "b_nhl": 1}  # 117 of 119 had CRS: 2 without (split between the diseases assumed)
MINORS = {"b_all": 6, "b_nhl": 2}  # 111 adults (93.3%; the printed 93.5% is reached by no count of 119)

ASSUMPTIONS = [
    Assumption("synthetic", "Every row is synthetic. Only the aggregates printed in the paper are real; "
               "everything else is a documented choice below. No row describes a real patient."),
    Assumption("ids", "patient_id P001-P119 is a seeded permutation; it carries no information (the paper "
               "names no patient).", ("p1_n_total",)),
    Assumption("table1_independent", "Table 1 gives each baseline characteristic by disease only: sex, prior "
               "HSCT, prior lines, disease status, CNS involvement and TP53 are assigned independently of each "
               "other and of the outcome (seeded permutations within the disease). Prior lines >= 3 are drawn "
               "from 3-7.", ("p1_t1_female_ball", "p1_t1_lines_ge3_bnhl")),
    Assumption("minors", "111 of 119 patients are adults (6 B-ALL and 2 B-NHL are younger than 18): the "
               "printed 93.5% is reached by no count of 119 (111/119 = 93.3%, 112/119 = 94.1%; ledger "
               "inconsistency age_ge18_93_5). Ages are whole years; the pooled median 44 is met by fixing how "
               "many ages fall below 44 in each disease.", ("p1_age_ge18_pct", "p1_age_median_all")),
    Assumption("doses", "CAR19 and CAR22 doses have exactly the Table 1 median (range) per disease; the text's "
               "'4.1 ± 2.1' and '5.1 ± 2.5' are read as mean ± SD (n-1) over all 119 (ledger inconsistency "
               "car_dose_median_vs_mean) and met by choosing the shape (a power of seeded uniforms) of the "
               "values between the order statistics. CAR19 and CAR22 doses of a patient are independent.",
               ("p1_car19_dose_center_all", "p1_car22_dose_center_all")),
    Assumption("cytokine_columns", "Peak IL-6, peak ferritin and the IL-6 peak day have exactly the Table 1 "
               "median (range) per disease; IL-6 and ferritin are drawn log-uniformly between the order "
               "statistics (the ranges end at the assay caps 5000 pg/ml and 50,000 ug/l), the peak day "
               "uniformly. They are independent of CRS grade and outcome in this version (the cytokine "
               "generator may refine them).", ("p1_t1_il6_max_median_ball", "p1_t1_ferritin_max_median_bnhl")),
    Assumption("crs", "CRS grade 0 for 1 B-ALL and 1 B-NHL patient (the text gives 117 of 119 with CRS, "
               "not the split); grades 1 and 2 a seeded coin; grades 3-5 are grade 3 or 4 (none of the "
               "4 non-recurrent deaths is a CRS death). Which B-NHL patients had grade 3-5 CRS is searched "
               "(seeded) until the log-rank P of PFS, grade 0-2 vs 3-5, rounds to 0.0954: the paper does not "
               "name the endpoint of supplementary Fig. 3l; PFS is assumed.", ("p1_s3l_crs_logrank_p",),
               evidence=ASSUMED),
    Assumption("outcome_windows", "Day 0 is the infusion; months = days / 30.4375. 'Within 6 months' is day "
               "<= 182 (5.98 months); relapse windows (0,6], (6,12], (12,18], (18,24], >24 months are days "
               "<= 182, 183-365, 366-547, 548-730, >= 731, and no relapse is placed before day 31 (after the "
               "response assessment). Non-responders progress on seeded days 5-82 (the paper gives no day). "
               "NR/ER = no response or relapse within 6 months; excluded patients are in neither group.",
               ("p1_fig1b_relapse_0_6m_ball", "p1_nrer_ball_pct")),
    Assumption("relapse_counts", "Relapse counts are Table 1's 11 and 30 (text: 11 (42.3%) and 30 (52.7%)): "
               "52.7% = 39/74 is the B-NHL failure rate (NR + relapse; ledger inconsistency "
               "relapse_bnhl_52_7); 67.5% early relapses is 27/40, the data give 27/41 = 65.9% (ledger "
               "inconsistency early_relapse_67_5).", ("p1_relapse_bnhl_pct", "p1_early_relapse_pct")),
    Assumption("pfs_through_hsct", "PFS and OS run from infusion through HSCT (HSCT is not a censoring event): "
               "the 12-month PFS needs events among the excluded patients (ledger inconsistency "
               "pfs12_ball_events). 2 of the 7 HSCT-bridged B-ALL and all 4 HSCT-bridged B-NHL die within 6 "
               "months (their PFS event is the death); patients lost to follow-up are censored at their last "
               "contact.", ("p1_s3b_pfs12_ball", "p1_s3b_pfs12_bnhl"), evidence=ASSUMED),
    Assumption("timeline_layout", "The event orders solved by km_orders and the follow-up medians fix this "
               "layout. B-ALL: one non-responder progresses before day 9 and dies on day 10-20, the first "
               "patient lost to follow-up leaves on day 9 (the minimum follow-up), a second non-responder "
               "progresses on day 10-20, the second lost patient leaves by day 30; then the third non-responder, "
               "the 5 early relapses and the 2 HSCT deaths; deaths: all 3 non-responders, 2 of the 5 early "
               "relapses, 2 HSCT patients (7), all by day 182. B-NHL: the 4 non-recurrent deaths and 2 "
               "non-responders die on days 25-45 (one on day 25, the minimum follow-up), then the first lost "
               "patient leaves; then 33 deaths (7 non-responders, the 22 early relapses, the 4 HSCT patients) "
               "before the second lost patient leaves on day 170-182; the 3 relapses at 6-12 months are on days "
               "183-191, 193-208 and 209-300, and those patients are alive at 12 months. Every other patient "
               "is alive at 12 months and censored after the last event of the first year.",
               ("p1_s3a_os12_ball", "p1_s3a_os12_bnhl", "p1_s3b_pfs12_ball", "p1_s3b_pfs12_bnhl")),
    Assumption("followup", "Follow-up is the day of last contact (death day for the dead); the medians 265 and "
               "192 force many alive patients to have their last contact before the data cut-off. Alive "
               "B-ALL: 7 last contacts on days 183-207, one on days 208-264, one on day 265, 17 later (up to "
               "988); alive B-NHL: two on day 192 (a remission patient and the first 6-12-month relapse), one "
               "on day 208 (the second 6-12-month relapse), all others after the last PFS event of the first "
               "year (up to 1005). Late relapses are followed at least to their relapse day. Nobody dies after "
               "12 months.", ("p1_fu_median_all", "p1_t1_fu_median_ball", "p1_t1_fu_median_bnhl")),
]


# ----- stage 3: the exhaustive event-order solve ---------------------------------------------------------------


def _compositions(total: int, parts: int):
    """All ways to put ``total`` identical censorings into ``parts`` ordered slots."""
    for bars in itertools.combinations(range(total + parts - 1), parts - 1):
        prev, out = -1, []
        for b in bars:
            out.append(b - prev - 1)
            prev = b
        out.append(total + parts - 2 - prev)
        yield tuple(out)


def _km_loglog(n: int, censored_before: tuple[int, ...]) -> tuple[float, float, float]:
    """KM estimate and log-log 95% CI after the events of this order (Greenwood; untied events)."""
    z = Z95
    s, greenwood, at_risk = 1.0, 0.0, n
    for c in censored_before:
        at_risk -= c
        s *= (at_risk - 1) / at_risk
        greenwood += 1.0 / (at_risk * (at_risk - 1))
        at_risk -= 1
    shift = z * math.sqrt(greenwood) / math.log(s)
    loglog = math.log(-math.log(s))
    return s, math.exp(-math.exp(loglog - shift)), math.exp(-math.exp(loglog + shift))


def km_orders(n: int, target: tuple[float, float, float], *, events: range, censored: range,
              decimals: int = 2) -> list[tuple[int, ...]]:
    """Every event order giving the printed KM estimate and log-log CI (percent, ``decimals`` places).

    An order is the tuple of how many patients are censored just before each event before the horizon
    (censorings after the last of those events do not matter; tied events give the same estimate and
    Greenwood variance as untied ones, so untied orders cover all tables).
    """
    wanted = tuple(round_half_up(x, decimals) for x in target)
    found = []
    for k in events:
        for c in censored:
            for order in _compositions(c, k):
                values = _km_loglog(n, order)
                if round_half_up(100 * values[0], decimals) != wanted[0]:
                    continue
                if tuple(round_half_up(100 * x, decimals) for x in values) == wanted:
                    found.append(order)
    return found


#: the search space of the order solve: events before 12 months, censorings before the last of them
ORDER_SEARCH = {("b_all", "os"): (range(4, 11), range(0, 7)), ("b_all", "pfs"): (range(7, 14), range(0, 7)),
                ("b_nhl", "os"): (range(34, 45), range(0, 4)), ("b_nhl", "pfs"): (range(37, 48), range(0, 4))}


def _solve_orders() -> dict[tuple[str, str], list[tuple[int, ...]]]:
    """Every solution of the order solve per (disease, endpoint); a copy of the solve, made once per process
    (it depends on constants only and takes seconds)."""
    return {key: list(orders) for key, orders in _solved_orders().items()}


@functools.cache
def _solved_orders() -> dict[tuple[str, str], tuple[tuple[int, ...], ...]]:
    n = {"b_all": 35, "b_nhl": 84}
    return {key: tuple(km_orders(n[key[0]], KM_TARGETS[key], events=ORDER_SEARCH[key][0],
                                 censored=ORDER_SEARCH[key][1]))
            for key in KM_TARGETS}


def _space_text(key: tuple[str, str]) -> str:
    events, censored = ORDER_SEARCH[key]
    return (f"{events.start}-{events.stop - 1} events before 12 months with {censored.start}-{censored.stop - 1} "
            "censorings before the last of them")


def _order_text(order: tuple[int, ...]) -> str:
    before = [str(i + 1) for i, c in enumerate(order) for _ in range(c)]
    return f"{len(order)} events; censorings before event(s) {', '.join(before) if before else 'none'}"


#: the orders the timeline layout implements (stage 4). B-NHL PFS has 5 solutions; only this one is
#: compatible with the OS order: the 39 deaths are PFS events too, and only one OS censoring precedes the
#: last death, so at most 42 - 39 = 3 PFS events can follow a second PFS censoring.
LAYOUT_ORDERS = {
    ("b_all", "os"): (1, 1) + (0,) * 5,
    ("b_all", "pfs"): (0, 1, 1) + (0,) * 7,
    ("b_nhl", "os"): (0,) * 6 + (1,) + (0,) * 32,
    ("b_nhl", "pfs"): (0,) * 6 + (1,) + (0,) * 32 + (1, 1, 0),
}


# ----- stage 1: allocation --------------------------------------------------------------------------------


def _allocate(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for d, disease in enumerate(DISEASES):
        for course, counts in COURSES.items():
            rows.extend({"disease": disease, "course": course} for _ in range(counts[d]))
    table = pd.DataFrame(rows)
    for d, disease in enumerate(DISEASES):
        idx = table.index[table["disease"] == disease]
        for column, levels in TABLE1_COUNTS.items():
            values = [v for v, counts in levels.items() for _ in range(counts[d])]
            assert len(values) == len(idx), (column, disease)
            table.loc[idx, column] = pd.Series(rng.permutation(np.array(values, dtype=object)), index=idx)
    ge3 = table["lines_group"] == ">=3"
    table["prior_lines"] = table["lines_group"].map({"1": 1, "2": 2, ">=3": 0}).astype(int)
    table.loc[ge3, "prior_lines"] = rng.integers(3, 8, int(ge3.sum()))
    table["outcome"] = table["course"].map(lambda c: "relapse" if c.startswith("relapse") else
                                           {"nr": "no_response", "remission": "remission"}.get(c, "excluded"))
    table["excluded_reason"] = table["course"].map(
        {"hsct": "bridge_to_hsct", "lost": "lost_to_follow_up", "nrd": "non_recurrent_death"})
    ids = rng.permutation(np.array([f"P{i:03d}" for i in range(1, len(table) + 1)], dtype=object))
    table["patient_id"] = ids
    return table


# ----- stage 2: descriptive columns ------------------------------------------------------------------------


def _log_order_statistics(rng: np.random.Generator, n: int, *, median: float, low: float, high: float,
                          decimals: int) -> np.ndarray:
    """Like :func:`order_statistics`, with the values in between drawn log-uniformly (skewed lab values)."""
    logs = order_statistics(rng, n, median=math.log(median), low=math.log(low), high=math.log(high), decimals=12)
    values = np.round(np.exp(logs), decimals)
    half = (n - 1) // 2
    values[0], values[-1] = low, high
    values[half:n - half] = median
    return np.sort(values)


def _shaped(u: np.ndarray, lo: float, hi: float, power: float) -> np.ndarray:
    return lo + (hi - lo) * u ** power


def _dose_values(rng: np.random.Generator, column: str) -> tuple[dict[str, np.ndarray], dict]:
    """Doses per disease with the exact order statistics, shaped so that the pooled mean ± SD round right."""
    per_disease = DESCRIPTIVES[column]
    sizes = {"b_all": 35, "b_nhl": 84}
    uniforms = {}
    for disease in DISEASES:
        n = sizes[disease]
        half = (n - 1) // 2
        uniforms[disease] = (np.sort(rng.uniform(size=half - 1)), np.sort(rng.uniform(size=half - 1)))
    mean_t, sd_t = DOSE_MEAN_SD[column]
    powers = np.exp(np.linspace(math.log(0.15), math.log(6.0), 80))
    best = None
    for a, b in itertools.product(powers, powers):
        values = {}
        for d, disease in enumerate(DISEASES):
            (median, low, high), n = per_disease[d], sizes[disease]
            below, above = uniforms[disease]
            middle = [median] if n % 2 else [median, median]
            values[disease] = np.round(np.concatenate(
                [[low], _shaped(below, low, median, a), middle, _shaped(above, median, high, b), [high]]), 2)
        pooled = np.concatenate(list(values.values()))
        mean, sd = float(pooled.mean()), float(pooled.std(ddof=1))
        ok = (round_half_up(mean, 1), round_half_up(sd, 1)) == (round_half_up(mean_t, 1), round_half_up(sd_t, 1))
        distance = abs(mean - mean_t) + abs(sd - sd_t)
        if ok and (best is None or distance < best[0]):
            best = (distance, values, {"power_below": round(float(a), 4), "power_above": round(float(b), 4),
                                       "mean": round(mean, 4), "sd": round(sd, 4)})
    if best is None:
        raise ReconstructionError(f"no shape of the {column} values gives mean ± SD {mean_t} ± {sd_t}")
    return best[1], best[2]


def _ages(rng: np.random.Generator, disease: str) -> np.ndarray:
    """Whole-year ages: Table 1 median (range), the minors of the 'minors' assumption, pooled median 44."""
    def draw(lo: int, hi: int, k: int) -> list[int]:
        return list(rng.integers(lo, hi + 1, k))

    if disease == "b_all":  # 35: 11, 5 minors, 11 adults < 33, 33, 6 in 34-43, 10 in 44-59, 60
        values = [11] + draw(12, 17, MINORS["b_all"] - 1) + draw(18, 32, 11) + [33] + draw(34, 43, 6) \
            + draw(44, 59, 10) + [60]
    else:  # 84: 17, 17, 33 in 18-43, 44, 5 in 45-46, 47, 47, 40 in 48-66, 67
        values = [17] * MINORS["b_nhl"] + draw(18, 43, 33) + [44] + draw(45, 46, 5) + [47, 47] + draw(48, 66, 40) \
            + [67]
    return np.sort(np.array(values, dtype=int))


def _descriptives(rng: np.random.Generator, table: pd.DataFrame) -> dict:
    notes = {}
    for d, disease in enumerate(DISEASES):
        idx = table.index[table["disease"] == disease]
        table.loc[idx, "age_years"] = rng.permutation(_ages(rng, disease))
        for column in ("il6_max_pg_ml", "ferritin_max_ug_l"):
            (median, low, high), decimals = DESCRIPTIVES[column][d], DESCRIPTIVES[column][2]
            table.loc[idx, column] = rng.permutation(
                _log_order_statistics(rng, len(idx), median=median, low=low, high=high, decimals=decimals))
        median, low, high = DESCRIPTIVES["il6_peak_day"][d]
        table.loc[idx, "il6_peak_day"] = rng.permutation(
            order_statistics(rng, len(idx), median=median, low=low, high=high))
    for column in ("car19_dose", "car22_dose"):
        values, notes[column] = _dose_values(rng, column)
        for disease in DISEASES:
            idx = table.index[table["disease"] == disease]
            table.loc[idx, column] = rng.permutation(values[disease])
    for column in ("age_years", "il6_peak_day"):
        table[column] = table[column].astype(int)
    for column in ("il6_max_pg_ml", "ferritin_max_ug_l", "car19_dose", "car22_dose"):
        table[column] = table[column].astype(float)
    return notes


# ----- stage 4: timelines and CRS --------------------------------------------------------------------------------


class _Timeline:
    """Per-patient event days being laid out (indices are table row labels)."""

    def __init__(self, table: pd.DataFrame):
        nan = pd.Series(np.nan, index=table.index)
        self.relapse, self.pfs, self.death, self.fu = nan.copy(), nan.copy(), nan.copy(), nan.copy()

    def set(self, i, *, pfs=None, relapse=None, death=None, fu=None):
        """Record days; the PFS event is the first of progression, relapse and death."""
        if relapse is not None:
            self.relapse[i] = relapse
            pfs = relapse if pfs is None and np.isnan(self.pfs[i]) else pfs
        if death is not None:
            self.death[i] = death
            fu = death
            pfs = death if pfs is None and np.isnan(self.pfs[i]) else pfs
        if pfs is not None:
            self.pfs[i] = pfs
        if fu is not None:
            self.fu[i] = fu


def _days(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.integers(lo, hi + 1))


def _late_relapses(rng, table, idx, tl: _Timeline, fu_max: int, exclude=()) -> None:
    for course, (lo, hi) in RELAPSE_WINDOW_DAYS.items():
        if course in ("relapse_0_6", "relapse_6_12") or course in exclude:
            continue
        for i in idx[table.loc[idx, "course"] == course]:
            day = _days(rng, lo, (hi or fu_max) - (0 if hi else 1))
            tl.set(i, relapse=day, fu=_days(rng, day, fu_max))


def _timeline_ball(rng: np.random.Generator, table: pd.DataFrame, tl: _Timeline) -> None:
    idx = table.index[table["disease"] == "b_all"]
    course = table.loc[idx, "course"]
    nr = rng.permutation(idx[course == "nr"])
    lost = rng.permutation(idx[course == "lost"])
    early = rng.permutation(idx[course == "relapse_0_6"])
    hsct = rng.permutation(idx[course == "hsct"])
    tl.set(lost[0], fu=FOLLOWUP["b_all"][1])  # day 9: the shortest follow-up
    tl.set(nr[0], pfs=_days(rng, 5, 8))  # E1, before the first censoring
    tl.set(nr[0], death=_days(rng, 10, 20))  # D1, between the two censorings
    tl.set(nr[1], pfs=_days(rng, 10, 20))  # E2, between the two censorings
    last_lost = _days(rng, int(max(tl.death[nr[0]], tl.pfs[nr[1]])) + 1, 30)
    tl.set(lost[1], fu=last_lost)
    tl.set(nr[2], pfs=_days(rng, last_lost + 1, 60))
    for i in nr[1:]:
        tl.set(i, death=_days(rng, int(tl.pfs[i]) + 1, 182))
    for k, i in enumerate(early):
        day = _days(rng, max(last_lost + 1, RELAPSE_WINDOW_DAYS["relapse_0_6"][0]), 182)
        tl.set(i, relapse=day)
        if k < 2:  # 2 of the 5 early relapses die within the first 6 months
            tl.set(i, death=_days(rng, day, 182))
    for i in hsct[:2]:  # post-HSCT deaths (PFS and OS events)
        tl.set(i, death=_days(rng, last_lost + 1, 182))
    _late_relapses(rng, table, idx, tl, FOLLOWUP["b_all"][2])
    # the 20 alive patients without a fixed follow-up: 7 in 183-207, one 208-264, 265, 11 later (max 988)
    alive = rng.permutation(np.array([i for i in idx if np.isnan(tl.fu[i])]))
    slots = ([_days(rng, 183, 207) for _ in range(7)] + [_days(rng, 208, 264), FOLLOWUP["b_all"][0]]
             + [_days(rng, 266, 987) for _ in range(10)] + [FOLLOWUP["b_all"][2]])
    assert len(alive) == len(slots) == 20
    for i, day in zip(alive, slots, strict=True):
        tl.set(i, fu=day)


def _timeline_bnhl(rng: np.random.Generator, table: pd.DataFrame, tl: _Timeline) -> None:
    idx = table.index[table["disease"] == "b_nhl"]
    course = table.loc[idx, "course"]
    nr = rng.permutation(idx[course == "nr"])
    lost = rng.permutation(idx[course == "lost"])
    nrd = idx[course == "nrd"]
    early_six = rng.permutation(np.concatenate([nrd, nr[:2]]))
    for k, i in enumerate(early_six):  # D1-D6 (and their PFS events) before the first censoring
        death = FOLLOWUP["b_nhl"][1] if k == 0 else _days(rng, 25, 45)
        if course[i] == "nr":
            tl.set(i, pfs=_days(rng, 14, death))
        tl.set(i, death=death)
    first_lost = _days(rng, int(tl.death[early_six].max()) + 1, 52)
    tl.set(lost[0], fu=first_lost)
    second_lost = _days(rng, 170, 182)
    for i in nr[2:]:
        tl.set(i, pfs=_days(rng, first_lost + 1, first_lost + 30))
        tl.set(i, death=_days(rng, int(tl.pfs[i]), second_lost - 1))
    for i in idx[course == "relapse_0_6"]:
        day = _days(rng, max(first_lost + 1, RELAPSE_WINDOW_DAYS["relapse_0_6"][0]), second_lost - 1)
        tl.set(i, relapse=day)
        tl.set(i, death=_days(rng, day, second_lost - 1))
    for i in idx[course == "hsct"]:
        tl.set(i, death=_days(rng, first_lost + 1, second_lost - 1))
    tl.set(lost[1], fu=second_lost)
    fu_median, _, fu_max = FOLLOWUP["b_nhl"]
    six_twelve = rng.permutation(idx[course == "relapse_6_12"])
    tl.set(six_twelve[0], relapse=_days(rng, 183, 191), fu=fu_median)
    tl.set(six_twelve[1], relapse=_days(rng, 193, FOLLOWUP["all"][0]), fu=FOLLOWUP["all"][0])
    last_event = _days(rng, 209, 300)
    tl.set(six_twelve[2], relapse=last_event, fu=_days(rng, max(last_event, 209), fu_max))
    _late_relapses(rng, table, idx, tl, fu_max)
    remission = rng.permutation(idx[course == "remission"])
    tl.set(remission[0], fu=fu_median)
    tl.set(remission[1], fu=fu_max)
    for i in remission[2:]:
        tl.set(i, fu=_days(rng, last_event + 1, fu_max - 1))


def _timelines(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    tl = _Timeline(table)
    _timeline_ball(rng, table, tl)
    _timeline_bnhl(rng, table, tl)
    out = table.copy()
    out["relapse_day"] = tl.relapse
    out["os_event"] = tl.death.notna()
    out["os_day"] = tl.fu
    out["followup_day"] = tl.fu
    out["pfs_event"] = tl.pfs.notna()
    out["pfs_day"] = tl.pfs.where(tl.pfs.notna(), tl.fu)
    for column in ("relapse_day", "os_day", "followup_day", "pfs_day"):
        out[column] = out[column].astype("Float64").round().astype("Int64")
    if out["followup_day"].isna().any():
        raise ReconstructionError("a patient was left without a follow-up day")
    return out


def _crs(rng: np.random.Generator, table: pd.DataFrame, severe: dict[str, np.ndarray]) -> pd.Series:
    grade = pd.Series(0, index=table.index)
    for disease in DISEASES:
        idx = table.index[table["disease"] == disease]
        mild = rng.permutation(idx.difference(severe[disease]))
        grade[mild[NO_CRS[disease]:]] = rng.choice([1, 2], len(mild) - NO_CRS[disease])
        grade[severe[disease]] = rng.choice([3, 3, 4], len(severe[disease]))
    return grade


def _crs_logrank(table: pd.DataFrame) -> float:
    bnhl = table[table["disease"] == "b_nhl"]
    return logrank_test(bnhl["pfs_day"].astype(float), bnhl["pfs_event"].astype(bool),
                        derive.crs_group(bnhl)).p_value


def _search_crs(rng: np.random.Generator, table: pd.DataFrame) -> tuple[pd.Series, int]:
    """Which B-NHL patients had grade 3-5 CRS: seeded draws until the log-rank P rounds to 0.0954."""
    bnhl = table.index[table["disease"] == "b_nhl"]
    time = table.loc[bnhl, "pfs_day"].astype(float).to_numpy()
    event = table.loc[bnhl, "pfs_event"].astype(bool).to_numpy()
    target = round_half_up(CRS_LOGRANK_P, 4)
    for draw in range(1, MAX_DRAWS + 1):
        chosen = rng.choice(len(bnhl), CRS_GE3["b_nhl"], replace=False)
        group = np.zeros(len(bnhl), dtype=int)
        group[chosen] = 1
        if round_half_up(logrank_test(time, event, group).p_value, 4) == target:
            ball = table.index[table["disease"] == "b_all"]
            severe = {"b_nhl": bnhl[np.sort(chosen)],
                      "b_all": np.sort(rng.choice(ball, CRS_GE3["b_all"], replace=False))}
            return _crs(rng, table, severe), draw
    raise ReconstructionError(f"no CRS assignment in {MAX_DRAWS} draws gave the log-rank P {CRS_LOGRANK_P}")


# ----- constraints (evaluated on the finished table) ------------------------------------------------------


def _of(disease: str | None):
    def select(table: pd.DataFrame) -> pd.DataFrame:
        return table if disease is None else table[table["disease"] == disease]

    return select


def _count(disease: str | None, mask_fn, n: int):
    return count_is(lambda t: mask_fn(_of(disease)(t)), n)


def _fmt(x: float, decimals: int) -> str:
    return str(round_half_up(x, decimals))


def _median_range(disease: str | None, column: str, median: float, low: float, high: float, decimals: int):
    def check(table: pd.DataFrame) -> tuple[str, bool]:
        values = _of(disease)(table)[column].astype(float)
        got = tuple(_fmt(v, decimals) for v in (values.median(), values.min(), values.max()))
        want = tuple(_fmt(v, decimals) for v in (median, low, high))
        return f"{got[0]} ({got[1]}-{got[2]})", got == want

    return check


def _mean_sd(column: str, mean: float, sd: float):
    def check(table: pd.DataFrame) -> tuple[str, bool]:
        values = table[column].astype(float)
        got = (_fmt(values.mean(), 1), _fmt(values.std(ddof=1), 1))
        return f"{got[0]} ± {got[1]}", got == (_fmt(mean, 1), _fmt(sd, 1))

    return check


def _km(disease: str, endpoint: str):
    target = KM_TARGETS[(disease, endpoint)]

    def check(table: pd.DataFrame) -> tuple[str, bool]:
        data = derive.survival(_of(disease)(table), endpoint)
        p = km_at(data["time_days"], data["event"], HORIZON_DAYS, conf_type="log-log")
        got = tuple(_fmt(100 * x, 2) for x in (p.estimate, p.ci_low, p.ci_high))
        return f"{got[0]} ({got[1]}-{got[2]})", got == tuple(_fmt(x, 2) for x in target)

    return check


def _logrank(table: pd.DataFrame) -> tuple[str, bool]:
    p = _crs_logrank(table)
    return _fmt(p, 4), _fmt(p, 4) == _fmt(CRS_LOGRANK_P, 4)


def _window_counts(disease: str, expected: tuple[int, ...]):
    def check(table: pd.DataFrame) -> tuple[str, bool]:
        counts = derive.relapse_window_counts(_of(disease)(table))
        got = tuple(int(v) for v in counts.to_numpy())
        return "/".join(map(str, got)), got == expected

    return check


#: text numbers that are the same allocated count as a Table 1 row (the text's percentages use the evaluable
#: 26 / 74 as denominator, ledger inconsistency nr_denominators): the Table 1 constraint fixes them too
SAME_COUNT = {
    ("excluded", "ball"): ("p1_not_eval_ball",), ("excluded", "bnhl"): ("p1_not_eval_bnhl",),
    ("nr", "ball"): ("p1_nr_ball_pct",), ("nr", "bnhl"): ("p1_nr_bnhl_pct",),
    ("relapse", "ball"): ("p1_relapse_ball_pct",), ("relapse", "bnhl"): ("p1_relapse_bnhl_pct",),
}


def _km_target_text(ledger_id: str) -> str:
    """``78.86 (60.70-89.32)``: the printed estimate and CI of a ledger entry, as printed."""
    entry = load_ledger()[ledger_id]
    low, high = entry.ci_literals()
    return f"{entry.published_numbers()[0]} ({low}-{high})"


def _table1_constraints() -> list[Constraint]:
    out = []
    label = {"b_all": "ball", "b_nhl": "bnhl"}
    simple = {  # constraint id stem -> (mask on a disease's rows, ledger id stem)
        "female": (lambda t: t["sex"] == "female", "p1_t1_female"),
        "prior_auto": (lambda t: t["prior_hsct"] == "autologous", "p1_t1_prior_auto_hsct"),
        "prior_allo": (lambda t: t["prior_hsct"] == "allogeneic", "p1_t1_prior_allo_hsct"),
        "lines_1": (lambda t: t["prior_lines"] == 1, "p1_t1_lines_1"),
        "lines_2": (lambda t: t["prior_lines"] == 2, "p1_t1_lines_2"),
        "lines_ge3": (lambda t: t["prior_lines"] >= 3, "p1_t1_lines_ge3"),
        "refractory": (lambda t: t["disease_status"] == "refractory", "p1_t1_refractory"),
        "relapse_1": (lambda t: t["disease_status"] == "first_relapse", "p1_t1_relapse_1"),
        "relapse_ge2": (lambda t: t["disease_status"] == "second_or_later_relapse", "p1_t1_relapse_ge2"),
        "cns": (lambda t: t["cns_involvement"].astype(bool), "p1_t1_cns"),
        "tp53": (lambda t: t["tp53_mutation"].astype(bool), "p1_t1_tp53"),
        "crs_0_2": (lambda t: t["crs_grade"] <= 2, "p1_t1_crs_0_2"),
        "crs_3_5": (lambda t: t["crs_grade"] >= 3, "p1_t1_crs_3_5"),
        "nr": (lambda t: t["outcome"] == "no_response", "p1_t1_nr"),
        "relapse": (lambda t: t["outcome"] == "relapse", "p1_t1_relapse"),
        "remission": (lambda t: t["outcome"] == "remission", "p1_t1_remission"),
        "excluded": (lambda t: t["outcome"] == "excluded", "p1_t1_excluded"),
        "bridge_hsct": (lambda t: t["excluded_reason"] == "bridge_to_hsct", "p1_t1_bridge_hsct"),
        "lost": (lambda t: t["excluded_reason"] == "lost_to_follow_up", "p1_t1_lost"),
        "nonrec_death": (lambda t: t["excluded_reason"] == "non_recurrent_death", "p1_t1_nonrec_death"),
    }
    targets = {
        "female": (22, 28), "prior_auto": (2, 16), "prior_allo": (7, 1), "lines_1": (9, 10), "lines_2": (15, 27),
        "lines_ge3": (11, 47), "refractory": (10, 25), "relapse_1": (15, 23), "relapse_ge2": (10, 36),
        "cns": (4, 9), "tp53": (5, 31), "crs_0_2": (30, 76), "crs_3_5": (5, 8), "nr": (3, 9),
        "relapse": (11, 30), "remission": (12, 35), "excluded": (9, 10), "bridge_hsct": (7, 4), "lost": (2, 2),
        "nonrec_death": (0, 4),
    }
    for d, disease in enumerate(DISEASES):
        out.append(Constraint(f"n_{label[disease]}", f"{(35, 84)[d]} patients",
                              _count(disease, lambda t: t["patient_id"].notna(), (35, 84)[d]),
                              (f"p1_n_{label[disease]}",)))
        for stem, (mask, ledger) in simple.items():
            n = targets[stem][d]
            out.append(Constraint(f"t1_{stem}_{label[disease]}", str(n),
                                  _count(disease, lambda t, m=mask: m(t).fillna(False).astype(bool), n),
                                  (f"{ledger}_{label[disease]}", *SAME_COUNT.get((stem, label[disease]), ()))))
        for column, stem, decimals in (("age_years", "age", 0), ("car19_dose", "car19_dose", 2),
                                       ("car22_dose", "car22_dose", 2), ("il6_max_pg_ml", "il6_max", 2),
                                       ("il6_peak_day", "il6_peak_day", 0), ("ferritin_max_ug_l", "ferritin_max", 1),
                                       ("followup_day", "fu", 0)):
            if column == "age_years":
                median, low, high = ((33, 11, 60), (47, 17, 67))[d]
            elif column == "followup_day":
                median, low, high = FOLLOWUP[disease]
            else:
                median, low, high = DESCRIPTIVES[column][d]
            out.append(Constraint(
                f"t1_{stem}_{label[disease]}", f"{_fmt(median, decimals)} ({_fmt(low, decimals)}-"
                f"{_fmt(high, decimals)})", _median_range(disease, column, median, low, high, decimals),
                tuple(f"p1_t1_{stem}_{s}_{label[disease]}" for s in ("median", "min", "max")), evidence=INPUT))
    return out


def _text_constraints() -> list[Constraint]:
    """The whole-cohort facts of the text: sex, age, status, prior lines and HSCT, dose, CRS, follow-up."""
    return [
        Constraint("n_total", "119 patients", count_is(lambda t: t["patient_id"].notna(), 119), ("p1_n_total",)),
        Constraint("female_all", "50 female (printed 41.0%, see female_41_0)",
                   count_is(lambda t: t["sex"] == "female", 50), ("p1_female_pct",)),
        Constraint("age_all", "44 (11-67)", _median_range(None, "age_years", 44, 11, 67, 0),
                   ("p1_age_median_all", "p1_age_min_all", "p1_age_max_all"), evidence=INPUT),
        Constraint("adults", "111 aged >= 18 (printed 93.5% unreachable; 111/119 = 93.3%)",
                   count_is(lambda t: t["age_years"] >= 18, 111), ("p1_age_ge18_pct",)),
        Constraint("minors_each", ">= 1 minor per disease", lambda t: (
            str(t[t["age_years"] < 18].groupby("disease").size().to_dict()),
            t[t["age_years"] < 18]["disease"].nunique() == 2), ()),
        Constraint("refractory_all", "35 refractory (29.4%)", count_is(lambda t: t["disease_status"] == "refractory",
                                                                        35), ("p1_refractory_pct",)),
        Constraint("relapsed_all", "84 relapsed (70.6%)", count_is(lambda t: t["disease_status"] != "refractory",
                                                                   84), ("p1_relapsed_pct",)),
        Constraint("lines_ge3_all", "58 (48.7%)", count_is(lambda t: t["prior_lines"] >= 3, 58), ("p1_lines_ge3_pct",)),
        Constraint("cns_all", "13 (10.9%)", count_is(lambda t: t["cns_involvement"].astype(bool), 13),
                   ("p1_cns_pct",)),
        Constraint("prior_hsct_all", "26 (21.8%)", count_is(lambda t: t["prior_hsct"] != "none", 26),
                   ("p1_prior_hsct_pct",)),
        Constraint("prior_auto_all", "18", count_is(lambda t: t["prior_hsct"] == "autologous", 18),
                   ("p1_prior_auto_hsct_n",)),
        Constraint("prior_allo_all", "8", count_is(lambda t: t["prior_hsct"] == "allogeneic", 8),
                   ("p1_prior_allo_hsct_n",)),
        Constraint("car19_mean_sd", "4.1 ± 2.1", _mean_sd("car19_dose", *DOSE_MEAN_SD["car19_dose"]),
                   ("p1_car19_dose_center_all", "p1_car19_dose_sd_all")),
        Constraint("car22_mean_sd", "5.1 ± 2.5", _mean_sd("car22_dose", *DOSE_MEAN_SD["car22_dose"]),
                   ("p1_car22_dose_center_all", "p1_car22_dose_sd_all")),
        Constraint("crs_any", "117 with CRS", count_is(lambda t: t["crs_grade"] > 0, 117), ("p1_crs_any_pct",)),
        Constraint("crs_ge3", "13 CRS grade >= 3", count_is(lambda t: t["crs_grade"] >= 3, 13), ("p1_crs_ge3_pct",)),
        Constraint("fu_all", "208 (9-1005)", _median_range(None, "followup_day", *FOLLOWUP["all"], 0),
                   ("p1_fu_median_all", "p1_fu_min_all", "p1_fu_max_all"), evidence=INPUT),
    ]


def _outcome_constraints() -> list[Constraint]:
    """Who was evaluated, when relapses happened, the NR/ER and remission counts, 12-month KM, CRS log-rank."""
    return [
        Constraint("not_evaluated_hsct", "11", count_is(lambda t: t["excluded_reason"] == "bridge_to_hsct", 11),
                   ("p1_not_eval_hsct",)),
        Constraint("not_evaluated_death", "4", count_is(
            lambda t: t["excluded_reason"] == "non_recurrent_death", 4), ("p1_not_eval_death",)),
        Constraint("not_evaluated_lost", "4", count_is(lambda t: t["excluded_reason"] == "lost_to_follow_up", 4),
                   ("p1_not_eval_lost",)),
        Constraint("excluded_within_6m", "lost and non-recurrent deaths within 6 months", lambda t: (
            str(int(t.loc[t["excluded_reason"].isin(["lost_to_follow_up", "non_recurrent_death"]),
                          "followup_day"].max())),
            bool((t.loc[t["excluded_reason"].isin(["lost_to_follow_up", "non_recurrent_death"]),
                        "followup_day"] <= derive.SIX_MONTHS_DAYS).all())), ("p1_not_eval_lost",)),
        Constraint("relapse_windows_ball", "5/0/1/3/2", _window_counts("b_all", (5, 0, 1, 3, 2)),
                   tuple(f"p1_fig1b_relapse_{w}_ball" for w in ("0_6m", "6_12m", "12_18m", "18_24m", "gt24m"))),
        Constraint("relapse_windows_bnhl", "22/3/2/1/2", _window_counts("b_nhl", (22, 3, 2, 1, 2)),
                   (*(f"p1_fig1b_relapse_{w}_bnhl" for w in ("0_6m", "6_12m", "12_18m", "18_24m", "gt24m")),
                    "p1_early_relapse_pct")),
        Constraint("nrer_ball", "8 NR/ER of 26", _count("b_all", lambda t: derive.response_group(t) == "nr_er", 8),
                   ("p1_nrer_ball_pct",)),
        Constraint("nrer_bnhl", "31 NR/ER of 74", _count("b_nhl", lambda t: derive.response_group(t) == "nr_er", 31),
                   ("p1_nrer_bnhl_pct",)),
        Constraint("rem6m_ball", "18 of 26", _count("b_all", lambda t: derive.response_group(t) == "remission", 18),
                   ("p1_rem6m_ball_pct",)),
        Constraint("rem6m_bnhl", "43 of 74", _count("b_nhl", lambda t: derive.response_group(t) == "remission", 43),
                   ("p1_rem6m_bnhl_pct",)),
        *(Constraint(f"{endpoint}12_{disease.replace('b_', 'b')}", _km_target_text(KM_IDS[(disease, endpoint)]),
                     _km(disease, endpoint), (KM_IDS[(disease, endpoint)],))
          for endpoint, disease in (("os", "b_all"), ("os", "b_nhl"), ("pfs", "b_all"), ("pfs", "b_nhl"))),
        Constraint("crs_logrank_bnhl",
                   f"P = {load_ledger()['p1_s3l_crs_logrank_p'].published_numbers()[0]} (PFS, grade 0-2 vs 3-5)",
                   _logrank, ("p1_s3l_crs_logrank_p",)),
    ]


CONSTRAINTS = _table1_constraints() + _text_constraints() + _outcome_constraints()


# ----- the generator ------------------------------------------------------------------------------------------


def _finalise(table: pd.DataFrame) -> pd.DataFrame:
    out = table.sort_values("patient_id", ignore_index=True)
    out["excluded_reason"] = out["excluded_reason"].astype(object).where(out["excluded_reason"].notna(), None)
    for column in ("cns_involvement", "tp53_mutation", "pfs_event", "os_event"):
        out[column] = out[column].astype(bool)
    out["crs_grade"] = out["crs_grade"].astype(int)
    return out[COLUMNS]


def generate(seed: int = SEED) -> tuple[pd.DataFrame, Report]:
    """Build the 119-patient table and its report; raises ReconstructionError if a constraint fails."""
    solved = _solve_orders()
    for key, order in LAYOUT_ORDERS.items():
        if order not in solved[key]:
            raise ReconstructionError(f"the timeline layout's order for {key} is not a solution of km_orders")
    rng = np.random.default_rng(seed)
    table = _allocate(rng)
    shape_notes = _descriptives(rng, table)
    table = _timelines(np.random.default_rng([seed, 3]), table)
    table["crs_grade"], crs_draws = _search_crs(np.random.default_rng([seed, 4]), table)
    patients = _finalise(table)

    report = Report(assumptions=list(ASSUMPTIONS))
    report.constraints = [c.evaluate(patients) for c in CONSTRAINTS]
    report.search = {
        "seed": seed,
        "event_orders": {f"{d}_{e}": {"searched": _space_text((d, e)), "solutions": [_order_text(o) for o in orders],
                                      "used": _order_text(LAYOUT_ORDERS[(d, e)])}
                         for (d, e), orders in solved.items()},
        "dose_shapes": shape_notes,
        "crs_draws_tried": crs_draws,
        "acceptance": "log-rank P (B-NHL PFS, CRS grade 0-2 vs 3-5) rounds to 0.0954; all constraints met",
    }
    if report.failed:
        lines = "; ".join(f"{c.id}: target {c.target}, achieved {c.achieved}" for c in report.failed)
        raise ReconstructionError(f"reconstructed car1922 cohort misses constraints: {lines}")
    return patients, report


def to_csv_text(patients: pd.DataFrame) -> str:
    """The contract's CSV: booleans as true/false, missing as empty, integers without '.0'."""
    out = patients.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = out[column].map({True: "true", False: "false"})
    for column in ("car19_dose", "car22_dose", "il6_max_pg_ml"):
        out[column] = out[column].map(lambda x: f"{x:.2f}")
    out["ferritin_max_ug_l"] = out["ferritin_max_ug_l"].map(lambda x: f"{x:.1f}")
    return out.to_csv(index=False, lineterminator="\n", na_rep="")


def provenance(report: Report) -> dict:
    return provenance_record(report,
                             dataset="cartrepro reconstructed P1 cohort (sequential CAR19/22 T cells, 119 patients), "
                                     "clinical half",
                             generator="cartrepro.reconstruct.car1922", version=GENERATOR_VERSION)


def write(out_dir: Path, seed: int = SEED) -> Path:
    """Write ``car1922/patients.csv`` and ``car1922/provenance.yaml`` below ``out_dir``; returns the folder."""
    patients, report = generate(seed)
    folder = Path(out_dir) / "car1922"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "patients.csv").write_text(to_csv_text(patients), encoding="utf-8")
    (folder / "provenance.yaml").write_text(
        yaml.safe_dump(provenance(report), sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    from cartrepro.paths import SHIPPED_DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m cartrepro.reconstruct.car1922", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=SHIPPED_DATA_DIR, help="cohort folder (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        folder = write(args.out)
    except ReconstructionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {folder}/patients.csv and provenance.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
