"""Load one version of a plan for a diff: the bundled plan, or a user's cluster file."""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planning.model.plan import Plan

__all__ = ["BUNDLED", "load_version"]

#: The word that names the bundled plan on the command line and in :func:`load_version`.
BUNDLED = "bundled"


def load_version(
    spec: str | PathLike[str],
    *,
    manifest: str | PathLike[str] | None = None,
    districts: str | PathLike[str] | None = None,
    zones: str | PathLike[str] | None = None,
    complete: bool | None = None,
    mirror: str | PathLike[str] | None = None,
    fix: bool = False,
    crs: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
) -> Plan:
    """Load one version of a plan: the bundled plan, or a cluster file.

    Parameters
    ----------
    spec
        The word ``bundled`` (:data:`BUNDLED`) for the bundled catalogue, or a cluster
        file in any format :func:`planning.readers.read_layer` reads. The word wins over a
        file of that name; write ``./bundled`` for the file.
    manifest, districts, zones, complete, mirror, fix, crs, encoding, sheet
        As for :func:`planning.model.plan.load_plan` (``crs``, ``encoding`` and ``sheet``
        apply to a cluster file only).

    Returns
    -------
    Plan
        The plan, named after ``spec``.
    """
    from dataclasses import replace

    from planning.model.plan import load_plan

    kwargs: dict[str, Any] = {
        "manifest": manifest,
        "districts": districts,
        "zones": zones,
        "complete": complete,
        "mirror": mirror,
        "fix": fix,
        "crs": crs,
        "encoding": encoding,
    }
    if str(spec) == BUNDLED:
        return load_plan(**kwargs)
    plan = load_plan(spec, sheet=sheet, **kwargs)
    return replace(plan, name=str(spec))
