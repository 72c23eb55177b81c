"""Pair the clusters of two versions of a plan: by id, then by name and district.

Two versions from different sources rarely share ids: a department's sheet numbers its rows
(``1``, ``2`` … or ids assigned by row), the bundled catalogue uses ``CCN-01`` …. Matching by
id alone then lists the same cluster as removed and added. :func:`match_clusters` pairs
clusters by ``cluster_id`` first (exact, after trimming), then pairs the rest by name and
district compared without diacritics, case, punctuation or the type prefix (``CCN``,
``Cụm công nghiệp``, ``làng nghề``; :func:`planning.model.catalogue.cluster_key`). A name
and district that more than one remaining cluster of either version shares is ambiguous and
left unpaired: a guess would be a quietly wrong answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from planning.errors import UsageError
from planning.model.catalogue import cluster_key

__all__ = ["MATCH_MODES", "MatchMode", "Pair", "match_clusters", "name_district_key"]

MatchMode = Literal["id", "name", "auto"]
#: The ``--match`` choices: ``id`` only, ``name`` (and district) only, ``auto`` (id, then name).
MATCH_MODES: tuple[MatchMode, ...] = ("id", "name", "auto")


@dataclass(frozen=True)
class Pair:
    """One cluster found in both versions.

    Attributes
    ----------
    old_id, new_id
        Its ``cluster_id`` in each version.
    matched_by
        ``"cluster_id"`` or ``"name and district"``.
    """

    old_id: str
    new_id: str
    matched_by: str

    def to_dict(self) -> dict[str, str]:
        """Return the pair as plain data."""
        return {"old_id": self.old_id, "new_id": self.new_id, "matched_by": self.matched_by}


def name_district_key(name: str, district: str) -> tuple[str, str]:
    """Return the key clusters are paired by when their ids differ.

    Parameters
    ----------
    name, district
        The cluster's name and district as written (any Unicode form, with or without
        prefixes).

    Returns
    -------
    tuple of str
        Folded name without ``CCN``/``Cụm công nghiệp``, folded district without its type.

    Examples
    --------
    >>> name_district_key("Cụm công nghiệp Phùng Xá", "huyện Thạch Thất")
    ('phung xa', 'thach that')
    >>> name_district_key("CCN PHUNG XA", "Thach That")
    ('phung xa', 'thach that')
    """
    bare, _, unit = cluster_key(name, "", district)
    return bare, unit


def match_clusters(
    olds: Mapping[str, Mapping[str, Any]],
    news: Mapping[str, Mapping[str, Any]],
    *,
    how: MatchMode = "auto",
) -> list[Pair]:
    """Pair the clusters of two versions.

    Parameters
    ----------
    olds, news
        ``{cluster_id: record}`` of each version; a record has ``name_vi`` and ``district_vi``.
    how
        ``"id"``: by ``cluster_id`` only; ``"name"``: by name and district only;
        ``"auto"``: by id, then the rest by name and district.

    Returns
    -------
    list of Pair
        The pairs, in the old version's order; a cluster is in at most one pair.

    Raises
    ------
    UsageError
        If ``how`` is not one of :data:`MATCH_MODES`.
    """
    if how not in MATCH_MODES:
        raise UsageError(f"--match must be one of {', '.join(MATCH_MODES)}, got {how!r}")
    pairs: list[Pair] = []
    if how in ("id", "auto"):
        pairs = [Pair(cid, cid, "cluster_id") for cid in olds if cid in news]
    if how in ("name", "auto"):
        taken_old = {p.old_id for p in pairs}
        taken_new = {p.new_id for p in pairs}
        left_old = _by_key({k: v for k, v in olds.items() if k not in taken_old})
        left_new = _by_key({k: v for k, v in news.items() if k not in taken_new})
        for key, old_ids in left_old.items():
            new_ids = left_new.get(key, [])
            if len(old_ids) == 1 and len(new_ids) == 1 and key[0]:
                pairs.append(Pair(old_ids[0], new_ids[0], "name and district"))
    order = {cid: i for i, cid in enumerate(olds)}
    return sorted(pairs, key=lambda p: order[p.old_id])


def _by_key(records: Mapping[str, Mapping[str, Any]]) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cid, rec in records.items():
        out[name_district_key(str(rec.get("name_vi", "")), str(rec.get("district_vi", "")))].append(
            cid
        )
    return out
