"""ADM: the administrative units a cluster declares agree with where it lies.

The 2025 commune or ward holding each cluster is found from its location by
:func:`planning.model.units2025.add_units_2025` (``commune_2025``); a 2025 unit the data
declares (``declared_commune_2025``: the bundled catalogue's IIPMap addresses, or a user's
column) is compared with it here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.i18n import N_, message, plural_message
from planning.rules._base import CheckOptions, Outcome, Partial, Rule, rule
from planning.text.names import name_key, split_admin_prefix

if TYPE_CHECKING:
    from planning.model.plan import Plan


def _keys(text: str) -> set[str]:
    """Name keys of the units in ``"A; B"`` (type prefixes dropped)."""
    return {name_key(split_admin_prefix(p.strip())[1]) for p in text.split(";") if p.strip()}


def _adm001_outcome(part: Partial, options: CheckOptions, r: Rule) -> Outcome:
    n = part.counts["checked"]
    return Outcome(
        plural_message(
            "{n:,} cluster declaring a 2025 commune compared with the one holding it",
            "{n:,} clusters declaring a 2025 commune compared with the one holding it",
            n,
        ),
        part.findings,
        checked=n,
    )


@rule(
    "ADM001",
    "A cluster lies in the 2025 commune or ward it declares",
    severity="warning",
    finish=_adm001_outcome,
    none_checked=N_(
        "no cluster declares a 2025 commune or ward and has one found from its location"
    ),
)
def declared_unit_2025(plan: Plan, options: CheckOptions, r: Rule) -> Partial:
    """A cluster that declares its commune or ward of the 2025 structure
    (``declared_commune_2025``) must lie in it: the declared unit must be one of the units
    holding its footprint (``commune_2025``, found in Ha Noi's 2025 layer; both units of a
    straddling footprint count). Names are compared without case, type prefix or tone
    placement (``Dân Hòa`` = ``Xã Dân Hoà``).

    Clusters known only to their district have no 2025 unit and are not checked. A warning,
    not an error: the declared unit may be an office's address, or the location may be a
    source's approximate point. Fix: correct the declared unit, or the location.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 1)}])
    >>> plan.clusters["declared_commune_2025"] = ["Quốc Oai"]
    >>> plan.clusters["commune_2025"] = ["Kiều Phú"]
    >>> run_rule("ADM001", plan).status
    'warn'
    """
    cl = plan.clusters
    if "declared_commune_2025" not in cl.columns or "commune_2025" not in cl.columns:
        return Partial([], {"checked": 0})
    checked = 0
    findings = []
    declared = cl["declared_commune_2025"].fillna("").astype(str)
    found = cl["commune_2025"].fillna("").astype(str)
    codes = (
        cl["commune_2025_code"].fillna("").astype(str)
        if "commune_2025_code" in cl.columns
        else found.map(lambda _: "")
    )
    for cid, name, want, have, code in zip(
        cl["cluster_id"], cl["name_vi"], declared, found, codes, strict=True
    ):
        if not want.strip() or not have.strip():
            continue
        checked += 1
        if _keys(want) & _keys(have):
            continue
        findings.append(
            r.finding(
                message(
                    "cluster {id} ({name}) declares the 2025 commune {want} but lies in {have} "
                    "({code})",
                    id=str(cid),
                    name=str(name),
                    want=want,
                    have=have,
                    code=code,
                )
                if code
                else message(
                    "cluster {id} ({name}) declares the 2025 commune {want} but lies in {have}",
                    id=str(cid),
                    name=str(name),
                    want=want,
                    have=have,
                ),
                cluster_id=str(cid),
                declared=want,
                found=have,
                found_code=code,
            )
        )
    return Partial(findings, {"checked": checked})
