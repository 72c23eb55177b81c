"""A static map of the plan for print: PNG or PDF, A4 or A3, drawn with matplotlib.

:func:`static_map_figure` draws districts, clusters (coloured as on the web map, see
:func:`planning.maps.features.class_colors`; indicative footprints dashed; location-only clusters as
hollow circles) and the Hoa Lac Hi-Tech Park in VN-2000 / TM-3 zone 482 (EPSG:5897, metres),
with a title, legend, scale bar, north arrow, the plan's caveats, its sources and the date.
:func:`write_static_map` writes it atomically; :func:`static_map_png` returns PNG bytes (the
HTML report prints it where the interactive map is).

Names from data are drawn as plain text (mathtext is off), so ``$`` in a name is just a
character. Text is set in DejaVu Sans, which matplotlib ships and which has every Vietnamese glyph; PDF
output embeds it as TrueType (``pdf.fonttype`` 42), so names stay searchable text.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import textwrap
from collections.abc import Iterable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from planning.errors import UsageError, require
from planning.geo.transform import reproject

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from planning.maps.features import ColorBy
    from planning.model.plan import Plan

__all__ = [
    "FONT",
    "PAPER_SIZES",
    "PRINT_CRS",
    "static_map_figure",
    "static_map_png",
    "write_static_map",
]

PathType = str | PathLike[str]
Paper = Literal["A4", "A3"]
#: ISO 216 paper sizes in inches, landscape (A4 is 297 × 210 mm, A3 is 420 × 297 mm).
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A4": (297 / 25.4, 210 / 25.4),
    "A3": (420 / 25.4, 297 / 25.4),
}
#: The CRS the map is drawn in: VN-2000 / TM-3 zone 482, metres (Hanoi's planning CRS).
PRINT_CRS = "EPSG:5897"
#: The font of every text on the map: bundled with matplotlib, with Vietnamese glyphs.
FONT = "DejaVu Sans"
_CAVEAT = (
    "Dashed outlines are INDICATIVE footprints (circles of the declared area at the commune's "
    "point), not boundaries; hollow circles mark clusters known only by their location."
)


def static_map_figure(
    plan: Plan,
    *,
    paper: Paper = "A4",
    color_by: ColorBy = "status",
    title: str | None = None,
    date: _dt.date | None = None,
) -> Figure:
    """Draw the plan as a printable map.

    Parameters
    ----------
    plan
        The plan.
    paper
        ``"A4"`` or ``"A3"``, landscape.
    color_by
        What clusters are coloured by, as on the web map: ``"status"`` or ``"category"``.
    title
        The map's title; the plan's name by default.
    date
        The date printed on the map; today by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot: nothing is shown, any backend works).

    Raises
    ------
    UsageError
        If ``paper`` is not A4 or A3.
    MissingDependencyError
        If matplotlib is not installed (a broken install: reinstall ``hanoi-ccn-planning``).
    """
    require("matplotlib", extra=None)
    from matplotlib.figure import Figure

    if paper not in PAPER_SIZES:
        raise UsageError(f"paper must be one of {', '.join(PAPER_SIZES)}, got {paper!r}")
    width, height = PAPER_SIZES[paper]
    scale = width / PAPER_SIZES["A4"][0]  # text grows with the paper
    with _style():
        fig = Figure(figsize=(width, height), layout=None)
        # map on the left two thirds, legend and notes on the right
        ax = fig.add_axes((0.02, 0.1, 0.64, 0.8))
        side = fig.add_axes((0.68, 0.1, 0.3, 0.8))
        side.set_axis_off()
        ax.set_axis_off()
        ax.set_aspect("equal")

        districts = _draw_districts(ax, plan, scale=scale)
        handles = _draw_zones(ax, plan)
        handles += _draw_clusters(ax, plan, color_by=color_by, scale=scale)
        _frame(ax, districts.total_bounds)
        _scale_bar(ax, fontsize=7 * scale)
        _north_arrow(ax, fontsize=10 * scale)
        _headings(fig, title or plan.name, scale=scale)
        _legend(side, handles, color_by=color_by, scale=scale)
        _notes(side, plan, scale=scale)
        _footer(fig, date or _dt.date.today(), scale=scale)
    return fig


def _draw_districts(ax: Any, plan: Plan, *, scale: float) -> gpd.GeoDataFrame:
    """Draw the districts with their names; return them in :data:`PRINT_CRS`."""
    districts = reproject(plan.districts, PRINT_CRS)
    districts.plot(ax=ax, facecolor="#e8e4d8", edgecolor="#6b6b6b", linewidth=0.6)
    for name, pt in zip(
        districts["district_vi"], districts.geometry.representative_point(), strict=True
    ):
        ax.annotate(
            str(name),
            (pt.x, pt.y),
            ha="center",
            va="center",
            fontsize=5.5 * scale,
            color="#555555",
        )
    return districts


def _draw_zones(ax: Any, plan: Plan) -> list[Any]:
    """Draw the special zones (indicative ones dashed); return their legend entry, if any."""
    from planning.maps.features import ZONE_COLOR

    if not len(plan.zones):
        return []
    zones = reproject(plan.zones, PRINT_CRS)
    for geom, kind in zip(zones.geometry, zones["geometry_kind"], strict=True):
        _patch(ax, geom, color=ZONE_COLOR, dashed=kind == "indicative", lw=1.4)
    return [_legend_patch(ZONE_COLOR, "Hoa Lac Hi-Tech Park", dashed=True)]


def _draw_clusters(ax: Any, plan: Plan, *, color_by: ColorBy, scale: float) -> list[Any]:
    """Draw the clusters in their classes' colours; return the legend entries of the classes."""
    from planning.maps.features import class_colors, cluster_classes
    from planning.maps.labels import CATEGORY_LABELS

    cl = reproject(plan.clusters, PRINT_CRS)
    classes = cluster_classes(cl, color_by=color_by)
    colors = class_colors(classes, color_by=color_by)
    for geom, kind, cls in zip(cl.geometry, cl["geometry_kind"], classes, strict=True):
        if geom is None or geom.is_empty:
            continue
        _draw_cluster(ax, geom, kind=kind, color=colors[cls], scale=scale)
    handles = []
    for cls, color in colors.items():
        label = CATEGORY_LABELS.get(cls, cls) if color_by == "category" else cls
        handles.append(_legend_patch(color, f"{label} ({classes.count(cls)})"))
    handles.append(_legend_patch("#7F7F7F", "indicative footprint (not a boundary)", dashed=True))
    handles.append(_legend_marker("location only (no published area)"))
    return handles


def _draw_cluster(ax: Any, geom: Any, *, kind: str, color: str, scale: float) -> None:
    """Draw a cluster: a hollow circle at its location, or its outline with a dot inside."""
    if kind == "point" or geom.geom_type in ("Point", "MultiPoint"):
        p = geom.representative_point()
        ax.plot(p.x, p.y, "o", ms=5 * scale, mfc="none", mec=color, mew=1.3, linestyle="none")
    else:
        _patch(ax, geom, color=color, dashed=kind == "indicative", lw=1.1)
        c = geom.centroid  # a dot, so small footprints stay visible at city scale
        ax.plot(c.x, c.y, "o", ms=2.6 * scale, color=color, mec="white", mew=0.4)


def _frame(ax: Any, bounds: Any) -> None:
    """Frame the map on ``bounds`` (minx, miny, maxx, maxy in metres) with a 3 % margin."""
    minx, miny, maxx, maxy = bounds
    pad = 0.03 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)


def _headings(fig: Figure, heading: str, *, scale: float) -> None:
    """Write the title and the line naming the plan's decision and the CRS."""
    fig.text(0.02, 0.955, heading, fontsize=15 * scale, weight="bold", va="center")
    fig.text(
        0.02,
        0.92,
        "Industrial clusters (cụm công nghiệp) of Hà Nội: Decision 1292/QĐ-UBND (2018). "
        "Coordinates: VN-2000 / TM-3 zone 482 (EPSG:5897).",
        fontsize=8 * scale,
        va="center",
        color="#333333",
    )


def _legend(side: Any, handles: list[Any], *, color_by: ColorBy, scale: float) -> None:
    """Draw the legend at the top of the side panel."""
    title_legend = "Clusters by status" if color_by == "status" else "Clusters by plan category"
    leg = side.legend(
        handles=handles,
        loc="upper left",
        title=title_legend,
        fontsize=7.5 * scale,
        title_fontsize=8.5 * scale,
        frameon=False,
        alignment="left",
    )
    leg.set_in_layout(False)


def _notes(side: Any, plan: Plan, *, scale: float) -> None:
    """Write the caveats and the sources under the legend, wrapped to the side panel."""
    notes = [_CAVEAT, *plan.notes()]
    sources = plan.attributions()
    wrap = 62
    text = "Caveats\n" + "\n".join(textwrap.fill("• " + n, wrap) for n in notes)
    text += "\n\nSources\n" + "\n".join(textwrap.fill("• " + s, wrap) for s in sources)
    side.text(
        0,
        0.74,
        text,
        fontsize=5.4 * scale,
        va="top",
        ha="left",
        color="#333333",
        transform=side.transAxes,
        linespacing=1.2,
    )


def _footer(fig: Figure, date: _dt.date, *, scale: float) -> None:
    """Write the date and version the map was printed with."""
    from planning._version import __version__

    fig.text(
        0.02,
        0.04,
        f"Printed {date.isoformat()} with planning {__version__}. Areas are geodesic on WGS 84; "
        "the sources are listed on the right.",
        fontsize=6.5 * scale,
        color="#555555",
    )


def static_map_png(plan: Plan, *, dpi: int = 150, **options: Any) -> bytes:
    """Return the printable map as PNG bytes.

    Parameters
    ----------
    plan
        The plan.
    dpi
        Resolution in dots per inch.
    **options
        As for :func:`static_map_figure` (``paper``, ``color_by``, ``title``, ``date``).

    Returns
    -------
    bytes
        The PNG file's content.
    """
    fig = static_map_figure(plan, **options)
    buf = io.BytesIO()
    with _style():
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def write_static_map(
    plan: Plan,
    path: PathType,
    *,
    fmt: Literal["png", "pdf"] | None = None,
    dpi: int = 300,
    protect: Iterable[PathType] = (),
    **options: Any,
) -> Path:
    """Write the printable map as PNG or PDF, atomically.

    Parameters
    ----------
    plan
        The plan.
    path
        The file to write.
    fmt
        ``"png"`` or ``"pdf"``; from the file's suffix when None.
    dpi
        Resolution in dots per inch (of the PNG, and of the PDF's raster parts).
    protect
        Input files that must never be overwritten.
    **options
        As for :func:`static_map_figure` (``paper``, ``color_by``, ``title``, ``date``).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If the format is neither PNG nor PDF, or ``dpi`` is not between 30 and 1200.
    PlanDataError
        If ``path`` is a protected input or cannot be written.
    """
    from planning.outputs import atomic_output

    fmt = fmt or Path(path).suffix.lower().lstrip(".")  # type: ignore[assignment]
    if fmt not in ("png", "pdf"):
        raise UsageError(f"a printed map is PNG or PDF, not {fmt!r}: name the file .png or .pdf")
    if not 30 <= dpi <= 1200:
        raise UsageError(f"dpi must be between 30 and 1200, got {dpi}")
    fig = static_map_figure(plan, **options)
    with atomic_output(path, protect=protect, mode="wb") as fh, _style():
        fig.savefig(fh, format=fmt, dpi=dpi, facecolor="white", metadata=_metadata(plan, fmt))
    return Path(path)


# -- drawing helpers ------------------------------------------------------------------------------------


def _style() -> Any:
    import matplotlib

    return matplotlib.rc_context(
        {
            "font.family": FONT,
            "text.parse_math": False,  # names are data: "$x^$" is text, never mathtext
            "text.usetex": False,
            "pdf.fonttype": 42,
            "ps.fonttype": 42,
            "svg.fonttype": "none",
            "axes.unicode_minus": True,
        }
    )


def _metadata(plan: Plan, fmt: str) -> dict[str, str]:
    from planning._version import __version__

    if fmt == "pdf":
        return {"Title": plan.name, "Creator": f"planning {__version__}"}
    return {"Title": plan.name, "Software": f"planning {__version__}"}


def _patch(ax: Any, geom: Any, *, color: str, dashed: bool, lw: float) -> None:
    import geopandas as gpd

    gpd.GeoSeries([geom]).plot(
        ax=ax,
        facecolor=color,
        alpha=0.35,
        edgecolor="none",
    )
    gpd.GeoSeries([geom.boundary]).plot(
        ax=ax, color=color, linewidth=lw, linestyle=(0, (4, 2.5)) if dashed else "-"
    )


def _legend_patch(color: str, label: str, *, dashed: bool = False) -> Any:
    from matplotlib.patches import Patch

    return Patch(
        facecolor=color,
        edgecolor=color,
        alpha=0.6,
        linestyle="--" if dashed else "-",
        linewidth=1.2,
        label=label,
    )


def _legend_marker(label: str) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([], [], marker="o", mfc="none", mec="#333333", linestyle="none", label=label)


def _scale_bar(ax: Any, *, fontsize: float) -> None:
    """Draw a scale bar in the lower left corner (the axes are in metres, EPSG:5897)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    span = x1 - x0
    target = span / 5
    mag = 10 ** math.floor(math.log10(target))
    length = max(m * mag for m in (1, 2, 5) if m * mag <= target)
    x = x0 + 0.04 * span
    y = y0 + 0.04 * (y1 - y0)
    h = 0.008 * (y1 - y0)
    half = length / 2
    ax.add_patch(_rect(x, y, half, h, "black"))
    ax.add_patch(_rect(x + half, y, half, h, "white"))
    for pos, value in ((x, 0.0), (x + half, half), (x + length, length)):
        ax.text(
            pos,
            y + 2.2 * h,
            f"{value / 1000:g}" + (" km" if value == length else ""),
            ha="center",
            va="bottom",
            fontsize=fontsize,
        )


def _rect(x: float, y: float, w: float, h: float, face: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=face, edgecolor="black", linewidth=0.6)


def _north_arrow(ax: Any, *, fontsize: float) -> None:
    """Draw a north arrow in the upper right corner (grid north of EPSG:5897 ≈ true north)."""
    ax.annotate(
        "N",
        xy=(0.95, 0.96),
        xytext=(0.95, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=fontsize,
        weight="bold",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 10, "headlength": 10},
    )
