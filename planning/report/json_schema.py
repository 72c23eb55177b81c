"""The JSON Schema of ``planning check --format json`` (``planning.report/1``), shipped as a file.

``report.schema.json`` beside this module is the normative description of the report's JSON
(JSON Schema Draft 2020-12); ``docs/report-schema.md`` explains it in prose. Validate a report
with any JSON Schema validator, for example::

    import jsonschema
    jsonschema.validate(json.loads(text), report_schema())
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

__all__ = ["SCHEMA_FILE", "report_schema"]

#: The schema's file name inside the ``planning.report.core`` package.
SCHEMA_FILE = "report.schema.json"


def report_schema() -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of the ``planning.report/1`` JSON report.

    Returns
    -------
    dict
        The parsed schema; every object in it allows additional properties, since the
        report may gain new optional keys within ``planning.report/1``.
    """
    text = files("planning.report").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
