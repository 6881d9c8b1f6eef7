"""What the text pins down: an ensemble of admissible reconstructions and the range of every number over it.

The shipped cohorts are one draw of each generator (:mod:`cartrepro.reconstruct`) from a fixed seed. Every
generator raises :class:`~cartrepro.reconstruct.framework.ReconstructionError` unless its cohort meets every
published constraint, so any seed it accepts gives an *admissible* cohort: one the paper's text cannot tell
from the shipped one. Running the whole analysis (:func:`cartrepro.analysis.pages.compute_all`) on many
admissible cohorts and taking, for every recorded quantity, its range across them separates what the text
determines (zero width) from what is one choice among many (a wide range).

The seeds enter as ``generate(seed)`` of each generator; P1's cytokine generator runs on the patient table
of the same seed. One *task* is (paper, seed): generate the cohort into a folder of its own, run the
analysis in-process, return the plain values. Tasks run with joblib (:func:`run_ensemble`); the same code
runs on a Dask cluster through joblib's Dask backend (``backend="dask"`` inside a
``distributed.Client``; see :func:`run_ensemble`).

The precomputed table is ``data/review/ensemble.csv`` (``make ensemble``), versioned by
:data:`ENSEMBLE_VERSION` and stamped with the seeds it used, so the book never waits for it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from cartrepro.paths import DATA_DIR

ENSEMBLE_VERSION = "2"  # 2: a cohort breaking the data contract is a rejected seed; rejections in the stamp
ENSEMBLE_CSV = DATA_DIR / "review" / "ensemble.csv"
PAPERS = ("cd22", "car1922")
TARGET_SEEDS = 50  # seeds per paper the issue asks for (make ensemble's default)
COLUMNS = ["id", "paper", "n_cohorts", "min", "max", "width", "shipped", "determined"]


def _not_admissible() -> tuple[type[Exception], ...]:
    from cartrepro.contract.problems import ContractError
    from cartrepro.reconstruct.framework import ReconstructionError

    return ReconstructionError, ContractError


_NOT_ADMISSIBLE = _not_admissible()


def _reason(exc: Exception) -> str:
    """The rejection message: the generator's constraint miss, or the contract error it wrote."""
    kind = "data contract" if type(exc).__name__ == "ContractError" else "constraints"
    return f"{kind}: {exc}"


def generate_cohort(paper: str, seed: int, out_dir: Path) -> Path:
    """Write one admissible cohort of ``paper`` generated from ``seed`` below ``out_dir``; returns ``out_dir``.

    Raises ReconstructionError when this seed gives no cohort meeting every constraint, and ContractError
    when the generated table breaks the data contract (found for cd22 seed 15: a relapse day after the last
    follow-up day); both mean the seed gives no admissible cohort.
    """
    from cartrepro.reconstruct import car1922, car1922_cytokines, cd22

    out_dir = Path(out_dir)
    if paper == "cd22":
        cd22.write(out_dir, seed=seed)
    elif paper == "car1922":
        car1922.write(out_dir, seed=seed)
        car1922_cytokines.write(out_dir, seed=seed)
    else:
        raise ValueError(f"unknown paper {paper!r}: expected one of {PAPERS}")
    return out_dir


def numbers_of(results) -> dict[str, list[float]]:
    """The numeric values (and CI bounds) of a :class:`~cartrepro.analysis.results.Results`, flattened.

    A scalar id ``x`` gives ``x``; a CI adds ``x__ci_low`` and ``x__ci_high``; a list gives ``x[0]``,
    ``x[1]``, ...; texts and not-computable outcomes are left out (they have no range).
    """
    out: dict[str, float] = {}
    for ledger_id, outcome in results.values().items():
        value = outcome.value
        if isinstance(value, int | float):
            out[ledger_id] = float(value)
        elif isinstance(value, list) and all(isinstance(v, int | float) for v in value):
            out.update({f"{ledger_id}[{i}]": float(v) for i, v in enumerate(value)})
        if outcome.ci is not None:
            out[ledger_id + "__ci_low"], out[ledger_id + "__ci_high"] = map(float, outcome.ci)
    return out


def run_task(paper: str, seed: int, cohort_root: str | Path | None = None) -> dict:
    """One ensemble member: generate (or reuse) the cohort of (paper, seed), analyse it, return its numbers.

    Returns ``{"paper", "seed", "admissible", "reason", "seconds", "numbers"}``. A seed whose cohort misses a
    constraint is returned as not admissible with the generator's message (never raised), so one bad seed
    does not stop an ensemble. With ``cohort_root`` the cohort is kept in ``cohort_root/<paper>-<seed>``
    and reused by the next run; without it, it lives in a temporary folder.
    """
    from cartrepro.analysis.pages import compute_all

    started = time.monotonic()
    temporary = cohort_root is None
    root = Path(tempfile.mkdtemp(prefix="cr-ens-")) if temporary else Path(cohort_root) / f"{paper}-{seed}"
    done = root / paper / ".admissible"
    try:
        if (root / "rejected.txt").exists():  # a cached rejection (--generate-only)
            return {"paper": paper, "seed": seed, "admissible": False, "reason": (root / "rejected.txt").read_text(),
                    "seconds": time.monotonic() - started, "numbers": {}}
        if not done.exists():
            try:
                generate_cohort(paper, seed, root)
            except _NOT_ADMISSIBLE as exc:
                return {"paper": paper, "seed": seed, "admissible": False, "reason": _reason(exc),
                        "seconds": time.monotonic() - started, "numbers": {}}
            done.write_text("every constraint met\n")
        cached = root / "numbers.json"
        digest = _code_digest()
        if not temporary and cached.exists():
            stored = json.loads(cached.read_text(encoding="utf-8"))
            if stored.get("code") == digest:
                return {"paper": paper, "seed": seed, "admissible": True, "reason": "",
                        "seconds": time.monotonic() - started, "numbers": stored["numbers"]}
        numbers = numbers_of(compute_all(root, papers=(paper,)))
        if not temporary:  # reused by the next run while the analysis code is unchanged
            cached.write_text(json.dumps({"code": digest, "numbers": numbers}), encoding="utf-8")
        return {"paper": paper, "seed": seed, "admissible": True, "reason": "",
                "seconds": time.monotonic() - started, "numbers": numbers}
    finally:
        if temporary:
            shutil.rmtree(root, ignore_errors=True)


def run_ensemble(seeds: Sequence[int], papers: Iterable[str] = PAPERS, *, n_jobs: int = 1,
                 backend: str | None = None, cohort_root: str | Path | None = None) -> list[dict]:
    """Every (paper, seed) task through joblib; results in (paper, seed) order whatever the backend.

    ``backend=None`` is joblib's default (loky processes); ``backend="dask"`` sends the same tasks to the
    Dask cluster of the active ``distributed.Client``::

        from dask.distributed import Client, LocalCluster
        with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
            members = run_ensemble(range(1, 51), n_jobs=-1, backend="dask")
    """
    from joblib import Parallel, delayed, parallel_config

    tasks = [(paper, int(seed)) for paper in papers for seed in seeds]
    with parallel_config(backend=backend, n_jobs=n_jobs) if backend else parallel_config(n_jobs=n_jobs):
        members = Parallel()(delayed(run_task)(paper, seed, None if cohort_root is None else str(cohort_root))
                             for paper, seed in tasks)
    return sorted(members, key=lambda m: (m["paper"], m["seed"]))


def summarise(members: Sequence[dict], shipped: dict[str, float] | None = None, *, tolerance: float = 1e-9
              ) -> pd.DataFrame:
    """For every quantity: over how many admissible cohorts it was computed, its min, max and width, the
    shipped cohort's value, and ``determined`` (width <= ``tolerance`` relative to the magnitude)."""
    shipped = shipped or {}
    values: dict[tuple[str, str], list[float]] = {}
    for member in members:
        if member["admissible"]:
            for key, x in member["numbers"].items():
                values.setdefault((key, member["paper"]), []).append(x)
    rows = []
    for (key, paper), xs in sorted(values.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        lo, hi = float(np.min(xs)), float(np.max(xs))
        scale = max(1.0, abs(lo), abs(hi))
        rows.append({"id": key, "paper": paper, "n_cohorts": len(xs), "min": lo, "max": hi, "width": hi - lo,
                     "shipped": shipped.get(key, np.nan), "determined": (hi - lo) <= tolerance * scale})
    return pd.DataFrame(rows, columns=COLUMNS)


def header(members: Sequence[dict], seconds: float) -> dict:
    """The table's stamp: version, seeds tried and accepted per paper, time."""
    stamp: dict = {"ensemble_version": ENSEMBLE_VERSION, "wall_seconds": round(seconds, 1),
                   "code_digest": _code_digest()}
    for paper in sorted({m["paper"] for m in members}):
        mine = [m for m in members if m["paper"] == paper]
        stamp[paper] = {"seeds_tried": [m["seed"] for m in mine],
                        "admissible": [m["seed"] for m in mine if m["admissible"]],
                        "rejected": {str(m["seed"]): _first_line(m.get("reason", "")) for m in mine
                                     if not m["admissible"]}}
    return stamp


def _first_line(reason: str) -> str:
    lines = [line.strip() for line in str(reason).splitlines() if line.strip()]
    # the contract's header names the generator's temporary folder: not part of the reason (and not stable)
    lines = [line.split(": Data contract check of ")[0] + ":" if ": Data contract check of " in line else line
             for line in lines]
    problem = next((line for line in lines if line.startswith("- ")), None)  # a contract error's first problem
    return (lines[0] if lines else "") + (f" {problem}" if problem else "")


def write_table(table: pd.DataFrame, stamp: dict, path: Path = ENSEMBLE_CSV) -> Path:
    """The CSV (floats with 12 significant digits, so reruns give the same bytes) and its JSON stamp beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n", float_format="%.12g")
    path.with_suffix(".json").write_text(json.dumps(stamp, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_table(path: Path = ENSEMBLE_CSV) -> tuple[pd.DataFrame, dict] | None:
    """The committed table and its stamp; None when ``make ensemble`` has not been run."""
    path = Path(path)
    if not path.exists():
        return None
    stamp = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return pd.read_csv(path), stamp


def main(argv: list[str] | None = None) -> int:
    """``python -m cartrepro.analysis.review.ensemble --seeds 8 [--jobs 2] [--cohorts DIR] [--out CSV]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cartrepro.analysis.review.ensemble",
                                     description="Build the ensemble table of admissible reconstructions.")
    parser.add_argument("--seeds", type=int, default=50, help="seeds 1..N per paper (default 50)")
    parser.add_argument("--papers", nargs="+", default=list(PAPERS))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--backend", default=None, help="joblib backend (default loky; 'dask' needs a Client)")
    parser.add_argument("--cohorts", type=Path, default=None, help="keep generated cohorts here (reused)")
    parser.add_argument("--generate-only", action="store_true", help="only generate the cohorts (needs --cohorts)")
    parser.add_argument("--cached-only", action="store_true",
                        help="use only the cohorts already generated in --cohorts (seeds not yet generated are "
                             "left out of the table and of its stamp)")
    parser.add_argument("--out", type=Path, default=ENSEMBLE_CSV)
    args = parser.parse_args(argv)
    seeds = range(1, args.seeds + 1)
    started = time.monotonic()
    if args.cached_only:
        if args.cohorts is None:
            parser.error("--cached-only needs --cohorts")
        ready = {(p, s) for p in args.papers for s in seeds if (args.cohorts / f"{p}-{s}" / p / ".admissible").exists()
                 or (args.cohorts / f"{p}-{s}" / "rejected.txt").exists()}
        members = [run_task(p, s, args.cohorts) for p, s in sorted(ready)]
        return _write(members, args, started)
    if args.generate_only:
        from joblib import Parallel, delayed

        Parallel(n_jobs=args.jobs)(delayed(_generate_only)(p, s, args.cohorts) for p in args.papers for s in seeds)
        return 0
    members = run_ensemble(seeds, args.papers, n_jobs=args.jobs, backend=args.backend, cohort_root=args.cohorts)
    return _write(members, args, started)


def _write(members: list[dict], args, started: float) -> int:
    members = sorted(members, key=lambda m: (m["paper"], m["seed"]))
    table = summarise(members, _shipped_numbers(args.papers))
    stamp = header(members, time.monotonic() - started)
    stamp["member_seconds"] = {p: round(float(np.median([m["seconds"] for m in members if m["paper"] == p])), 1)
                               for p in args.papers if any(m["paper"] == p for m in members)}
    stamp["timing_note"] = ("wall_seconds and member_seconds time this run only: cohorts already generated and "
                            "numbers already computed (cached in the cohort folders) are reused, not remade"
                            + ("; this run used only cached cohorts (--cached-only)" if args.cached_only else ""))
    path = write_table(table, stamp, args.out)
    accepted = {p: sum(m["admissible"] for m in members if m["paper"] == p) for p in args.papers}
    print(f"wrote {path}: {len(table)} quantities; admissible cohorts {accepted}")
    return 0


def _code_digest() -> str:
    """Digest of what a member's numbers depend on: the package source (this file aside: it only runs the
    tasks), the ledgers and the review registry. Cached member numbers are reused only while it holds."""
    import hashlib

    from cartrepro.paths import PUBLISHED_DIR, SRC_DIR

    digest = hashlib.sha256(ENSEMBLE_VERSION.encode())
    files = [p for p in sorted(SRC_DIR.rglob("*.py")) if p != Path(__file__).resolve()]
    files += [*sorted(PUBLISHED_DIR.glob("*.yaml")), DATA_DIR / "review" / "registry.yaml"]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _generate_only(paper: str, seed: int, cohort_root: Path) -> None:
    root = Path(cohort_root) / f"{paper}-{seed}"
    done = root / paper / ".admissible"
    if done.exists():
        return
    try:
        generate_cohort(paper, seed, root)
        done.write_text("every constraint met\n")
    except _NOT_ADMISSIBLE as exc:
        root.mkdir(parents=True, exist_ok=True)
        (root / "rejected.txt").write_text(_reason(exc) + "\n")


def _shipped_numbers(papers: Iterable[str]) -> dict[str, float]:
    from cartrepro.analysis.pages import compute_all
    from cartrepro.paths import SHIPPED_DATA_DIR

    return numbers_of(compute_all(SHIPPED_DATA_DIR, papers=tuple(papers)))


if __name__ == "__main__":
    raise SystemExit(main())


def overview(path: Path = ENSEMBLE_CSV) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """For the book: (a sentence on what the committed table holds, counts per paper, the widest ranges of
    published quantities, the ranges of the review chapter's own quantities).

    Works without the table (``make ensemble`` not run): the sentence says so and the frames are empty.
    """
    found = read_table(path)
    if found is None:
        return ("No ensemble table is committed yet: run `make ensemble`.", pd.DataFrame(), pd.DataFrame(),
                pd.DataFrame())
    table, stamp = found
    seeds = {p: len(stamp[p]["admissible"]) for p in PAPERS if p in stamp}
    tried = {p: len(stamp[p]["seeds_tried"]) for p in PAPERS if p in stamp}
    sentence = (f"Ensemble table version {stamp['ensemble_version']}: "
                + "; ".join(f"{p}: {seeds[p]} admissible cohorts of {tried[p]} seeds tried" for p in seeds) + ".")
    rejected = {p: stamp[p].get("rejected", {}) for p in seeds}
    if any(rejected.values()):
        sentence += " Seeds without an admissible cohort (none found, or generation not finished): " + "; ".join(
            f"{p} {', '.join(sorted(r, key=int))}" for p, r in rejected.items() if r) + " (reasons in ensemble.json)."
    if any(n < TARGET_SEEDS for n in seeds.values()):
        sentence += (f" **A smaller table than intended** (the aim is {TARGET_SEEDS} admissible cohorts per paper; "
                     "this table is what the time given to it produced): a zero width here means only that these "
                     "cohorts agree; ranges may widen with more seeds. `make ensemble SEEDS=70` extends it "
                     "(cohorts already generated are reused).")
    counts = (table.groupby("paper")["determined"].agg(quantities="size", determined="sum").reset_index())
    counts["not determined"] = counts["quantities"] - counts["determined"]
    review = table[table["id"].str.startswith("review_")].reset_index(drop=True)
    table = table[~table["id"].str.startswith("review_")]
    widest = (table[~table["determined"]].assign(rel=lambda f: f["width"] / f[["min", "max"]].abs().max(axis=1)
                                                 .clip(lower=1e-12))
              .sort_values(["paper", "rel"], ascending=[True, False]).groupby("paper").head(15)
              .drop(columns="rel").reset_index(drop=True))
    return sentence, counts, widest, review
