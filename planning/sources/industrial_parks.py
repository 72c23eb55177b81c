"""Industrial parks (khu công nghiệp, KCN) from OpenStreetMap: a context layer for the plan.

Industrial parks are not part of the cluster plan (they are planned by the national
government), but a planner reading a cluster map wants to see them, and a cluster drawn on
top of one is worth a second look (rule CTX001). The outlines come from an Overpass API
download of OpenStreetMap (``osm-industrial-parks`` in
:data:`planning.sources.registry.SOURCES`: pinned URL, sha256, ODbL 1.0), fetched, checked
and cached like the district layer and never shipped with the project.

The download is Overpass JSON (``out geom``): each way carries its coordinates as a list
of ``{"lat": …, "lon": …}``; nodes are single points and relations carry only a bounding
box. :func:`read_overpass` turns it into polygons with shapely and says, in a
:class:`ParkLoadSummary`, how many elements it kept and why it dropped the others:

* nodes (a point is no outline) and relations with only a bounding box are dropped;
* a way whose ring is not closed (an *open ring*: in this download, roads named after a
  park), a closed ring of fewer than four points, a way with missing coordinates and a
  self-intersecting outline are rejected;
* a closed way not tagged ``landuse=industrial`` (a customs building, a kindergarten, a
  housing estate named after the park) is dropped;
* a polygon whose point on surface lies outside the boundary given (Ha Noi: the union of
  the district layer) is dropped.

An element tagged ``landuse=industrial`` near the boundary that has to be rejected for its
geometry is a park lost from the map: :func:`read_overpass` then emits a
:class:`~planning.errors.ContextLayerWarning` naming it. The other drops are expected and
are only counted.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import os
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planning import settings
from planning.errors import ContextLayerWarning, GeodataUnavailable
from planning.i18n import N_, Message, join_messages, message, plural_message

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

__all__ = [
    "DROP_REASONS",
    "PARK_COLUMNS",
    "SOURCE_KEY",
    "ParkLoadSummary",
    "load_industrial_parks",
    "read_overpass",
]

#: The key of the download in :data:`planning.sources.registry.SOURCES`.
SOURCE_KEY = "osm-industrial-parks"
#: Columns of the parks layer, in order (EPSG:4326).
PARK_COLUMNS = ("park_id", "name", "area_ha", "source", "geometry")
#: Why an element of the download is not in the layer, by the key used in
#: :attr:`ParkLoadSummary.dropped`.
DROP_REASONS: dict[str, str] = {
    "node": N_("nodes, a point with no outline"),
    "bbox-only relation": N_("relations with only a bounding box"),
    "relation": N_("relations with members, multipolygons not being assembled"),
    "incomplete": N_("ways with missing coordinates"),
    "open ring": N_("ways whose ring is not closed, roads and other lines"),
    "degenerate ring": N_("closed ways of fewer than four points"),
    "invalid": N_("ways whose outline crosses itself"),
    "not industrial": N_("closed ways not tagged landuse=industrial, buildings and housing"),
    "outside": N_("outlines outside the boundary"),
    "other": N_("elements of another type"),
}
#: What is wrong with a way rejected for its geometry (a lost park when it is industrial).
_GEOMETRY_PROBLEMS = {
    "incomplete": N_("coordinates are missing"),
    "open ring": N_("its ring is not closed"),
    "degenerate ring": N_("its ring has fewer than four points"),
    "invalid": N_("its outline crosses itself"),
}
_OSM_WAY_URL = "https://www.openstreetmap.org/way/"


@dataclass(frozen=True)
class ParkLoadSummary:
    """What :func:`read_overpass` kept and dropped, and why.

    Attributes
    ----------
    path
        The file read.
    elements
        How many elements the download holds.
    kept
        How many outlines are in the layer.
    dropped
        How many elements were dropped, by reason (keys of :data:`DROP_REASONS`).
    region
        The name of the boundary the outlines were kept in (``"Ha Noi"``), empty for none.
    lost
        Elements tagged ``landuse=industrial`` near the boundary rejected for their geometry,
        as ``"<name> (OSM way <id>): <reason>"``; each was also warned about.
    """

    path: str
    elements: int
    kept: int
    dropped: Mapping[str, int] = field(default_factory=dict)
    region: str = ""
    lost: tuple[str, ...] = ()

    def note(self) -> Message:
        """Return one sentence for reports: what was kept and what was dropped, with counts.

        Returns
        -------
        Message
            For example ``"Industrial parks (KCN): 13 OpenStreetMap outlines inside Ha Noi
            kept of 703 elements; dropped: nodes, a point with no outline (209), …"``.
        """
        if self.region:
            text: Message = plural_message(
                "Industrial parks (KCN): {n:,} OpenStreetMap outline inside {region} kept of "
                "{elements:,} elements",
                "Industrial parks (KCN): {n:,} OpenStreetMap outlines inside {region} kept of "
                "{elements:,} elements",
                self.kept,
                region=self.region,
                elements=self.elements,
            )
        else:
            text = plural_message(
                "Industrial parks (KCN): {n:,} OpenStreetMap outline kept of {elements:,} elements",
                "Industrial parks (KCN): {n:,} OpenStreetMap outlines kept of {elements:,} elements",
                self.kept,
                elements=self.elements,
            )
        outside = (
            message("outlines outside {region}", region=self.region)
            if self.region
            else message(DROP_REASONS["outside"])
        )
        parts = [
            message(
                "{reason} ({n:,})",
                reason=outside
                if reason == "outside"
                else message(DROP_REASONS[reason])
                if reason in DROP_REASONS
                else reason,
                n=n,
            )
            for reason, n in self.dropped.items()
            if n
        ]
        if parts:
            text = message("{text}; dropped: {parts}", text=text, parts=join_messages(parts))
        if self.lost:
            text = message(
                "{text}; industrial outlines that could not be built: {lost}",
                text=text,
                lost=join_messages(self.lost, sep="; "),
            )
        return message("{text}.", text=text)


def read_overpass(
    path: str | os.PathLike[str],
    *,
    boundary: shapely.Geometry | None = None,
    region: str = "",
) -> tuple[gpd.GeoDataFrame, ParkLoadSummary]:
    """Read an Overpass JSON download (``out geom``; gzipped or not) into park outlines.

    Parameters
    ----------
    path
        The ``.json`` or ``.json.gz`` file.
    boundary
        Keep only outlines whose point on surface lies in it (EPSG:4326); all when None.
    region
        The boundary's name, for the summary (``"Ha Noi"``).

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, ParkLoadSummary)
        The layer (EPSG:4326, columns :data:`PARK_COLUMNS`: ``park_id`` the OSM way id,
        ``name`` the OSM name (NFC), ``area_ha`` its geodesic area on WGS 84 in ha,
        ``source`` the way's OpenStreetMap URL), sorted by name then id; and the summary.

    Raises
    ------
    GeodataUnavailable
        If the file cannot be read or is not Overpass JSON.

    Warns
    -----
    ContextLayerWarning
        For each element tagged ``landuse=industrial`` near the boundary that is rejected
        for its geometry (an open ring, missing coordinates, a self-intersecting outline).
    """
    import shapely

    source = Path(path)
    elements = _elements(str(source.resolve()))
    if boundary is not None:
        shapely.prepare(boundary)
    tally = _Tally()
    for element in elements:
        tally.add(element, boundary)
    for text in tally.lost:
        warnings.warn(
            message(
                "{source}: industrial park {park}; it is left off the map",
                source=source.name,
                park=text,
            ),
            ContextLayerWarning,
            stacklevel=2,
        )
    frame = _park_frame(tally)
    summary = ParkLoadSummary(
        path=str(source),
        elements=len(elements),
        kept=len(frame),
        dropped={k: tally.reasons[k] for k in DROP_REASONS if tally.reasons[k]},
        region=region if boundary is not None else "",
        lost=tuple(tally.lost),
    )
    return frame, summary


def load_industrial_parks(
    *,
    boundary: shapely.Geometry | None = None,
    region: str = "Ha Noi",
    mirror: str | os.PathLike[str] | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> tuple[gpd.GeoDataFrame, ParkLoadSummary]:
    """Return the industrial parks of OpenStreetMap inside Ha Noi, and what was dropped.

    The pinned download (``osm-industrial-parks``) is fetched like the district layer:
    cache, then mirror, then the pinned URL, sha256-checked (:func:`planning.sources.fetch.fetch`).

    Parameters
    ----------
    boundary
        Keep the outlines whose point on surface lies in it (EPSG:4326); default the union
        of Ha Noi's 30 district-level units (:func:`planning.sources.boundaries.load_districts`).
    region
        The boundary's name, for the summary.
    mirror, cache
        As for :func:`planning.sources.fetch.fetch`.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, ParkLoadSummary)
        As :func:`read_overpass`: on the pinned download of 2026-08-11, 13 parks in Ha Noi.

    Raises
    ------
    GeodataUnavailable
        If the download can be neither found nor fetched, has the wrong sha256, or cannot
        be read.
    """
    import shapely

    from planning.sources.boundaries import load_districts
    from planning.sources.fetch import fetch_source

    (path,) = fetch_source(SOURCE_KEY, mirror=mirror, cache=cache)
    if boundary is None:
        boundary = shapely.union_all(load_districts(mirror=mirror, cache=cache).geometry.values)
    return read_overpass(path, boundary=boundary, region=region)


@dataclass
class _Tally:
    """The elements of a download sorted one by one: outlines kept, and why others were not."""

    #: ``(park_id, name, source URL)`` of each kept outline, in the download's order.
    rows: list[tuple[int, str, str]] = field(default_factory=list)
    #: The kept outlines (shapely polygons, EPSG:4326), one per row.
    polygons: list[Any] = field(default_factory=list)
    #: How many elements were dropped, by key of :data:`DROP_REASONS`.
    reasons: Counter[str] = field(default_factory=Counter)
    #: Industrial elements near the boundary rejected for their geometry (see ParkLoadSummary).
    lost: list[str] = field(default_factory=list)

    def add(self, element: Any, boundary: shapely.Geometry | None) -> None:
        """Keep one element of the download as an outline, or count why it is dropped."""
        kind = element.get("type") if isinstance(element, dict) else None
        if kind == "way":
            self._add_way(element, boundary)
        elif kind == "node":
            self.reasons["node"] += 1
        elif kind == "relation":
            self.reasons["relation" if element.get("members") else "bbox-only relation"] += 1
        else:
            self.reasons["other"] += 1

    def _add_way(self, way: dict[str, Any], boundary: shapely.Geometry | None) -> None:
        """Keep a way whose closed ring is an industrial outline inside the boundary."""
        import shapely

        from planning.text.names import nfc

        tags = way.get("tags") or {}
        industrial = tags.get("landuse") == "industrial"
        way_id: Any = way.get("id")
        name = nfc(str(tags.get("name") or tags.get("name:vi") or f"OSM way {way_id}"))
        polygon, problem = _way_polygon(way.get("geometry"))
        if problem is not None:
            self.reasons[problem] += 1
            if industrial and _near(way, boundary):
                self.lost.append(
                    message(
                        "{name} (OSM way {id}): {problem}",
                        name=name,
                        id=way_id,
                        problem=message(_GEOMETRY_PROBLEMS[problem]),
                    )
                )
        elif not industrial:
            self.reasons["not industrial"] += 1
        elif boundary is not None and not shapely.covers(boundary, polygon.point_on_surface()):
            self.reasons["outside"] += 1
        else:
            self.rows.append((int(way_id), name, f"{_OSM_WAY_URL}{int(way_id)}"))
            self.polygons.append(polygon)


def _park_frame(tally: _Tally) -> gpd.GeoDataFrame:
    """Return the kept outlines as the parks layer (:data:`PARK_COLUMNS`, sorted by name, id)."""
    import geopandas as gpd

    from planning.geo.geodesic import geodesic_area_m2

    frame = gpd.GeoDataFrame(
        {
            "park_id": [r[0] for r in tally.rows],
            "name": [r[1] for r in tally.rows],
            "source": [r[2] for r in tally.rows],
        },
        geometry=tally.polygons,
        crs=settings.WGS84,
    )
    frame["park_id"] = frame["park_id"].astype("int64")
    frame["area_ha"] = geodesic_area_m2(frame.geometry) / 10_000.0 if len(frame) else 0.0
    return frame.sort_values(["name", "park_id"], ignore_index=True)[list(PARK_COLUMNS)]


@functools.lru_cache(maxsize=4)
def _elements(path: str) -> list[Any]:
    """Return the ``elements`` of an Overpass JSON file (parsed once per process and path)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        document = json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        raise GeodataUnavailable(
            message(
                "{path}: cannot read the Overpass download ({error}: {reason})",
                path=str(path),
                error=type(exc).__name__,
                reason=str(exc),
            )
        ) from None
    elements = document.get("elements") if isinstance(document, dict) else None
    if not isinstance(elements, list):
        raise GeodataUnavailable(
            message("{path}: not Overpass JSON (no list of 'elements')", path=str(path))
        )
    return elements


def _way_polygon(geometry: Any) -> tuple[Any, str | None]:
    """Return ``(polygon, None)`` for a way's coordinate list, or ``(None, reason)``."""
    import shapely

    if not isinstance(geometry, list) or not geometry:
        return None, "incomplete"
    coords: list[tuple[float, float]] = []
    for point in geometry:
        try:
            lon, lat = float(point["lon"]), float(point["lat"])
        except (TypeError, KeyError, ValueError):
            return None, "incomplete"
        if not (math.isfinite(lon) and math.isfinite(lat)):
            return None, "incomplete"
        coords.append((lon, lat))
    if coords[0] != coords[-1]:
        return None, "open ring"
    if len(coords) < 4:
        return None, "degenerate ring"
    polygon = shapely.Polygon(coords)
    if not polygon.is_valid or polygon.is_empty or polygon.area == 0:
        return None, "invalid"
    return polygon, None


def _near(element: Mapping[str, Any], boundary: Any) -> bool:
    """Whether a rejected element's bounding box reaches the boundary (always, without one)."""
    if boundary is None:
        return True
    import shapely

    box = element.get("bounds")
    try:
        if isinstance(box, Mapping):
            return bool(
                shapely.box(box["minlon"], box["minlat"], box["maxlon"], box["maxlat"]).intersects(
                    boundary
                )
            )
        points = [(float(p["lon"]), float(p["lat"])) for p in element.get("geometry") or ()]
    except (TypeError, KeyError, ValueError):
        return True
    return not points or bool(shapely.MultiPoint(points).envelope.intersects(boundary))
