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

# %% [markdown]
# The tables of this page are built by `cartrepro.pages.contract` from the contract itself
# (`cartrepro.contract`: one specification per table and column), and the summary below validates the
# cohort folder of this build.

# %% tags=["hide-input"]
from cartrepro.pages import contract as page
from cartrepro.pages.display import show_all

# %% [markdown]
# ## A cohort folder
#
# A cohort folder holds one folder per paper; either may be absent. A paper whose folder is absent is
# shown as *not run: no data*; a paper folder that is present must hold that paper's required tables.

# %% tags=["hide-input"]
show_all(page.layout(), page.validation_summary(data_dir))

# %% [markdown]
# ## P2 · CD22: folder `cd22/`

# %% tags=["hide-input"]
show_all(page.paper_tables("cd22"))

# %% [markdown]
# ## P1 · CAR19/22: folder `car1922/`

# %% tags=["hide-input"]
show_all(page.paper_tables("car1922"), page.other_papers())

# %% [markdown]
# ## Templates and an example cohort
#
# The templates hold the header row of each table (every column, in contract order) and nothing else.
# The example cohort is small and **synthetic**: six CD22 patients taken from the shipped reconstructed
# cohort under new ids (`EX01` …) and six made-up CAR19/22 patients with a few cytokine samples. It passes
# `cartrepro validate`, so it shows what valid cells look like. Each zip unpacks into a cohort folder
# (`cd22/`, `car1922/`).

# %% tags=["hide-input"]
show_all(page.downloads())

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
show_all(page.example_problem(row=2, column="relapse_day", value="4.5"))

# %% [markdown]
# The same check is available from Python: `cartrepro.contract.validate(folder)` returns the report, and
# `cartrepro.contract.load_cohort(folder)` returns the typed tables (or raises with the report).
#
# ## Building the book on your data
#
# `cartrepro build` validates the data first; if the data breaks the contract it stops before running any
# notebook, prints the report and leaves a previously built site untouched. Otherwise it runs every
# notebook on your cohort and renders the book into the output folder, with `results.json` and
# `scorecard.csv` beside it. On data other than the shipped cohorts every number is compared with the
# paper's printed value (`match`: matches, differs, ...) and the pages name the data as yours; the
# `evidence` column, which says what a match on the synthetic reconstruction can show, stays empty.
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
