"""The JavaScript and CSS that maps and reports inline, so that they work with no network.

The files live under ``planning/maps/static/`` and are read with :mod:`importlib.resources`:

- ``leaflet/``: Leaflet 1.9.4 (BSD-2-Clause, licence beside it), vendored unmodified from the
  npm registry's ``leaflet`` package (see its ``README.md``);
- the project's own scripts (:data:`PLUGIN_SCRIPTS`, inlined in that order: the page's data,
  popups and tooltips; the controls (search, full screen, measure, minimap, panel, legend);
  the wiring of each map) and ``planning-map.css``, so that nothing is fetched from a CDN. They
  insert text from data with ``textContent`` only, and HTML only from the page's data block,
  which the templates built with every value encoded.

:func:`script_tag` and :func:`style_tag` wrap text for inlining so that no asset can close its
own ``<script>`` or ``<style>`` element early.
"""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from importlib.resources.abc import Traversable

from planning._version import DISTRIBUTION
from planning.errors import MissingDependencyError

__all__ = [
    "LEAFLET_VERSION",
    "PLUGIN_SCRIPTS",
    "leaflet_css",
    "leaflet_dir",
    "leaflet_js",
    "leaflet_version",
    "plugins_css",
    "plugins_js",
    "script_tag",
    "static_dir",
    "style_tag",
]

#: The vendored Leaflet release (``static/leaflet/README.md``).
LEAFLET_VERSION = "1.9.4"
#: The project's scripts under ``static/``, in the order a page loads them (each uses the
#: ``PlanningMap`` names the ones before it set).
PLUGIN_SCRIPTS: tuple[str, ...] = (
    "planning-map-features.js",
    "planning-map-controls.js",
    "planning-map-page.js",
)


def static_dir() -> Traversable:
    """Return the package's ``static/`` folder (a :mod:`importlib.resources` traversable)."""
    return resources.files("planning.maps") / "static"


def leaflet_dir() -> Traversable:
    """Return the folder holding ``leaflet.js``, ``leaflet.css`` and ``images/``.

    Raises
    ------
    MissingDependencyError
        If the vendored files are missing (a broken installation).
    """
    folder = static_dir() / "leaflet"
    if not (folder / "leaflet.js").is_file():
        raise MissingDependencyError(
            f"Leaflet's files are missing from the installed package ({folder}); reinstall it "
            f"with: pip install --force-reinstall {DISTRIBUTION}"
        )
    return folder


@functools.cache
def leaflet_js() -> str:
    """Return Leaflet's minified JavaScript, without its source-map comment."""
    text = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)


@functools.cache
def leaflet_css() -> str:
    """Return Leaflet's CSS with its images inlined as ``data:`` URIs.

    ``url(images/layers.png)`` and its 2x version become data URIs, so the layer control's
    icon shows with no file beside the page; marker images are never used (markers are
    circle markers) and become empty.
    """
    folder = leaflet_dir()
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        path = folder / match.group(1)
        if not path.is_file():
            return "url(data:,)"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/marker-[^)]+\.png)\)", "url(data:,)", css)
    return re.sub(r"url\((images/[^)]+\.png)\)", inline, css)


@functools.cache
def leaflet_version() -> str:
    """Return the Leaflet version named in ``leaflet.js``'s banner (``"1.9.4"``)."""
    m = re.search(r"Leaflet (\d+\.\d+\.\d+)", leaflet_js()[:400])
    return m.group(1) if m else "unknown"


@functools.cache
def plugins_js() -> tuple[str, ...]:
    """Return the project's map scripts (:data:`PLUGIN_SCRIPTS`), in the order a page loads them."""
    return tuple((static_dir() / name).read_text(encoding="utf-8") for name in PLUGIN_SCRIPTS)


@functools.cache
def plugins_css() -> str:
    """Return the style of the project's map controls (``static/planning-map.css``)."""
    return (static_dir() / "planning-map.css").read_text(encoding="utf-8")


def script_tag(js: str) -> str:
    """Return ``js`` inside a ``<script>`` element that nothing in it can close early.

    Parameters
    ----------
    js
        JavaScript source.

    Returns
    -------
    str
        ``<script>…</script>`` with ``</script`` and ``<!--`` neutralised.
    """
    safe = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    return f"<script>\n{safe}\n</script>"


def style_tag(css: str) -> str:
    """Return ``css`` inside a ``<style>`` element that nothing in it can close early.

    Parameters
    ----------
    css
        A style sheet.

    Returns
    -------
    str
        ``<style>…</style>``.
    """
    safe = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return f"<style>\n{safe}\n</style>"
