"""Analysis sets of the P1 (CAR19/22) cytokine table: specimens joined to their patient's label and PFS.

Everything here is derived from ``car1922/cytokines.csv`` and ``patients.csv``; the NR/ER vs > 6-month
remission label is :func:`cartrepro.analysis.car1922.derive.response_group` of the patient (the window is a
parameter). Statistics come from ``cartrepro.stats``: the screen is the exact Mann-Whitney test
(:func:`~cartrepro.stats.ranks.mann_whitney_auto`: exact where it fits) with Benjamini-Hochberg q values
(:func:`~cartrepro.stats.multiplicity.bh_adjust`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pandas._libs import lib

from cartrepro.analysis.car1922 import derive as derive
from cartrepro.stats.multiplicity import bh_adjust
from cartrepro.stats.ranks import mann_whitney_auto

GROUPS = ("nr_er", "remission")
_GREEK = str.maketrans({"α": "a", "β": "b", "γ": "g", "κ": "k"})
GROUP_LABELS = {"nr_er": "NR/ER", "remission": "> 6-month remission"}


def load(data_dir) -> dict[str, pd.DataFrame] | None:
    """The typed P1 tables through the data contract (``patients``, and ``cytokines`` / ``tissue`` when present).

    None when ``car1922/`` is absent. Contract problems raise :class:`~cartrepro.contract.ContractError`.
    """
    from cartrepro.contract import load_paper
    from cartrepro.paths import resolve_data_dir

    return load_paper(resolve_data_dir(data_dir), "car1922")


def analyte_key(name: str) -> str:
    """The spelling-free key of an analyte name: lower case, Greek letters as Latin, only letters and digits.

    ``MIP3α``, ``MIP3a`` and ``MIP-3A`` are one analyte (the contract warns when a file mixes spellings).

    Examples
    --------
    >>> analyte_key("MIP3α") == analyte_key("MIP-3a")
    True
    """
    return re.sub(r"[^0-9a-z]", "", str(name).lower().translate(_GREEK))


def _objects(column: pd.Series) -> np.ndarray:
    """``column.to_numpy(dtype=object)`` (read-only: for a string column, its own cells without a copy, where
    pandas would check every cell for NA; on a 10,000-patient cytokine table that check cost more than the rest)."""
    if type(column.array) is pd.arrays.StringArray:
        return np.asarray(column.array, dtype=object)
    return column.to_numpy(dtype=object)


def _texts(column: pd.Series) -> np.ndarray | None:
    """The cells of a string column without a missing cell, as its own object array (read-only, no copy);
    None for any other column (the caller goes the pandas way)."""
    if type(column.array) is not pd.arrays.StringArray:
        return None
    cells = np.asarray(column.array, dtype=object)
    return cells if lib.is_string_array(cells, skipna=False) else None


def _equal(column: pd.Series, value: str) -> np.ndarray | None:
    """``(column == value).to_numpy(dtype=bool)`` computed on the cells of a string column without a missing
    cell (:func:`_texts`) and a str ``value``; None otherwise."""
    cells = _texts(column) if isinstance(value, str) else None
    return None if cells is None else cells == value


def _specimen_mask(cytokines: pd.DataFrame, timepoint: str, cohort: str) -> np.ndarray:
    """The rows of one timepoint and cohort: ``((timepoint == ...) & (cohort == ...)).to_numpy(dtype=bool)``."""
    at, of = _equal(cytokines["timepoint"], timepoint), _equal(cytokines["cohort"], cohort)
    if at is not None and of is not None:
        return at & of
    return ((cytokines["timepoint"] == timepoint) & (cytokines["cohort"] == cohort)).to_numpy(dtype=bool)


def _analyte_rows(names: np.ndarray, key: str) -> np.ndarray:
    """Whether each analyte name has the :func:`analyte_key` ``key`` (one key computed per distinct name)."""
    codes, distinct = pd.factorize(names)
    return np.array([analyte_key(name) == key for name in distinct], dtype=bool)[codes] if names.size else (
        np.zeros(0, dtype=bool))


def peak_table(cytokines: pd.DataFrame, patients: pd.DataFrame, cohort: str, analyte: str,
               window_months: float = 6.0, timepoint: str = "il6_peak") -> pd.DataFrame:
    """One analyte of one cohort: ``patient_id, fold_change, group, disease, pfs_day, pfs_event``, one row per
    patient, sorted by ``patient_id``.

    ``analyte`` matches any spelling with the same :func:`analyte_key`. ``group`` is ``nr_er`` / ``remission``
    / missing (not evaluable) by the ``window_months`` rule. The paper has one specimen per patient and
    timepoint; should a patient have several, the one with the smallest ``sample_id`` is used (a documented,
    row-order-independent choice).
    """
    key = analyte_key(analyte)
    rows = np.flatnonzero(_specimen_mask(cytokines, timepoint, cohort))
    names = _texts(cytokines["analyte"])
    names = cytokines["analyte"].astype(str).to_numpy(dtype=object) if names is None else names
    rows = rows[_analyte_rows(names[rows], key)]
    # the first specimen of each patient in (patient_id, sample_id) order: a stable sort on the codes of the
    # sorted distinct ids (the order of sorting the strings), done in NumPy (pandas' sort and drop_duplicates
    # cost more than the data on a cohort's small tables; this function runs for every analyte of every page)
    patient_code, patient_ids = pd.factorize(_objects(cytokines["patient_id"])[rows], sort=True)
    sample_code = pd.factorize(_objects(cytokines["sample_id"])[rows], sort=True)[0]
    order = np.lexsort((sample_code, patient_code))
    first = order[np.r_[True, patient_code[order][1:] != patient_code[order][:-1]]] if order.size else order
    picked = rows[first]
    if not patients["patient_id"].is_unique:  # not contract-valid: the merge names the problem
        sub = cytokines.iloc[picked][["patient_id", "fold_change"]].reset_index(drop=True)
        info = patients.assign(group=derive.response_group(patients, window_months))[
            ["patient_id", "group", "disease", "pfs_day", "pfs_event"]]
        return sub.merge(info, on="patient_id", how="left", validate="one_to_one").reset_index(drop=True)
    columns = {name: cytokines[name].array.take(picked) for name in ("patient_id", "fold_change")}
    at = pd.Index(patients["patient_id"]).get_indexer(columns["patient_id"])  # -1: no such patient (all NA)
    info = {"group": derive.response_group(patients, window_months).array}
    info |= {name: patients[name].array for name in ("disease", "pfs_day", "pfs_event")}
    columns |= {name: values.take(at, allow_fill=True) for name, values in info.items()}
    return pd.DataFrame(columns)


def split(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(NR/ER values, remission values) of a :func:`peak_table`."""
    group = frame["group"].astype("string").to_numpy(dtype=object, na_value="")
    values = frame["fold_change"].to_numpy(float)
    return values[group == "nr_er"], values[group == "remission"]


def labelled_specimens(cytokines: pd.DataFrame, patients: pd.DataFrame, *, cohort: str = "training",
                       window_months: float = 6.0, timepoint: str = "il6_peak") -> pd.DataFrame:
    """Every analyte of one cohort and timepoint, one value per analyte and patient, with the patient's label:
    ``key, analyte, patient_id, fold_change, group, disease`` (the :func:`peak_table` rows of all analytes).

    ``analyte`` is the smallest spelling (code-point order) of the analyte's :func:`analyte_key`.
    """
    mask = _specimen_mask(cytokines, timepoint, cohort)
    sub = cytokines.loc[mask, ["sample_id", "patient_id", "analyte", "fold_change"]].astype(
        {"sample_id": str, "patient_id": str, "analyte": str})
    names = sub["analyte"].unique()
    keys = {name: analyte_key(name) for name in names}
    sub = sub.assign(key=sub["analyte"].map(keys))
    shown: dict[str, str] = {}  # the smallest spelling of each key (over the distinct spellings only)
    for name, key in keys.items():
        shown[key] = min(shown.get(key, name), name)
    # rows sorted by key, patient_id, sample_id (stable), the first of each (key, patient): on integer codes
    # of the sorted distinct strings (the same order as sorting the strings; fast on 10,000-patient cohorts)
    key_code = pd.factorize(sub["key"], sort=True)[0]
    patient_code, patient_ids = pd.factorize(sub["patient_id"], sort=True)
    sample_code = pd.factorize(sub["sample_id"], sort=True)[0]
    order = np.lexsort((sample_code, patient_code, key_code))
    pair = key_code[order].astype(np.int64) * max(len(patient_ids), 1) + patient_code[order]
    first = order[np.r_[True, pair[1:] != pair[:-1]]] if order.size else order
    sub = sub.iloc[first].drop(columns="sample_id").assign(analyte=lambda f: f["key"].map(shown))
    info = pd.DataFrame({"group": derive.response_group(patients, window_months).to_numpy(),
                         "disease": patients["disease"].astype(str).to_numpy()},
                        index=pd.Index(patients["patient_id"].astype(str).to_numpy()))
    at = info.index.get_indexer(sub["patient_id"])  # -1: a specimen of no listed patient (no label)
    labels = info.iloc[np.where(at < 0, 0, at)].reset_index(drop=True) if len(info) else info.reindex(
        range(len(sub))).reset_index(drop=True)
    labels.loc[at < 0, :] = np.nan
    return pd.concat([sub.reset_index(drop=True), labels], axis=1)


def screen(cytokines: pd.DataFrame, patients: pd.DataFrame, *, cohort: str = "training",
           window_months: float = 6.0, disease: str | None = None) -> pd.DataFrame:
    """NR/ER vs remission for every analyte of a cohort: n and median per group, P, BH q.

    P is the exact Mann-Whitney test (the paper's) while it fits in memory, else the normal approximation
    (:func:`~cartrepro.stats.ranks.mann_whitney_auto`; the ``test`` column says which); an analyte with an
    empty group has no P (NaN, and no q). One row per analyte (spellings with one :func:`analyte_key` are one
    analyte), sorted by analyte name (code-point order), so the result does not depend on the order of the
    table's rows; ``disease`` restricts to one disease (Fig. 1c).
    """
    long = labelled_specimens(cytokines, patients, cohort=cohort, window_months=window_months)
    return screen_long(long if disease is None else long[(long["disease"] == disease).to_numpy(dtype=bool)])


def screen_long(long: pd.DataFrame) -> pd.DataFrame:
    """The :func:`screen` of a :func:`labelled_specimens` table (already restricted as wanted)."""
    names = long["analyte"].to_numpy(dtype=str)
    group = long["group"].astype("string").fillna("").to_numpy(dtype=str)
    values = long["fold_change"].to_numpy(dtype=float)
    analytes, code = np.unique(names, return_inverse=True)  # sorted, as sorted(set(names))
    is_nr, is_rem = group == "nr_er", group == "remission"
    order = np.argsort(code, kind="stable")  # each analyte's rows, in table order
    bounds = np.searchsorted(code[order], np.arange(analytes.size + 1))
    rows = []
    for i, analyte in enumerate(analytes.tolist()):
        own = order[bounds[i]:bounds[i + 1]]
        nr, rem = values[own[is_nr[own]]], values[own[is_rem[own]]]
        test = mann_whitney_auto(nr, rem) if nr.size and rem.size else None
        rows.append({"analyte": analyte, "n_nr_er": nr.size, "n_remission": rem.size,
                     "median_nr_er": float(np.median(nr)) if nr.size else np.nan,
                     "median_remission": float(np.median(rem)) if rem.size else np.nan,
                     "p": test.p_value if test else np.nan, "test": test.method if test else ""})
    out = pd.DataFrame(rows, columns=["analyte", "n_nr_er", "n_remission", "median_nr_er", "median_remission",
                                      "p", "test"])
    ok = out["p"].notna()
    out["q_bh"] = np.nan
    if ok.any():
        out.loc[ok, "q_bh"] = bh_adjust(out.loc[ok, "p"].to_numpy())
    return out
