"""planning: Hanoi's industrial-cluster plan (Decision 1292/QĐ-UBND, 2018) as checked geodata.

The public API is small::

    import planning
    plan = planning.load_plan()            # the bundled catalogue, districts, Hoa Lac
    report = planning.check(plan)          # rules → findings, figures, coverage
    print(report.to_markdown())
    m = planning.make_map(plan, report=report)   # a folium.Map (extra: maps)

Names are imported lazily, so ``import planning`` and the command line start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Plan": "planning.model",
    "load_plan": "planning.model",
    "indicative_footprint": "planning.model",
    "load_manifest": "planning.manifest",
    "Manifest": "planning.manifest",
    "check": "planning.report",
    "Report": "planning.report",
    "area_ha": "planning.area",
    "add_areas": "planning.area",
    "load_districts": "planning.geodata",
    "load_communes": "planning.geodata",
    "read_layer": "planning.io",
    "make_map": "planning.maps",
    "write_map": "planning.maps",
    "write_report": "planning.htmlreport",
    "diff_plans": "planning.diff",
    "check_partitioned": "planning.distributed",
    "PlanningError": "planning.errors",
    "PlanDataError": "planning.errors",
    "CRSError": "planning.errors",
    "GeodataUnavailable": "planning.errors",
}

__all__ = sorted([*_LAZY, "__version__"])

if TYPE_CHECKING:
    from planning.area import add_areas, area_ha
    from planning.diff import diff_plans
    from planning.distributed import check_partitioned
    from planning.errors import CRSError, GeodataUnavailable, PlanDataError, PlanningError
    from planning.geodata import load_communes, load_districts
    from planning.htmlreport import write_report
    from planning.io import read_layer
    from planning.manifest import Manifest, load_manifest
    from planning.maps import make_map, write_map
    from planning.model import Plan, indicative_footprint, load_plan
    from planning.report import Report, check


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planning' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
