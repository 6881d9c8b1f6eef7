"""Command line: ``cartrepro build | results | validate``.

Exit status: 0 done; 1 the build or the data failed (message says which), or another build holds the
output folder; 2 a usage error, including a ``--param`` that names no declared parameter or whose value
does not fit (checked before anything runs); 130/143 interrupted by SIGINT/SIGTERM (previous site kept).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cartrepro.paths import REPO_ROOT, SHIPPED_DATA_DIR

PARAM_HELP = ("set an analysis parameter, checked before anything runs: NOTEBOOK.NAME=VALUE (one page), "
              "PAPER.NAME=VALUE (cd22 or car1922: every page of that paper declaring NAME) or NAME=VALUE "
              "(every page declaring NAME, only when they share its default); repeatable")


def _add_data_and_params(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=SHIPPED_DATA_DIR,
                        help="cohort folder holding cd22/ and/or car1922/ (default: the shipped reconstructed cohorts)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help=PARAM_HELP)


def _resolve_params(assignments: list[str]) -> dict[str, dict[str, object]] | None:
    """Scoped, typed parameters; None (after one line on stderr) when one is bad."""
    if not assignments:
        return {}
    from cartrepro.analysis.pages import all_pages
    from cartrepro.build.params import ParamError, resolve

    try:
        return resolve(assignments, all_pages())
    except ParamError as exc:
        print(f"cartrepro: error: {exc}", file=sys.stderr)
        return None


def _validated(data: Path):
    """The contract report of ``data`` (problems printed by the caller)."""
    from cartrepro.contract import ContractError, validate

    try:
        return validate(data)
    except ContractError as exc:  # the data path is not an existing folder
        return exc.report


def _results(data: Path, params: dict, out: Path | None) -> int:
    from cartrepro.build.fresh import lighter_imports

    lighter_imports()  # this process shows no SciPy docstring either (see the function; ~0.35 s of CPU)
    from cartrepro.build.results import compute_results, unregistered_notebooks, write_atomically
    from cartrepro.contract import ContractError, validate_and_load

    try:
        report, loaded = validate_and_load(data)  # read and checked once, analysed from memory
    except ContractError as exc:  # the data path is not an existing folder
        report, loaded = exc.report, {}
    if not report.ok:
        print("error: the data does not meet the contract:\n" + report.format(), file=sys.stderr)
        return 1
    missing = unregistered_notebooks()
    if missing:
        print(f"note: {len(missing)} notebook(s) record numbers without a registered analysis page, their numbers "
              f"are not in this output: {', '.join(missing)}", file=sys.stderr)
    text = compute_results(data, params, loaded)
    if out is None:
        sys.stdout.write(text)
    else:
        write_atomically(out, text)
        print(f"results: {out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartrepro", description="Reproduce the CAR-T papers from cohort data.")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="validate, execute every notebook, score and render the book")
    _add_data_and_params(b)
    b.add_argument("--out", type=Path, default=REPO_ROOT / "_build", help="output folder (default: _build/)")
    b.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: all cores)")

    r = sub.add_parser("results", help="every number of every paper in one process (no kernels, no rendering), "
                                       "as the book's results.json")
    _add_data_and_params(r)
    r.add_argument("--out", type=Path, default=None, help="JSON file to write (default: standard output)")

    v = sub.add_parser("validate", help="check a cohort folder against the data contract; runs nothing")
    v.add_argument("data", type=Path)

    args = parser.parse_args(argv)
    if args.command == "validate":
        report = _validated(args.data)
        print(report.format())
        return 0 if report.ok else 2

    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    params = _resolve_params(args.param)
    if params is None:
        return 2
    if args.command == "results":
        return _results(args.data, params, args.out)

    from cartrepro.build.pipeline import BuildError, BuildInterrupted, build

    try:
        build(args.data, args.out, args.jobs, params)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BuildInterrupted as exc:
        print(f"cartrepro build: {exc}", file=sys.stderr)
        return exc.exit_status
    return 0


if __name__ == "__main__":
    sys.exit(main())
