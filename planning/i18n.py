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

Messages that end up both in a machine format (the JSON report) and in a text for people (rule
explanations, findings, caveats) are :class:`Message` objects: an ``str`` holding the English
text, which JSON writes unchanged, and which :func:`localize` renders in the language in force
when a report is printed. Numbers in a :class:`Message` follow the language's conventions
(``3.204,31`` in Vietnamese); in JSON they stay where they belong, in the machine-readable
``detail``.

The catalogues are extracted with Babel (``python -m tools.i18n update``; keywords:
``_``, ``gettext``, ``ngettext``, ``N_``, ``message``, ``plural_message`` and the title of
``rule``), and the terms follow ``planning/locale/glossary.csv``.
"""

from __future__ import annotations

import gettext as _gettext
import locale
import numbers
import os
import string
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any, Literal

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


class UnknownLanguageError(ValueError):
    """A language the interface does not speak was asked for (``--lang``, ``$PLANNING_LANG``).

    :class:`planning.errors.LanguageError` is the same error as a
    :class:`~planning.errors.UsageError`, which the command line reports in one line.
    """


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
    UnknownLanguageError
        If ``lang`` or ``$PLANNING_LANG`` names a language the interface does not speak (a
        ``ValueError``).
    """
    for value, where in ((lang, "--lang"), (os.environ.get(ENV_LANG), f"${ENV_LANG}")):
        if value:
            code = value.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
            if code not in LANGUAGES:
                raise UnknownLanguageError(
                    gettext("{where}: unknown language {value!r}; use one of: vi, en").format(
                        where=where, value=value
                    )
                )
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


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Mark ``message`` for extraction without translating it (translated where it is shown)."""
    return message


class _NumberFormatter(string.Formatter):
    """``str.format`` whose numbers follow a language's separators (``3.204,31`` in Vietnamese)."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if (
            self.lang == "vi"
            and isinstance(value, numbers.Number)
            and not isinstance(value, bool)
            and format_spec
        ):
            text = _vi_separators(text)
        return text

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if isinstance(value, Message | Text):
            value = value.translated(self.lang)
        return super().convert_field(value, conversion)


def _vi_separators(text: str) -> str:
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


class Message(str):
    """A message whose text is English, and which :func:`localize` renders in any language.

    Its ``str`` value is the English text (what JSON and every machine format carries, and
    what comparisons see); :meth:`translated` formats the catalogue's translation of its
    template with the same parameters. Parameters that are themselves messages are
    translated too, and numbers follow the language's separators where the template gives a
    format (``{ha:,.2f}``). Make one with :func:`message` or :func:`plural_message`.

    Text from data goes in as a parameter, never into the template, so it is never read as
    a format string.
    """

    msgid: str
    plural: str | None
    n: int | None
    params: dict[str, Any]

    def __new__(
        cls,
        msgid: str,
        plural: str | None = None,
        n: int | None = None,
        params: dict[str, Any] | None = None,
    ) -> Message:
        """Format ``msgid`` (or ``plural`` when ``n`` is not 1) with ``params``, in English."""
        params = dict(params or {})
        template = msgid if plural is None or n == 1 else plural
        self = super().__new__(cls, _NumberFormatter("en").vformat(template, (), params))
        self.msgid, self.plural, self.n, self.params = msgid, plural, n, params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.msgid, self.plural, self.n, self.params))

    def translated(self, lang: Language | None = None) -> str:
        """Return the message in ``lang`` (default: the language in force)."""
        code = lang or _current.get()
        catalogue = translations(code)
        if not self.msgid:  # gettext("") is the catalogue's header
            template = ""
        elif self.plural is None:
            template = catalogue.gettext(self.msgid)
        else:
            template = catalogue.ngettext(self.msgid, self.plural, self.n or 0)
        try:
            return _NumberFormatter(code).vformat(template, (), self.params)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English text
            return str.__str__(self)


class Text(str):
    """A text from data given in English and, optionally, in Vietnamese (a manifest's label).

    Like :class:`Message`, its ``str`` value is the English text; :func:`localize` picks the
    Vietnamese one where there is one. It is never looked up in the catalogue: data is not
    code.
    """

    vi: str

    def __new__(cls, en: str, *, vi: str = "") -> Text:
        """Make the text ``en``, which is ``vi`` in Vietnamese."""
        self = super().__new__(cls, en)
        self.vi = vi
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_text, (str.__str__(self), self.vi))

    def translated(self, lang: Language | None = None) -> str:
        """Return the text in ``lang`` (default: the language in force), English if not given."""
        if (lang or _current.get()) == "vi" and self.vi:
            return self.vi
        return str.__str__(self)


def _text(en: str, vi: str) -> Text:
    return Text(en, vi=vi)


def message(msgid: str, /, **params: Any) -> Message:
    """Return a :class:`Message`: ``msgid`` (a ``str.format`` template) with its parameters.

    Examples
    --------
    >>> m = message("{name}: {ha:,.2f} ha", name="CCN {x}", ha=3204.31)
    >>> m
    'CCN {x}: 3,204.31 ha'
    >>> localize(m, lang="vi")
    'CCN {x}: 3.204,31 ha'
    """
    return Message(msgid, None, None, params)


def plural_message(singular: str, plural: str, n: int, /, **params: Any) -> Message:
    """Return a :class:`Message` with a count: ``singular`` when ``n`` is 1, else ``plural``.

    ``n`` is also a parameter of the templates.
    """
    return Message(singular, plural, n, {"n": n, **params})


def join_messages(parts: Iterable[object], *, sep: str = ", ") -> Message:
    """Return texts joined by ``sep`` as one :class:`Message`, each part translated on its own."""
    items = list(parts)
    names = [f"p{i}" for i in range(len(items))]
    template = sep.replace("{", "{{").replace("}", "}}").join("{" + n + "}" for n in names)
    return Message(template, None, None, dict(zip(names, items, strict=True)))


def localize(text: object, *, lang: Language | None = None) -> str:
    """Return ``text`` for people in ``lang`` (default: the language in force).

    A :class:`Message` is translated and a :class:`Text` gives its text in that language; any
    other text is returned as it is (data, such as a cluster's name, is never looked up in the
    catalogue).
    """
    if isinstance(text, Message | Text):
        return text.translated(lang)
    return str(text)


def format_number(value: float, *, digits: int = 2, lang: Language | None = None) -> str:
    """Format a number for people: ``3,204.31`` in English, ``3.204,31`` in Vietnamese.

    Never used for JSON, CSV or Excel cells, which stay machine-readable.
    """
    text = f"{value:,.{digits}f}"
    if (lang or _current.get()) == "vi":
        text = _vi_separators(text)
    return text
