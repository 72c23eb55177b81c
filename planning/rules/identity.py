"""IDS: identifiers and names: duplicate ids, and names equal without diacritics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.rules._base import CheckOptions, Outcome, Rule, plural, rule
from planning.vietnamese import fold

if TYPE_CHECKING:
    from planning.model import Plan


@rule("IDS001", "Cluster ids are unique")
def duplicate_ids(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Two rows with one id make every per-cluster figure ambiguous. Fix: renumber one."""
    ids_ = plan.clusters["cluster_id"].astype(str)
    findings = []
    blank = ids_.str.strip().eq("")
    if blank.any():
        findings.append(r.finding(f"{plural(int(blank.sum()), 'cluster')} have an empty id"))
    dup = ids_[ids_.duplicated(keep=False) & ~blank]
    for value, group in dup.groupby(dup):
        rows = ", ".join(str(i + 1) for i in group.index)
        findings.append(
            r.finding(
                f"id {value!r} is used by rows {rows}",
                cluster_id=str(value),
                rows=[int(i) + 1 for i in group.index],
            )
        )
    return Outcome(f"{plural(len(ids_), 'id')} checked", findings)


def _name_fold(name: str) -> str:
    key = fold(name)
    for prefix in ("cum cong nghiep ", "ccn "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key.strip()


@rule("IDS002", "Cluster names are distinct when compared without diacritics", severity="warning")
def duplicate_names(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Names such as "CCN Phùng Xá" and "CCN Phung Xa" are the same name typed twice, or two clusters a reader
    cannot tell apart. Names are compared without diacritics, case or the "CCN" prefix.

    Fix: merge the duplicate rows, or make the names distinct (add the commune).
    """
    names = plan.clusters["name_vi"].astype(str)
    keys = names.map(_name_fold)
    findings = []
    dup = keys[keys.duplicated(keep=False) & keys.ne("")]
    for key, group in dup.groupby(dup):
        rows = plan.clusters.loc[group.index]
        shown = "; ".join(
            f"{c} {n!r} ({d})"
            for c, n, d in zip(
                rows["cluster_id"], rows["name_vi"], rows["district_vi"], strict=True
            )
        )
        findings.append(
            r.finding(
                f"names equal without diacritics ({key!r}): {shown}",
                cluster_id=str(rows["cluster_id"].iloc[0]),
                ids=list(rows["cluster_id"]),
            )
        )
    return Outcome(f"{plural(len(names), 'name')} compared without diacritics", findings)
