"""The page "The data contract", generated from the contract's code (:mod:`cartrepro.contract`).

``notebooks/data_contract.py`` is a view over these functions: each returns what one notebook cell shows
(tables with ``attrs["scroll"]``, raw HTML, Markdown sentences) for :func:`cartrepro.pages.display.show_all`,
so the page always says what the validator checks.
"""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from cartrepro.contract import PAPERS, REQUIRED_TABLES, TABLES, columns, rules, table_spec, validate
from cartrepro.contract.templates import EXAMPLE_ZIP, TEMPLATE_ZIP, contract_tables, download_name, write_templates
from cartrepro.paths import resolve_data_dir

__all__ = ["PAPER_TITLES", "downloads", "example_problem", "layout", "other_papers", "paper_tables",
           "validation_summary"]

PAPER_TITLES = {"cd22": "P2 · CD22 CAR T cells (Pan et al., Leukemia 2019)", "car1922": "P1 · CAR19/22 T cells"}
MIME = {".zip": "application/zip", ".csv": "text/csv;charset=utf-8"}


def _scrolling(frame: pd.DataFrame, *, escape: bool = True) -> pd.DataFrame:
    """The frame marked to be shown as a comparison table that scrolls sideways on a narrow page."""
    frame.attrs.update(scroll=True, escape=escape)
    return frame


def _need(paper: str, table: str) -> str:
    return "required" if table in REQUIRED_TABLES.get(paper, ()) else "optional"


def layout() -> pd.DataFrame:
    """One row per table of a cohort folder: folder, paper, file, required or optional, what it holds."""
    return _scrolling(pd.DataFrame([
        {"folder": f"{paper}/", "paper": PAPER_TITLES.get(paper, paper), "file": f"{table}.csv",
         "in the folder": _need(paper, table),
         "holds": table_spec(paper, table).description.split(" (")[0].rstrip(".")}
        for paper, table in contract_tables()
    ]))


def validation_summary(data_dir) -> str:
    """One sentence: the paper folders of this build's data and its validation summary."""
    report = validate(resolve_data_dir(data_dir))
    folders = ", ".join(f"`{p}/`" for p in report.papers) or "none"
    return f"The data of this build: paper folders {folders}; {report.summary()}."


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
    return _scrolling(pd.DataFrame(rows), escape=False)


def table_section(paper: str, table: str) -> list:
    """One contract table: its file and purpose, its columns, and the rules across its columns."""
    spec = table_spec(paper, table)
    items: list = [HTML(f"<p><strong><code>{html.escape(spec.file)}</code></strong> ({_need(paper, table)} when "
                        f"<code>{html.escape(paper)}/</code> is present): {html.escape(spec.description)}</p>"),
                   column_table(paper, table)]
    listed = rules(paper, table)
    if listed:
        entries = "".join(f"<li>{html.escape(text)}</li>" for text in listed)
        items.append(HTML(f"<p>Rules across columns of <code>{html.escape(spec.file)}</code>:</p><ul>{entries}</ul>"))
    return items


def paper_tables(paper: str) -> list:
    """Every contract table of one paper folder, in contract order."""
    return [table_section(p, table) for p, table in contract_tables() if p == paper]


def other_papers(shown: tuple[str, ...] = ("cd22", "car1922")) -> list:
    """The folders of papers added to the contract after this page was written, each with its tables."""
    if not {paper for paper, _ in TABLES} <= set(PAPERS):
        raise ValueError("a contract table belongs to no paper of cartrepro.contract.PAPERS")
    return [[HTML(f"<p><strong>Folder <code>{html.escape(other)}/</code></strong></p>"), paper_tables(other)]
            for other in PAPERS if other not in shown]


def _download_link(path: Path, label: str, name: str) -> str:
    """An <a download> link carrying the file itself (a data: URI), saved under a name of its own
    (:func:`cartrepro.contract.templates.download_name`: not ``patients.csv`` for every table)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<a download="{html.escape(download_name(name))}" href="data:{MIME[path.suffix]};base64,{data}">'
            f"{label}</a>")


def downloads() -> HTML:
    """The templates and the example cohort, as zips and one table at a time, embedded in the page."""
    with tempfile.TemporaryDirectory() as folder:
        files = write_templates(folder)
        items = []
        for zip_name, tree, what in ((TEMPLATE_ZIP, "templates", "empty templates"),
                                     (EXAMPLE_ZIP, "example", "example cohort")):
            singles = ", ".join(_download_link(files[f"{tree}/{paper}/{table}.csv"],
                                               f"<code>{paper}/{table}.csv</code>", f"{tree}/{paper}/{table}.csv")
                                for paper, table in contract_tables() if f"{tree}/{paper}/{table}.csv" in files)
            whole = _download_link(files[zip_name], f"<code>{zip_name}</code>", zip_name)
            items.append(f"<li>{whole}: the {what} as a cohort folder; or one table at a time: {singles}</li>")
    return HTML(f"<ul>{''.join(items)}</ul>")


def example_problem(row: int = 2, column: str = "relapse_day", value: str = "4.5") -> str:
    """The first problem the validator reports for the example cohort with one cell broken, as a text block."""
    with tempfile.TemporaryDirectory() as folder:
        example = Path(write_templates(folder)["example/cd22/patients.csv"])
        broken = pd.read_csv(example, dtype=str, keep_default_na=False)
        broken.loc[row, column] = value
        broken.to_csv(example, index=False)
        problem = validate(example.parents[1]).errors[0]
    return f"```text\n{problem}\n```"
