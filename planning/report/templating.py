"""The jinja2 environments that render every page, popup, panel and legend, autoescaped.

Templates live as files under ``planning/report/templates/`` and ``planning/maps/templates/``
and are read with :class:`jinja2.PackageLoader`. Data only ever reaches a template through
its context, never its source. Autoescaping is on, and every value a template prints goes
through :func:`planning._safetext.html_text` (the environment's ``finalize``), which also
encodes ``{ } % #``: the output holds no template delimiter from data, so it stays inert even
where folium later treats part of a page as a template (see :mod:`planning._safetext`).

Interface text is written in English in the templates and marked for translation
(``{% trans %}`` or ``_("…")``, the :mod:`jinja2.ext.i18n` extension in its "newstyle"
form); the gettext callables installed dispatch to the catalogue of the language in force
(:func:`planning.i18n.use_language`), so one cached environment serves every language.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from planning import i18n
from planning._safetext import html_text

__all__ = ["environment", "link", "linkify", "render", "text"]

_URL = re.compile(r"https?://[^\s<>\"'”“]+")
#: Links longer than this (characters) are shown shortened.
_LINK_SHOWN = 60


def text(value: object) -> Any:
    """Return ``value`` as HTML text, template delimiters encoded, marked safe (a ``Markup``)."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return Markup(html_text(value))


def link(url: object) -> Any:
    """Return a link for an http(s) URL, the encoded text otherwise (a ``Markup``).

    Parameters
    ----------
    url
        A URL, or any text; only ``http://`` and ``https://`` become links, so a
        ``javascript:`` URL stays text. Empty gives "not given" in the language in force.

    Returns
    -------
    markupsafe.Markup
        An HTML fragment.
    """
    from markupsafe import Markup

    value = str(url or "").strip()
    if not value:
        return text(i18n.gettext("not given"))
    if urlsplit(value).scheme.lower() in ("http", "https"):
        shown = value if len(value) <= _LINK_SHOWN else value[: _LINK_SHOWN - 3] + "…"
        return Markup(
            f'<a href="{html_text(value)}" target="_blank" rel="noopener noreferrer">'
            f"{html_text(shown)}</a>"
        )
    return text(value)


def linkify(value: object) -> Any:
    """Return text encoded for HTML, its http(s) URLs turned into links (a ``Markup``).

    Parameters
    ----------
    value
        Plain text, for example an attribution line.

    Returns
    -------
    markupsafe.Markup
        An HTML fragment.
    """
    from markupsafe import Markup

    source = str(value or "")
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(source):
        out.append(html_text(source[pos : m.start()]))
        url = m.group(0).rstrip(".,;)")
        out.append(str(link(url)))
        pos = m.start() + len(url)
    out.append(html_text(source[pos:]))
    return Markup("".join(out))


def _finalize(value: object) -> object:
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup | int | float):
        return value
    return text(value)


def _variables(variables: dict[str, Any]) -> dict[str, Any]:
    """Encode the values put into a translated sentence, as any other printed value."""
    from markupsafe import Markup

    return {
        k: v if isinstance(v, Markup | int | float) and not isinstance(v, bool) else text(v)
        for k, v in variables.items()
    }


def _gettext(context: Any, message: str, /, **variables: Any) -> Any:
    """``_()`` and ``{% trans %}``: the message in the language in force, values encoded.

    Like jinja2's "newstyle" gettext, except that the values are encoded by
    :func:`text` (template delimiters too), not only HTML-escaped.
    """
    from markupsafe import Markup

    rv = i18n.gettext(message)
    if context.eval_ctx.autoescape:
        return Markup(rv) % _variables(variables)
    return rv % variables


def _ngettext(context: Any, singular: str, plural: str, num: int, /, **variables: Any) -> Any:
    """``ngettext()`` and ``{% trans count=… %}``: as :func:`_gettext`, with a plural form."""
    from markupsafe import Markup

    variables.setdefault("num", num)
    rv = i18n.ngettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        return Markup(rv) % _variables(variables)
    return rv % variables


def _num(value: object, digits: int = 2) -> str:
    return i18n.format_number(float(value), digits=digits)  # type: ignore[arg-type]


@cache
def environment(package: str) -> Any:
    """Return the environment of one package's ``templates/`` folder (cached).

    Parameters
    ----------
    package
        ``"planning.report"`` or ``"planning.maps"``.

    Returns
    -------
    jinja2.Environment
        Autoescaped, strict about undefined names, with the i18n extension and the filters
        ``t`` (:func:`text`), ``link``, ``linkify`` and ``num`` (a number in the language in
        force, :func:`planning.i18n.format_number`).
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    # jinja2's newstyle callables HTML-escape the values put into a sentence; these encode
    # them like every other printed value (see _finalize).
    gettext, ngettext = jinja2.pass_context(_gettext), jinja2.pass_context(_ngettext)
    env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)
    env.filters.update(t=text, link=link, linkify=linkify, num=_num)
    return env


_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")


def render(package: str, name: str, /, *, compact: bool = True, **context: Any) -> str:
    """Render one template of a package in the language in force.

    Parameters
    ----------
    package
        See :func:`environment`.
    name
        The template's file name, for example ``"cluster_popup.html"``.
    compact
        Drop the line breaks (and indentation) between one tag and the next, so that a
        template can be written one element a line while its output is one line (popups and
        panels travel in the page's data block). Text from data is never touched: it holds no
        ``<`` or ``>``.
    **context
        The prepared view the template shows.

    Returns
    -------
    str
        The rendered text, without leading or trailing white space.
    """
    out = str(environment(package).get_template(name).render(**context)).strip()
    return _BETWEEN_TAGS.sub("><", out) if compact else out
