"""User files of every format → canonical layers (EPSG:4326, the project's column schema)."""
