"""Table 1 of P2: enrollment, baseline disease, CD22 expression and the CAR-T dose.

Medians with minimum and maximum (SPSS: for an even count the median is the mean of the two middle
values), counts with percentages of the stated denominator, and the dose comparison between previously
transplanted and not transplanted patients by unpaired two-tailed Student's t-test (the Methods' test for
two groups; the paper does not name the test at the point of use).

Examples
--------
>>> import pandas as pd
>>> patients = pd.DataFrame({"prior_allo_hct": [True, False], "car_t_source": ["donor", "patient"],
...                          "dose_1e5_per_kg": [1.0, 7.5]})
>>> r = dose(patients)
>>> r.value("p2_dose_nontx_median"), r.value("p2_dose_donor_derived")
(7.5, 1)
>>> r.not_computable()["p2_dose_p"]
'dose by previous allo-HCT: each group needs a value and both together at least 3 (here 1 and 1)'
"""

from __future__ import annotations

import pandas as pd

from cartrepro.analysis.cd22.common import column, describe, mask, percent, t_test_p
from cartrepro.analysis.results import Results


def enrollment(patients: pd.DataFrame) -> Results:
    """Patients enrolled (proof of concept, trial), age, CD19 CAR-T history, prior HCT, EMD, disease status."""
    r = Results()
    n = len(patients)
    r.add("p2_n_enrolled", n)
    r.add("p2_n_poc", int(mask(patients["enrollment"] == "proof_of_concept").sum()))
    r.add("p2_n_trial", int(mask(patients["enrollment"] == "trial").sum()))
    describe(r, "p2_base_age", patients["age_years"], "no patient age is recorded")
    history = patients["cd19_car_history"]
    failed = mask(history != "none")
    percent(r, "p2_base_cd19cart_failed", failed.sum(), n, "patients")
    percent(r, "p2_base_cd19_negdim_relapse", mask(history == "cd19neg_or_dim_relapse").sum(), failed.sum(),
            "patient who failed CD19 CAR-T")
    percent(r, "p2_base_cd19_bright_nr", mask(history == "cd19bright_no_response").sum(), failed.sum(),
            "patient who failed CD19 CAR-T")
    percent(r, "p2_base_no_cd19cart", mask(history == "none").sum(), n, "patients")
    percent(r, "p2_base_prior_hct", mask(patients["prior_allo_hct"]).sum(), n, "patients")
    percent(r, "p2_base_emd", mask(patients["emd"]).sum(), n, "patients")
    status = patients["baseline_status"]
    for ledger_id, group in (("p2_base_emd_exclusive", "exclusive_emd"), ("p2_base_hr", "hematological_relapse"),
                             ("p2_base_mrdpos", "fcm_mrd_positive")):
        percent(r, ledger_id, mask(status == group).sum(), n, "patients")
    for group, prefix in (("hematological_relapse", "p2_base_hr_blasts"),
                          ("fcm_mrd_positive", "p2_base_mrdpos_blasts")):
        describe(r, prefix, patients.loc[mask(status == group), "marrow_blasts_pct"],
                 f"no marrow blast count recorded for a patient with baseline status {group}")
    return r


def cd22_expression(patients: pd.DataFrame) -> Results:
    """Where CD22 expression was shown before enrollment, and prior CD22-directed therapy."""
    r = Results()
    site = column(patients, "cd22_positive_site")
    site_ids = ["p2_base_cd22_fcm_pos", "p2_base_cd22_bm", "p2_base_cd22_emd", "p2_base_cd22_not_eval"]
    if site.notna().any():
        r.add("p2_base_cd22_fcm_pos", int(mask(site.isin(["bone_marrow", "emd"])).sum()))
        r.add("p2_base_cd22_bm", int(mask(site == "bone_marrow").sum()))
        r.add("p2_base_cd22_emd", int(mask(site == "emd").sum()))
        r.add("p2_base_cd22_not_eval", int(mask(site == "not_reevaluated").sum()))
    else:
        r.skip(site_ids, "the optional column cd22_positive_site is absent or empty")
    prior = column(patients, "prior_cd22_therapy")
    if prior.notna().any():
        r.add("p2_base_prior_cd22", int(mask(prior).sum()))
    else:
        r.skip(["p2_base_prior_cd22"], "the optional column prior_cd22_therapy is absent or empty")
    return r


def dose(patients: pd.DataFrame) -> Results:
    """CAR-T dose of not transplanted vs previously transplanted patients; Student's t P; donor-derived cells."""
    r = Results()
    transplanted = mask(patients["prior_allo_hct"])
    cells = patients["dose_1e5_per_kg"]
    describe(r, "p2_dose_nontx", cells[~transplanted], "no patient without a previous allo-HCT")
    describe(r, "p2_dose_tx", cells[transplanted], "no patient with a previous allo-HCT")
    t_test_p(r, "p2_dose_p", cells[~transplanted], cells[transplanted], "dose by previous allo-HCT")
    r.add("p2_dose_donor_derived", int((transplanted & mask(patients["car_t_source"] == "donor")).sum()))
    return r


def table1(tables: dict[str, pd.DataFrame]) -> Results:
    """Every number of the Table 1 page (:func:`enrollment`, :func:`cd22_expression`, :func:`dose`)."""
    patients = tables["patients"]
    return enrollment(patients).extend(cd22_expression(patients)).extend(dose(patients))
