"""Plumbing cells leave the page; a note states the parameters that produced it."""

import nbformat

from cartrepro.build.page_params import NOTE_TAG, declared, hide_plumbing, note_html


def _executed(injected_source: str | None):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Fig. 4"),
                nbformat.v4.new_code_cell('data_dir = "data/reconstructed"  # cohort folder\n'
                                          'conf_type = "plain"  # CI transform\nhorizon_days = 365'),
                nbformat.v4.new_code_cell("import pandas as pd")]
    nb.cells[1].metadata["tags"] = ["parameters"]
    if injected_source is not None:
        injected = nbformat.v4.new_code_cell(injected_source)
        injected.metadata["tags"] = ["injected-parameters"]
        nb.cells.insert(2, injected)
    return nb


def test_both_plumbing_cells_are_removed_and_the_note_follows_them():
    nb = _executed('# Parameters\ndata_dir = "data/reconstructed"\nconf_type = "log"\n')
    hide_plumbing(nb, {"data_dir": "data/reconstructed", "conf_type": "log"}, shipped_data=True)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[1] == ["parameters", "remove-cell"] and tags[2] == ["injected-parameters", "remove-cell"]
    assert tags[3] == [NOTE_TAG] and nb.cells[4].source == "import pandas as pd"
    note = nb.cells[3].source
    assert "Parameters of this page" in note
    assert "data_dir = &quot;data/reconstructed&quot;</code> (the shipped reconstructed cohorts)" in note
    assert "conf_type = &quot;log&quot;</code> (set with --param; default &quot;plain&quot;)" in note
    assert "horizon_days = 365</code> (default)" in note
    assert 'title="CI transform"' in note


def test_the_note_is_deterministic():
    first, second = _executed("x = 1"), _executed("x = 1")
    for nb in (first, second):
        hide_plumbing(nb, {"data_dir": "/elsewhere"}, shipped_data=False)
    assert first.cells[3] == second.cells[3] and first.cells[3].get("id", NOTE_TAG) == NOTE_TAG
    assert "(data given to this build)" in first.cells[3].source


def test_a_notebook_without_a_parameters_cell_is_left_alone():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Intro")]
    hide_plumbing(nb, {}, shipped_data=True)
    assert len(nb.cells) == 1


def test_declared_reads_names_defaults_and_comments():
    assert declared("a = 6.0  # months\nb = None\nc = 'x'") == {"a": (6.0, "months"), "b": (None, ""),
                                                                "c": ("x", "")}
    assert "&lt;b&gt;" in note_html({"a": ("<b>", "")}, {}, True)


def test_the_staged_notebook_has_no_run_times_random_ids_or_addresses(tmp_path):
    import json

    from cartrepro.build.pipeline import _stage_notebook

    staged = []
    for run, (cell_id, address, when) in enumerate([("a1b2", "0x7fab12", "01:00"), ("ffee", "0x7f8c34", "02:00")]):
        nb = _executed("x = 1")
        nb.metadata["papermill"] = {"start_time": when, "input_path": f"/tmp/run{run}.ipynb"}
        for number, cell in enumerate(nb.cells):
            cell["id"] = f"{cell_id}{number}"
            cell.metadata["papermill"] = {"duration": when}
            cell.metadata["execution"] = {"iopub.execute_input": when}
        nb.cells[3].outputs = [nbformat.v4.new_output(
            "display_data", data={"text/plain": f"<Styler at {address}>", "text/html": "<table></table>"})]
        source, target = tmp_path / f"run{run}.ipynb", tmp_path / f"staged{run}.ipynb"
        nbformat.write(nb, str(source))
        _stage_notebook(source, target, {"data_dir": "data/reconstructed"}, True)
        staged.append(target.read_bytes())
    assert staged[0] == staged[1]
    page = json.loads(staged[0])
    assert "<Styler>" in json.dumps(page) and "Parameters of this page" in json.dumps(page)
    assert nbformat.reads(staged[0].decode(), as_version=4)  # still a valid notebook
