r"""Data text made inert: no HTML parser, JavaScript engine or template engine can read code in it.

folium and branca render each element's script as a *new* Jinja2 template (unsandboxed), so a
``{{ … }}``, ``{% … %}`` or ``{# … #}`` in a cluster name, a note or a file name would be
executed if it reached the page's source in clear. The page builders therefore pass every
string that comes from data through one of the two encoders here, which never emit the
characters ``{``, ``}``, ``%`` or ``#`` of the data (nor ``<``, ``>``, ``&``, quotes):

- :func:`html_text` for HTML text and quoted attribute values: numeric character references
  (``{`` → ``&#123;``), which the browser decodes back to the original text;
- :func:`script_json` for JSON inside a ``<script>``: ``\u007b``-style escapes inside the
  JSON strings, which ``JSON.parse`` and JavaScript decode back to the original text.

Neither is a template: the encoded text can go anywhere in a template's output, or even its
source, and stays data. (:mod:`planning.maps.api` also keeps data out of folium's element tree
altogether; these encoders make that a second line of defence, not the only one.)
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["TEMPLATE_CHARS", "html_text", "script_json"]

#: Characters that open or close a template delimiter in Jinja2 (``{{ }}``, ``{% %}``, ``{# #}``,
#: line statements and comments) and in most other engines.
TEMPLATE_CHARS = "{}%#"

_HTML = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&#39;",
        "{": "&#123;",
        "}": "&#125;",
        "%": "&#37;",
        "#": "&#35;",
        # Control characters (ESC of terminal escapes, NUL …) are not HTML text: they are shown
        # as Python writes them (``\x1b``), as in the command line's messages. Tab and the line
        # breaks stay.
        **{
            chr(c): f"\\x{c:02x}"
            for c in [*range(0x20), *range(0x7F, 0xA0)]
            if chr(c) not in "\t\n\r"
        },
    }
)

_JS = str.maketrans(
    {
        c: f"\\u{ord(c):04x}"
        for c in "<>&'{}%#\u2028\u2029"  # markup, template delimiters, JS line separators
    }
)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def html_text(value: object) -> str:
    r"""Return a value as HTML text (or a quoted attribute value) that no engine can execute.

    Like :func:`html.escape` with ``quote=True``, and ``{ } % #`` become numeric character
    references too, so the result holds no template delimiter. The browser shows the
    original text; control characters other than tab and line breaks, which are no HTML
    text, are shown escaped (``\x1b``).

    Parameters
    ----------
    value
        Anything; None gives the empty string, other values their ``str``.

    Returns
    -------
    str
        The escaped text.
    """
    return ("" if value is None else str(value)).translate(_HTML)


def script_json(obj: Any) -> str:
    r"""Return ``obj`` as JSON that is inert inside a ``<script>`` element and inside a template.

    Within every JSON string (keys too) the characters ``< > & ' { } % #`` and U+2028/U+2029
    are written as ``\uXXXX`` escapes (other characters are kept, the page is UTF-8);
    outside strings JSON has only brackets, numbers, ``true``/``false``/``null`` and
    punctuation, none of which opens a template delimiter or closes the element.
    ``JSON.parse`` or a JavaScript literal gives back ``obj`` unchanged.

    Parameters
    ----------
    obj
        JSON-serialisable data (NaN and infinities are refused).

    Returns
    -------
    str
        The JSON text.

    Raises
    ------
    ValueError
        If ``obj`` holds a NaN or an infinity.
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _JSON_STRING.sub(lambda m: m.group(0).translate(_JS), text)
