"""The files a reader can download from the site, written into the book source before it is rendered.

:func:`write_downloads` is called by the build once the notebooks have run (``build/pipeline.py``). It writes
``<src>/book/_generated/site/downloads/`` (copied to ``html/downloads/`` by :mod:`cartrepro.pages.sphinx_site`):

- ``results.json`` and ``scorecard.csv``: the same bytes the build publishes beside the site;
- ``figures/<notebook>--<name>.png`` and ``.csv``: every figure of every page (the wide 2x rendition) and the
  data behind it, taken from the executed notebooks' figure outputs (:func:`cartrepro.figures.style.figure_html`),
  whose captions get the two download links;
- ``cohort/<paper>/<table>.csv``: the shipped reconstructed cohort, only for papers whose data in this build
  *is* the shipped cohort (a user's own patients are never copied into the site);
- ``templates/``: the contract's empty templates and the example cohort, each file under a distinct name
  (``cd22_patients_template.csv``, ``cd22_patients_example.csv``, ...), and the two zips.
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd

SITE_DIR = Path("book") / "_generated" / "site"
DOWNLOADS = "downloads"
_IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _figure_outputs(notebook: dict):
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            meta = output.get("metadata", {}).get("text/html", {})
            if isinstance(meta, dict) and "cartrepro" in meta and "text/html" in output.get("data", {}):
                yield output, meta["cartrepro"]


def _html_text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def extract_figures(notebook_path: Path, out_dir: Path,
                    link_prefix: str = "../downloads/figures") -> list[tuple[str, str]]:
    """Write each figure of an executed notebook as PNG + CSV into ``out_dir`` and add the two download links
    to its caption in the notebook (rewritten in place; the CSV text is dropped from the output metadata).

    Returns ``(file stem, caption)`` of the figures written, in page order.
    """
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    stem = notebook_path.stem
    written: list[tuple[str, str]] = []
    for output, meta in _figure_outputs(notebook):
        body = _html_text(output["data"]["text/html"])
        found = _IMG.search(body)
        if found is None:
            continue
        base = f"{stem}--{str(meta.get('figure') or 'figure')[:48].strip('-')}"
        name, k = base, 2
        while name in {w for w, _ in written}:
            name, k = f"{base}-{k}", k + 1
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{name}.png").write_bytes(base64.b64decode(found.group(1)))
        (out_dir / f"{name}.csv").write_text(meta.get("csv", ""), encoding="utf-8", newline="")
        links = (f' <span class="cr-downloads">Download: <a href="{link_prefix}/{html.escape(name)}.png" '
                 f'download>figure (PNG)</a> · <a href="{link_prefix}/{html.escape(name)}.csv" download>'
                 f"data behind it (CSV)</a></span>")
        output["data"]["text/html"] = body.replace("</figcaption>", links + "</figcaption>", 1)
        meta.pop("csv", None)
        written.append((name, str(meta.get("caption", ""))))
    notebook_path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return written


def write_downloads(src: Path, records: dict, card: pd.DataFrame, data_dir: Path, shipped_papers: set[str]) -> Path:
    """Write every download of the site below ``src/book/_generated/site/downloads`` (see the module text);
    returns that folder. ``records`` are the recorded values (``{id: Value}``), ``card`` the scorecard."""
    from cartrepro.contract.templates import download_name, write_templates

    root = Path(src) / SITE_DIR / DOWNLOADS
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / "results.json").write_text(
        json.dumps({k: v.to_json() for k, v in sorted(records.items())}, indent=2) + "\n", encoding="utf-8")
    card.to_csv(root / "scorecard.csv", index=False, lineterminator="\n")

    figures = {notebook.stem: extract_figures(notebook, root / "figures")
               for notebook in sorted((Path(src) / "notebooks").glob("*.ipynb"))}

    cohort: list[str] = []
    for paper in sorted(shipped_papers):
        folder = Path(data_dir) / paper
        for table in sorted(folder.glob("*.csv")):
            target = root / "cohort" / paper / table.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(table, target)
            cohort.append(f"cohort/{paper}/{table.name}")

    scratch = root / ".templates"
    files = write_templates(scratch)
    templates = root / "templates"
    templates.mkdir()
    for name, path in files.items():
        shutil.copyfile(path, templates / download_name(name))
    shutil.rmtree(scratch)
    write_at_a_glance(Path(src), card, root / "figures")
    listing = downloads_markdown(figures, cohort, sorted(p.name for p in templates.iterdir()))
    (Path(src) / SITE_DIR.parent / "downloads_list.md").write_text(listing, encoding="utf-8")
    return root


def _link(path: str, text: str = "", prefix: str = "../downloads") -> str:
    return f'<a href="{prefix}/{html.escape(path)}" download>{html.escape(text or path.rsplit("/", 1)[-1])}</a>'


def downloads_markdown(figures: dict[str, list[tuple[str, str]]], cohort: list[str], templates: list[str]) -> str:
    """The list of downloads shown on the "Rerun it" page (links relative to ``book/``)."""
    lines = [
        f"- **Numbers**: {_link('results.json')} (every computed number, unrounded) and "
        f"{_link('scorecard.csv')} (each published number: printed, computed, match, evidence, reason).",
    ]
    if cohort:
        shipped = ", ".join(_link(path, path.removeprefix("cohort/")) for path in cohort)
        lines.append(f"- **The shipped synthetic reconstruction** (not trial data): {shipped}.")
    else:
        lines.append("- **Cohort**: this build ran on data other than the shipped cohort, which is not copied "
                     "into the site.")
    lines.append("- **Templates and an example cohort** (one file per table, each under its own name): "
                 + ", ".join(_link(f"templates/{name}") for name in templates) + ".")
    lines.append("- **Figures**: each figure as a PNG and the data behind it as CSV (also linked under every "
                 "figure):")
    for stem, items in figures.items():
        for name, caption in items:
            title = caption.split(":", 1)[0].strip() or name
            lines.append(f"  - {html.escape(title)} ({stem.replace('_', ' ')}): {_link(f'figures/{name}.png', 'PNG')}"
                         f" · {_link(f'figures/{name}.csv', 'CSV')}")
    return "\n".join(lines) + "\n"


def notebook_pages(notebooks_dir: Path) -> dict[str, tuple[str, str]]:
    """Ledger id -> (notebook stem, page title) of the paper-chapter page that recorded it, read from the
    executed notebooks (their recorded and not-computable ids), so it costs no computation."""
    from cartrepro.ledger.record import read_records

    pages = {}
    for notebook in sorted(Path(notebooks_dir).glob("p[12]_*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        heading = next((line[2:] for c in cells if c.get("cell_type") == "markdown"
                        for line in _html_text(c.get("source", "")).splitlines() if line.startswith("# ")),
                       notebook.stem)
        recorded, declared = read_records(notebook)
        for ledger_id in [*recorded, *declared]:
            pages.setdefault(ledger_id, (notebook.stem, heading.strip()))
    return pages


def glance_groups(notebooks_dir: Path) -> dict[str, str]:
    """Ledger id -> a short row label for the at-a-glance figure: the paper and the page that recorded the
    number ("P2 Figure 4", "P1 Table 1": the first part of the page title; see :func:`notebook_pages`)."""
    groups = {}
    for ledger_id, (stem, heading) in notebook_pages(notebooks_dir).items():
        title = heading.split(" · ")[0].strip()
        groups[ledger_id] = f"{stem[:2].upper()} {title if len(title) <= 24 else title[:23] + '…'}"
    return groups


def write_at_a_glance(src: Path, card: pd.DataFrame, figures_dir: Path) -> None:
    """``book/_generated/at_a_glance.md``: the at-a-glance figure of the scorecard as a raw-HTML block, with
    its PNG and data downloads (links relative to ``book/``); include it with ``{include}``."""
    import matplotlib.pyplot as plt

    from cartrepro.figures.glance import at_a_glance
    from cartrepro.figures.style import figure_html

    fig = at_a_glance(card, glance_groups(src / "notebooks"))
    body, meta = figure_html(fig, mark=False)
    plt.close(fig)
    figures_dir.mkdir(parents=True, exist_ok=True)
    name = "scorecard--at-a-glance"
    found = _IMG.search(body)
    (figures_dir / f"{name}.png").write_bytes(base64.b64decode(found.group(1)))
    (figures_dir / f"{name}.csv").write_text(meta["cartrepro"]["csv"], encoding="utf-8", newline="")
    links = (f' <span class="cr-downloads">Download: <a href="../downloads/figures/{name}.png" download>figure '
             f'(PNG)</a> · <a href="../downloads/figures/{name}.csv" download>data behind it (CSV)</a></span>')
    body = body.replace("</figcaption>", links + "</figcaption>", 1)
    (src / SITE_DIR.parent / "at_a_glance.md").write_text(f"```{{raw}} html\n{body}\n```\n", encoding="utf-8")
