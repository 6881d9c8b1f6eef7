"""Where the project's own files are, and how a cohort folder is identified.

The package is used from a clone of the repository (src layout, installed editable), so the repository
root is two levels above this file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_ROOT / "data"
PUBLISHED_DIR = DATA_DIR / "published"
SHIPPED_DATA_DIR = DATA_DIR / "reconstructed"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
SRC_DIR = REPO_ROOT / "src" / "cartrepro"

#: notebook file prefix -> the paper folder of the data contract it reads
PAPER_OF_PREFIX = {"p1": "car1922", "p2": "cd22"}

#: the environment variable through which a build tells the notebooks it runs which paper folders it validated:
#: the path of the JSON file of :func:`write_validated` (read by ``contract.load_paper``)
VALIDATED_ENV = "CARTREPRO_VALIDATED"

#: the environment variable through which a build lets its kernels share one computation of
#: ``cartrepro.methods.chapter.ledger_pages``: the path of the JSON file the first kernel to need it writes
LEDGER_PAGES_ENV = "CARTREPRO_LEDGER_PAGES"


def write_validated(path: Path, data_dir: str | Path, record: dict[str, dict]) -> None:
    """Write ``record`` (``contract.core.validated_record`` of ``data_dir``) to ``path``, keyed by each paper
    folder's resolved path, for ``load_paper`` in a process whose :data:`VALIDATED_ENV` names ``path``.

    Here, not in the contract, so the build writes it without importing pandas (a rebuild with nothing changed
    imports no heavy library)."""
    import json

    folders = {str((Path(data_dir) / paper).resolve()): entry for paper, entry in record.items()}
    path.write_text(json.dumps(folders, indent=1, sort_keys=True))


def resolve_data_dir(data_dir: str | Path) -> Path:
    """A data folder given relative to the repository root (the notebooks' default) or absolute."""
    path = Path(data_dir).expanduser()
    if not path.is_absolute():
        path = REPO_ROOT / path if not path.exists() else path.resolve()
    return path


def folder_digest(folder: Path) -> str:
    """SHA-256 over the relative paths and bytes of every file below ``folder`` (sorted, so stable)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def csv_digest(folder: Path) -> str:
    """Digest of the contract tables (``*.csv``) of a paper folder, ignoring provenance and other files."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def is_shipped_cohort(data_dir: str | Path, paper: str) -> bool:
    """True when ``data_dir/paper`` holds exactly the tables of the shipped reconstructed cohort.

    Verdicts against the published values are only given for the shipped cohorts: on anyone else's data a
    "differs" would be meaningless. Compared by content, not by path, so an edited copy is not mistaken
    for the shipped data.
    """
    folder = resolve_data_dir(data_dir) / paper
    shipped = SHIPPED_DATA_DIR / paper
    if not folder.is_dir() or not shipped.is_dir():
        return False
    return csv_digest(folder) == csv_digest(shipped)


#: paper -> whether the folder last loaded for it (through the data contract) was the shipped cohort
_LOADED: dict[str, bool] = {}


def note_loaded(data_dir: str | Path, paper: str) -> None:
    """Remember, for this process, whether the paper folder just loaded is the shipped cohort (the figures'
    "synthetic reconstruction" mark follows it; see :mod:`cartrepro.figures.style`)."""
    _LOADED[paper] = is_shipped_cohort(data_dir, paper)


def loaded_papers() -> dict[str, bool]:
    """``{paper: is the shipped cohort}`` for every paper folder loaded in this process so far."""
    return dict(_LOADED)
