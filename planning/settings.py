"""One place for the defaults of ``planning``.

Every tunable the library reads lives here: the coordinate reference systems, the
area tolerance, where downloaded geodata is cached, and where an offline mirror is
looked for. Functions read the environment at call time, so a test or a user can
change a setting without re-importing anything.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Hanoi's planning CRS: VN-2000 / TM-3 zone 482 (central meridian 105°E).
PLANNING_CRS = "EPSG:5897"
#: Geographic WGS 84, the CRS every layer is held in.
WGS84 = "EPSG:4326"
#: Geographic VN-2000.
VN2000_GEOGRAPHIC = "EPSG:4756"
#: The transformation "VN-2000 to WGS 84 (2)", the one to use for Hanoi.
VN2000_TO_WGS84 = "EPSG:6960"
#: UTM zone 48N, shown only to compare areas.
UTM48N = "EPSG:32648"
#: Web Mercator, never used for areas; named only to refuse it and to compare.
WEB_MERCATOR = "EPSG:3857"

#: Default tolerance for declared vs measured area, in percent.
DEFAULT_AREA_TOLERANCE_PCT = 5.0
#: Number of vertices of an indicative (circular) footprint.
FOOTPRINT_VERTICES = 64

#: Environment variable naming an offline mirror of the upstream geodata files.
ENV_MIRROR = "PLANNING_GEODATA_MIRROR"
#: Environment variable overriding the cache directory.
ENV_CACHE = "PLANNING_CACHE_DIR"
#: Environment variable that forbids any download (``1`` = offline).
ENV_OFFLINE = "PLANNING_OFFLINE"

#: Seconds before a download gives up.
DOWNLOAD_TIMEOUT_S = 60.0
#: Seconds after which a temporary file that a run left beside an output or in the cache
#: (``.<name>.planning-tmp-…``) counts as abandoned and is removed by the next write there.
STALE_TEMPORARY_S = 3600.0


def cache_dir() -> Path:
    r"""Return the directory where downloaded geodata is cached.

    ``$PLANNING_CACHE_DIR`` wins; otherwise the platform's user cache folder from
    platformdirs (``platformdirs.user_cache_dir("planning")``): ``$XDG_CACHE_HOME/planning``
    or ``~/.cache/planning`` on Linux, ``~/Library/Caches/planning`` on macOS,
    ``%LOCALAPPDATA%\\planning\\Cache`` on Windows.

    Returns
    -------
    Path
        The cache directory (not created here).
    """
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("planning", appauthor=False))


def mirror_dir() -> Path | None:
    """Return the offline mirror directory named by ``$PLANNING_GEODATA_MIRROR``, if any.

    Returns
    -------
    Path or None
        The mirror directory, or None when the variable is unset or empty.
    """
    env = os.environ.get(ENV_MIRROR)
    return Path(env).expanduser() if env else None


def offline() -> bool:
    """Return True when downloads are forbidden (``$PLANNING_OFFLINE`` is ``1``/``true``).

    Returns
    -------
    bool
        Whether the library must not touch the network.
    """
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in {"1", "true", "yes"}


def bundled_geodata_dir() -> Path:
    """Return the directory of the project's own data (plan manifest, cluster catalogue).

    In a wheel it is shipped inside the package as ``_bundled_geodata``; in a source
    checkout it is the top-level ``geodata/`` folder.

    Returns
    -------
    Path
        The directory holding ``plan.toml`` and ``clusters.csv``.
    """
    here = Path(__file__).resolve().parent
    inside = here / "_bundled_geodata"
    if inside.is_dir():
        return inside
    return here.parent / "geodata"
