"""The whole pipeline on the shipped cohort: outputs, cache, failures that leave the site alone."""

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from page_outputs import stderr_outputs

from cartrepro.analysis.pages import all_pages
from cartrepro.build.cli import main as cli_main
from cartrepro.build.pipeline import BuildError, build
from cartrepro.build.results import compute_results, results_text, unregistered_notebooks
from cartrepro.ledger.record import read_records
from cartrepro.paths import NOTEBOOKS_DIR, REPO_ROOT, SHIPPED_DATA_DIR

pytestmark = pytest.mark.slow

FIG4 = {"p2_fig4a_lfs_1y": (71.6, 44.2, 99.0), "p2_fig4b_relapse_1y": (9.1, 0.0, 26.2),
        "p2_fig4c_lfs_1y": (58.1, 35.2, 81.0)}


def test_build_publishes_site_results_and_scorecard(built_book):
    out, result = built_book
    assert (out / "html" / "index.html").is_file()
    assert (out / "html" / "notebooks" / "p2_fig4_long_term_outcome.html").is_file()
    assert {j.status for j in result.jobs} == {"executed"}
    assert stderr_outputs(out) == []  # no page shows a warning
    results = json.loads((out / "results.json").read_text())
    for ledger_id, (value, low, high) in FIG4.items():
        got = results[ledger_id]
        assert round(got["value"], 1) == value
        assert (round(got["ci_low"], 1), round(got["ci_high"], 1)) == (low, high)


def test_results_json_equals_the_frozen_book(built_book):
    """The numbers of the book before the refactor, exactly (new ids may be added; none may change or go)."""
    frozen = json.loads((REPO_ROOT / "tests" / "fixtures" / "results_before_refactor.json").read_text())
    now = json.loads((built_book[0] / "results.json").read_text())
    assert sorted(set(frozen) - set(now)) == []
    assert {k: (v, now[k]) for k, v in frozen.items() if now[k] != v} == {}


def _registered_part(out: Path) -> str:
    """results.json restricted to the notebooks that register an analysis page, read from their executed copies."""
    registered = {page.notebook for page in all_pages()}
    records = {}
    for executed in sorted((out / ".cache" / "notebooks").glob("*.ipynb")):
        if executed.stem in registered:
            records.update(read_records(executed)[0])
    return results_text(records)


def _assert_results_command_equals_the_book(data: Path, out: Path) -> None:
    expected = _registered_part(out)
    assert compute_results(data) == expected
    if not unregistered_notebooks():
        assert (out / "results.json").read_text() == expected


def test_cartrepro_results_equals_the_book(built_book):
    """Every page's in-process function gives exactly what its executed notebook recorded (same bytes)."""
    _assert_results_command_equals_the_book(SHIPPED_DATA_DIR, built_book[0])


def test_every_fig4_data_entry_matches(built_book):
    out, _ = built_book
    card = pd.read_csv(out / "scorecard.csv", keep_default_na=False)
    fig4 = card[card["id"].str.startswith("p2_fig4") & (card["kind"] == "data")]
    assert len(fig4) == 10
    assert (fig4["match"] == "matches").all(), fig4[fig4["match"] != "matches"].to_string()
    assert list(card.columns) == ["id", "paper", "kind", "quantity", "where", "published", "computed", "match",
                                  "evidence", "reason"]
    # on the shipped cohort every data entry has an evidence class, unless the paper does not give its input
    data = card[card["kind"] == "data"]
    unclassed = data[(data["evidence"] == "") & ~data["reason"].str.startswith("illustrative")]
    assert unclassed.empty, unclassed[["id", "match", "reason"]].to_string()
    assert card.set_index("id").loc["p2_fig4c_lfs_1y", "evidence"] == "assumed"


def test_pages_state_their_parameters_instead_of_the_plumbing_cells(built_book):
    html = built_book[0] / "html" / "notebooks"
    page = (html / "p1_survival.html").read_text(encoding="utf-8")
    assert "Parameters of this page:" in page
    assert "conf_type = &quot;log-log&quot;</code> (default)" in page
    assert "(the shipped reconstructed cohorts)" in page
    for executed in html.glob("*.html"):
        text = executed.read_text(encoding="utf-8")
        assert "tag_parameters" not in text and "tag_injected-parameters" not in text, executed.name
        assert "# Parameters" not in text, executed.name  # papermill's injected cell


def test_scorecard_page_shows_the_table(built_book):
    out, _ = built_book
    page = (out / "html" / "book" / "scorecard.html").read_text()
    assert "p2_fig4a_lfs_1y" in page and "71.6 (44.2–99.0)" in page
    # the landing page and the scorecard lead with what the shipped cohort shows, computed by the build
    intro = (out / "html" / "book" / "intro.html").read_text()
    for text in (intro, page):
        assert "hold together in one cohort" in text and "are <em>inputs</em>" in text
        assert 'href="scorecard.html#sc-p2_resp_cr_enrolled"' in text  # an unattainable value, linked
        assert not re.search(r"reproduced\s+\d+\s+of\s+\d+", text)
    assert 'id="sc-p2_resp_cr_enrolled"' in page


def test_a_second_build_without_changes_executes_nothing(built_book, capsys):
    out, first = built_book
    before = {p.name: p.stat().st_mtime_ns for p in (out / ".cache" / "notebooks").glob("*.ipynb")}
    again = build(SHIPPED_DATA_DIR, out, jobs=2)
    assert again.executed == []
    assert {j.status for j in again.jobs} == {"cached"}
    after = {p.name: p.stat().st_mtime_ns for p in (out / ".cache" / "notebooks").glob("*.ipynb")}
    assert before == after
    assert "not re-rendered" in capsys.readouterr().out  # the published html was kept as it was
    assert json.loads((out / "results.json").read_text())["p2_fig4c_lfs_1y"]["value"] == pytest.approx(58.1)


def test_one_changed_notebook_re_executes_only_itself_and_re_renders(built_book, tmp_path):
    site = _copy_site(built_book[0], tmp_path)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks, ignore=shutil.ignore_patterns("*.ipynb"))
    changed = notebooks / "p2_fig5_relapse.py"
    changed.write_text(changed.read_text() + "\n# %% [markdown]\n# A sentence added by the test.\n")
    again = build(SHIPPED_DATA_DIR, site, jobs=2, notebooks_dir=notebooks)
    assert again.executed == ["p2_fig5_relapse"]
    page = (site / "html" / "notebooks" / "p2_fig5_relapse.html").read_text(encoding="utf-8")
    assert "A sentence added by the test." in page


def _copy_site(out: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(out, site, ignore=shutil.ignore_patterns(".stage", ".work"))
    return site


def _snapshot(site: Path) -> dict[str, bytes]:
    files = [site / "results.json", site / "scorecard.csv", *sorted((site / "html").rglob("*.html"))]
    return {str(p.relative_to(site)): p.read_bytes() for p in files}


def test_a_failing_notebook_names_itself_and_its_cell_and_keeps_the_site(built_book, tmp_path):
    site = _copy_site(built_book[0], tmp_path)
    before = _snapshot(site)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks, ignore=shutil.ignore_patterns("*.ipynb"))
    (notebooks / "p2_zz_broken.py").write_text("# %%\nx = 1\n\n# %%\n1 / 0\n")
    with pytest.raises(BuildError) as err:
        build(SHIPPED_DATA_DIR, site, jobs=2, notebooks_dir=notebooks)
    message = str(err.value)
    assert "p2_zz_broken" in message and "ZeroDivisionError" in message and "cell 2 (`1 / 0`)" in message
    assert _snapshot(site) == before


def test_bad_data_fails_before_running_anything_and_keeps_the_site(built_book, tmp_path, capsys):
    site = _copy_site(built_book[0], tmp_path)
    before = _snapshot(site)
    bad = tmp_path / "bad"
    shutil.copytree(SHIPPED_DATA_DIR, bad)
    csv = bad / "cd22" / "patients.csv"
    lines = csv.read_text().splitlines()
    lines[3] = lines[3].replace("proof_of_concept", "pilot", 1)
    csv.write_text("\n".join(lines) + "\n")
    assert cli_main(["build", "--data", str(bad), "--out", str(site)]) == 1
    err = capsys.readouterr().err
    assert "cd22/patients.csv, line 4" in err and "enrollment" in err and "'pilot'" in err
    assert _snapshot(site) == before


#: the rates that count a P2 patient in complete remission (day 30)
CR_RATES = ["p2_fig2a_cr_evaluated", "p2_resp_cr_enrolled", "p2_fig2a_cr_hr", "p2_fig2a_mrdneg_hr",
            "p2_disc_mrdneg_evaluated", "p2_fig2a_derived_mrdneg_cr", "p2_fig2a_derived_nr", "p2_fig2a_derived_nr_hr",
            "p2_resp_objective_responders"]


def test_a_cohort_with_one_cr_patient_moved_to_no_response_differs_on_every_affected_rate(other_book):
    """Issue 10: on anyone's data the scorecard compares with the paper; a changed count must show (the P2
    half of the shared other cohort is the shipped one with one CR patient moved to no response)."""
    _, out, _, _ = other_book
    assert stderr_outputs(out) == []  # no page shows a warning
    card = pd.read_csv(out / "scorecard.csv", keep_default_na=False).set_index("id")
    assert (card.loc[CR_RATES, "match"] == "differs").all(), card.loc[CR_RATES, ["computed", "match"]].to_string()
    assert card.loc["p2_resp_cr_enrolled", "computed"] == "67.6"  # 23/34: a plain difference, not "unattainable"
    assert card.loc["p2_fig4a_lfs_1y", "match"] == "matches"  # the transplanted patients are untouched
    assert card.loc["p2_fig4a_lfs_1y", "computed"] == "71.6 (44.2–99.0)"
    assert set(card["evidence"]) == {""}  # not the shipped reconstruction: no evidence claim
    page = (out / "html" / "book" / "scorecard.html").read_text()
    assert "your data" in page and "not the shipped reconstruction" in page
    assert not re.search(r"reproduced\s+\d+\s+of\s+\d+|\d+\s+of\s+\d+\S*\s+published numbers[^.]*reproduced", page)


def test_cartrepro_results_equals_the_book_on_another_cohort(other_book):
    """Another cohort of both papers (P1: patients drawn with replacement, every number differs from the
    shipped one; P2: one patient's response changed; new ids): the in-process results still equal the
    executed notebooks'."""
    data, out, _, _ = other_book
    _assert_results_command_equals_the_book(data, out)


def test_two_fresh_builds_are_byte_identical(built_book, tmp_path, capsys):
    """Same inputs -> same numbers, same figures, same pages. The second build shares no executed notebook with
    the first and runs every notebook in a kernel of its own (two at a time); the first ran several notebooks per
    shared kernel (build/kernels.py), two kernels. Every file of the staged book source (executed notebooks,
    prose, scorecard, downloads) and the published results.json and scorecard.csv are the same bytes.

    The second build starts from the first's published site without its notebook cache: its staged source
    equals the first's, so the build itself keeps the published html instead of rendering it again (the
    render key, a digest of the staged source, is unchanged). That the same source renders to the same html
    is test_render.py's serial-against-parallel render of this book."""
    first, _ = built_book
    second = tmp_path / "again"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns(".stage", ".work", "notebooks", "build.json"))
    assert not (second / ".cache" / "notebooks").exists() and (second / ".cache" / "render.key").is_file()
    capsys.readouterr()
    again = build(SHIPPED_DATA_DIR, second, jobs=2, fresh_kernels=True)
    assert sorted(again.executed) == sorted(j.stem for j in again.jobs)  # nothing came from a cache
    assert "book source unchanged since the published site: not re-rendered" in capsys.readouterr().out

    def published(out: Path) -> dict[str, bytes]:
        files = [out / "results.json", out / "scorecard.csv"]
        files += sorted(p for p in (out / ".stage" / "src").rglob("*") if p.is_file())
        return {str(p.relative_to(out)): p.read_bytes() for p in files}

    a, b = published(first), published(second)
    assert len(a) > 50 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


def test_cache_keys_follow_the_data_each_notebook_reads(tmp_path):
    """A paper's notebook keys on its paper folder; a notebook of no paper on the whole data folder."""
    from cartrepro.build.pipeline import NotebookJob, data_digest

    data = tmp_path / "data"
    shutil.copytree(SHIPPED_DATA_DIR, data)
    methods = NotebookJob("methods_x", tmp_path / "methods_x.py", None, {})
    p1 = NotebookJob("p1_x", tmp_path / "p1_x.py", "car1922", {})
    before = data_digest(methods, data), data_digest(p1, data)
    csv = data / "cd22" / "patients.csv"
    csv.write_text(csv.read_text().replace(",male,", ",female,", 1))
    after = data_digest(methods, data), data_digest(p1, data)
    assert after[0] != before[0]  # the methods page reads cd22/: it must run again
    assert after[1] == before[1]  # a P1 notebook does not read cd22/: its cache stays valid


def test_every_method_link_in_the_site_lands_on_a_card(built_book):
    """One click from a number to its method card: every link resolves to an existing section id."""
    import re
    from urllib.parse import urldefrag

    html = built_book[0] / "html"
    texts = {page.resolve(): page.read_text(encoding="utf-8") for page in html.rglob("*.html")}
    links = 0
    for page in html.rglob("*.html"):
        for href in re.findall(r'class="cr-method" href="([^"]+)"', texts[page.resolve()]):
            target, anchor = urldefrag(href)
            landing = (page.parent / target).resolve()
            assert landing in texts, f"{page.name}: {href}"
            assert f'id="{anchor}"' in texts[landing], f"{page.name}: {href}"
            links += 1
    assert links > 100  # the scorecard alone links most ledger entries


def test_kernels_started_together_do_not_collide(tmp_path):
    """Four kernels at once from the same folder (TCP ports and shared IPC socket names both collided). The
    notebook is a small one of the book's form (parameters cell, data read from the injected folder): the
    collisions were in starting and reaching the kernels, not in what they run."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from cartrepro.build.pipeline import execute_notebook

    source = tmp_path / "small.py"
    source.write_text('# %% tags=["parameters"]\ndata_dir = "nowhere"\n\n# %%\nfrom pathlib import Path\n\n'
                      "sorted(p.name for p in Path(data_dir).iterdir() if p.is_dir())\n")
    with ProcessPoolExecutor(4, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(execute_notebook, str(source), str(tmp_path / f"run{i}.ipynb"),
                               {"data_dir": str(SHIPPED_DATA_DIR)}) for i in range(4)]
        results = [f.result() for f in futures]
    assert results == [(True, "")] * 4
    for i in range(4):
        outputs = json.loads((tmp_path / f"run{i}.ipynb").read_text())["cells"][-1]["outputs"]
        assert "['car1922', 'cd22']" in outputs[0]["data"]["text/plain"]
