"""Geodesy: VN-2000 detection and repair, the one EPSG:6960 transform, and areas (ha)."""
