"""Seven-parameter (Helmert) datum shifts from VN-2000 to WGS 84, and the published sets.

Seven-parameter sets come in two conventions. Decision 05/2007/QĐ-BTNMT and EPSG publish
the coordinate-frame convention; PROJ's ``+towgs84`` is position-vector. They differ in the
sign of the three rotations. :class:`Helmert` holds either and converts, and writes the PROJ
pipeline steps that apply it. :data:`HELMERT_6960` (EPSG:6960, "VN-2000 to WGS 84 (2)") is
the set this project uses; :data:`HELMERT_6959` is the older one, recognised when a file
carries it (see :func:`planning.geo.crs.repair_crs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

__all__ = ["HELMERT_6959", "HELMERT_6960", "Convention", "Helmert"]

Convention = Literal["coordinate_frame", "position_vector"]


@dataclass(frozen=True)
class Helmert:
    """A seven-parameter (Helmert) datum shift from VN-2000 to WGS 84.

    Parameters
    ----------
    tx, ty, tz
        Translations in metres.
    rx, ry, rz
        Rotations in arc-seconds, in ``convention``.
    ds
        Scale difference in parts per million.
    convention
        ``"coordinate_frame"`` (EPSG method 9607, as Decision 05/2007/QĐ-BTNMT and EPSG
        publish it) or ``"position_vector"`` (EPSG method 9606, PROJ's ``+towgs84``). The
        two differ only in the sign of the rotations.
    """

    tx: float
    ty: float
    tz: float
    rx: float = 0.0
    ry: float = 0.0
    rz: float = 0.0
    ds: float = 0.0
    convention: Convention = "coordinate_frame"
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.convention not in ("coordinate_frame", "position_vector"):
            raise ValueError(
                f"convention must be 'coordinate_frame' or 'position_vector', "
                f"not {self.convention!r}"
            )

    def to_convention(self, convention: Convention) -> Helmert:
        """Return the same shift expressed in ``convention`` (rotation signs flip)."""
        if convention == self.convention:
            return self
        return replace(
            self, rx=-self.rx, ry=-self.ry, rz=-self.rz, convention=convention, name=self.name
        )

    def towgs84(self) -> tuple[float, float, float, float, float, float, float]:
        """Return the seven ``+towgs84`` values (position-vector convention)."""
        pv = self.to_convention("position_vector")
        return (pv.tx, pv.ty, pv.tz, pv.rx, pv.ry, pv.rz, pv.ds)

    @classmethod
    def from_towgs84(cls, values: Any, *, name: str = "") -> Helmert:
        """Build from ``+towgs84`` values (3 or 7 numbers, position-vector convention)."""
        vals = [float(v) for v in values]
        if len(vals) == 3:
            vals += [0.0] * 4
        if len(vals) != 7:
            raise ValueError(f"+towgs84 needs 3 or 7 numbers, got {len(vals)}")
        tx, ty, tz, rx, ry, rz, ds = vals
        return cls(tx, ty, tz, rx, ry, rz, ds, convention="position_vector", name=name)

    def is_zero(self) -> bool:
        """Return True when the shift does nothing (``+towgs84=0,0,0``)."""
        return all(abs(v) < 1e-9 for v in self.towgs84())

    def matches(self, other: Helmert, *, translation_m: float = 0.5) -> bool:
        """Return True when both shifts agree (translations to ``translation_m`` metres).

        Rotations must agree to 0.002″ and scale to 0.05 ppm, so a set whose rotation
        signs are flipped does not match.
        """
        a, b = self.towgs84(), other.towgs84()
        return (
            all(abs(x - y) <= translation_m for x, y in zip(a[:3], b[:3], strict=True))
            and all(abs(x - y) <= 0.002 for x, y in zip(a[3:6], b[3:6], strict=True))
            and abs(a[6] - b[6]) <= 0.05
        )

    def proj_steps(self, *, inverse: bool = False) -> str:
        """Return the PROJ pipeline steps applying this shift to radians lon/lat.

        Parameters
        ----------
        inverse
            Give the steps from WGS 84 back to VN-2000 instead.
        """
        pv = self.to_convention("position_vector")
        helmert = "+step +inv +proj=helmert" if inverse else "+step +proj=helmert"
        return (
            "+step +proj=push +v_3 +step +proj=cart +ellps=WGS84 "
            f"{helmert} +x={pv.tx!r} +y={pv.ty!r} +z={pv.tz!r} "
            f"+rx={pv.rx!r} +ry={pv.ry!r} +rz={pv.rz!r} +s={pv.ds!r} "
            "+convention=position_vector "
            "+step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3"
        )


#: EPSG:6960 "VN-2000 to WGS 84 (2)": the set of Decision 05/2007/QĐ-BTNMT, coordinate frame.
HELMERT_6960 = Helmert(
    -191.90441429,
    -39.30318279,
    -111.45032835,
    -0.00928836,
    0.01975479,
    -0.00427372,
    0.252906278,
    convention="coordinate_frame",
    name="EPSG:6960",
)
#: EPSG:6959 "VN-2000 to WGS 84 (1)", the older set (coordinate frame).
HELMERT_6959 = Helmert(
    -192.873,
    -39.382,
    -111.202,
    0.00205,
    0.0005,
    -0.00335,
    0.0188,
    convention="coordinate_frame",
    name="EPSG:6959",
)
