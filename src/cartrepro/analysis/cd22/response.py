"""Day-30 response of the P2 (CD22) patients: the groups and counts of Figure 2a.

Figure 2a shows, for the evaluated patients (those alive and assessed on day 30) and for three subsets of
them defined by the disease before infusion (``baseline_status``), how many reached MRD-negative CR/CRi,
MRD-positive CR/CRi, partial response or no response. Everything here is derived from ``day30_response``
and ``baseline_status`` of the patient table; nothing is stored.
"""

from __future__ import annotations

import pandas as pd

from cartrepro.analysis.cd22.derive import CR_RESPONSES

#: the day-30 responses of an evaluated patient, in the order Figure 2a stacks them
RESPONSES: tuple[str, ...] = ("cr_mrd_negative", "cr_mrd_positive", "partial_response", "no_response")
NOT_EVALUATED = "not_evaluated"
#: objective response: CR/CRi (either MRD status) or partial response
OBJECTIVE_RESPONSES: tuple[str, ...] = (*CR_RESPONSES, "partial_response")

#: the Figure 2a groups, in the paper's order: all evaluated, then one per baseline status
ALL_EVALUATED = "all_evaluated"
GROUPS: tuple[str, ...] = (ALL_EVALUATED, "hematological_relapse", "fcm_mrd_positive", "exclusive_emd")
GROUP_LABELS: dict[str, str] = {
    ALL_EVALUATED: "All evaluated",
    "hematological_relapse": "Hematological relapse",
    "fcm_mrd_positive": "FCM-MRD+",
    "exclusive_emd": "Exclusive EMD",
}
RESPONSE_LABELS: dict[str, str] = {
    "cr_mrd_negative": "MRD− CR/CRi",
    "cr_mrd_positive": "MRD+ CR/CRi",
    "partial_response": "PR",
    "no_response": "NR",
}

COUNT_COLUMNS = ["group", "response", "count", "group_n"]


def evaluated(patients: pd.DataFrame) -> pd.Series:
    """Boolean mask: patients with a day-30 response assessment (``day30_response != not_evaluated``)."""
    return (patients["day30_response"] != NOT_EVALUATED).fillna(False).astype(bool)


def early_deaths(patients: pd.DataFrame, within_days: int = 30) -> pd.Series:
    """Boolean mask: deaths before day ``within_days`` (the paper's evaluated patients "survived for 30 days
    or longer", so a death on day 29 is early and one on day 30 is not)."""
    return (patients["death_day"].astype("Float64") < within_days).fillna(False).astype(bool)


def group_members(patients: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The Figure 2a groups as sub-tables: all evaluated, and the evaluated patients of each baseline status.

    Raises ValueError if a response is missing, or an evaluated patient has a response that is none of
    :data:`RESPONSES` (it would be silently missing from the bars otherwise).
    """
    if patients["day30_response"].isna().any():
        raise ValueError("day30_response is missing for some patients (use not_evaluated where there was no "
                         "day-30 assessment)")
    assessed = patients[evaluated(patients)]
    unknown = sorted(set(assessed["day30_response"].astype(str)) - set(RESPONSES))
    if unknown:
        raise ValueError(f"day30_response of evaluated patients must be one of {', '.join(RESPONSES)}; "
                         f"found {', '.join(unknown)}")
    groups = {ALL_EVALUATED: assessed}
    for status in GROUPS[1:]:
        groups[status] = assessed[assessed["baseline_status"] == status]
    return groups


def response_counts(patients: pd.DataFrame) -> pd.DataFrame:
    """Tidy counts of Figure 2a: one row per group x response (zeros included), in the figure's order.

    Columns: ``group`` (see :data:`GROUPS`), ``response`` (see :data:`RESPONSES`), ``count`` (patients of the
    group with that response) and ``group_n`` (patients in the group).
    """
    rows = []
    for group, members in group_members(patients).items():
        tally = members["day30_response"].astype(str).value_counts()
        for response in RESPONSES:
            rows.append({"group": group, "response": response, "count": int(tally.get(response, 0)),
                         "group_n": len(members)})
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def count(counts: pd.DataFrame, group: str, responses: str | tuple[str, ...] | list[str]) -> tuple[int, int]:
    """(k, n) from :func:`response_counts`: patients of ``group`` with any of ``responses``, and the group size."""
    if group not in GROUPS:
        raise KeyError(f"unknown group {group!r}; one of {', '.join(GROUPS)}")
    wanted = (responses,) if isinstance(responses, str) else tuple(responses)
    unknown = set(wanted) - set(RESPONSES)
    if unknown:
        raise KeyError(f"unknown responses {sorted(unknown)}; each one of {', '.join(RESPONSES)}")
    rows = counts[counts["group"] == group]
    return int(rows.loc[rows["response"].isin(wanted), "count"].sum()), int(rows["group_n"].iloc[0])


def count_matrix(counts: pd.DataFrame) -> pd.DataFrame:
    """The tidy counts as a group x response table (rows and columns in the figure's order), plus ``n``."""
    wide = counts.pivot(index="group", columns="response", values="count").loc[list(GROUPS), list(RESPONSES)]
    wide["n"] = counts.groupby("group")["group_n"].first().loc[list(GROUPS)]
    wide.columns.name = None
    return wide
