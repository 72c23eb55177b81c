"""Match a place name typed by a person to the official names of a layer.

A name matches when its :func:`~planning.text.names.name_key` is the official one's (case,
NFC/NFD and old/new tone placement ignored). Failing that, a name typed without
diacritics (``Phung Xa``) is accepted when exactly one official name folds to the same
text (``Phùng Xá``), and the caller says so in a note. Otherwise the closest official
names, by :func:`difflib.get_close_matches` on the folded text, are offered as "did you
mean".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from planning.i18n import message
from planning.text.names import fold, name_key

__all__ = ["NameMatch", "match_name"]


#: Similarity (0-1, :class:`difflib.SequenceMatcher` ratio of folded names) above which an
#: official name is offered as "did you mean".
SUGGEST_CUTOFF = 0.6


@dataclass(frozen=True)
class NameMatch:
    """The outcome of :func:`match_name`.

    Attributes
    ----------
    name
        The official name matched, or ``""``.
    how
        ``"exact"``, ``"folded"`` (matched only without diacritics: tell the user) or
        ``""`` (no match).
    suggestions
        Up to three close official names when there is no match, or the several names a
        diacritic-free spelling could mean.
    """

    name: str
    how: str
    suggestions: tuple[str, ...] = ()

    def did_you_mean(self) -> str:
        """``"; did you mean 'A' or 'B'?"`` (empty when there is nothing to suggest).

        A :class:`~planning.i18n.Message`, translated where it is shown.
        """
        if not self.suggestions:
            return ""
        quoted = [repr(s) for s in self.suggestions]
        names: str = quoted[0]
        if len(quoted) > 1:
            names = message("{names} or {last}", names=", ".join(quoted[:-1]), last=quoted[-1])
        return message("; did you mean {names}?", names=names)


def match_name(name: str, official: Iterable[str]) -> NameMatch:
    """Find ``name`` among ``official`` names.

    Parameters
    ----------
    name
        The name as typed, without its administrative prefix.
    official
        The names it may be (for example the communes of one district).

    Returns
    -------
    NameMatch
        See the module docstring for the order in which matches are tried.
    """
    names = list(dict.fromkeys(official))
    key = name_key(name)
    for n in names:
        if name_key(n) == key:
            return NameMatch(n, "exact")
    folded = fold(name)
    same = [n for n in names if fold(n) == folded]
    if len(same) == 1:
        return NameMatch(same[0], "folded")
    if same:
        return NameMatch("", "", tuple(same[:3]))
    by_fold: dict[str, str] = {}
    for n in names:
        by_fold.setdefault(fold(n), n)
    close = difflib.get_close_matches(folded, list(by_fold), n=3, cutoff=SUGGEST_CUTOFF)
    return NameMatch("", "", tuple(by_fold[c] for c in close))
