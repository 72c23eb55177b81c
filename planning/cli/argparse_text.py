"""argparse's own words (``usage:``, ``options``, its errors) in the language of the command line.

The standard library's :mod:`argparse` writes its headings, its help for ``-h`` and its
error messages through :func:`gettext.gettext` (its module-level ``_`` and ``ngettext``).
:func:`install` points those two names at functions that look each text up in the project's
catalogue in the language in force (:func:`planning.i18n.use_language`) and fall back to the
standard library's own lookup for any text the catalogue does not hold, and in English. So
nothing changes for other users of argparse unless they run inside a Vietnamese
``use_language`` block.

The texts are those of argparse in Python 3.11 to 3.13; :data:`ARGPARSE_TEXTS` marks them for
extraction, so that ``planning.po`` carries their translations.
"""

from __future__ import annotations

import argparse
import gettext as _stdlib_gettext

from planning.i18n import N_, current_language, translations

__all__ = ["ARGPARSE_TEXTS", "install"]

#: argparse's texts (as its source writes them), translated in ``planning.po``.
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def _gettext(text: str) -> str:
    lang = current_language()
    if lang != "en":
        found = translations(lang).gettext(text)
        if found != text:
            return found
    return _stdlib_gettext.gettext(text)


def _ngettext(singular: str, plural: str, n: int) -> str:
    lang = current_language()
    if lang != "en":
        found = translations(lang).ngettext(singular, plural, n)
        if found not in (singular, plural):
            return found
    return _stdlib_gettext.ngettext(singular, plural, n)


def install() -> None:
    """Make argparse's texts follow the language in force (idempotent).

    Headings and ``-h``'s help are fixed when a parser is built, so build it inside
    :func:`planning.i18n.use_language`; errors and usage lines follow the language in force
    when they are printed.
    """
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
