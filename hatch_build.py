"""Build hook: compile the gettext catalogues (``planning/locale/*/LC_MESSAGES/*.po``) into the wheel.

The ``.po`` files are the sources kept in git; the ``.mo`` files gettext reads are built here,
with Babel, and never committed. A source checkout that was never built compiles the ``.po`` in
memory instead (:func:`planning.i18n.translations`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile every ``.po`` catalogue to ``.mo`` and add it to the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Write the ``.mo`` files to a temporary folder and force-include them."""
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads the .po files of the checkout
        root = Path(self.root)
        self._tmp = tempfile.TemporaryDirectory(prefix="planning-mo-")
        out = Path(self._tmp.name)
        for po in sorted((root / "planning" / "locale").glob("*/LC_MESSAGES/*.po")):
            rel = po.relative_to(root).with_suffix(".mo")
            with po.open("rb") as fp:
                catalog = read_po(fp)
            mo = out / rel
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as fp:
                write_mo(fp, catalog)
            build_data["force_include"][str(mo)] = rel.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the temporary folder of ``.mo`` files."""
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
