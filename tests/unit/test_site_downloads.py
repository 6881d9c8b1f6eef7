"""The site's downloads: figures taken out of executed notebooks with their data, links in the captions,
templates under distinct names, the user's data never copied."""

import json

import matplotlib
import numpy as np
import pandas as pd

from cartrepro.figures import style
from cartrepro.figures.groups import dot_groups
from cartrepro.ledger.scorecard import Computed
from cartrepro.pages.downloads import extract_figures, write_downloads
from cartrepro.paths import SHIPPED_DATA_DIR

matplotlib.use("Agg")


def _notebook(path, figures):
    outputs = []
    for fig in figures:
        body, meta = style.figure_html(fig)
        outputs.append({"output_type": "display_data", "data": {"text/html": body, "text/plain": "<Figure>"},
                        "metadata": {"text/html": meta}})
    cell = {"cell_type": "code", "source": "", "metadata": {}, "execution_count": 1, "outputs": outputs}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))


def test_figures_are_extracted_with_their_data_and_linked_from_their_captions(tmp_path):
    style.synthetic_mark(False)
    same = {"a": np.array([1.0, 2.0, 3.0])}
    notebook = tmp_path / "p9_page.ipynb"
    _notebook(notebook, [dot_groups(same, title="Fig 9", ylabel="y"), dot_groups(same, title="Fig 9", ylabel="y")])
    written = extract_figures(notebook, tmp_path / "figures")
    names = [name for name, _ in written]
    assert len(names) == 2 and len(set(names)) == 2 and all(n.startswith("p9_page--fig-9") for n in names)
    for name in names:
        assert (tmp_path / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        data = pd.read_csv(tmp_path / "figures" / f"{name}.csv")
        assert data["y"].tolist() == [1.0, 2.0, 3.0]
    page = json.loads(notebook.read_text())
    html = [o["data"]["text/html"] for o in page["cells"][0]["outputs"]]
    assert all(f'href="../downloads/figures/{n}.png"' in h and f'href="../downloads/figures/{n}.csv"' in h
               for n, h in zip(names, html, strict=True))
    assert all("csv" not in o["metadata"]["text/html"]["cartrepro"] for o in page["cells"][0]["outputs"])


def test_write_downloads_copies_the_shipped_cohort_only_when_it_is_the_data(tmp_path):
    src = tmp_path / "src"
    (src / "notebooks").mkdir(parents=True)
    card = pd.DataFrame({"id": ["x"], "paper": ["cd22"], "kind": ["data"], "match": ["matches"],
                         "evidence": ["constrained"]})
    records = {"x": Computed(0.5, 0.1, 0.9)}
    root = write_downloads(src, records, card, SHIPPED_DATA_DIR, {"cd22"})
    assert json.loads((root / "results.json").read_text()) == {"x": {"value": 0.5, "ci_low": 0.1, "ci_high": 0.9}}
    assert (root / "cohort" / "cd22" / "patients.csv").read_bytes() == (
        SHIPPED_DATA_DIR / "cd22" / "patients.csv").read_bytes()
    assert not (root / "cohort" / "car1922").exists()
    names = sorted(p.name for p in (root / "templates").iterdir())
    assert "cd22_patients_template.csv" in names and "car1922_cytokines_example.csv" in names
    assert len(names) == len(set(names)) and not (root / ".templates").exists()
    listing = (src / "book" / "_generated" / "downloads_list.md").read_text()
    assert "../downloads/results.json" in listing and "../downloads/cohort/cd22/patients.csv" in listing
    glance = (src / "book" / "_generated" / "at_a_glance.md").read_text()
    assert glance.startswith("```{raw} html\n<figure") and 'data-synthetic="0"' in glance
    assert (root / "figures" / "scorecard--at-a-glance.png").is_file()

    again = write_downloads(src, records, card, SHIPPED_DATA_DIR, set())  # the user's data: nothing copied
    assert not (again / "cohort").exists()
    assert "not copied" in (src / "book" / "_generated" / "downloads_list.md").read_text()
