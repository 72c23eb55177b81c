"""Compare two versions of a plan: clusters added, removed, resized and moved, and what follows.

:func:`diff_plans` lists

- the clusters **added** and **removed**;
- the clusters **resized**: their declared area changed (with the delta in ha);
- the clusters **moved**: their location (the centroid of the outline, or the point of a
  location-only cluster) moved further than a tolerance, measured geodesically on the
  WGS 84 ellipsoid;
- other attribute changes of kept clusters (name, district, commune, category, phase,
  geometry kind), because they move hectares between districts and categories;
- the totals of each district and each category that changed (clusters and declared ha,
  old, new and delta);
- the rules whose verdict changed: newly failing, newly passing, and other changes.

**Matching.** Clusters of the two versions are matched by ``cluster_id``, compared
exactly after NFC normalisation and trimming (case matters), then (``match="auto"``, the
default) the rest by name and district compared without diacritics and without the
``CCN``/``Cụm công nghiệp`` prefix (:mod:`planning.diff.match`); ``match="id"`` matches by id
only, ``match="name"`` by name and district only. Each pair says how it was matched
(``pairs``, and ``matched_by`` on each change). An id that appears twice in one version is
an error (:class:`~planning.errors.PlanDataError`).

**Areas.** A declared area is a published number of hectares, NaN when not published. A
cluster whose area becomes published (NaN → 60 ha) or withdrawn counts as resized, and a
missing area counts as 0 ha in every delta and total, so that the district and category
deltas add up exactly to the cluster deltas.

A :class:`PlanDiff` is data: :meth:`PlanDiff.to_dict` and :meth:`PlanDiff.to_json` give it in
the ``planning.diff/1`` schema, and :func:`diff_layer` returns the changes as a GeoDataFrame,
for maps. Markdown and the terminal rendering are in :mod:`planning.report.diff_render`, the
map in :func:`planning.maps.api.make_diff_map`.

The package's modules: :mod:`~planning.diff.changes` (the change records and
:class:`PlanDiff`, as data), :mod:`~planning.diff.compare` (:func:`diff_plans`),
:mod:`~planning.diff.match` (pairing the clusters), :mod:`~planning.diff.layer`
(:func:`diff_layer`) and :mod:`~planning.diff.versions` (:func:`load_version`).
"""

from planning.diff.changes import (
    CHANGE_KINDS,
    DEFAULT_MOVE_TOLERANCE_M,
    DEFAULT_RESIZE_TOLERANCE_HA,
    SCHEMA,
    AttributeChange,
    ChangeKind,
    ClusterChange,
    PlanDiff,
    RuleChange,
    TotalChange,
)
from planning.diff.compare import TRACKED_ATTRIBUTES, diff_plans
from planning.diff.layer import diff_layer
from planning.diff.versions import BUNDLED, load_version

__all__ = [
    "BUNDLED",
    "CHANGE_KINDS",
    "DEFAULT_MOVE_TOLERANCE_M",
    "DEFAULT_RESIZE_TOLERANCE_HA",
    "SCHEMA",
    "TRACKED_ATTRIBUTES",
    "AttributeChange",
    "ChangeKind",
    "ClusterChange",
    "PlanDiff",
    "RuleChange",
    "TotalChange",
    "diff_layer",
    "diff_plans",
    "load_version",
]
