"""``planning areas`` and ``planning rules``: the areas per cluster and district, the rule catalogue."""

from __future__ import annotations

import argparse

from planning.cli.exitcodes import SUCCESS
from planning.cli.options import Commands, add_output, add_plan_inputs, input_files
from planning.cli.terminal import binary_output, emit, load_plan_from, print_written
from planning.errors import UsageError
from planning.i18n import gettext


def add_areas_command(sub: Commands) -> None:
    """Add ``planning areas`` to the sub-commands."""
    p = sub.add_parser(
        "areas", help=gettext("per-cluster and per-district areas (geodesic and VN-2000)")
    )
    add_plan_inputs(p)
    add_output(p, ("text", "csv", "json", "xlsx"), "text")
    p.add_argument(
        "--by",
        choices=("cluster", "district", "both"),
        default=None,
        help=gettext("which table (default both; cluster for csv, which holds one table)"),
    )
    p.set_defaults(handler=_cmd_areas)


def add_rules_command(sub: Commands) -> None:
    """Add ``planning rules`` to the sub-commands."""
    p = sub.add_parser("rules", help=gettext("list the rules, or document one"))
    p.add_argument("code", nargs="?", help=gettext("a rule code, e.g. ARE001"))
    p.set_defaults(handler=_cmd_rules)


def _cmd_areas(args: argparse.Namespace) -> int:
    """Run ``planning areas``: print or write the area tables."""
    from planning.report.areas import area_tables

    by = args.by or ("cluster" if args.format == "csv" else "both")
    if args.format == "xlsx":
        binary_output(args)
    plan = load_plan_from(args)
    tables = area_tables(plan)
    wanted = ["clusters", "districts"] if by == "both" else [by + "s"]
    if args.format == "xlsx":
        from planning.report.excel import areas_workbook, write_workbook

        wb = areas_workbook(plan, tables=tables)
        for key in ("clusters", "districts"):
            if key not in wanted:
                del wb[key]
        path = write_workbook(wb, args.output, protect=input_files(args))
        print_written(path)
    elif args.format == "json":
        from planning.jsondata import json_text

        payload = {k: tables[k].to_dict(orient="records") for k in wanted}
        payload["notes"] = plan.notes()
        payload["attributions"] = plan.attributions()
        emit(json_text(payload), args)
    elif args.format == "csv":
        if len(wanted) > 1:
            raise UsageError(
                gettext("--format csv writes one table: add --by cluster or --by district")
            )
        from planning.report.excel import csv_text

        emit(csv_text(tables[wanted[0]]), args)
    else:
        from rich.console import Console

        from planning.report.terminal import print_tables

        if args.output:
            import io

            buf = io.StringIO()
            print_tables(tables, wanted, plan, Console(file=buf, width=120, no_color=True))
            emit(buf.getvalue(), args)
        else:
            print_tables(tables, wanted, plan, Console())
    return SUCCESS


def _cmd_rules(args: argparse.Namespace) -> int:
    """Run ``planning rules``: list the rules, or print one's documentation."""
    from planning.rules import REGISTRY, iter_rules

    if args.code:
        r = REGISTRY.get(args.code.upper())
        if r is None:
            raise UsageError(
                gettext("unknown rule {code!r}; `planning rules` lists them").format(code=args.code)
            )
        head = gettext("{code} ({severity}, family {family}): {title}").format(
            code=r.code, severity=gettext(r.severity), family=r.family, title=gettext(r.title)
        )
        print(f"{head}\n\n{r.doc}")
        return SUCCESS
    for r in iter_rules():
        print(f"{r.code}  {gettext(r.severity):<9}  {gettext(r.title)}")
    return SUCCESS
