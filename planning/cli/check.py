"""``planning check``: run the consistency rules on a plan, in memory or partitioned (dask).

Exits 1 when a rule fails (:data:`~planning.cli.exitcodes.RULE_FAILED`), 0 otherwise.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from planning.cli.options import (
    Commands,
    add_output,
    add_plan_inputs,
    input_files,
    tolerance_percent,
)
from planning.cli.terminal import (
    binary_output,
    emit,
    load_plan_from,
    print_written,
    progress_bars,
)
from planning.errors import UsageError
from planning.i18n import gettext
from planning.settings import DEFAULT_AREA_TOLERANCE_PCT

if TYPE_CHECKING:
    from planning.model.plan import Plan
    from planning.report.core import Report


def add_check_command(sub: Commands) -> None:
    """Add ``planning check`` to the sub-commands."""
    p = sub.add_parser("check", help=gettext("run the consistency rules; exit 1 if one fails"))
    add_plan_inputs(p)
    add_output(p, ("text", "json", "md", "xlsx"), "text")
    p.add_argument(
        "--tolerance",
        type=tolerance_percent,
        default=DEFAULT_AREA_TOLERANCE_PCT,
        metavar="PCT",
        help=gettext("declared vs measured area tolerance in %% (default {tolerance:g})").format(
            tolerance=DEFAULT_AREA_TOLERANCE_PCT
        ),
    )
    p.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODE",
        help=gettext("run only rules starting with CODE"),
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help=gettext("skip rules starting with CODE"),
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help=gettext("also print information findings")
    )
    p.add_argument(
        "--dask",
        action="store_true",
        help=gettext(
            "check partitioned GeoParquet (files or directories) with dask-geopandas, "
            "partition by partition; same results (pip install 'hanoi-ccn-planning[dask]')"
        ),
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=gettext(
            "with --dask: a dask scheduler address (tcp://host:8786), or threads/processes; "
            "implies --dask"
        ),
    )
    p.set_defaults(handler=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    """Run ``planning check``; return 1 when a rule fails, else 0."""
    from planning.report.core import check

    partitioned = bool(args.dask or args.scheduler)
    if args.format == "xlsx":
        binary_output(args)
        if partitioned:
            raise UsageError(gettext("--format xlsx needs the plan in memory: leave out --dask"))
    plan: Plan | None = None
    if partitioned:
        report = _check_partitioned(args)
    else:
        plan = load_plan_from(args)
        report = check(
            plan, tolerance_pct=args.tolerance, select=tuple(args.select), ignore=tuple(args.ignore)
        )
    _write_check_report(report, plan, args)
    return report.exit_code


def _check_partitioned(args: argparse.Namespace) -> Report:
    """Run ``planning check --dask`` / ``--scheduler ADDRESS``: the partitioned check.

    Raises
    ------
    UsageError
        Without GeoParquet inputs, or with options the partitioned path does not take.
    """
    from planning.model.plan import load_plan
    from planning.partitioned import check_partitioned

    files = list(args.files or [])
    if not files:
        raise UsageError(gettext("--dask needs GeoParquet files or directories of them to check"))
    for opt in ("fix", "crs", "encoding"):
        if getattr(args, opt, None):
            raise UsageError(
                gettext(
                    "--{option} is not supported with --dask: partitions are read as GeoParquet "
                    "with planning's column names"
                ).format(option=opt)
            )
    base = load_plan(
        manifest=args.manifest, districts=args.districts, zones=args.zones, mirror=args.mirror
    )
    with progress_bars() as progress:
        return check_partitioned(
            files[0] if len(files) == 1 else files,
            scheduler=args.scheduler,
            tolerance_pct=args.tolerance,
            select=tuple(args.select),
            ignore=tuple(args.ignore),
            base=base,
            complete=not args.partial,
            progress=progress,
        )


def _write_check_report(report: Report, plan: Plan | None, args: argparse.Namespace) -> None:
    """Write ``report`` in ``--format`` to ``-o`` or stdout (rich text on a terminal)."""
    if args.format == "xlsx":
        assert plan is not None  # refused with --dask by _cmd_check
        from planning.report.excel import check_workbook, write_workbook

        path = write_workbook(check_workbook(plan, report), args.output, protect=input_files(args))
        print_written(path)
    elif args.format == "json":
        emit(report.to_json(), args)
    elif args.format == "md":
        emit(report.to_markdown(), args)
    elif args.output:
        emit(report.to_text(verbose=args.verbose), args)
    else:
        from rich.console import Console

        report.print(Console(), verbose=args.verbose)
