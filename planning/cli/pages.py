"""``planning map`` and ``planning report``: self-contained HTML pages, printable PNG/PDF maps.

The pages are in the document language (Vietnamese unless ``--lang`` or
``$PLANNING_LANG`` says otherwise); the messages on the terminal stay in the interface's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from planning.cli.exitcodes import SUCCESS
from planning.cli.options import (
    Commands,
    add_plan_inputs,
    input_files,
    plan_options,
    tolerance_percent,
)
from planning.cli.terminal import binary_output, load_plan_from, print_reader_notes, print_written
from planning.errors import UsageError
from planning.i18n import gettext, use_language
from planning.settings import DEFAULT_AREA_TOLERANCE_PCT


def add_map_command(sub: Commands) -> None:
    """Add ``planning map`` to the sub-commands."""
    p = sub.add_parser(
        "map",
        help=gettext("write a self-contained HTML map (works offline), or a printable PNG/PDF map"),
    )
    add_plan_inputs(p)
    _add_html_options(p, default_output="planning-map.html")
    p.add_argument(
        "--format",
        "-f",
        choices=("html", "png", "pdf"),
        default="html",
        help=gettext("html (interactive, default), or png/pdf: a static map for print (needs -o)"),
    )
    p.add_argument(
        "--paper",
        choices=("A4", "A3"),
        default="A4",
        help=gettext("paper of the png/pdf map, landscape (default A4)"),
    )
    p.add_argument(
        "--dpi",
        type=int,
        default=300,
        metavar="N",
        help=gettext("resolution of the png/pdf map in dots per inch (default 300)"),
    )
    p.add_argument(
        "--diff",
        nargs=2,
        metavar=("OLD", "NEW"),
        help=gettext(
            "draw the changes from OLD to NEW (cluster files, or 'bundled') instead of one plan"
        ),
    )
    p.set_defaults(handler=_cmd_map)


def add_report_command(sub: Commands) -> None:
    """Add ``planning report`` to the sub-commands."""
    p = sub.add_parser(
        "report", help=gettext("write the check report as one self-contained HTML page")
    )
    add_plan_inputs(p)
    _add_html_options(p, default_output="planning-report.html")
    p.set_defaults(handler=_cmd_report)


def _add_html_options(p: argparse.ArgumentParser, *, default_output: str) -> None:
    p.set_defaults(html_default_output=default_output)
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help=gettext(
            "file to write, atomically (default {default} for HTML); never an input, a device "
            "or a link; '-' writes an HTML page to stdout"
        ).format(default=default_output),
    )
    p.add_argument(
        "--tiles",
        choices=("none", "osm", "cartodb"),
        default="none",
        help=gettext(
            "basemap tiles, the only network use (default none: the file works fully offline)"
        ),
    )
    p.add_argument(
        "--color-by",
        choices=("status", "category"),
        default="status",
        help=gettext("colour clusters by reported status or by plan category (default status)"),
    )
    p.add_argument(
        "--tolerance",
        type=tolerance_percent,
        default=DEFAULT_AREA_TOLERANCE_PCT,
        metavar="PCT",
        help=gettext(
            "declared vs measured area tolerance in %% for the findings (default {tolerance:g})"
        ).format(tolerance=DEFAULT_AREA_TOLERANCE_PCT),
    )


def _cmd_map(args: argparse.Namespace) -> int:
    """Run ``planning map``: an HTML map of the plan or of a diff, or a print map."""
    from planning.maps.api import write_map

    if args.format != "html":
        return _cmd_map_print(args)
    args.output = args.output or args.html_default_output
    if args.diff:
        return _cmd_map_diff(args)
    return _write_checked_html(args, write_map)


def _cmd_map_print(args: argparse.Namespace) -> int:
    """Write the static PNG/PDF map (``--format png|pdf``, needs ``-o``)."""
    from planning.maps.printmap import write_static_map

    if args.diff:
        raise UsageError(gettext("--diff draws an HTML map: leave out --format png/pdf"))
    binary_output(args)
    plan = load_plan_from(args)
    with use_language(args.document_lang):
        path = write_static_map(
            plan,
            args.output,
            fmt=args.format,
            dpi=args.dpi,
            paper=args.paper,
            color_by=args.color_by,
            protect=input_files(args),
        )
    print_written(path)
    return SUCCESS


def _cmd_map_diff(args: argparse.Namespace) -> int:
    """Write the HTML map of the changes from OLD to NEW (``--diff OLD NEW``)."""
    from planning.diff import BUNDLED, diff_plans, load_version
    from planning.maps.api import write_diff_map

    if args.files:
        raise UsageError(gettext("give either FILE arguments or --diff OLD NEW, not both"))
    kwargs = plan_options(args)
    old_spec, new_spec = args.diff
    old, new = load_version(old_spec, **kwargs), load_version(new_spec, **kwargs)
    print_reader_notes(old, new)
    d = diff_plans(old, new, tolerance_pct=args.tolerance)
    protect = [*input_files(args), *(s for s in args.diff if s != BUNDLED)]
    with use_language(args.document_lang):
        path = write_diff_map(
            d, new, args.output, old=old, tiles=args.tiles, protect=protect, lang=args.document_lang
        )
    print_written(path, f": {d.summary()}")
    return SUCCESS


def _cmd_report(args: argparse.Namespace) -> int:
    """Run ``planning report``: the check report as one HTML page."""
    from planning.report.html import write_report

    args.output = args.output or args.html_default_output
    return _write_checked_html(args, write_report)


def _write_checked_html(args: argparse.Namespace, write: Callable[..., Path]) -> int:
    """Load and check the plan, write the HTML page with ``write`` and say where it went."""
    from planning.report.core import check

    plan = load_plan_from(args)
    report = check(plan, tolerance_pct=args.tolerance)
    with use_language(args.document_lang):  # the page; messages stay in the interface's language
        path = write(
            plan,
            args.output,
            report=report,
            tiles=args.tiles,
            color_by=args.color_by,
            protect=input_files(args),
            lang=args.document_lang,  # --lang before $PLANNING_LANG
        )
    print_written(path)
    return SUCCESS
