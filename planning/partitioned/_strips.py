"""Overlaps between clusters (TOP001) across partitions, in west-to-east strips.

The layer is cut into vertical strips holding about as many polygons each; each
partition's valid polygons are sent to every strip their bounding boxes reach, and a pair
is measured only in the strip holding the west edge of the two boxes' intersection, so
each overlapping pair is found once, without a global shuffle. The pairs come back in the
in-memory rule's order, with the same areas to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from planning.settings import WGS84

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

    from planning.rules import RuleResult


@dataclass(frozen=True)
class Polygons:
    """The polygons TOP001 tests (valid ones) from one partition, or one strip of them.

    ``keys`` orders them as the layer's rows are ordered: ``partition << 32 | position``
    (rows = partition offset + position, and offsets grow with the partition), so "the
    lower row" of a pair is known without the other partitions' lengths.
    """

    keys: np.ndarray  # int64
    geoms: np.ndarray  # shapely geometries
    ids: np.ndarray  # cluster ids (object)
    indicative: np.ndarray  # bool: an indicative footprint
    minx: np.ndarray  # float: the west edge of each polygon's bounding box (degrees)
    maxx: np.ndarray  # float: its east edge

    @classmethod
    def of(cls, clusters: gpd.GeoDataFrame, ok: np.ndarray, k: int) -> Polygons:
        """Return the polygons of partition ``k``'s rows where ``ok`` is true."""
        import numpy as np
        import shapely

        from planning.rules.topology import indicative_mask

        pos = np.flatnonzero(ok).astype(np.int64)
        geoms = clusters.geometry.to_numpy()[pos]
        bounds = shapely.bounds(geoms).reshape(-1, 4)
        return cls(
            keys=(np.int64(k) << np.int64(32)) | pos,
            geoms=geoms,
            ids=np.asarray(clusters["cluster_id"].to_numpy(), dtype=object)[pos],
            indicative=indicative_mask(clusters)[pos],
            minx=bounds[:, 0],
            maxx=bounds[:, 2],
        )

    def take(self, idx: np.ndarray) -> Polygons:
        """Return the polygons at positions ``idx``."""
        return Polygons(
            self.keys[idx],
            self.geoms[idx],
            self.ids[idx],
            self.indicative[idx],
            self.minx[idx],
            self.maxx[idx],
        )

    @classmethod
    def concat(cls, parts: Sequence[Polygons]) -> Polygons:
        """Return the polygons of ``parts``, one after another."""
        import numpy as np

        return cls(
            *(
                np.concatenate([getattr(p, f) for p in parts])
                for f in ("keys", "geoms", "ids", "indicative", "minx", "maxx")
            )
        )

    def sample(self, size: int = 256) -> np.ndarray:
        """Every m-th centre of the bounding boxes, west to east: about ``size`` of them."""
        import numpy as np

        centres = np.sort((self.minx + self.maxx) / 2)
        return centres[:: max(1, len(centres) // size)]


def strip_count(npartitions: int, client: Any) -> int:
    """How many west-to-east strips TOP001 is tested in: one per partition or worker."""
    workers = len(client.scheduler_info().get("workers", {})) if client is not None else 0
    return max(npartitions, workers, 1)


def overlap_tasks(scans: list[Any], strips: int) -> list[Any]:
    """Lazy TOP001 tasks: one per strip, each testing the polygons whose boxes reach into it.

    The layer is cut into ``strips`` vertical strips holding about as many polygons each
    (from the scans' samples). Each partition's polygons are sent to every strip their
    bounding boxes reach (a halo as wide as the polygons). A pair is measured only in the
    strip that holds the west edge of its two boxes' intersection, which both boxes reach,
    so every overlapping pair is found exactly once, without a global shuffle.
    """
    from dask import delayed

    edges = delayed(strip_edges, pure=True)([delayed(scan_sample)(s) for s in scans], strips)
    pieces = [delayed(split_into_strips, pure=True, nout=strips)(s, edges, strips) for s in scans]
    return [
        delayed(strip_pairs, pure=True)(j, edges, [p[j] for p in pieces]) for j in range(strips)
    ]


def scan_sample(scan: tuple[dict[str, Any], Polygons]) -> np.ndarray:
    """Return a partition scan's sample of where its polygons lie (degrees east)."""
    sample: np.ndarray = scan[0]["sample"]
    return sample


def strip_edges(samples: list[np.ndarray], strips: int) -> np.ndarray:
    """Return the ``strips - 1`` longitudes (degrees) between strips, from the samples."""
    import numpy as np

    centres = np.sort(np.concatenate([np.zeros(0), *(np.asarray(s, dtype=float) for s in samples)]))
    if not len(centres):
        return np.zeros(0)
    return np.quantile(centres, np.arange(1, strips) / strips)


def strip_of(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Return the strip holding each longitude ``x`` (degrees)."""
    import numpy as np

    return np.searchsorted(edges, x, side="right")


def split_into_strips(
    scan: tuple[dict[str, Any], Polygons], edges: np.ndarray, strips: int
) -> list[Polygons]:
    """One partition's polygons, by strip: each in every strip its bounding box reaches."""
    import numpy as np

    polys = scan[1]
    first, last = strip_of(polys.minx, edges), strip_of(polys.maxx, edges)
    reach = last - first + 1
    rows = np.repeat(np.arange(len(reach)), reach)
    starts = np.repeat(np.cumsum(reach) - reach, reach)
    strip = first[rows] + (np.arange(len(rows)) - starts)
    order = np.argsort(strip, kind="stable")
    cuts = np.searchsorted(strip[order], np.arange(1, strips))
    return [polys.take(rows[order][idx]) for idx in np.split(np.arange(len(order)), cuts)]


def strip_pairs(j: int, edges: np.ndarray, pieces: list[Polygons]) -> dict[str, np.ndarray]:
    """Return the overlapping pairs strip ``j`` owns, lower row first, and their areas (m²).

    As in :func:`planning.rules.topology.overlap_pairs`: candidates that intersect, the
    intersection of the lower row's polygon with the higher row's, its equal-area area,
    kept from :data:`~planning.rules.topology.MIN_OVERLAP_M2`.
    """
    import numpy as np
    import shapely

    from planning.geo.geodesic import equal_area_m2
    from planning.rules.topology import MIN_OVERLAP_M2

    p = Polygons.concat(pieces)
    qi, tj = shapely.STRtree(p.geoms).query(p.geoms, predicate="intersects")
    keep = p.keys[qi] < p.keys[tj]
    qi, tj = qi[keep], tj[keep]
    keep = strip_of(np.maximum(p.minx[qi], p.minx[tj]), edges) == j
    lo, hi = qi[keep], tj[keep]
    areas = equal_area_m2(shapely.intersection(p.geoms[lo], p.geoms[hi]), crs=WGS84)
    keep = areas >= MIN_OVERLAP_M2
    lo, hi = lo[keep], hi[keep]
    return {
        "lo": p.keys[lo],
        "hi": p.keys[hi],
        "lo_id": p.ids[lo],
        "hi_id": p.ids[hi],
        "ind": p.indicative[lo] | p.indicative[hi],
        "area": areas[keep],
    }


def overlaps_result(found: list[dict[str, np.ndarray]], polygons: int) -> RuleResult:
    """TOP001's result from the strips' pairs, in the in-memory rule's order (by rows)."""
    import numpy as np

    from planning.rules import REGISTRY
    from planning.rules.topology import pair_findings, pairs_outcome

    r = REGISTRY["TOP001"]
    cols = ("lo", "hi", "lo_id", "hi_id", "ind", "area")
    table = {c: np.concatenate([f[c] for f in found]) for c in cols} if found else {}
    if not found or not len(table["lo"]):
        table = {c: np.array([]) for c in cols}
    order = np.lexsort((table["hi"], table["lo"]))
    findings = pair_findings(
        r,
        table["lo_id"][order],
        table["hi_id"][order],
        table["ind"][order].astype(bool),
        table["area"][order].astype(float),
    )
    return r.result(pairs_outcome(polygons, findings))
