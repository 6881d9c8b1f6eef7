# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The data contract
#
# Every analysis in this book reads its patients through one gate, the *data contract*: the folder layout,
# the CSV tables, their columns and the rules that tie columns together. The shipped reconstructed cohorts
# meet it, and so must your own cohort if you want to run the book on it. This page is generated from the
# contract's code (`cartrepro.contract`), so it always says what the validator checks.
#
# ## General rules
#
# - **Files.** CSV, UTF-8 encoded (no byte-order mark needed), comma-separated, a header row with the
#   column names, then one row per entity (patient, or sample × analyte). Spreadsheets: save as
#   *CSV UTF-8 (comma delimited)*. Semicolon- or tab-separated files and Latin-1 / UTF-16 exports are
#   rejected with a message saying so.
# - **Columns** are matched by name, in any order. Columns the contract does not know are ignored (with a
#   warning); a column marked *optional* below may be left out, and then reads as all missing.
# - **Missing values** are empty cells. Texts such as `NA`, `n/a`, `null` or `-` are not read as missing:
#   they are reported, so that nothing is silently dropped. Spaces around a value are ignored.
# - **Booleans** are `true` or `false` (any capitalisation). **Categories** are lower-case snake_case,
#   exactly as listed below.
# - **Numbers** use a decimal point. Whole-number columns accept `12` and `12.0`, not `12.5`.
# - **Times** are whole days counted from the CAR-T infusion (day 0). No calendar dates, no names, no
#   hospital numbers: `patient_id` is an opaque text, unique within its table. It never appears on a page
#   of the book.
# - **Every problem is reported at once**, each naming the file, the line (as a spreadsheet numbers it: the
#   header is line 1), the patient, the column, the value found and what was expected. Errors stop a build;
#   warnings (e.g. a follow-up longer than 20 years) do not.

# %% tags=["parameters"]
data_dir = "data/reconstructed"  # cohort folder of this build: only its validation summary is shown

# %% tags=["hide-input"]
import base64
import html
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display

from cartrepro.contract import PAPERS, REQUIRED_TABLES, TABLES, columns, rules, table_spec, validate
from cartrepro.contract.templates import EXAMPLE_ZIP, TEMPLATE_ZIP, contract_tables, write_templates
from cartrepro.paths import resolve_data_dir

PAPER_TITLES = {"cd22": "P2 · CD22 CAR T cells (Pan et al., Leukemia 2019)", "car1922": "P1 · CAR19/22 T cells"}


def column_table(paper: str, table: str) -> pd.DataFrame:
    """One row per column of a contract table, in contract order, from its ColumnSpecs (cells as HTML)."""
    rows = []
    for c in columns(paper, table):
        name = f"<code>{html.escape(c.name)}</code>" + ("" if c.required else "<br><em>optional column</em>")
        if c.type == "category":
            kind = "category, or empty" if c.nullable else "category"
            allowed = "<br>".join(f"<code>{html.escape(a)}</code>" for a in c.allowed or ())
        else:
            kind, allowed = html.escape(c.type_label), ""
        rows.append({"column": name, "type": kind, "allowed values": allowed, "unit": html.escape(c.unit or ""),
                     "meaning": html.escape(c.description)})
    return pd.DataFrame(rows)


def html_table(frame: pd.DataFrame, escape: bool = True) -> HTML:
    """A plain HTML table (no Styler) that scrolls sideways on a narrow page instead of being cut off."""
    table = frame.to_html(index=False, escape=escape, classes="cartrepro-compare", border=0)
    return HTML(f'<div style="overflow-x: auto">{table}</div>')


def show_table(paper: str, table: str) -> None:
    spec = table_spec(paper, table)
    need = "required" if table in REQUIRED_TABLES.get(paper, ()) else "optional"
    display(HTML(f"<p><strong><code>{html.escape(spec.file)}</code></strong> ({need} when "
                 f"<code>{html.escape(paper)}/</code> is present): {html.escape(spec.description)}</p>"))
    display(html_table(column_table(paper, table), escape=False))
    listed = rules(paper, table)
    if listed:
        items = "".join(f"<li>{html.escape(text)}</li>" for text in listed)
        display(HTML(f"<p>Rules across columns of <code>{html.escape(spec.file)}</code>:</p><ul>{items}</ul>"))


def show_paper(paper: str) -> None:
    for p, table in contract_tables():
        if p == paper:
            show_table(p, table)


# %% [markdown]
# ## A cohort folder
#
# A cohort folder holds one folder per paper; either may be absent. A paper whose folder is absent is
# shown as *not run: no data*; a paper folder that is present must hold that paper's required tables.

# %% tags=["hide-input"]
layout = pd.DataFrame([
    {"folder": f"{paper}/", "paper": PAPER_TITLES.get(paper, paper), "file": f"{table}.csv",
     "in the folder": "required" if table in REQUIRED_TABLES.get(paper, ()) else "optional",
     "holds": table_spec(paper, table).description.split(" (")[0].rstrip(".")}
    for paper, table in contract_tables()
])
display(html_table(layout))
report = validate(resolve_data_dir(data_dir))
folders = ", ".join(f"`{p}/`" for p in report.papers) or "none"
display(Markdown(f"The data of this build: paper folders {folders}; {report.summary()}."))

# %% [markdown]
# ## P2 · CD22: folder `cd22/`

# %% tags=["hide-input"]
show_paper("cd22")

# %% [markdown]
# ## P1 · CAR19/22: folder `car1922/`

# %% tags=["hide-input"]
show_paper("car1922")
for other in (p for p in PAPERS if p not in ("cd22", "car1922")):  # a paper added to the contract later
    display(HTML(f"<p><strong>Folder <code>{html.escape(other)}/</code></strong></p>"))
    show_paper(other)
assert {paper for paper, _ in TABLES} <= set(PAPERS)

# %% [markdown]
# ## Templates and an example cohort
#
# The templates hold the header row of each table (every column, in contract order) and nothing else.
# The example cohort is small and **synthetic**: six CD22 patients taken from the shipped reconstructed
# cohort under new ids (`EX01` …) and six made-up CAR19/22 patients with a few cytokine samples. It passes
# `cartrepro validate`, so it shows what valid cells look like. Each zip unpacks into a cohort folder
# (`cd22/`, `car1922/`).

# %% tags=["hide-input"]
MIME = {".zip": "application/zip", ".csv": "text/csv;charset=utf-8"}


def download_link(path: Path, label: str) -> str:
    """An <a download> link carrying the file itself (a data: URI): the page needs no separate file."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<a download="{html.escape(path.name)}" href="data:{MIME[path.suffix]};base64,{data}">'
            f"{label}</a>")


with tempfile.TemporaryDirectory() as folder:
    files = write_templates(folder)
    items = []
    for zip_name, tree, what in ((TEMPLATE_ZIP, "templates", "empty templates"),
                                 (EXAMPLE_ZIP, "example", "example cohort")):
        singles = ", ".join(download_link(files[f"{tree}/{paper}/{table}.csv"], f"<code>{paper}/{table}.csv</code>")
                            for paper, table in contract_tables() if f"{tree}/{paper}/{table}.csv" in files)
        items.append(f"<li>{download_link(files[zip_name], f'<code>{zip_name}</code>')}: the {what} as a "
                     f"cohort folder; or one table at a time: {singles}</li>")
    display(HTML(f"<ul>{''.join(items)}</ul>"))

# %% [markdown]
# ## Checking your data
#
# `cartrepro validate` checks a cohort folder against the contract and runs nothing else. It lists every
# problem at once and exits with status 2 when there is an error (0 otherwise), so it can gate a script:
#
# ```
# .venv/bin/cartrepro validate /path/to/cohort
# ```
#
# A problem reads, for example (the example cohort with one relapse day typed as `4.5`):

# %% tags=["hide-input"]
with tempfile.TemporaryDirectory() as folder:
    example = Path(write_templates(folder)["example/cd22/patients.csv"])
    broken = pd.read_csv(example, dtype=str, keep_default_na=False)
    broken.loc[2, "relapse_day"] = "4.5"
    broken.to_csv(example, index=False)
    problem = validate(example.parents[1]).errors[0]
display(Markdown(f"```text\n{problem}\n```"))

# %% [markdown]
# The same check is available from Python: `cartrepro.contract.validate(folder)` returns the report, and
# `cartrepro.contract.load_cohort(folder)` returns the typed tables (or raises with the report).
#
# ## Building the book on your data
#
# `cartrepro build` validates the data first; if the data breaks the contract it stops before running any
# notebook, prints the report and leaves a previously built site untouched. Otherwise it runs every
# notebook on your cohort and renders the book into the output folder, with `results.json` and
# `scorecard.csv` beside it. On data other than the shipped cohorts the reproduced values are shown
# without verdicts (a "differs" would compare your patients with the paper's).
#
# ```
# .venv/bin/cartrepro build --data /path/to/cohort --out /path/to/output [--jobs N] [--param KEY=VALUE]
# make run DATA=/path/to/cohort OUT=/path/to/output
# ```
#
# One chapter can also be run on its own with papermill, which takes the cohort folder as the `data_dir`
# parameter (the text notebooks are converted first):
#
# ```
# .venv/bin/jupytext --to ipynb -o /tmp/fig4.ipynb notebooks/p2_fig4_long_term_outcome.py
# .venv/bin/papermill /tmp/fig4.ipynb /tmp/fig4-out.ipynb --cwd . -p data_dir /path/to/cohort
# ```
