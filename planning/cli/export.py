"""``planning export``: the plan's layers as a styled GeoPackage for QGIS, or zipped Shapefiles."""

from __future__ import annotations

import argparse

from planning.cli.exitcodes import SUCCESS
from planning.cli.options import Commands, add_plan_inputs, input_files
from planning.cli.terminal import load_plan_from, print_written
from planning.i18n import gettext as _


def add_export_command(sub: Commands) -> None:
    """Add ``planning export`` to the sub-commands."""
    p = sub.add_parser(
        "export",
        help=_(
            "write the plan's layers as a styled GeoPackage for QGIS, or a zipped Shapefile set"
        ),
    )
    add_plan_inputs(p, crs_flag="--input-crs")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help=_("the .gpkg (or, with --format shp, .zip) file to write, atomically"),
    )
    p.add_argument(
        "--format",
        "-f",
        choices=("gpkg", "shp"),
        default="gpkg",
        help=_("gpkg (GeoPackage 1.2 with QGIS styles, default) or shp (a .zip of Shapefiles)"),
    )
    p.add_argument(
        "--crs",
        dest="output_crs",
        choices=("EPSG:4326", "EPSG:5897"),
        default="EPSG:4326",
        help=_("CRS of the layers written: WGS 84 (default) or VN-2000 / TM-3 zone 482"),
    )
    p.add_argument(
        "--color-by",
        choices=("status", "category"),
        default="status",
        help=_("colour clusters by reported status or by plan category, as the web map does"),
    )
    p.set_defaults(handler=_cmd_export)


def _cmd_export(args: argparse.Namespace) -> int:
    """Run ``planning export``: write the GeoPackage or the zipped Shapefiles."""
    from planning.maps.geopackage import write_geopackage
    from planning.maps.shapefile import write_shapefile_zip

    plan = load_plan_from(args)
    write = write_geopackage if args.format == "gpkg" else write_shapefile_zip
    path = write(
        plan,
        args.output,
        crs=args.output_crs,
        color_by=args.color_by,
        protect=input_files(args),
    )
    print_written(path, _(" in {crs}").format(crs=args.output_crs))
    return SUCCESS
