"""Valid cohorts on which some analyses are impossible: the pages say why and record nothing for those ids.

Each case edits the shipped cd22 cohort into a degenerate but contract-valid one, runs the notebooks it
affects exactly as the pipeline does (all cases' notebooks in the build's two shared kernels), and checks that
they succeed and declare the impossible ids.
"""

import re
import shutil

import pandas as pd
import pytest

from cartrepro.contract import validate
from cartrepro.ledger.record import read_records
from cartrepro.paths import NOTEBOOKS_DIR, SHIPPED_DATA_DIR

pytestmark = pytest.mark.slow


def _no_hct(d: pd.DataFrame) -> None:
    d["hct_day"] = ""
    d.loc[d["death_cause"] == "transplant_related", "death_cause"] = "other"


def _no_early_deaths(d: pd.DataFrame) -> None:
    early = pd.to_numeric(d["death_day"], errors="coerce") < 30
    for column in ("death_day", "death_cause", "infection", "vod_onset_day"):
        d.loc[early, column] = ""
    d.loc[early, "last_followup_day"] = "200"


def _nobody_in_remission(d: pd.DataFrame) -> None:
    evaluated = d["day30_response"] != "not_evaluated"
    d.loc[evaluated, "day30_response"] = "no_response"


def _no_events(d: pd.DataFrame) -> None:
    for column in ("relapse_day", "death_day", "death_cause", "infection", "vod_onset_day"):
        d[column] = ""
    d["last_followup_day"] = "300"


def _glued_in_prose(stem: str) -> set[str]:
    """The glue keys the notebook's markdown refers to ({glue:text}`key` ...)."""
    text = (NOTEBOOKS_DIR / f"{stem}.py").read_text(encoding="utf-8")
    return {key.split(":")[0] for key in re.findall(r"\{glue:text\}`([^`]+)`", text)}


def _glued(ipynb) -> set[str]:
    """The glue keys an executed notebook holds (a missing one fails the strict book render)."""
    import nbformat

    nb = nbformat.read(str(ipynb), as_version=4)
    return {o["metadata"]["scrapbook"]["name"] for c in nb.cells for o in c.get("outputs", [])
            if "scrapbook" in o.get("metadata", {})}


# case -> (edit, {notebook: {ledger id that must be declared not computable: words its reason contains}})
CASES = {
    "nobody_transplanted": (_no_hct, {"p2_fig4_long_term_outcome": {
        "p2_fig4a_lfs_1y": "bridged to allo-HCT", "p2_fig4b_relapse_1y": "bridged to allo-HCT",
        "p2_ltf_hct_day_median": "bridged to allo-HCT"}}),
    "no_early_deaths": (_no_early_deaths, {"p2_fig3_toxicity": {"p2_fig3b_p_severe_ae": "each group needs a value"}}),
    "nobody_in_remission": (_nobody_in_remission, {
        "p2_fig4_long_term_outcome": {"p2_fig4c_lfs_1y": "complete remission"}, "p2_table1_baseline": {}}),
    "no_events": (_no_events, {"p2_fig4_long_term_outcome": {"p2_fig4a_relapse_time": "0 relapses"},
                               "p2_fig3_toxicity": {"p2_fig3b_p_severe_ae": "each group needs a value"},
                               "p2_fig5_relapse": {"p2_fig5_relapse_pt11": "no patient 11 with a relapse day"}}),
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict[tuple[str, str], tuple[bool, str, object]]:
    """{(case, notebook): (ok, error, executed .ipynb)}: every case's cohort written and validated, then all
    their notebooks run by the build's own runner (``pipeline._run_jobs``): two shared kernels, each notebook
    in a fresh namespace, as `cartrepro build` runs them."""
    from cartrepro.build.pipeline import NotebookJob, _run_jobs

    jobs = {}
    for name, (edit, notebooks) in CASES.items():
        root = tmp_path_factory.mktemp(name)
        shutil.copytree(SHIPPED_DATA_DIR / "cd22", root / "cd22")
        csv = root / "cd22" / "patients.csv"
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        edit(frame)
        frame.to_csv(csv, index=False)
        assert validate(root).ok, validate(root).format()
        for stem in notebooks:
            jobs[(name, stem)] = NotebookJob(f"{name}-{stem}", NOTEBOOKS_DIR / f"{stem}.py", "cd22",
                                             {"data_dir": str(root)})
    runs = tmp_path_factory.mktemp("runs")
    work, cache = runs / "work", runs / "cache"
    for folder in (work, cache):
        folder.mkdir()
    _run_jobs(list(jobs.values()), work, cache, workers=2)
    return {key: (job.status == "executed", job.error, cache / f"{job.stem}.ipynb") for key, job in jobs.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_degenerate_cohort_pages_explain_instead_of_failing(name, executed):
    _, notebooks = CASES[name]
    for stem, declared in notebooks.items():
        ok, error, out = executed[(name, stem)]
        assert ok, f"{stem} failed on the {name} cohort: {error}"
        records, not_computable = read_records(out)
        missing = _glued_in_prose(stem) - _glued(out)
        assert not missing, f"{stem}: prose refers to numbers this run did not glue: {sorted(missing)}"
        for ledger_id, words in declared.items():
            assert ledger_id not in records, f"{ledger_id} was recorded on the {name} cohort"
            assert words in not_computable.get(ledger_id, ""), (ledger_id, not_computable.get(ledger_id))
