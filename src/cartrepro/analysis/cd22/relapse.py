"""The relapsed patients of P2 (Results "Leukemic CD22 expression and normal B cells in relapsed patients",
Figure 5). Figure 5a-c are laboratory results no patient table holds; the text's patient facts are here.

Examples
--------
>>> import pandas as pd
>>> patients = pd.DataFrame({"patient_id": ["11", "12"], "relapse_day": [52, None],
...                          "day30_response": ["cr_mrd_negative", "partial_response"]})
>>> r = relapsed_patients({"patients": patients})
>>> round(r.value("p2_fig5_relapse_pt11"), 2)
1.71
>>> r.not_computable()["p2_fig5_relapse_pt13"]
'no patient 13 with a relapse day in this data'
"""

from __future__ import annotations

import pandas as pd

from cartrepro.analysis.cd22.common import column, mask, rows, single
from cartrepro.analysis.results import Results
from cartrepro.analysis.time import months

#: the patients the Figure 5 paragraph names by number
NAMED_RELAPSES = ("11", "27", "33", "13")


def relapsed_patients(tables: dict[str, pd.DataFrame]) -> Results:
    """Relapse months of the named patients, normal B cells at relapse, and the partial responder's relapse
    day. The named patients are found by ``patient_id`` (the contract asks for the paper's numbers there)."""
    patients = tables["patients"]
    r = Results()
    ids = patients["patient_id"].astype(str)
    for pid in NAMED_RELAPSES:
        day = pd.to_numeric(patients.loc[(ids == pid).to_numpy(), "relapse_day"]).dropna()
        if len(day) == 1:
            r.add(f"p2_fig5_relapse_pt{pid}", float(months(float(day.iloc[0]))))
        else:
            r.skip([f"p2_fig5_relapse_pt{pid}"], f"no patient {pid} with a relapse day in this data")
    b_cells = column(patients, "normal_b_cells_at_relapse")
    if b_cells.notna().any():
        r.add("p2_disc_relapsed_normal_b", int(mask(b_cells).sum()))
    else:
        r.skip(["p2_disc_relapsed_normal_b"], "the optional column normal_b_cells_at_relapse is absent or empty")
    r.skip(["p2_fig5d_normal_b"], "percentages of normal B cells over time are not in the data contract")
    pr = rows(patients, mask(patients["day30_response"] == "partial_response"), ("relapse_day",))
    single(r, "p2_ltf_emd_pr_relapse_day", pr["relapse_day"], "partial responders")
    return r
