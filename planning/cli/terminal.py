"""What the commands print on the terminal: progress bars, messages, files written.

Progress bars are drawn with rich on stderr, only when it is a terminal (rich is not even
imported otherwise). Notes, warnings and errors are one ``planning: KIND: TEXT`` line each
on stderr, in the interface's language, control characters escaped. Text output goes to
stdout or, atomically, to ``-o FILE``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning.cli.options import input_files, plan_options
from planning.errors import UsageError, escape_text
from planning.i18n import N_, gettext, localize
from planning.outputs import STDOUT

if TYPE_CHECKING:
    from rich.console import Console

    from planning.model.plan import Plan
    from planning.partitioned import Progress


def load_plan_from(args: argparse.Namespace) -> Plan:
    """Load the plan the arguments name, drawing progress bars and printing reader notes."""
    from planning.model.plan import load_plan

    with progress_bars() as progress:
        plan = load_plan(*args.files, **plan_options(args), progress=progress)
    print_reader_notes(plan)
    return plan


@contextmanager
def progress_bars(console: Console | None = None) -> Iterator[Progress]:
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
        yield no_progress
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


def no_progress(stage: str, done: int, total: int) -> None:
    """Draw nothing (the progress callback when stderr is not a terminal)."""


def print_reader_notes(*plans: Plan) -> None:
    """Print what the reader decided about the user's files, one ``planning: note:`` line each.

    A note already printed as a warning is not repeated.
    """
    for plan in plans:
        for note in plan.reader_notes:
            if escape_text(localize(note)) not in PRINTED:
                say("note", note)


#: The messages already printed on stderr (by :func:`say`) in this run.
PRINTED: set[str] = set()


#: The kinds of line :func:`say` prints, translated when printed.
_KINDS = {"note": N_("note"), "warning": N_("warning"), "error": N_("error")}


def say(kind: str, text: object) -> None:
    """Print ``planning: KIND: TEXT`` on stderr as one line (control characters escaped)."""
    line = escape_text(localize(text))
    PRINTED.add(line)  # in the language shown, as print_reader_notes compares it
    print(f"planning: {gettext(_KINDS.get(kind, kind))}: {line}", file=sys.stderr)


def one_line_warnings() -> None:
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
            say("warning", message)
        else:
            say(f"warning ({category.__name__})", message)

    warnings.showwarning = show


def emit(text: str, args: argparse.Namespace) -> None:
    """Write ``text`` to ``-o FILE`` (atomically, saying so on stderr) or to stdout."""
    out = getattr(args, "output", None)
    if out and out != STDOUT:
        from planning.outputs import atomic_write

        atomic_write(out, text, protect=input_files(args))
        print(gettext("wrote {path}").format(path=escape_text(out)), file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def binary_output(args: argparse.Namespace) -> str:
    """Return ``-o FILE``, which a binary format needs (it is never written to a terminal)."""
    if not args.output or str(args.output) == "-":
        raise UsageError(
            gettext("--format {format} writes a binary file: add -o FILE (not '-')").format(
                format=args.format
            )
        )
    return str(args.output)


def print_written(path: Path, note: str = "") -> None:
    """Say on stderr which file was written and its size (MB), unless it was stdout."""
    if str(path) == STDOUT:
        return
    from planning.i18n import format_number

    size = format_number(path.stat().st_size / 1e6, digits=2)
    print(
        gettext("wrote {path} ({size} MB)").format(path=escape_text(path), size=size)
        + escape_text(note),
        file=sys.stderr,
    )
