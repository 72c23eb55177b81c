"""Options that several commands share, and what they say about the plan's files.

The options naming a plan's layers and how to read them, the output format and file, the
language, the area tolerance; the ``load_plan`` options the parsed arguments give, and the
files a command read (which its output must never overwrite).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, TypeAlias

from planning.i18n import ENV_LANG, LANGUAGES
from planning.i18n import gettext as _

#: The sub-command parsers of ``planning`` (``parser.add_subparsers()``).
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_plan_inputs(p: argparse.ArgumentParser, *, crs_flag: str = "--crs") -> None:
    """Add the cluster files (none: the bundled catalogue) and the options reading them."""
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help=_(
            "cluster layers (GeoJSON, GeoPackage, Shapefile or .zip, GeoParquet, KML, CSV, Excel); "
            "the bundled Hanoi catalogue when none is given"
        ),
    )
    add_layer_options(p, crs_flag=crs_flag)


def add_layer_options(p: argparse.ArgumentParser, *, crs_flag: str = "--crs") -> None:
    """Options saying how to read a plan's layers (shared by every command that loads one)."""
    p.add_argument(
        "--manifest", metavar="TOML", help=_("plan manifest to use instead of the bundled one")
    )
    p.add_argument(
        "--districts", metavar="FILE", help=_("district layer instead of OCHA COD-AB 2020")
    )
    p.add_argument(
        "--zones", metavar="FILE", help=_("zones layer (e.g. a surveyed Hoa Lac polygon)")
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help=_("the files list only part of the plan: skip the count and total checks"),
    )
    p.add_argument(
        "--fix", action="store_true", help=_("repair invalid geometries (make_valid) and report it")
    )
    p.add_argument(
        crs_flag,
        dest="crs",
        metavar="CRS",
        help=_(
            "CRS of files that lack one or state a wrong one, e.g. EPSG:5897 (VN-2000 / TM-3 105°)"
        ),
    )
    p.add_argument(
        "--encoding",
        metavar="ENC",
        help=_("text encoding of DBF/CSV files: utf-8, cp1258, tcvn3, vni (default: detected)"),
    )
    p.add_argument(
        "--sheet",
        metavar="NAME|N",
        help=_(
            "sheet of Excel files, by name or number counting from 1 "
            "(default: the first sheet holding a cluster table)"
        ),
    )


def add_output(p: argparse.ArgumentParser, formats: Sequence[str], default: str) -> None:
    """Add ``--format`` (one of ``formats``) and ``-o FILE``."""
    p.add_argument(
        "--format",
        "-f",
        choices=formats,
        default=default,
        help=_("output format (default {default})").format(default=default),
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=_(
            "write to FILE (atomically; never over an input, a device or a link) "
            "instead of stdout; '-' is stdout"
        ),
    )


def add_lang(p: argparse.ArgumentParser, *, default: object) -> None:
    """Add ``--lang``, the language of the output."""
    p.add_argument(
        "--lang",
        metavar="LANG",
        default=default,
        help=_(
            "language of the output: {languages} (default ${env}, then the locale; maps and "
            "reports default to vi); JSON and CSV never change with it"
        ).format(languages=" | ".join(LANGUAGES), env=ENV_LANG),
    )


def tolerance_percent(text: str) -> float:
    """Return a ``--tolerance`` in percent (``5`` or ``5%``), from 0 up to 1000."""
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a percentage: {text!r}").format(text=text)
        ) from None
    if not 0 <= value < 1000:
        raise argparse.ArgumentTypeError(
            _("tolerance must be between 0 and 1000 %, got {text!r}").format(text=text)
        )
    return value


def plan_options(args: argparse.Namespace) -> dict[str, Any]:
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


def input_files(args: argparse.Namespace) -> list[str]:
    """Return the files a command read, which its output must never overwrite."""
    named = (getattr(args, k, None) for k in ("manifest", "districts", "zones"))
    return [*getattr(args, "files", []), *(x for x in named if x)]
