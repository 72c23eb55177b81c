"""VN-2000 done right: recognise it and repair a lost datum shift.

Vietnamese planning data is mostly in VN-2000: geographic (EPSG:4756), the national TM-3
zones (EPSG:5896-5899; Hanoi is zone 482, EPSG:5897, central meridian 105°E), the
provincial TM-3 meridians (EPSG:9205-9218) or UTM (EPSG:3405/3406). VN-2000 uses the
WGS 84 ellipsoid but a different datum: the datum shift to WGS 84 is about 224 m in
Hanoi. EPSG:6960, "VN-2000 to WGS 84 (2)", is the transformation this project uses.

The shift is easy to lose. ``CRS(4756).to_proj4()`` drops it, many ``.prj`` files carry
``TOWGS84[0,0,0,0,0,0,0]``, and a TM-3 projection is often exported with plain WGS 84 as
its datum. :func:`repair_crs` recognises all of these, warns with
:class:`DatumShiftWarning`, and returns the VN-2000 CRS with the correct shift
(a :class:`planning.geo.helmert.Helmert`, EPSG:6960 unless a file or user gives another).

This module is the project's one answer to "is this VN-2000, and did it lose its shift":
:mod:`planning.geo.transform` (the one VN-2000 <-> WGS 84 transformer), the areas of
:mod:`planning.geo.area`, readers and maps all rely on it.

Heavy imports (pyproj) happen inside functions.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from os import PathLike
from typing import TYPE_CHECKING, Any

from planning.errors import CRSError, PlanningWarning
from planning.geo.helmert import HELMERT_6959, HELMERT_6960, Helmert
from planning.i18n import message
from planning.settings import VN2000_TO_WGS84

if TYPE_CHECKING:
    from pyproj import CRS

__all__ = [
    "VIETNAM_BOUNDS",
    "VN2000_CODES",
    "CRSRepair",
    "DatumShiftWarning",
    "is_vn2000",
    "parse_crs",
    "repair_crs",
]


class DatumShiftWarning(PlanningWarning):
    """A VN-2000 layer had lost (or mangled) its datum shift; the correct one was applied."""


#: EPSG codes of the VN-2000 CRSs → name. 4756 is geographic; the rest are projected.
VN2000_CODES: dict[int, str] = {
    4756: "VN-2000",
    3405: "VN-2000 / UTM zone 48N",
    3406: "VN-2000 / UTM zone 49N",
    5896: "VN-2000 / TM-3 zone 481",
    5897: "VN-2000 / TM-3 zone 482",
    5898: "VN-2000 / TM-3 zone 491",
    5899: "VN-2000 / TM-3 107-45",
    9205: "VN-2000 / TM-3 103-00",
    9206: "VN-2000 / TM-3 104-00",
    9207: "VN-2000 / TM-3 104-30",
    9208: "VN-2000 / TM-3 104-45",
    9209: "VN-2000 / TM-3 105-30",
    9210: "VN-2000 / TM-3 105-45",
    9211: "VN-2000 / TM-3 106-00",
    9212: "VN-2000 / TM-3 106-15",
    9213: "VN-2000 / TM-3 106-30",
    9214: "VN-2000 / TM-3 107-00",
    9215: "VN-2000 / TM-3 107-15",
    9216: "VN-2000 / TM-3 107-30",
    9217: "VN-2000 / TM-3 108-15",
    9218: "VN-2000 / TM-3 108-30",
}

# Transverse Mercator VN-2000 CRSs by (central meridian, scale factor).
_TM_CODES: dict[tuple[float, float], int] = {
    (102.0, 0.9999): 5896,
    (105.0, 0.9999): 5897,
    (108.0, 0.9999): 5898,
    (107.75, 0.9999): 5899,
    (103.0, 0.9999): 9205,
    (104.0, 0.9999): 9206,
    (104.5, 0.9999): 9207,
    (104.75, 0.9999): 9208,
    (105.5, 0.9999): 9209,
    (105.75, 0.9999): 9210,
    (106.0, 0.9999): 9211,
    (106.25, 0.9999): 9212,
    (106.5, 0.9999): 9213,
    (107.0, 0.9999): 9214,
    (107.25, 0.9999): 9215,
    (107.5, 0.9999): 9216,
    (108.25, 0.9999): 9217,
    (108.5, 0.9999): 9218,
    (105.0, 0.9996): 3405,
    (111.0, 0.9996): 3406,
}

#: Longitude/latitude box of Viet Nam with its islands (west, south, east, north), degrees.
VIETNAM_BOUNDS = (102.0, 6.0, 117.9, 23.5)

_VN_NAME = re.compile(r"vn[\s_-]*2000|vietnam[\s_-]*2000|viet[\s_-]*nam[\s_-]*2000", re.I)


@dataclass(frozen=True)
class CRSRepair:
    """What :func:`repair_crs` decided about a layer's CRS.

    Attributes
    ----------
    crs
        The CRS the coordinates are in, cleaned: the EPSG CRS when one is identified
        (for example EPSG:5897), otherwise the CRS as given.
    vn2000
        Whether the layer is VN-2000.
    helmert
        The datum shift to WGS 84 that will be applied (VN-2000 only).
    datum_shift_lost
        True when the file had lost its shift (no shift, a zero shift, or WGS 84 as the
        datum of a VN-2000 projection) and the correct one was substituted.
    notes
        Human-readable notes on what was found and done.
    """

    crs: CRS
    vn2000: bool = False
    helmert: Helmert | None = None
    datum_shift_lost: bool = False
    notes: tuple[str, ...] = ()

    @property
    def epsg(self) -> int | None:
        """The EPSG code of :attr:`crs`, if it has one."""
        return _epsg_of(self.crs)


def _epsg_of(crs: CRS) -> int | None:
    ident = crs.to_authority(min_confidence=100)
    if ident and ident[0] == "EPSG":
        try:
            return int(ident[1])
        except ValueError:
            return None
    return None


def _where(path: str | PathLike[str] | None) -> str:
    return f"{path}" if path is not None else message("the layer")


def parse_crs(crs: Any, *, path: str | PathLike[str] | None = None) -> CRS:
    """Return a layer's CRS as a :class:`pyproj.CRS`, or raise a :class:`CRSError` naming ``path``.

    Parameters
    ----------
    crs
        Anything :meth:`pyproj.CRS.from_user_input` accepts; None or a blank string means
        the layer has no CRS.
    path
        The file the layer came from, named in messages.

    Raises
    ------
    CRSError
        If ``crs`` is missing or cannot be parsed.
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCRSError

    if crs is None or (isinstance(crs, str) and not crs.strip()):
        raise CRSError(
            message(
                "the layer has no coordinate reference system (no .prj file or CRS member); "
                "give its CRS explicitly, for example EPSG:5897 (VN-2000 / TM-3 105°E, Hanoi)"
            ),
            path=path,
        )
    try:
        return CRS.from_user_input(crs)
    except (ProjCRSError, TypeError, ValueError) as exc:
        raise CRSError(
            message(
                "unreadable coordinate reference system {crs!r}: {reason}",
                crs=str(crs)[:80],
                reason=str(exc),
            ),
            path=path,
        ) from None


def _towgs84_of(crs: CRS) -> Helmert | None:
    """Return the +towgs84 of a bound CRS, or None."""
    if not crs.is_bound:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proj4 = crs.to_proj4() or ""
    m = re.search(r"\+towgs84=([-0-9.eE,+]+)", proj4)
    if not m:
        return None
    try:
        return Helmert.from_towgs84(m.group(1).split(","))
    except ValueError:
        return None


def _is_wgs84_datum(name: str) -> bool:
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return "worldgeodeticsystem1984" in key or key in {"wgs84", "wgs1984", "dwgs1984"}


def _is_wgs84_ellipsoid(crs: CRS) -> bool:
    ell = crs.ellipsoid
    return (
        ell is not None
        and abs(ell.semi_major_metre - 6378137.0) < 1e-3
        and abs(ell.inverse_flattening - 298.257223563) < 1e-6
    )


def _tm_params(crs: CRS) -> dict[str, float] | None:
    """Return lon_0/k/x_0/y_0/lat_0 of a Transverse Mercator CRS, else None."""
    op = crs.coordinate_operation
    if op is None or "transverse mercator" not in op.method_name.lower():
        return None
    names = {
        "longitude of natural origin": "lon_0",
        "scale factor at natural origin": "k",
        "false easting": "x_0",
        "false northing": "y_0",
        "latitude of natural origin": "lat_0",
    }
    out: dict[str, float] = {}
    for p in op.params:
        key = names.get(p.name.lower())
        if key:
            out[key] = float(p.value)
    units = crs.axis_info[0].unit_name if crs.axis_info else "metre"
    if units not in ("metre", "meter", "m") or len(out) < 5:
        return None
    return out


#: VN-2000 / UTM codes and their zones (EPSG:3405 zone 48N, EPSG:3406 zone 49N).
_VN_UTM = {3405: 48, 3406: 49}


def _vn_tm_code(params: dict[str, float]) -> int | None:
    if params["x_0"] != 500000.0 or params["y_0"] != 0.0 or params["lat_0"] != 0.0:
        return None
    return _TM_CODES.get((round(params["lon_0"], 6), round(params["k"], 6)))


def _looks_like_vn_tm3(params: dict[str, float] | None) -> bool:
    """Return True for a TM-3 projection (k 0.9999, 500 km false easting) over Viet Nam."""
    if params is None:
        return False
    return (
        abs(params["k"] - 0.9999) < 1e-9
        and params["x_0"] == 500000.0
        and params["y_0"] == 0.0
        and params["lat_0"] == 0.0
        and 102.0 <= params["lon_0"] <= 110.0
    )


def is_vn2000(crs: Any) -> bool:
    """Return True when ``crs`` is (or plainly was meant to be) a VN-2000 CRS.

    Parameters
    ----------
    crs
        Anything :meth:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    bool
        True for the EPSG VN-2000 CRSs, for CRSs whose datum is named VN-2000, and for
        TM-3 projections (scale 0.9999, false easting 500 km, central meridian 102-110°E)
        that lost their datum.
    """
    try:
        return repair_crs(crs, warn=False).vn2000
    except CRSError:
        return False


def _vn2000_crs(base: CRS, params: dict[str, float] | None, code: int | None) -> CRS:
    """Return the clean VN-2000 CRS: the EPSG one, or a custom CRS on the VN-2000 datum."""
    from pyproj import CRS
    from pyproj.crs import ProjectedCRS
    from pyproj.crs.coordinate_operation import TransverseMercatorConversion

    if code is not None:
        return CRS.from_epsg(code)
    if base.is_geographic:
        return CRS.from_epsg(4756)
    if params is not None:
        conv = TransverseMercatorConversion(
            latitude_natural_origin=params["lat_0"],
            longitude_natural_origin=params["lon_0"],
            false_easting=params["x_0"],
            false_northing=params["y_0"],
            scale_factor_natural_origin=params["k"],
        )
        return ProjectedCRS(conv, name=f"VN-2000 / TM {params['lon_0']:g}",
                            geodetic_crs=CRS.from_epsg(4756))  # fmt: skip
    return base


def repair_crs(
    crs: Any,
    *,
    path: str | PathLike[str] | None = None,
    helmert: Helmert | None = None,
    warn: bool = True,
) -> CRSRepair:
    """Recognise a VN-2000 CRS and make sure the right datum shift will be applied.

    This is the project's one definition of "is this VN-2000, and did it lose its datum
    shift": :func:`is_vn2000`, the areas of :mod:`planning.geo.area` and every reader go
    through it.

    Parameters
    ----------
    crs
        The layer's CRS: a :class:`pyproj.CRS`, WKT, a PROJ string, ``"EPSG:5897"`` …
    path
        The file it came from, named in messages.
    helmert
        A datum shift to use for VN-2000 instead of EPSG:6960, in either convention.
    warn
        Emit a :class:`DatumShiftWarning` when a lost or mangled shift is repaired.

    Returns
    -------
    CRSRepair
        The cleaned CRS, whether it is VN-2000, the shift to apply and notes.

    Raises
    ------
    CRSError
        If ``crs`` is None (the layer has no CRS) or cannot be parsed.
    """
    base_in = parse_crs(crs, path=path)
    given = _towgs84_of(base_in)
    base = base_in.source_crs if base_in.is_bound and base_in.source_crs else base_in
    where = _where(path)
    found = _identify(base)
    if not found.vn2000:
        notes = _lookalike_notes(base, found, where)
        for said in notes if warn else ():
            warnings.warn(DatumShiftWarning(said), stacklevel=2)
        return CRSRepair(crs=base_in, notes=notes)

    clean = _vn2000_crs(base, found.params, found.code)
    if helmert is not None:
        shift, lost = helmert, False
        note: str = message(
            "{where}: VN-2000 → WGS 84 with the given seven parameters ({convention})",
            where=where,
            convention=shift.convention,
        )
    else:
        shift, lost, note = _choose_shift(given, found, base, where)
    if lost and warn:
        warnings.warn(DatumShiftWarning(note), stacklevel=2)
    return CRSRepair(crs=clean, vn2000=True, helmert=shift, datum_shift_lost=lost,
                     notes=(note,))  # fmt: skip


@dataclass(frozen=True)
class _Identified:
    """What the datum, name and projection of a (non-bound) CRS say about VN-2000."""

    datum: str
    named_vn: bool
    wgs84_ellipsoid: bool
    params: dict[str, float] | None
    code: int | None
    vn2000: bool


def _identify(base: CRS) -> _Identified:
    datum = base.datum.name if base.datum is not None else ""
    named_vn = bool(_VN_NAME.search(datum) or _VN_NAME.search(base.name or ""))
    wgs_ellps = _is_wgs84_ellipsoid(base)
    params = _tm_params(base) if base.is_projected else None
    code = _epsg_of(base)
    if code not in VN2000_CODES:
        code = None
    if code is None and params is not None:
        tm_code = _vn_tm_code(params)
        # A UTM-shaped projection is VN-2000 only when its datum says so.
        if tm_code is not None and (named_vn or tm_code not in (3405, 3406)):
            code = tm_code
    vn = wgs_ellps and (
        named_vn or (code in VN2000_CODES) or (base.is_projected and _looks_like_vn_tm3(params))
    )
    return _Identified(datum, named_vn, wgs_ellps, params, code, vn)


def _lookalike_notes(base: CRS, found: _Identified, where: str) -> tuple[str, ...]:
    """Return notes on a CRS read as WGS 84 that is also how VN-2000 looks once its shift is lost."""
    notes: tuple[str, ...] = ()
    if base.is_geographic and found.wgs84_ellipsoid and not _is_wgs84_datum(found.datum):
        notes = (
            message(
                "{where}: geographic CRS with datum {datum!r} on the WGS 84 ellipsoid, which is "
                "also how VN-2000 looks once its datum shift is lost (CRS(4756).to_proj4()); "
                "read as WGS 84. If the data are VN-2000 they are about 224 m off: give the CRS "
                "explicitly (EPSG:4756)",
                where=where,
                datum=found.datum or "unknown",
            ),
        )
    utm = _vn_tm_code(found.params) if found.params is not None else None
    if (
        base.is_projected
        and found.wgs84_ellipsoid
        and not _is_wgs84_datum(found.datum)
        and utm in _VN_UTM
    ):
        zone = _VN_UTM[utm]
        notes = (
            *notes,
            message(
                "{where}: UTM zone {zone}N on the WGS 84 ellipsoid with no datum ({datum!r}), "
                "which is how some tools write VN-2000 / UTM zone {zone}N; read as WGS 84 / UTM "
                "zone {zone}N. If the data are VN-2000 they are about 224 m off: give --crs "
                "EPSG:{utm} (VN-2000 / UTM zone {zone}N), or --crs EPSG:{wgs84_utm} to confirm "
                "WGS 84",
                where=where,
                zone=zone,
                datum=found.datum or "unknown",
                utm=utm,
                wgs84_utm=32600 + zone,
            ),
        )
    return notes


def _choose_shift(
    given: Helmert | None, found: _Identified, base: CRS, where: str
) -> tuple[Helmert, bool, str]:
    """Return (the shift to apply, whether the file had lost it, a note) for a VN-2000 CRS."""
    if given is None:
        if found.named_vn or _epsg_of(base) in VN2000_CODES:
            said = message(
                "{where}: VN-2000 → WGS 84 with {shift}", where=where, shift=VN2000_TO_WGS84
            )
            return HELMERT_6960, False, said
        return (
            HELMERT_6960,
            True,
            message(
                "{where}: VN-2000 projection with datum {datum!r} has lost its datum shift "
                "(about 224 m in Hanoi); applying {shift}. If the data are on WGS 84 instead, "
                "give the CRS with --crs",
                where=where,
                datum=found.datum or "unknown",
                shift=VN2000_TO_WGS84,
            ),
        )
    if given.is_zero():
        return (
            HELMERT_6960,
            True,
            message(
                "{where}: VN-2000 CRS carries a zero datum shift (+towgs84=0), which puts data "
                "about 224 m off; applying {shift} instead",
                where=where,
                shift=VN2000_TO_WGS84,
            ),
        )
    known = _known_shift(given, where)
    if known is not None:
        return known
    return (
        given,
        False,
        message(
            "{where}: VN-2000 with an unrecognised datum shift +towgs84={values}; kept as given "
            "(the project uses {shift})",
            where=where,
            values=",".join(f"{v:g}" for v in given.towgs84()),
            shift=VN2000_TO_WGS84,
        ),
    )


def _known_shift(given: Helmert, where: str) -> tuple[Helmert, bool, str] | None:
    """Recognise a non-zero shift as EPSG:6960 (right, or mangled), 6959 or an approximation."""
    if given.matches(HELMERT_6960):
        said = message(
            "{where}: VN-2000 with the {shift} seven parameters", where=where, shift=VN2000_TO_WGS84
        )
        return HELMERT_6960, False, said
    if given.matches(replace(HELMERT_6960, convention="position_vector")):
        # The coordinate-frame rotations were written into +towgs84 without flipping.
        return (
            HELMERT_6960,
            True,
            message(
                "{where}: the datum shift has the Decision 05/2007 coordinate-frame rotations "
                "written as position-vector +towgs84 (rotation signs not flipped); corrected to "
                "{shift}",
                where=where,
                shift=VN2000_TO_WGS84,
            ),
        )
    if given.matches(HELMERT_6959) or given.matches(
        replace(HELMERT_6959, convention="position_vector")
    ):
        return (
            HELMERT_6960,
            False,
            message(
                "{where}: VN-2000 with the older EPSG:6959 parameters; using {shift}, the "
                "transformation this project uses for Hanoi",
                where=where,
                shift=VN2000_TO_WGS84,
            ),
        )
    values = given.towgs84()
    near_6960 = all(
        abs(a - b) <= 2.0 for a, b in zip(values[:3], HELMERT_6960.towgs84()[:3], strict=True)
    )
    if near_6960 and values[3:] == (0.0, 0.0, 0.0, 0.0):
        return (
            HELMERT_6960,
            False,
            message(
                "{where}: VN-2000 with a three-parameter approximation of {shift}; using the "
                "full seven-parameter set",
                where=where,
                shift=VN2000_TO_WGS84,
            ),
        )
    return None
