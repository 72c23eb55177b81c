"""The entry point of the ``planning`` command: parse, set the language, run, map errors to exit codes.

A :class:`~planning.errors.PlanningError` becomes one line on stderr and
:data:`~planning.cli.exitcodes.USER_ERROR`; Ctrl-C :data:`~planning.cli.exitcodes.INTERRUPTED`;
a closed pipe (``planning rules | head``) is no error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from planning.cli.exitcodes import INTERRUPTED, SUCCESS, USER_ERROR
from planning.cli.parser import build_parser
from planning.cli.terminal import one_line_warnings, say
from planning.errors import LanguageError, PlanningError
from planning.i18n import (
    DOCUMENT_DEFAULT,
    Language,
    UnknownLanguageError,
    gettext,
    resolve_language,
    use_language,
)
from planning.settings import ENV_MIRROR

#: A command's handler: takes the parsed arguments, returns the exit code.
Handler = Callable[[argparse.Namespace], int]


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


def _language_of(argv: Sequence[str]) -> Language:
    """Return the language ``argv`` asks for, before parsing: its parser speaks it.

    ``--lang X`` or ``--lang=X`` anywhere before ``--``, else ``$PLANNING_LANG``, else the
    locale; a language the interface does not speak gives English here, and its error once
    the arguments are parsed (:func:`_language`).
    """
    lang = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    try:
        return resolve_language(lang)
    except UnknownLanguageError:
        return "en"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Parameters
    ----------
    argv
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        0 success, 1 a rule failed, 2 bad input or usage, 130 interrupted
        (:mod:`planning.cli.exitcodes`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    with use_language(_language_of(argv)):  # --help, usage and argparse's errors in it
        args = build_parser().parse_args(argv)
    if args.mirror:
        os.environ[ENV_MIRROR] = str(Path(args.mirror).expanduser())
    handler: Handler = args.handler
    one_line_warnings()
    try:
        lang = _language(args)
    except PlanningError as exc:
        say("error", exc)
        return USER_ERROR
    try:
        with use_language(lang):
            return handler(args)
    except PlanningError as exc:
        with use_language(lang):
            for line in exc.lines():  # several for a RowErrors: one per bad row
                say("error", line)
        return USER_ERROR
    except KeyboardInterrupt:
        print(gettext("planning: interrupted"), file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        return SUCCESS
