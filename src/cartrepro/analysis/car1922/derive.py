"""Analysis sets, labels and time-to-event tables derived from the P1 (CAR19/22) patient table.

The data contract stores days since CAR-T infusion; everything here is derived, never stored. Months are
days / 30.4375 (the ledger's convention), so "within 6 months" is day <= 182.625, i.e. day 182 or earlier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cartrepro.analysis.time import DAYS_PER_MONTH, months  # noqa: F401 (re-exported)

SIX_MONTHS_DAYS = 6 * DAYS_PER_MONTH
DISEASE_LABELS = {"b_all": "B-ALL", "b_nhl": "B-NHL"}
#: relapse windows of Fig 1b (months after infusion): (0,6], (6,12], (12,18], (18,24], >24
WINDOW_LABELS = ("0-6", "6-12", "12-18", "18-24", ">24")
#: ledger-id suffix of each disease
SUFFIX = {"b_all": "ball", "b_nhl": "bnhl"}


def _flag(series: pd.Series) -> np.ndarray:
    """A plain boolean array from a (nullable) boolean column; missing counts as False."""
    return series.astype("boolean").fillna(False).to_numpy(dtype=bool)


def evaluable(patients: pd.DataFrame) -> pd.Series:
    """Patients evaluated for response: everyone but the excluded (HSCT, lost, non-recurrent death)."""
    return patients["outcome"] != "excluded"


def response_group(patients: pd.DataFrame, window_months: float = 6.0) -> pd.Series:
    """The paper's two prognostic groups, as a string Series aligned with ``patients``.

    ``"nr_er"``: no response, or relapse within ``window_months`` of infusion (NR/ER);
    ``"remission"``: remission lasting longer than the window (continuous remission or a later relapse);
    missing (``<NA>``) for patients excluded from response evaluation.

    The paper's definition: "patients were divided into two groups to identify prognostic biomarkers: the
    non-response/early relapse (NR/ER) group and the over-6-month remission group", with "6 months" nowhere
    converted to days. Choice: a relapse on day <= ``window_months`` × 30.4375 (day 182 for 6 months) is
    early; a later relapse belongs to the remission group (its patient was in remission for more than the
    window), which is what the printed shares 30.8% / 69.2% (B-ALL) and 41.9% / 58.1% (B-NHL) require.
    """
    window_days = window_months * DAYS_PER_MONTH
    outcome = patients["outcome"].astype("string").to_numpy(dtype=object, na_value="")
    relapse_day = patients["relapse_day"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    relapse = outcome == "relapse"
    early = relapse & (relapse_day <= window_days)  # a missing day compares False: not early
    group = np.full(len(outcome), None, dtype=object)
    group[(outcome == "no_response") | early] = "nr_er"
    group[(outcome == "remission") | (relapse & ~early)] = "remission"
    return pd.Series(pd.array(group, dtype="string"), index=patients.index)


def relapse_window(patients: pd.DataFrame, width_months: float = 6.0, n_closed: int = 4) -> pd.Series:
    """For each relapsed patient, the window of its relapse: (0,w], (w,2w], ..., and > n_closed * w months.

    Returns an ordered categorical indexed like the relapsed rows of ``patients``; with the defaults the
    labels are :data:`WINDOW_LABELS`.
    """
    relapsed = patients[patients["outcome"] == "relapse"]
    m = months(relapsed["relapse_day"].astype(float).to_numpy())
    k = np.minimum(np.ceil(m / width_months).astype(int), n_closed + 1)
    k = np.maximum(k, 1)
    labels = [f"{i * width_months:g}-{(i + 1) * width_months:g}" for i in range(n_closed)]
    labels.append(f">{n_closed * width_months:g}")
    return pd.Series(pd.Categorical.from_codes(k - 1, categories=labels, ordered=True), index=relapsed.index)


def relapse_window_counts(patients: pd.DataFrame, width_months: float = 6.0, n_closed: int = 4) -> pd.Series:
    """Number of relapses per window (every window listed, empty ones as 0)."""
    return relapse_window(patients, width_months, n_closed).value_counts(sort=False)


def survival(patients: pd.DataFrame, endpoint: str) -> pd.DataFrame:
    """OS or PFS from infusion: ``patient_id, disease, time_days, event`` (event = death / progression or death)."""
    if endpoint not in ("os", "pfs"):
        raise ValueError(f"endpoint must be 'os' or 'pfs', got {endpoint!r}")
    return pd.DataFrame({
        "patient_id": patients["patient_id"].to_numpy(),
        "disease": patients["disease"].to_numpy(),
        "time_days": patients[f"{endpoint}_day"].astype(float).to_numpy(),
        "event": _flag(patients[f"{endpoint}_event"]),
    })


def crs_group(patients: pd.DataFrame) -> np.ndarray:
    """Table 1's CRS rows: ``"0-2"`` (including no CRS) or ``"3-5"``."""
    return np.where(patients["crs_grade"].astype(int).to_numpy() >= 3, "3-5", "0-2")


def failure_events(patients: pd.DataFrame) -> pd.DataFrame:
    """Competing-risks data of Fig 1a: ``patient_id, disease, time_days, cause``.

    cause 1 = treatment failure (no response at its progression day, or relapse at the relapse day);
    cause 2 = a competing event without failure (a death or a PFS event of a patient excluded from response
    evaluation, e.g. after bridging to HSCT); 0 = censored at the last follow-up.
    """
    outcome = patients["outcome"].astype("string").to_numpy()
    pfs_day = patients["pfs_day"].astype(float).to_numpy()
    relapse_day = patients["relapse_day"].astype("Float64").astype(float).to_numpy()
    failed = outcome == "no_response"
    relapsed = outcome == "relapse"
    other = ~failed & ~relapsed & _flag(patients["pfs_event"])
    time = np.where(relapsed, relapse_day, np.where(failed | other, pfs_day,
                                                    patients["followup_day"].astype(float).to_numpy()))
    cause = np.select([failed | relapsed, other], [1, 2], default=0)
    return pd.DataFrame({"patient_id": patients["patient_id"].to_numpy(), "disease": patients["disease"].to_numpy(),
                         "time_days": time, "cause": cause})


def percent(k: int, n: int) -> float:
    """k of n in percent (unrounded)."""
    return 100.0 * k / n


def add_percent(r, ledger_id: str, k: int, n: int, denominator: str) -> None:
    """Add k of n in percent to the Results ``r``, or declare it not computable when n is 0.

    ``denominator`` names the set the percentage is of (it goes into the reason).

    Examples
    --------
    >>> from cartrepro.analysis.results import Results
    >>> r = Results()
    >>> add_percent(r, "p1_nr_ball_pct", 3, 26, "evaluable B-ALL patients")
    >>> add_percent(r, "p1_nr_bnhl_pct", 0, 0, "evaluable B-NHL patients")
    >>> round(r.value("p1_nr_ball_pct"), 2), r.not_computable()
    (11.54, {'p1_nr_bnhl_pct': 'no evaluable B-NHL patients: the percentage has no denominator'})
    """
    if n == 0:
        r.skip([ledger_id], f"no {denominator}: the percentage has no denominator")
    else:
        r.add(ledger_id, percent(int(k), int(n)))


def add_range(r, stem: str, values, what: str, suffix: str = "") -> None:
    """Add ``{stem}_median{suffix}``, ``_min``, ``_max`` of ``values`` (missing dropped), or the reason.

    Examples
    --------
    >>> from cartrepro.analysis.results import Results
    >>> r = Results()
    >>> add_range(r, "p1_t1_age", [11, 44, 67], "B-ALL ages", "_ball")
    >>> [r.value(f"p1_t1_age_{s}_ball") for s in ("median", "min", "max")]
    [44.0, 11.0, 67.0]
    """
    array = pd.Series(values, dtype="Float64").dropna().to_numpy(dtype=float)
    ids = [f"{stem}_{s}{suffix}" for s in ("median", "min", "max")]
    if array.size == 0:
        r.skip(ids, f"no {what}: no median or range")
        return
    for ledger_id, value in zip(ids, (np.median(array), array.min(), array.max()), strict=True):
        r.add(ledger_id, float(value))


def load_patients(data_dir) -> pd.DataFrame | None:
    """The typed ``car1922/patients.csv`` through the data contract (None when ``car1922/`` is absent).

    Any contract problem raises :class:`~cartrepro.contract.ContractError`. The cytokine table is optional
    in the contract: the clinical chapters do not read it.
    """
    from cartrepro.contract import load_paper
    from cartrepro.paths import resolve_data_dir

    tables = load_paper(resolve_data_dir(data_dir), "car1922")
    return None if tables is None else tables["patients"]
