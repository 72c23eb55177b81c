"""Languages: Vietnamese and English through gettext catalogues.

Every user-facing string is written in English in the code and translated through the
gettext catalogue ``planning/locale/<lang>/LC_MESSAGES/planning.po`` (compiled to ``.mo``
when the package is built). Rule codes, JSON keys and CSV/Excel machine columns never
change with the language.

The language in force is a context variable, so a library call can render one report in
Vietnamese and the next in English without global state::

    from planning.i18n import _, use_language

    with use_language("vi"):
        print(_("Declared area"))   # "Diện tích quy hoạch"

Maps and reports default to Vietnamese (:data:`DOCUMENT_DEFAULT`): they are handed on inside
the Department of Industry and Trade. The command line follows ``--lang``, then
``$PLANNING_LANG``, then the locale (:func:`resolve_language`).
"""

from __future__ import annotations

import gettext as _gettext
import locale
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Literal

Language = Literal["vi", "en"]

#: The languages the interface speaks.
LANGUAGES: tuple[Language, ...] = ("vi", "en")
#: The language of maps and reports when none is asked for.
DOCUMENT_DEFAULT: Language = "vi"
#: The environment variable that chooses the language.
ENV_LANG = "PLANNING_LANG"
#: The gettext domain.
DOMAIN = "planning"

_current: ContextVar[Language] = ContextVar("planning_language", default="en")


def resolve_language(lang: str | None = None, *, default: Language | None = None) -> Language:
    """Return the language to use: ``lang``, else ``$PLANNING_LANG``, else ``default``, else the locale.

    Parameters
    ----------
    lang
        ``"vi"`` or ``"en"`` (case-insensitive; ``"vi_VN.UTF-8"`` style values are accepted).
    default
        The language when neither ``lang`` nor the environment names one; maps and reports pass
        :data:`DOCUMENT_DEFAULT`. When None, the locale decides (Vietnamese for a ``vi`` locale,
        English otherwise).

    Raises
    ------
    planning.errors.UsageError
        If ``lang`` or ``$PLANNING_LANG`` names a language the interface does not speak.
    """
    for value, where in ((lang, "--lang"), (os.environ.get(ENV_LANG), f"${ENV_LANG}")):
        if value:
            code = value.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
            if code not in LANGUAGES:
                from planning.errors import UsageError

                raise UsageError(f"{where}: unknown language {value!r}; use one of: vi, en")
            return code  # type: ignore[return-value,unused-ignore]
    if default is not None:
        return default
    loc = (locale.getlocale(locale.LC_MESSAGES)[0] if hasattr(locale, "LC_MESSAGES") else None) or (
        os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    )
    return "vi" if loc.lower().startswith("vi") else "en"


def current_language() -> Language:
    """Return the language in force in this context."""
    return _current.get()


@contextmanager
def use_language(lang: str | None) -> Iterator[Language]:
    """Make ``lang`` (resolved by :func:`resolve_language`) the language of this context."""
    code = resolve_language(lang, default=_current.get()) if lang else _current.get()
    token = _current.set(code)
    try:
        yield code
    finally:
        _current.reset(token)


@cache
def translations(lang: Language) -> _gettext.NullTranslations:
    """Return the gettext catalogue of ``lang`` (English is the source language: no catalogue)."""
    if lang == "en":
        return _gettext.NullTranslations()
    folder = resources.files("planning") / "locale" / lang / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as fp:
            return _gettext.GNUTranslations(fp)
    po = folder / f"{DOMAIN}.po"
    if po.is_file():  # a source checkout that was never built: compile in memory
        return _compile_po(po.read_bytes())
    return _gettext.NullTranslations()


def _compile_po(data: bytes) -> _gettext.NullTranslations:
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buf = BytesIO()
    write_mo(buf, read_po(BytesIO(data)))
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def gettext(message: str) -> str:
    """Translate ``message`` into the language in force."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count into the language in force."""
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext


def format_number(value: float, *, digits: int = 2, lang: Language | None = None) -> str:
    """Format a number for people: ``3,204.31`` in English, ``3.204,31`` in Vietnamese.

    Never used for JSON, CSV or Excel cells, which stay machine-readable.
    """
    text = f"{value:,.{digits}f}"
    if (lang or _current.get()) == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
