"""The command line: ``planning check | areas | rules | map | report | diff | export``.

This module only parses arguments and calls the library. A :class:`~planning.errors.PlanningError`
(bad input, missing geodata, bad option) becomes one line on stderr and exit code 2, with
no traceback; ``check`` exits 1 when a rule fails and 0 otherwise. Heavy libraries are
imported only by the command that needs them, so ``planning --help`` starts instantly.

The modules: :mod:`~planning.cli.app` (the entry point :func:`main`: language, warnings,
exit codes), :mod:`~planning.cli.parser` (the parser of every command), one module per
group of commands (:mod:`~planning.cli.check`, :mod:`~planning.cli.tables` for ``areas``
and ``rules``, :mod:`~planning.cli.diff`, :mod:`~planning.cli.pages` for ``map`` and
``report``, :mod:`~planning.cli.export`), the options they share
(:mod:`~planning.cli.options`), what they print on the terminal
(:mod:`~planning.cli.terminal`) and the exit codes (:mod:`~planning.cli.exitcodes`).
"""

from planning.cli.app import main
from planning.cli.parser import build_parser

__all__ = ["build_parser", "main"]
