"""The whole-build key (``pipeline._build_key``): a rebuild with the same inputs does nothing; any input that
reaches the site changes the key. No kernels: the jobs are made by hand."""

import shutil
from pathlib import Path

from cartrepro.build.pipeline import BuildResult, NotebookJob, _build_key, _published_as
from cartrepro.paths import SHIPPED_DATA_DIR


def _jobs(folder: Path) -> list[NotebookJob]:
    return [NotebookJob(p.stem, p, None, {}, key=f"key-{p.stem}") for p in sorted(folder.glob("*.py"))]


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    notebooks, data = tmp_path / "notebooks", tmp_path / "data"
    notebooks.mkdir()
    (notebooks / "a.py").write_text("# %%\nx = 1\n")
    (notebooks / "b.py").write_text("# %%\ny = 2\n")
    shutil.copytree(SHIPPED_DATA_DIR / "cd22", data / "cd22")
    return notebooks, data


def test_the_key_is_stable_and_follows_sources_keys_data_and_reference(tmp_path):
    notebooks, data = _setup(tmp_path)
    key = _build_key(_jobs(notebooks), data, {"cd22"})
    assert _build_key(_jobs(notebooks), data, {"cd22"}) == key
    assert _build_key(_jobs(notebooks), data, set()) != key  # verdicts are given for the shipped cohort only
    jobs = _jobs(notebooks)
    jobs[0].key = "another"  # e.g. a parameter or the analysis code changed
    assert _build_key(jobs, data, {"cd22"}) != key
    jobs = _jobs(notebooks)
    jobs[1].status, jobs[1].key = "no data", ""
    assert _build_key(jobs, data, {"cd22"}) != key
    (notebooks / "b.py").write_text("# %%\ny = 3\n")
    assert _build_key(_jobs(notebooks), data, {"cd22"}) != key
    (notebooks / "b.py").write_text("# %%\ny = 2\n")
    (data / "cd22" / "notes.txt").write_text("a file beside the tables is a download of the site too")
    assert _build_key(_jobs(notebooks), data, {"cd22"}) != key


def test_a_job_status_other_than_no_data_does_not_change_the_key(tmp_path):
    """The key is computed before the notebooks run (pending) and compared when they are cached."""
    notebooks, data = _setup(tmp_path)
    jobs = _jobs(notebooks)
    key = _build_key(jobs, data, set())
    for job in jobs:
        job.status = "cached"
    assert _build_key(jobs, data, set()) == key


def test_the_site_counts_as_published_only_when_its_key_and_outputs_are_there(tmp_path, capsys):
    notebooks, data = _setup(tmp_path)
    out = tmp_path / "out"
    key = _build_key(_jobs(notebooks), data, set())
    result = BuildResult(out_dir=out, jobs=_jobs(notebooks))
    assert not _published_as(out, key, result)  # nothing built yet
    (out / ".cache").mkdir(parents=True)
    (out / ".cache" / "build.json").write_text(f'{{"key": "{key}", "summary": "the summary"}}')
    assert not _published_as(out, key, result)  # no site
    (out / "html").mkdir()
    (out / "results.json").write_text("{}")
    (out / "scorecard.csv").write_text("id\n")
    assert not _published_as(out, "another key", result)
    assert _published_as(out, key, result)
    assert {j.status for j in result.jobs} == {"cached"}
    printed = capsys.readouterr().out
    assert "not re-rendered" in printed and "the summary" in printed
    (out / "scorecard.csv").unlink()  # a published output removed by hand: built again
    assert not _published_as(out, key, BuildResult(out_dir=out, jobs=_jobs(notebooks)))
