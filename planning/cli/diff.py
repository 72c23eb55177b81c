"""``planning diff``: compare two versions of a plan (a diff is not a failure: exit 0)."""

from __future__ import annotations

import argparse

from planning.cli.exitcodes import SUCCESS
from planning.cli.options import Commands, add_layer_options, add_output, plan_options
from planning.cli.terminal import emit, print_reader_notes
from planning.i18n import gettext as _


def add_diff_command(sub: Commands) -> None:
    """Add ``planning diff`` to the sub-commands."""
    p = sub.add_parser(
        "diff", help=_("compare two versions of a plan (exit 0: a diff is not a failure)")
    )
    p.add_argument(
        "old",
        metavar="OLD",
        help=_("the old version: a cluster file, or 'bundled' for the bundled plan"),
    )
    p.add_argument("new", metavar="NEW", help=_("the new version: a cluster file, or 'bundled'"))
    add_layer_options(p)
    add_output(p, ("text", "json", "md"), "text")
    p.add_argument(
        "--move-tolerance",
        type=float,
        default=None,
        metavar="M",
        help=_("ignore moves under M metres (default 50)"),
    )
    p.add_argument(
        "--resize-tolerance",
        type=float,
        default=None,
        metavar="HA",
        help=_("ignore declared-area changes under HA hectares (default 0.005)"),
    )
    p.add_argument(
        "--match",
        choices=("id", "name", "auto"),
        default="auto",
        help=_(
            "pair clusters by cluster_id, by name and district (without diacritics or the "
            "CCN prefix), or by id then name (default auto)"
        ),
    )
    p.set_defaults(handler=_cmd_diff)


def _cmd_diff(args: argparse.Namespace) -> int:
    """Run ``planning diff``: print or write what changed from OLD to NEW."""
    from planning.diff import BUNDLED, diff_plans, load_version

    args.files = [f for f in (args.old, args.new) if f != BUNDLED]  # protected from -o
    kwargs = plan_options(args)
    old, new = load_version(args.old, **kwargs), load_version(args.new, **kwargs)
    print_reader_notes(old, new)
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
        emit(d.to_json(), args)
    elif args.format == "md":
        emit(diff_markdown(d), args)
    elif args.output:
        emit(diff_text(d), args)
    else:
        from rich.console import Console

        print_diff(d, Console())
    return SUCCESS
