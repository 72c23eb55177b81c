"""The argument parser of the ``planning`` command: global options and every sub-command."""

from __future__ import annotations

import argparse

from planning._version import __version__
from planning.cli.argparse_text import install
from planning.cli.check import add_check_command
from planning.cli.diff import add_diff_command
from planning.cli.export import add_export_command
from planning.cli.options import add_lang
from planning.cli.pages import add_map_command, add_report_command
from planning.cli.tables import add_areas_command, add_rules_command
from planning.i18n import gettext as _
from planning.settings import ENV_MIRROR


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``planning`` command.

    Its help texts, and argparse's own words (:mod:`planning.cli.argparse_text`), are in the
    language in force when it is built (:func:`planning.i18n.use_language`).
    """
    install()
    parser = argparse.ArgumentParser(
        prog="planning",
        description=_(
            "Hanoi's industrial-cluster plan (Decision 1292/QĐ-UBND, 2018) as checked geodata."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"planning {__version__}",
        help=_("show program's version number and exit"),
    )
    add_lang(parser, default=None)
    parser.add_argument(
        "--mirror",
        metavar="DIR",
        help=_("offline mirror of the upstream geodata files (or set ${env})").format(
            env=ENV_MIRROR
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for add in (
        add_check_command,
        add_areas_command,
        add_rules_command,
        add_diff_command,
        add_map_command,
        add_report_command,
        add_export_command,
    ):
        add(sub)
    # `planning check --lang vi` as well as `planning --lang vi check`
    for command in sub.choices.values():
        add_lang(command, default=argparse.SUPPRESS)
    return parser
