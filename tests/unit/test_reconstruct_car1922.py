"""The shipped P1 cohort (clinical half) is exactly what the generator makes, and it honours the paper."""

import pytest
from regeneration import write_keeping_generation

from cartrepro.analysis.car1922 import derive as derive
from cartrepro.contract import validate
from cartrepro.paths import SHIPPED_DATA_DIR
from cartrepro.reconstruct import car1922
from cartrepro.stats.survival import km_at

SHIPPED = SHIPPED_DATA_DIR / "car1922"


@pytest.fixture(scope="module")
def generation(tmp_path_factory):
    """``car1922.write`` into a fresh folder, and the (table, report) its one call of ``generate`` made."""
    return write_keeping_generation(car1922, tmp_path_factory.mktemp("regen"))


@pytest.fixture(scope="module")
def generated(generation):
    return generation[1]


@pytest.fixture(scope="module")
def regenerated(generation):
    return generation[0]


@pytest.fixture(scope="module")
def patients():
    return derive.load_patients(SHIPPED_DATA_DIR)


@pytest.mark.slow  # regenerates a shipped cohort from scratch (seconds of seeded search)
@pytest.mark.parametrize("name", ["patients.csv", "provenance.yaml"])
def test_regeneration_is_byte_identical_to_the_shipped_files(regenerated, name):
    assert (regenerated / name).read_bytes() == (SHIPPED / name).read_bytes()


def test_the_shipped_patient_table_meets_the_contract():
    report = validate(SHIPPED_DATA_DIR)
    assert report.problems == [], report.format()


@pytest.mark.slow  # regenerates a shipped cohort from scratch (seconds of seeded search)
def test_every_constraint_of_the_report_is_met(generated):
    _, report = generated
    assert len(report.constraints) >= 80 and not report.failed
    ids = {c.id for c in report.constraints}
    assert {"os12_ball", "os12_bnhl", "pfs12_ball", "pfs12_bnhl", "crs_logrank_bnhl", "fu_all"} <= ids


def test_the_constraints_hold_on_the_table_read_back_through_the_contract(patients):
    failed = [(c.id, c.evaluate(patients).achieved) for c in car1922.CONSTRAINTS if not c.evaluate(patients).ok]
    assert failed == []


def test_the_event_order_solver_finds_the_printed_estimates():
    orders = car1922.km_orders(35, (78.86, 60.70, 89.32), events=range(5, 10), censored=range(0, 5))
    assert orders == [(1, 1, 0, 0, 0, 0, 0)]
    assert car1922.km_orders(35, (78.87, 60.70, 89.32), events=range(5, 10), censored=range(0, 5)) == []


def test_the_layout_orders_reproduce_the_twelve_month_estimates(patients):
    for (disease, endpoint), target in car1922.KM_TARGETS.items():
        data = derive.survival(patients[patients["disease"] == disease], endpoint)
        p = km_at(data["time_days"], data["event"], 365.25, conf_type="log-log")
        assert [round(100 * x, 2) for x in (p.estimate, p.ci_low, p.ci_high)] == pytest.approx(list(target), abs=0.006)
        events = int((data["event"] & (data["time_days"] <= 365.25)).sum())
        assert events == len(car1922.LAYOUT_ORDERS[(disease, endpoint)])


def test_stated_patient_facts(patients):
    fu = patients.set_index("patient_id")["followup_day"]
    by_disease = patients.groupby("disease")["followup_day"]
    assert by_disease.min().to_dict() == {"b_all": 9, "b_nhl": 25} and by_disease.max().to_dict() == {
        "b_all": 988, "b_nhl": 1005}
    shortest = patients.loc[patients["followup_day"] == 9].iloc[0]
    assert shortest["disease"] == "b_all" and fu.max() == 1005
    nrd = patients[patients["excluded_reason"] == "non_recurrent_death"]
    assert len(nrd) == 4 and (nrd["disease"] == "b_nhl").all() and nrd["os_event"].all()
    assert (nrd["os_day"] <= derive.SIX_MONTHS_DAYS).all()
    late = patients[patients["relapse_day"] > 730]
    assert len(late) == 4 and (late["followup_day"] > 730).all()
    # relapse and death never after the last contact; a death is a PFS event no later than the death
    dead = patients[patients["os_event"]]
    assert (dead["pfs_event"] & (dead["pfs_day"] <= dead["os_day"])).all()
    assert (patients["pfs_day"] <= patients["followup_day"]).all()
    assert (patients["age_years"] >= 18).sum() == 111


def test_the_cohort_is_labelled_synthetic():
    text = (SHIPPED / "provenance.yaml").read_text()
    assert "synthetic: true" in text and "SYNTHETIC DATA" in text


@pytest.mark.slow  # regenerates a shipped cohort from scratch (seconds of seeded search)
def test_a_different_seed_gives_a_different_cohort_meeting_every_constraint(tmp_path):
    folder = car1922.write(tmp_path, seed=7)
    assert (folder / "patients.csv").read_bytes() != (SHIPPED / "patients.csv").read_bytes()
    table = derive.load_patients(tmp_path)
    assert all(c.evaluate(table).ok for c in car1922.CONSTRAINTS)


def test_constraints_and_assumptions_name_real_ledger_entries():
    from cartrepro.ledger.entries import load_ledger

    ledger = load_ledger()
    named = {i for c in car1922.CONSTRAINTS for i in c.ledger_ids}
    named |= {i for a in car1922.ASSUMPTIONS for i in a.ledger_ids}
    assert named - set(ledger) == set()
    assert all(ledger[i].paper == "car1922" for i in named)
