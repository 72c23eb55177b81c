"""The command line: ``planning check | areas | rules | map | report | diff | export``.

This module only parses arguments and calls the library. A :class:`~planning.errors.PlanningError`
(bad input, missing geodata, bad option) becomes one line on stderr and exit code 2, with
no traceback; ``check`` exits 1 when a rule fails and 0 otherwise. Heavy libraries are
imported only by the command that needs them, so ``planning --help`` starts instantly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from planning._version import __version__
from planning.errors import LanguageError, PlanningError, UsageError, escape_text
from planning.i18n import (
    DOCUMENT_DEFAULT,
    ENV_LANG,
    LANGUAGES,
    N_,
    Language,
    UnknownLanguageError,
    gettext,
    localize,
    resolve_language,
    use_language,
)
from planning.outputs import STDOUT
from planning.settings import DEFAULT_AREA_TOLERANCE_PCT, ENV_MIRROR

if TYPE_CHECKING:
    from rich.console import Console

    from planning.model.plan import Plan
    from planning.partitioned import Progress
    from planning.report.core import Report

Handler = Callable[[argparse.Namespace], int]
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _add_plan_inputs(p: argparse.ArgumentParser, *, crs_flag: str = "--crs") -> None:
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="cluster layers (GeoJSON, GeoPackage, Shapefile or .zip, GeoParquet, KML, CSV, Excel); "
        "the bundled Hanoi catalogue when none is given",
    )
    _add_layer_options(p, crs_flag=crs_flag)


def _add_layer_options(p: argparse.ArgumentParser, *, crs_flag: str = "--crs") -> None:
    """Options saying how to read a plan's layers (shared by every command that loads one)."""
    p.add_argument(
        "--manifest", metavar="TOML", help="plan manifest to use instead of the bundled one"
    )
    p.add_argument("--districts", metavar="FILE", help="district layer instead of OCHA COD-AB 2020")
    p.add_argument("--zones", metavar="FILE", help="zones layer (e.g. a surveyed Hoa Lac polygon)")
    p.add_argument(
        "--partial",
        action="store_true",
        help="the files list only part of the plan: skip the count and total checks",
    )
    p.add_argument(
        "--fix", action="store_true", help="repair invalid geometries (make_valid) and report it"
    )
    p.add_argument(
        crs_flag,
        dest="crs",
        metavar="CRS",
        help="CRS of files that lack one or state a wrong one, e.g. EPSG:5897 (VN-2000 / TM-3 105°)",
    )
    p.add_argument(
        "--encoding",
        metavar="ENC",
        help="text encoding of DBF/CSV files: utf-8, cp1258, tcvn3, vni (default: detected)",
    )
    p.add_argument(
        "--sheet",
        metavar="NAME|N",
        help="sheet of Excel files, by name or number counting from 1 "
        "(default: the first sheet holding a cluster table)",
    )


def _add_output(p: argparse.ArgumentParser, formats: Sequence[str], default: str) -> None:
    p.add_argument(
        "--format",
        "-f",
        choices=formats,
        default=default,
        help=f"output format (default {default})",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE (atomically; never over an input, a device or a link) "
        "instead of stdout; '-' is stdout",
    )


def _tolerance(text: str) -> float:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not 0 <= value < 1000:
        raise argparse.ArgumentTypeError(f"tolerance must be between 0 and 1000 %, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``planning`` command."""
    parser = argparse.ArgumentParser(
        prog="planning",
        description="Hanoi's industrial-cluster plan (Decision 1292/QĐ-UBND, 2018) as checked geodata.",
    )
    parser.add_argument("--version", action="version", version=f"planning {__version__}")
    _add_lang(parser, default=None)
    parser.add_argument(
        "--mirror",
        metavar="DIR",
        help=f"offline mirror of the upstream geodata files (or set ${ENV_MIRROR})",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for add in (
        _add_check_command,
        _add_areas_command,
        _add_rules_command,
        _add_diff_command,
        _add_map_command,
        _add_report_command,
        _add_export_command,
    ):
        add(sub)
    # `planning check --lang vi` as well as `planning --lang vi check`
    for command in sub.choices.values():
        _add_lang(command, default=argparse.SUPPRESS)
    return parser


def _add_check_command(sub: _Commands) -> None:
    p = sub.add_parser("check", help="run the consistency rules; exit 1 if one fails")
    _add_plan_inputs(p)
    _add_output(p, ("text", "json", "md", "xlsx"), "text")
    p.add_argument(
        "--tolerance",
        type=_tolerance,
        default=DEFAULT_AREA_TOLERANCE_PCT,
        metavar="PCT",
        help=f"declared vs measured area tolerance in %% (default {DEFAULT_AREA_TOLERANCE_PCT:g})",
    )
    p.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODE",
        help="run only rules starting with CODE",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="skip rules starting with CODE",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="also print information findings")
    p.add_argument(
        "--dask",
        action="store_true",
        help="check partitioned GeoParquet (files or directories) with dask-geopandas, "
        "partition by partition; same results (pip install 'hanoi-ccn-planning[dask]')",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --dask: a dask scheduler address (tcp://host:8786), or threads/processes; "
        "implies --dask",
    )
    p.set_defaults(handler=_cmd_check)


def _add_areas_command(sub: _Commands) -> None:
    p = sub.add_parser("areas", help="per-cluster and per-district areas (geodesic and VN-2000)")
    _add_plan_inputs(p)
    _add_output(p, ("text", "csv", "json", "xlsx"), "text")
    p.add_argument(
        "--by",
        choices=("cluster", "district", "both"),
        default=None,
        help="which table (default both; cluster for csv, which holds one table)",
    )
    p.set_defaults(handler=_cmd_areas)


def _add_rules_command(sub: _Commands) -> None:
    p = sub.add_parser("rules", help="list the rules, or document one")
    p.add_argument("code", nargs="?", help="a rule code, e.g. ARE001")
    p.set_defaults(handler=_cmd_rules)


def _add_diff_command(sub: _Commands) -> None:
    p = sub.add_parser(
        "diff", help="compare two versions of a plan (exit 0: a diff is not a failure)"
    )
    p.add_argument(
        "old",
        metavar="OLD",
        help="the old version: a cluster file, or 'bundled' for the bundled plan",
    )
    p.add_argument("new", metavar="NEW", help="the new version: a cluster file, or 'bundled'")
    _add_layer_options(p)
    _add_output(p, ("text", "json", "md"), "text")
    p.add_argument(
        "--move-tolerance",
        type=float,
        default=None,
        metavar="M",
        help="ignore moves under M metres (default 50)",
    )
    p.add_argument(
        "--resize-tolerance",
        type=float,
        default=None,
        metavar="HA",
        help="ignore declared-area changes under HA hectares (default 0.005)",
    )
    p.add_argument(
        "--match",
        choices=("id", "name", "auto"),
        default="auto",
        help="pair clusters by cluster_id, by name and district (without diacritics or the "
        "CCN prefix), or by id then name (default auto)",
    )
    p.set_defaults(handler=_cmd_diff)


def _add_map_command(sub: _Commands) -> None:
    p = sub.add_parser(
        "map", help="write a self-contained HTML map (works offline), or a printable PNG/PDF map"
    )
    _add_plan_inputs(p)
    _add_html_options(p, default_output="planning-map.html")
    p.add_argument(
        "--format",
        "-f",
        choices=("html", "png", "pdf"),
        default="html",
        help="html (interactive, default), or png/pdf: a static map for print (needs -o)",
    )
    p.add_argument(
        "--paper",
        choices=("A4", "A3"),
        default="A4",
        help="paper of the png/pdf map, landscape (default A4)",
    )
    p.add_argument(
        "--dpi",
        type=int,
        default=300,
        metavar="N",
        help="resolution of the png/pdf map in dots per inch (default 300)",
    )
    p.add_argument(
        "--diff",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="draw the changes from OLD to NEW (cluster files, or 'bundled') instead of one plan",
    )
    p.set_defaults(handler=_cmd_map)


def _add_report_command(sub: _Commands) -> None:
    p = sub.add_parser("report", help="write the check report as one self-contained HTML page")
    _add_plan_inputs(p)
    _add_html_options(p, default_output="planning-report.html")
    p.set_defaults(handler=_cmd_report)


def _add_export_command(sub: _Commands) -> None:
    p = sub.add_parser(
        "export",
        help="write the plan's layers as a styled GeoPackage for QGIS, or a zipped Shapefile set",
    )
    _add_plan_inputs(p, crs_flag="--input-crs")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="the .gpkg (or, with --format shp, .zip) file to write, atomically",
    )
    p.add_argument(
        "--format",
        "-f",
        choices=("gpkg", "shp"),
        default="gpkg",
        help="gpkg (GeoPackage 1.2 with QGIS styles, default) or shp (a .zip of Shapefiles)",
    )
    p.add_argument(
        "--crs",
        dest="output_crs",
        choices=("EPSG:4326", "EPSG:5897"),
        default="EPSG:4326",
        help="CRS of the layers written: WGS 84 (default) or VN-2000 / TM-3 zone 482",
    )
    p.add_argument(
        "--color-by",
        choices=("status", "category"),
        default="status",
        help="colour clusters by reported status or by plan category, as the web map does",
    )
    p.set_defaults(handler=_cmd_export)


def _add_lang(p: argparse.ArgumentParser, *, default: object) -> None:
    p.add_argument(
        "--lang",
        metavar="LANG",
        default=default,
        help=f"language of the output: {' or '.join(LANGUAGES)} (default ${ENV_LANG}, then the "
        "locale; maps and reports default to vi); JSON and CSV never change with it",
    )


def _add_html_options(p: argparse.ArgumentParser, *, default_output: str) -> None:
    p.set_defaults(html_default_output=default_output)
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help=f"file to write, atomically (default {default_output} for HTML); never an input, "
        "a device or a link; '-' writes an HTML page to stdout",
    )
    p.add_argument(
        "--tiles",
        choices=("none", "osm", "cartodb"),
        default="none",
        help="basemap tiles, the only network use (default none: the file works fully offline)",
    )
    p.add_argument(
        "--color-by",
        choices=("status", "category"),
        default="status",
        help="colour clusters by reported status or by plan category (default status)",
    )
    p.add_argument(
        "--tolerance",
        type=_tolerance,
        default=DEFAULT_AREA_TOLERANCE_PCT,
        metavar="PCT",
        help=f"declared vs measured area tolerance in %% for the findings (default {DEFAULT_AREA_TOLERANCE_PCT:g})",
    )


# -- commands -------------------------------------------------------------------------------------


def _plan_options(args: argparse.Namespace) -> dict[str, Any]:
    """Return the options of ``load_plan`` and ``load_version`` that the arguments give."""
    return {
        "manifest": args.manifest,
        "districts": args.districts,
        "zones": args.zones,
        "complete": False if args.partial else None,
        "mirror": args.mirror,
        "fix": args.fix,
        "crs": args.crs,
        "encoding": args.encoding,
        "sheet": args.sheet,
    }


def _load(args: argparse.Namespace) -> Plan:
    from planning.model.plan import load_plan

    with _progress_bars() as progress:
        plan = load_plan(*args.files, **_plan_options(args), progress=progress)
    _print_reader_notes(plan)
    return plan


@contextmanager
def _progress_bars(console: Console | None = None) -> Iterator[Progress]:
    """Yield a ``progress(stage, done, total)`` callback drawing rich progress bars on stderr.

    Nothing is drawn, and rich is not even imported, when stderr is not a terminal.

    Parameters
    ----------
    console
        Where to draw; stderr by default.

    Yields
    ------
    callable
        A progress callback for :func:`~planning.model.plan.load_plan` and
        :func:`~planning.partitioned.check_partitioned` (``total`` 0 when unknown).
    """
    if console is None and not sys.stderr.isatty():
        yield _no_progress
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    con = console or Console(stderr=True)
    bars = Bars(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=con,
        transient=True,
        disable=not con.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total or None)
        bars.update(tasks[stage], completed=done, total=total or None)

    with bars:
        yield update


def _no_progress(stage: str, done: int, total: int) -> None:
    """Draw nothing (the progress callback when stderr is not a terminal)."""


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
        raise UsageError("--dask needs GeoParquet files or directories of them to check")
    for opt in ("fix", "crs", "encoding"):
        if getattr(args, opt, None):
            raise UsageError(
                f"--{opt} is not supported with --dask: partitions are read as GeoParquet "
                "with planning's column names"
            )
    base = load_plan(
        manifest=args.manifest, districts=args.districts, zones=args.zones, mirror=args.mirror
    )
    with _progress_bars() as progress:
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


def _print_reader_notes(*plans: Plan) -> None:
    """Print what the reader decided about the user's files, one ``planning: note:`` line each.

    A note already printed as a warning is not repeated.
    """
    for plan in plans:
        for note in plan.reader_notes:
            if escape_text(note) not in _PRINTED:
                _say("note", note)


#: The messages already printed on stderr (by :func:`_say`) in this run.
_PRINTED: set[str] = set()


#: The kinds of line :func:`_say` prints, translated when printed.
_KINDS = {"note": N_("note"), "warning": N_("warning"), "error": N_("error")}


def _say(kind: str, text: object) -> None:
    """Print ``planning: KIND: TEXT`` on stderr as one line (control characters escaped)."""
    line = escape_text(localize(text))
    _PRINTED.add(escape_text(text))
    print(f"planning: {gettext(_KINDS.get(kind, kind))}: {line}", file=sys.stderr)


def _emit(text: str, args: argparse.Namespace) -> None:
    out = getattr(args, "output", None)
    if out and out != STDOUT:
        from planning.outputs import atomic_write

        atomic_write(out, text, protect=_inputs(args))
        print(gettext("wrote {path}").format(path=escape_text(out)), file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _binary_output(args: argparse.Namespace) -> str:
    """Return ``-o FILE``, which a binary format needs (it is never written to a terminal)."""
    if not args.output or str(args.output) == "-":
        raise UsageError(
            gettext("--format {format} writes a binary file: add -o FILE (not '-')").format(
                format=args.format
            )
        )
    return str(args.output)


def _cmd_check(args: argparse.Namespace) -> int:
    from planning.report.core import check

    partitioned = bool(args.dask or args.scheduler)
    if args.format == "xlsx":
        _binary_output(args)
        if partitioned:
            raise UsageError(gettext("--format xlsx needs the plan in memory: leave out --dask"))
    plan: Plan | None = None
    if partitioned:
        report = _check_partitioned(args)
    else:
        plan = _load(args)
        report = check(
            plan, tolerance_pct=args.tolerance, select=tuple(args.select), ignore=tuple(args.ignore)
        )
    _write_check_report(report, plan, args)
    return report.exit_code


def _write_check_report(report: Report, plan: Plan | None, args: argparse.Namespace) -> None:
    """Write ``report`` in ``--format`` to ``-o`` or stdout (rich text on a terminal)."""
    if args.format == "xlsx":
        assert plan is not None  # refused with --dask by _cmd_check
        from planning.report.excel import check_workbook, write_workbook

        path = write_workbook(check_workbook(plan, report), args.output, protect=_inputs(args))
        _print_written(path)
    elif args.format == "json":
        _emit(report.to_json(), args)
    elif args.format == "md":
        _emit(report.to_markdown(), args)
    elif args.output:
        _emit(report.to_text(verbose=args.verbose), args)
    else:
        from rich.console import Console

        report.print(Console(), verbose=args.verbose)


def _cmd_areas(args: argparse.Namespace) -> int:
    from planning.report.core import area_tables

    by = args.by or ("cluster" if args.format == "csv" else "both")
    if args.format == "xlsx":
        _binary_output(args)
    plan = _load(args)
    tables = area_tables(plan)
    wanted = ["clusters", "districts"] if by == "both" else [by + "s"]
    if args.format == "xlsx":
        from planning.report.excel import areas_workbook, write_workbook

        wb = areas_workbook(plan, tables=tables)
        for key in ("clusters", "districts"):
            if key not in wanted:
                del wb[key]
        path = write_workbook(wb, args.output, protect=_inputs(args))
        _print_written(path)
    elif args.format == "json":
        import json

        payload = {k: tables[k].to_dict(orient="records") for k in wanted}
        payload["notes"] = plan.notes()
        payload["attributions"] = plan.attributions()
        _emit(json.dumps(payload, ensure_ascii=False, indent=2, default=float), args)
    elif args.format == "csv":
        if len(wanted) > 1:
            raise UsageError(
                gettext("--format csv writes one table: add --by cluster or --by district")
            )
        from planning.report.excel import csv_text

        _emit(csv_text(tables[wanted[0]]), args)
    else:
        from rich.console import Console

        from planning.report.core import print_tables

        if args.output:
            import io

            buf = io.StringIO()
            print_tables(tables, wanted, plan, Console(file=buf, width=120, no_color=True))
            _emit(buf.getvalue(), args)
        else:
            print_tables(tables, wanted, plan, Console())
    return 0


def _cmd_rules(args: argparse.Namespace) -> int:
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
        return 0
    for r in iter_rules():
        print(f"{r.code}  {gettext(r.severity):<9}  {gettext(r.title)}")
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from planning.diff import BUNDLED, diff_plans, load_version

    args.files = [f for f in (args.old, args.new) if f != BUNDLED]  # protected from -o
    kwargs = _plan_options(args)
    old, new = load_version(args.old, **kwargs), load_version(args.new, **kwargs)
    _print_reader_notes(old, new)
    tolerances = {
        k: v
        for k, v in (
            ("move_tolerance_m", args.move_tolerance),
            ("resize_tolerance_ha", args.resize_tolerance),
        )
        if v is not None
    }
    d = diff_plans(old, new, match=args.match, **tolerances)
    from planning.report.diff_render import diff_markdown, diff_text, print_diff

    if args.format == "json":
        _emit(d.to_json(), args)
    elif args.format == "md":
        _emit(diff_markdown(d), args)
    elif args.output:
        _emit(diff_text(d), args)
    else:
        from rich.console import Console

        print_diff(d, Console())
    return 0


def _inputs(args: argparse.Namespace) -> list[str]:
    """Return the files a command read, which its output must never overwrite."""
    named = (getattr(args, k, None) for k in ("manifest", "districts", "zones"))
    return [*getattr(args, "files", []), *(x for x in named if x)]


def _write_checked_html(args: argparse.Namespace, write: Callable[..., Path]) -> int:
    """Load and check the plan, write the HTML page with ``write`` and say where it went."""
    from planning.report.core import check

    plan = _load(args)
    report = check(plan, tolerance_pct=args.tolerance)
    with use_language(args.document_lang):  # the page; messages stay in the interface's language
        path = write(
            plan,
            args.output,
            report=report,
            tiles=args.tiles,
            color_by=args.color_by,
            protect=_inputs(args),
            lang=args.document_lang,  # --lang before $PLANNING_LANG
        )
    _print_written(path)
    return 0


def _print_written(path: Path, note: str = "") -> None:
    if str(path) == STDOUT:
        return
    from planning.i18n import format_number

    size = format_number(path.stat().st_size / 1e6, digits=2)
    print(
        gettext("wrote {path} ({size} MB)").format(path=escape_text(path), size=size)
        + escape_text(note),
        file=sys.stderr,
    )


def _cmd_map(args: argparse.Namespace) -> int:
    from planning.maps.api import write_map

    if args.format != "html":
        return _cmd_map_print(args)
    args.output = args.output or args.html_default_output
    if args.diff:
        return _cmd_map_diff(args)
    return _write_checked_html(args, write_map)


def _cmd_map_print(args: argparse.Namespace) -> int:
    from planning.maps.printmap import write_static_map

    if args.diff:
        raise UsageError(gettext("--diff draws an HTML map: leave out --format png/pdf"))
    _binary_output(args)
    plan = _load(args)
    with use_language(args.document_lang):
        path = write_static_map(
            plan,
            args.output,
            fmt=args.format,
            dpi=args.dpi,
            paper=args.paper,
            color_by=args.color_by,
            protect=_inputs(args),
        )
    _print_written(path)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from planning.maps.geopackage import write_geopackage
    from planning.maps.shapefile import write_shapefile_zip

    plan = _load(args)
    write = write_geopackage if args.format == "gpkg" else write_shapefile_zip
    path = write(
        plan,
        args.output,
        crs=args.output_crs,
        color_by=args.color_by,
        protect=_inputs(args),
    )
    _print_written(path, f" in {args.output_crs}")
    return 0


def _cmd_map_diff(args: argparse.Namespace) -> int:
    from planning.diff import BUNDLED, diff_plans, load_version
    from planning.maps.api import write_diff_map

    if args.files:
        raise UsageError(gettext("give either FILE arguments or --diff OLD NEW, not both"))
    kwargs = _plan_options(args)
    old_spec, new_spec = args.diff
    old, new = load_version(old_spec, **kwargs), load_version(new_spec, **kwargs)
    _print_reader_notes(old, new)
    d = diff_plans(old, new, tolerance_pct=args.tolerance)
    protect = [*_inputs(args), *(s for s in args.diff if s != BUNDLED)]
    with use_language(args.document_lang):
        path = write_diff_map(
            d, new, args.output, old=old, tiles=args.tiles, protect=protect, lang=args.document_lang
        )
    _print_written(path, f": {d.summary()}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from planning.report.html import write_report

    args.output = args.output or args.html_default_output
    return _write_checked_html(args, write_report)


# -- entry point ------------------------------------------------------------------------------------


def _one_line_warnings() -> None:
    """Print the library's warnings as ``planning: warning: …`` lines, without source code."""
    import warnings

    from planning.errors import PlanningWarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        if issubclass(category, PlanningWarning):
            _say("warning", message)
        else:
            _say(f"warning ({category.__name__})", message)

    warnings.showwarning = show


def _language(args: argparse.Namespace) -> Language:
    """Return the language of this run's messages: ``--lang``, ``$PLANNING_LANG``, the locale.

    Also sets ``args.document_lang``, the language of the maps and reports it writes: the
    same, except that without ``--lang`` or ``$PLANNING_LANG`` they are in Vietnamese
    (:data:`~planning.i18n.DOCUMENT_DEFAULT`): they are handed on inside the department.
    """
    try:
        args.document_lang = resolve_language(args.lang, default=DOCUMENT_DEFAULT)
        return resolve_language(args.lang)
    except UnknownLanguageError as exc:
        raise LanguageError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 success, 1 a rule failed, 2 bad input or usage, 130 interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.mirror:
        os.environ[ENV_MIRROR] = str(Path(args.mirror).expanduser())
    handler: Handler = args.handler
    _one_line_warnings()
    try:
        lang = _language(args)
    except PlanningError as exc:
        _say("error", exc)
        return 2
    try:
        with use_language(lang):
            return handler(args)
    except PlanningError as exc:
        with use_language(lang):
            _say("error", exc)
        return 2
    except KeyboardInterrupt:
        print(gettext("planning: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
