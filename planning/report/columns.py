"""The columns of the area tables and the findings as people read them: header with unit, format.

One table for every output that shows these columns to people: the Excel workbooks
(:mod:`planning.report.excel`) and the text tables of ``planning areas``
(:func:`planning.report.terminal.print_tables`). Headers are written in English and marked for
the gettext catalogue; each output translates them into the language in force. CSV and JSON
keep the machine names (the keys of :data:`COLUMNS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from planning.i18n import N_

__all__ = ["COLUMNS", "Column"]


@dataclass(frozen=True)
class Column:
    """How one table column is shown in a workbook.

    Attributes
    ----------
    header
        The header text, with the unit in brackets where the column has one.
    number_format
        Excel number format of the cells (``"@"`` for text).
    total
        Whether the totals row sums this column.
    width
        Column width in characters.
    """

    header: str
    number_format: str = "General"
    total: bool = False
    width: int = 14


_HA = "#,##0.00"
_HA4 = "#,##0.0000"
_KM2 = "#,##0.000"
_PCT = "0.0"
_INT = "#,##0"
_TEXT = "@"

#: Header, unit, number format and totals of every column the area tables and findings use.
#: The headers are English here and translated where a sheet is written (the language in force).
COLUMNS: dict[str, Column] = {
    "cluster_id": Column(N_("Cluster id"), _TEXT, width=12),
    "name_vi": Column(N_("Name (Vietnamese)"), _TEXT, width=34),
    "commune_vi": Column(N_("Commune (2014-2025 structure)"), _TEXT, width=18),
    "district_vi": Column(N_("District"), _TEXT, width=18),
    "commune_2025": Column(N_("Commune or ward (2025 structure)"), _TEXT, width=22),
    "commune_2025_code": Column(N_("2025 unit code"), _TEXT, width=12),
    "commune_2025_straddles": Column(N_("Straddles 2025 units"), "General", width=10),
    "declared_commune_2025": Column(N_("Declared 2025 unit"), _TEXT, width=18),
    "measured_note": Column(N_("Not measured because"), _TEXT, width=40),
    "geometry_kind": Column(N_("Geometry kind"), _TEXT, width=14),
    "declared_ha": Column(N_("Declared area (ha)"), _HA, total=True),
    "measured_ha": Column(N_("Measured area, geodesic WGS 84 (ha)"), _HA4, total=True, width=20),
    "measured_ha_vn2000": Column(
        N_("Measured area, VN-2000 EPSG:5897 (ha)"), _HA4, total=True, width=20
    ),
    "difference_pct": Column(N_("Measured − declared (%)"), _PCT, width=14),
    "district_code": Column(N_("District code (OCHA)"), _TEXT, width=12),
    "district_type": Column(N_("District type"), _TEXT, width=10),
    "area_km2": Column(N_("Area, geodesic WGS 84 (km²)"), _KM2, total=True, width=18),
    "area_km2_vn2000": Column(N_("Area, VN-2000 EPSG:5897 (km²)"), _KM2, total=True, width=18),
    "clusters": Column(N_("Clusters (count)"), _INT, total=True, width=10),
    "rule": Column(N_("Rule"), _TEXT, width=9),
    "status": Column(N_("Rule status"), _TEXT, width=9),
    "severity": Column(N_("Severity"), _TEXT, width=9),
    "message": Column(N_("Finding"), _TEXT, width=90),
    "title": Column(N_("Rule title"), _TEXT, width=50),
}
