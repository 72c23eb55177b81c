"""planning: Hanoi's industrial-cluster plan (Decision 1292/QĐ-UBND, 2018) as checked geodata.

The public API is small::

    import planning
    plan = planning.load_plan()            # the bundled catalogue, districts, Hoa Lac
    report = planning.check(plan)          # rules → findings, figures, coverage
    print(report.to_markdown())
    m = planning.make_map(plan, report=report)   # a folium.Map

Names are imported lazily, so ``import planning`` and the command line start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_LAZY = {
    "Plan": "planning.model.plan",
    "load_plan": "planning.model.plan",
    "indicative_footprint": "planning.model.footprints",
    "load_manifest": "planning.model.manifest",
    "Manifest": "planning.model.manifest",
    "check": "planning.report.core",
    "Report": "planning.report.core",
    "area_ha": "planning.geo.area",
    "add_areas": "planning.geo.area",
    "load_districts": "planning.sources.boundaries",
    "load_communes": "planning.sources.boundaries",
    "read_layer": "planning.readers",
    "make_map": "planning.maps.api",
    "write_map": "planning.maps.api",
    "write_report": "planning.report.html",
    "diff_plans": "planning.diff",
    "check_partitioned": "planning.partitioned",
    "PlanningError": "planning.errors",
    "PlanDataError": "planning.errors",
    "CRSError": "planning.errors",
    "GeodataUnavailable": "planning.errors",
    "__version__": "planning._version",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:
    from planning._version import __version__
    from planning.diff import diff_plans
    from planning.errors import CRSError, GeodataUnavailable, PlanDataError, PlanningError
    from planning.geo.area import add_areas, area_ha
    from planning.maps.api import make_map, write_map
    from planning.model.footprints import indicative_footprint
    from planning.model.manifest import Manifest, load_manifest
    from planning.model.plan import Plan, load_plan
    from planning.partitioned import check_partitioned
    from planning.readers import read_layer
    from planning.report.core import Report, check
    from planning.report.html import write_report
    from planning.sources.boundaries import load_communes, load_districts


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planning' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
