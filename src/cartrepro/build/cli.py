"""Command line: ``cartrepro build | validate | scorecard``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cartrepro.paths import REPO_ROOT, SHIPPED_DATA_DIR


def _parse_param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--param takes KEY=VALUE, got {text!r}")
    key, raw = text.split("=", 1)
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cartrepro", description="Reproduce the CAR-T papers from cohort data.")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="validate, execute every notebook, score and render the book")
    b.add_argument("--data", type=Path, default=SHIPPED_DATA_DIR,
                   help="cohort folder holding cd22/ and/or car1922/ (default: the shipped reconstructed cohorts)")
    b.add_argument("--out", type=Path, default=REPO_ROOT / "_build", help="output folder (default: _build/)")
    b.add_argument("--jobs", type=int, default=None, help="notebooks executed at once (default: all cores)")
    b.add_argument("--param", type=_parse_param, action="append", default=[], metavar="KEY=VALUE",
                   help="inject an analysis parameter into every notebook (JSON value; a notebook that does "
                        "not use it ignores it)")

    v = sub.add_parser("validate", help="check a cohort folder against the data contract; runs nothing")
    v.add_argument("data", type=Path)

    args = parser.parse_args(argv)
    if args.command == "validate":
        from cartrepro.contract import ContractError, validate

        try:
            report = validate(args.data)
        except ContractError as exc:  # the data path is not an existing folder
            report = exc.report
        print(report.format())
        return 0 if report.ok else 2

    from cartrepro.build.pipeline import BuildError, build

    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        build(args.data, args.out, args.jobs, dict(args.param))
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
