"""The distribution's name and version, typed once (in ``pyproject.toml``).

The version is read from the installed distribution's metadata, so it is never typed twice;
a source tree that was not installed reports ``0+unknown``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["DISTRIBUTION", "__version__"]

#: The name on the package index: ``pip install hanoi-ccn-planning`` (import name ``planning``;
#: the index's ``planning`` is an unrelated project).
DISTRIBUTION = "hanoi-ccn-planning"

try:
    __version__: str = version(DISTRIBUTION)
except PackageNotFoundError:  # a source tree that was not installed
    __version__ = "0+unknown"
