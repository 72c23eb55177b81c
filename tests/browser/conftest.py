"""Headless Debian chromium driven by Playwright, with the page's network blocked.

Nothing here downloads a browser: Playwright is pointed at ``/usr/bin/chromium`` (or
``$PLANNING_CHROMIUM``). Every request other than the ``file://`` page itself (and inline
``data:``/``about:`` documents) is aborted and recorded, and console errors and uncaught
exceptions are collected, so a test can assert that the page used no network and logged
no error. Screenshots go to ``test-artifacts/`` at the repository's root.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from planning.testing import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _chromium_or_fail() -> str:
    path = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if path and os.path.exists(path):
        return path
    message = (
        f"chromium not found at {CHROMIUM}: apt-get install chromium (or set PLANNING_CHROMIUM)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)  # CI never skips the browser tests
    pytest.skip(message)
    raise AssertionError  # unreachable


@dataclass
class Visit:
    """A page opened with the network blocked, and what it tried to do."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_clean(self, *, allow_blocked: Callable[[str], bool] | None = None) -> None:
        """No network use (except allowed URLs) and no console error or page exception."""
        blocked = [u for u in self.blocked if not (allow_blocked and allow_blocked(u))]
        assert blocked == [], f"the page tried to use the network: {blocked[:5]}"
        errors = self.errors
        if allow_blocked is not None:
            errors = [
                e
                for e in errors
                if "net::ERR_FAILED" not in e and "Failed to load resource" not in e
            ]
        assert errors == [], f"console errors: {errors[:5]}"


@pytest.fixture(scope="package", autouse=True)
def _english() -> Iterator[None]:
    """The browser tests read English text (maps and reports default to Vietnamese); not later tests."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PLANNING_LANG", "en")
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _chromium_or_fail()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        yield b
        b.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Callable[..., Visit]]:
    contexts: list[Any] = []

    def open_page(path: Path, *, width: int = 1280, height: int = 800) -> Visit:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        v = Visit(page=None)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file://", "data:", "about:")):
                r.continue_()
            else:
                v.blocked.append(url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        v.page = page
        page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: v.errors.append(f"pageerror: {e}"))
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        return v

    yield open_page
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def bundled_plan() -> Any:
    import planning

    return planning.load_plan()


@pytest.fixture(scope="session")
def cli_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``planning map`` and ``planning report`` outputs written through the command line."""
    from planning.cli import main

    out = tmp_path_factory.mktemp("cli")
    paths = {
        "map": out / "planning-map.html",
        "report": out / "report.html",
        "map_osm": out / "map-osm.html",
    }
    assert main(["map", "-o", str(paths["map"])]) == 0
    assert main(["report", "-o", str(paths["report"])]) == 0
    assert (
        main(["map", "--tiles", "osm", "--color-by", "category", "-o", str(paths["map_osm"])]) == 0
    )
    return paths


def cluster_point(frame: Any, cluster_id: str, zoom: float) -> tuple[float, float]:
    """Centre the map on a cluster at ``zoom`` and return its position in the frame."""
    x, y = frame.evaluate(
        """([cid, zoom]) => {
            const rec = planningMaps[0];
            let target = null;
            rec.layers.clusters.eachLayer(l => {
                if (l.feature.properties.cluster_id === cid) { target = l; }
            });
            const ll = target.getBounds ? target.getBounds().getCenter() : target.getLatLng();
            rec.map.setView(ll, zoom, {animate: false});
            const pt = rec.map.latLngToContainerPoint(ll);
            const box = rec.map.getContainer().getBoundingClientRect();
            return [box.left + pt.x, box.top + pt.y];
        }""",
        [cluster_id, zoom],
    )
    return float(x), float(y)
