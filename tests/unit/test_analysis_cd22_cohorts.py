"""P2 analysis on cohorts nobody tuned (issue 13) and the facts the pages used to type in (issue 10).

Every cohort here is contract-valid; every P2 page function must give a finite value or a stated reason
for every id, never raise, and the figures must draw from its frames.
"""

import io
import math
import shutil

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from cartrepro.analysis.cd22 import PAGES, derive, outcome, toxicity
from cartrepro.analysis.results import NotComputable, Value
from cartrepro.contract import load_paper, validate
from cartrepro.contract.tables import CD22_PATIENTS
from cartrepro.contract.templates import example_csv
from cartrepro.figures.groups import dot_groups, forest, grade_strips
from cartrepro.figures.rates import response_bars
from cartrepro.figures.survival import Curve, km_figure
from cartrepro.paths import SHIPPED_DATA_DIR

OPTIONAL = [c.name for c in CD22_PATIENTS.columns if not c.required]


def _finite(value) -> bool:
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return isinstance(value, str) or math.isfinite(value)


def _run_pages(tables):
    """Every P2 page on the tables: {id: outcome}; every outcome a finite value or a reason."""
    merged = {}
    for page in PAGES:
        result = page.compute(tables, **page.defaults())
        for ledger_id, got in result.items():
            assert isinstance(got, Value | NotComputable)
            if isinstance(got, Value):
                assert _finite(got.value), (ledger_id, got)
            else:
                assert got.reason, ledger_id
        merged.update(result.outcomes)
    return merged


def _draw_every_figure(patients):
    """The figures the notebooks draw, from the same frames; saved, so that drawing errors surface."""
    from cartrepro.analysis.cd22 import kinetics, response

    a, b, c = outcome.fig4a(patients), outcome.fig4b(patients), outcome.fig4c(patients)
    figures = [
        response_bars(response.fig2a(patients).frames["counts"], title="2a"),
        dot_groups(response.fig2b(patients).frames["groups"], title="2b", ylabel="%"),
        forest(response.fig2c(patients).frames["rates"], title="2c", xlabel="%"),
        dot_groups({"fold": kinetics.expansion(patients).frames["fold"]}, title="fold", ylabel="x", log=True),
        grade_strips(toxicity.grades(patients).frames["grades"], title="3a"),
        dot_groups(toxicity.fig3b(patients).frames["groups"], title="3b", ylabel="%"),
        forest(toxicity.fig3c(patients).frames["rates"], title="3c", xlabel="%"),
        km_figure([Curve("4a", a.frames["lfs"]["time_days"], a.frames["lfs"]["event"])], title="4a", ylabel="S"),
        km_figure([Curve("r", b.frames["relapse"]["time_days"], b.frames["relapse"]["event"], failure=True)],
                  title="4b", ylabel="F"),
        km_figure([Curve("4c", c.frames["lfs"]["time_days"], c.frames["lfs"]["event"])], title="4c", ylabel="S"),
    ]
    for fig in figures:
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)


def _shipped_copy(tmp_path, edit) -> dict:
    shutil.copytree(SHIPPED_DATA_DIR / "cd22", tmp_path / "cd22")
    csv = tmp_path / "cd22" / "patients.csv"
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    frame = edit(frame)
    frame.to_csv(csv, index=False)
    report = validate(tmp_path)
    assert report.ok, report.format()
    return load_paper(tmp_path, "cd22")


def test_a_cohort_without_the_optional_columns_computes_and_draws(tmp_path):
    tables = _shipped_copy(tmp_path, lambda d: d.drop(columns=OPTIONAL))
    got = _run_pages(tables)
    reasons = {k: v.reason for k, v in got.items() if isinstance(v, NotComputable)}
    assert "peak_fold_expansion" in reasons["p2_kin_peak_fold_max"]
    assert "day15_response" in reasons["p2_resp_early_death_cri"]
    assert "p2_death_vod_mrdneg_day" in reasons and "p2_death_asperg_eval_day" in reasons
    assert "p2_fig2a_pr_mass_before" in reasons and "p2_kin_spearman_il2" in reasons
    # what needs no optional column is still computed, unchanged
    assert got["p2_fig4a_lfs_1y"].value == pytest.approx(71.6)
    assert got["p2_n_enrolled"].value == 34
    _draw_every_figure(tables["patients"])


def test_an_early_death_without_a_crs_resolution_day(tmp_path):
    def edit(d):
        d.loc[d["death_cause"] == "vod", "crs_resolution_day"] = ""
        return d

    got = _run_pages(_shipped_copy(tmp_path, edit))
    assert "resolution day is not recorded" in got["p2_death_vod_crs_window"].reason
    assert got["p2_death_vod_day"].value == 29.0


def test_the_downloadable_example_cohort_computes(tmp_path):
    for (paper, table), text in example_csv().items():
        (tmp_path / paper).mkdir(exist_ok=True)
        (tmp_path / paper / f"{table}.csv").write_text(text, encoding="utf-8")
    tables = load_paper(tmp_path, "cd22")
    got = _run_pages(tables)
    assert got["p2_n_enrolled"].value == len(tables["patients"])
    _draw_every_figure(tables["patients"])


# ----- Fig 4 analysis set: CR patients bridged to allo-HCT in remission -------------------------------------


def _fig4_cohort():
    rows = [
        # id, day-30 response, hct, relapse, death, cause, off study, last follow-up
        ("a", "cr_mrd_negative", 50, None, None, None, None, 500),   # bridged in CR, censored 450 d after HCT
        ("b", "cr_mrd_positive", 40, 100, None, None, None, 400),    # bridged in CR, relapse 60 d after HCT
        ("c", "cr_mrd_negative", 60, 30, None, None, None, 400),     # CR, relapsed on day 30, then HCT
        ("d", "no_response", 45, 80, None, None, None, 300),         # transplanted without CR
        ("e", "cr_mrd_negative", 70, 70, None, None, None, 300),     # relapse found on the HCT day
        ("f", "cr_mrd_negative", None, None, None, None, "withdrew_for_chemotherapy", 200),
    ]
    cols = ["patient_id", "day30_response", "hct_day", "relapse_day", "death_day", "death_cause", "off_study",
            "last_followup_day"]
    frame = pd.DataFrame(rows, columns=cols)
    for c in ("hct_day", "relapse_day", "death_day", "last_followup_day"):
        frame[c] = frame[c].astype("Int64")
    return frame


def test_fig4ab_take_only_cr_patients_transplanted_in_remission():
    patients = _fig4_cohort()
    assert patients.loc[derive.in_remission_at_hct(patients), "patient_id"].tolist() == ["a", "b"]
    r = outcome.fig4a(patients)
    # KM from HCT over a (censored 450) and b (relapse 60): S(365) = 1 - 1/2
    assert r.value("p2_fig4a_lfs_1y") == pytest.approx(50.0)
    assert r.value("p2_disc_hct_relapse") == [1, 2]
    assert outcome.fig4b(patients).value("p2_fig4b_relapse_1y") == pytest.approx(50.0)


def test_a_relapse_before_hct_counts_as_relapse_without_further_therapy():
    patients = _fig4_cohort()
    r = outcome.after_remission(patients)
    assert r.value("p2_ltf_cr_hct") == 2
    assert r.value("p2_ltf_cr_nft") == 2  # c and e relapsed before (or on the day of) their HCT
    assert r.value("p2_ltf_cr_withdrew") == 1
    assert r.value("p2_ltf_hct_day_median") == 45.0  # HCT days of a and b only
    assert r.value("p2_disc_nft_relapse") == [2, 2]


def test_fig4c_takes_every_cr_patient_from_infusion():
    lfs = derive.lfs_of_cr_patients(_fig4_cohort()).set_index("patient_id")
    assert sorted(lfs.index) == ["a", "b", "c", "e", "f"]
    assert lfs.loc["c", ["time_days", "event"]].tolist() == [30.0, True]


def test_fig4c_shows_the_value_without_the_events_the_text_does_not_report():
    patients = _fig4_cohort()
    patients.loc[patients["patient_id"] == "f", "relapse_day"] = 150  # the withdrawn patient relapsed
    frame = outcome.fig4c(patients).frames["eighth_event"].set_index("events counted")
    assert frame["events in year one"].tolist() == [4, 3]
    assert frame.loc["events the text reports only", "LFS %"] > frame.loc["all events in the data", "LFS %"]


def test_fig4_on_the_shipped_cohort_names_the_assumed_eighth_event():
    patients = load_paper(SHIPPED_DATA_DIR, "cd22")["patients"]
    frame = outcome.fig4c(patients).frames["eighth_event"]
    assert frame["events in year one"].tolist() == [8, 7]
    assert frame["LFS %"].iloc[0] == pytest.approx(58.1)


# ----- issue 10: no literal records; CRS within one week ---------------------------------------------------


def _early_deaths(day15_vod, day15_fungal):
    return pd.DataFrame({
        "patient_id": ["v", "s"], "death_day": pd.array([29, 24], dtype="Int64"),
        "death_cause": ["vod", "infection"], "crs_grade": [2, 1], "peak_car_pct_cd3": [3.0, 1.0],
        "crs_onset_day": pd.array([6, 3], dtype="Int64"), "crs_resolution_day": pd.array([16, 5], dtype="Int64"),
        "day30_response": ["not_evaluated", "not_evaluated"], "day15_response": [day15_vod, day15_fungal],
        "infection": [None, "fungal_pneumonia"], "vod_onset_day": pd.array([19, None], dtype="Int64")})


def test_assessment_days_come_from_the_rows():
    r = toxicity.deaths(_early_deaths("cr_mrd_negative", "no_response"))
    assert r.value("p2_death_vod_mrdneg_day") == 15
    assert r.value("p2_death_asperg_eval_day") == 15
    r = toxicity.deaths(_early_deaths("cr_mrd_positive", None))
    assert "found MRD-negative" in r.not_computable()["p2_death_vod_mrdneg_day"]
    assert "no assessment" in r.not_computable()["p2_death_asperg_eval_day"]


def test_no_reading_of_the_text_lets_grade_1_2_crs_resolve_within_a_week():
    """The arithmetic behind ledger inconsistency crs_within_week, from the ledger's own values.

    Grade >= 3 CRS: 1 patient, the grade-5 DLI patient (died day 10), so the VOD patient (died day 29), whom
    the paper says CRS may have killed and who had "fever and mild transaminitis (grade 2) during day 6 to
    16" (fever and transaminitis are the paper's own CRS manifestations), is one of the grade 1-2 patients:
    his episode lasts 16 - 6 = 10 days. The printed "within 1 week" (7 days) is below it.
    """
    from cartrepro.ledger.entries import entry

    assert entry("p2_fig3a_crs_g_ge3").value == 1
    assert entry("p2_death_crs5_day").value != entry("p2_death_vod_day").value  # two different patients
    onset, resolution = (float(x) for x in str(entry("p2_death_vod_crs_window").value).split("-"))
    assert resolution - onset == 10 > entry("p2_crs_g12_resolved_within").value
    # any cohort holding that episode gives at least 10, whatever the other 29 grade 1-2 patients do
    patients = _early_deaths("cr_mrd_negative", "no_response").assign(neurotox_grade=0, neurotox_onset_day=None,
                                                                       neurotox_resolution_day=None)
    assert toxicity.episodes(patients).value("p2_crs_g12_resolved_within") == 10.0
