"""IDS: identifiers and names: duplicate ids, and names equal without diacritics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planning.i18n import message, plural_message
from planning.rules._base import CheckOptions, Outcome, Rule, rule
from planning.text.names import fold

if TYPE_CHECKING:
    import pandas as pd

    from planning.model.plan import Plan


@rule("IDS001", "Cluster ids are unique")
def duplicate_ids(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Two rows with one id make every per-cluster figure ambiguous. Fix: renumber one.

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([{"cluster_id": "A", "geometry": square(105.56, 21.06, 1)},
    ...                   {"cluster_id": "A", "geometry": square(105.60, 21.06, 1)}])
    >>> result = run_rule("IDS001", plan)
    >>> result.status
    'fail'
    >>> print(result.findings[0].message)
    id 'A' is used by rows 1, 2
    """
    ids_ = plan.clusters["cluster_id"].astype(str)
    findings = []
    blank = ids_.str.strip().eq("")
    if blank.any():
        findings.append(
            r.finding(
                plural_message(
                    "{n:,} cluster have an empty id",
                    "{n:,} clusters have an empty id",
                    int(blank.sum()),
                )
            )
        )
    dup = ids_[ids_.duplicated(keep=False) & ~blank]
    for value, group in dup.groupby(dup):
        rows = ", ".join(str(i + 1) for i in group.index)
        findings.append(
            r.finding(
                message("id {id!r} is used by rows {rows}", id=value, rows=rows),
                cluster_id=str(value),
                rows=[int(i) + 1 for i in group.index],
            )
        )
    return Outcome(
        plural_message("{n:,} id checked", "{n:,} ids checked", len(ids_)),
        findings,
        checked=len(ids_),
    )


def _name_fold(name: str) -> str:
    key = fold(name)
    for prefix in ("cum cong nghiep ", "ccn "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key.strip()


def name_folds(names: pd.Series) -> pd.Series:
    """:func:`_name_fold` of every name, vectorised: equal to ``names.map(_name_fold)``.

    :func:`~planning.text.names.fold` works character by character (decompose, drop the
    combining marks, đ → d, case-fold) and then collapses white space, so it is applied
    once to every distinct character, between two guard letters that keep white space from
    being stripped. Each distinct name is translated with the resulting table, in which
    every white space character has become a plain space; collapsing the spaces and
    removing the prefixes are then vectorised string operations.
    """
    import numpy as np
    import pandas as pd

    codes, uniq = pd.factorize(names.astype(str), use_na_sentinel=False)
    distinct = uniq.to_numpy(dtype=object)
    table = {ord(c): fold(f"a{c}a")[1:-1] for c in set("".join(distinct))}
    folded = pd.Series([name.translate(table) for name in distinct], dtype=str)
    folded = folded.str.replace(" +", " ", regex=True).str.strip(" ")
    folded = folded.str.replace("^(?:cum cong nghiep )?(?:ccn )?", "", regex=True).str.strip(" ")
    keys = np.asarray(folded.to_numpy(dtype=object), dtype=object)
    return pd.Series(keys[codes], index=names.index, dtype=object)


@rule("IDS002", "Cluster names are distinct when compared without diacritics", severity="warning")
def duplicate_names(plan: Plan, options: CheckOptions, r: Rule) -> Outcome:
    """Names such as "CCN Phùng Xá" and "CCN Phung Xa" are the same name typed twice, or two clusters a reader
    cannot tell apart. Names are compared without diacritics, case or the "CCN" prefix.

    Fix: merge the duplicate rows, or make the names distinct (add the commune).

    Examples
    --------
    >>> from planning.testing import make_plan, run_rule, square
    >>> plan = make_plan([
    ...     {"cluster_id": "A", "name_vi": "CCN Phùng Xá", "geometry": square(105.56, 21.06, 1)},
    ...     {"cluster_id": "B", "name_vi": "Cụm công nghiệp phung xa", "geometry": square(105.60, 21.06, 1)},
    ... ])
    >>> result = run_rule("IDS002", plan)
    >>> result.status
    'warn'
    >>> print(result.findings[0].message)
    names equal without diacritics ('phung xa'): A 'CCN Phùng Xá' (); B 'Cụm công nghiệp phung xa' ()
    """
    return name_duplicates(plan, name_folds(plan.clusters["name_vi"].astype(str)), r)


def name_duplicates(plan: Plan, keys: pd.Series, r: Rule) -> Outcome:
    """Return IDS002's outcome from the names' keys, already folded (``name_folds``).

    A hook for ``planning.partitioned``, which folds the names partition by partition.
    """
    names = plan.clusters["name_vi"]
    findings = []
    dup = keys[keys.duplicated(keep=False) & keys.ne("")]
    picked = plan.clusters.loc[dup.index, ["cluster_id", "name_vi", "district_vi"]]
    for key, group in dup.groupby(dup):
        rows = picked.loc[group.index]
        shown = "; ".join(
            f"{c} {n!r} ({d})"
            for c, n, d in zip(
                rows["cluster_id"], rows["name_vi"], rows["district_vi"], strict=True
            )
        )
        findings.append(
            r.finding(
                message("names equal without diacritics ({key!r}): {shown}", key=key, shown=shown),
                cluster_id=str(rows["cluster_id"].iloc[0]),
                ids=list(rows["cluster_id"]),
            )
        )
    return Outcome(
        plural_message(
            "{n:,} name compared without diacritics",
            "{n:,} names compared without diacritics",
            len(names),
        ),
        findings,
        checked=len(names),
    )
