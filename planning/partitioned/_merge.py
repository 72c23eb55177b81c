"""Merging the partitions' results into one :class:`~planning.report.core.Report`.

The partitions' attribute tables become one plan without geometries (what the plan-wide
rules and the report read); each scanned rule's partials are combined in partition order
and finished once; IDS002 runs on the names the workers folded; the report is built as
:func:`planning.check` builds it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from planning.partitioned._scan import NAMES_RULE, Context
from planning.settings import WGS84

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from planning.model.plan import Plan
    from planning.rules import Partial, RuleResult


def attribute_plan(
    base: Plan, thins: list[pd.DataFrame], complete: bool, label: str, name: str | None
) -> Plan:
    """Return the plan without geometries: what the PLN, IDS and COV rules and the report need."""
    import geopandas as gpd
    import pandas as pd

    frames = [t for t in thins if len(t)] or thins[:1]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    clusters = gpd.GeoDataFrame(
        table, geometry=gpd.GeoSeries([None] * len(table), crs=WGS84), crs=WGS84
    )
    inputs = {**base.inputs, "clusters": label}
    return replace(
        base,
        clusters=clusters,
        complete=complete,
        name=name or f"Plan from {label}",
        inputs=inputs,
    )


def finish_scanned(code: str, parts: list[Partial], ctx: Context, thin: Plan) -> RuleResult:
    """Combine a rule's partials (and, for GEO rules, the zones' own), then finish it."""
    from planning.model.plan import Plan
    from planning.rules import REGISTRY, Partial

    r = REGISTRY[code]
    assert r.scan is not None and r.finish is not None
    if r.zone_rows:
        empty = thin.clusters.iloc[:0]
        zones_only = Plan(
            clusters=empty,
            districts=ctx.districts,
            zones=ctx.zones,
            manifest=ctx.manifest,
            complete=ctx.complete,
        )
        parts = [*parts, r.scan(zones_only, ctx.options, r)]
    return r.result(r.finish(Partial.combine(parts), ctx.options, r))


def names_result(thin: Plan, keys: list[np.ndarray]) -> RuleResult:
    """IDS002 on the whole table, from the names folded on the workers."""
    import numpy as np
    import pandas as pd

    from planning.rules import REGISTRY
    from planning.rules.identity import name_duplicates

    r = REGISTRY[NAMES_RULE]
    folded = pd.Series(np.concatenate([np.zeros(0, dtype=object), *keys]), dtype=object)
    return r.result(name_duplicates(thin, folded, r))
