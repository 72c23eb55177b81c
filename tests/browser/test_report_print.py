"""The HTML report printed to PDF by chromium carries the static map where the live map is."""

from __future__ import annotations

import re
import zlib

import pytest

pytestmark = pytest.mark.browser


def test_print_shows_the_static_map_in_place_of_the_live_one(visit, cli_outputs, artifacts):
    v = visit(cli_outputs["report"], height=900)
    page = v.page
    # on screen: the live map, the print image hidden
    assert page.is_visible("#planning-map-frame")
    assert not page.is_visible("#planning-print-map")
    page.emulate_media(media="print")
    assert page.is_visible("#planning-print-map")
    assert not page.is_visible("#planning-map-frame")
    size = page.eval_on_selector(
        "#planning-print-map", "img => [img.complete, img.naturalWidth, img.naturalHeight]"
    )
    assert size[0] and size[1] > 1000 and size[2] > 700  # A4 landscape at 130 dpi
    # the image sits in the map section, under its heading
    assert page.eval_on_selector("#planning-print-map", "img => img.closest('section').id") == "map"
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "report-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    images = _image_xobjects(pdf)
    # the print map is the one big raster in the document
    assert any(w > 1000 and h > 700 for w, h in images), images
    v.assert_clean()


def _image_xobjects(pdf: bytes) -> list[tuple[int, int]]:
    """Return (width, height) of every image XObject, in plain or compressed object streams."""
    texts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        try:
            texts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    found = []
    for text in texts:
        for d in re.findall(rb"<<[^<>]*/Subtype\s*/Image[^<>]*>>", text):
            w = re.search(rb"/Width\s+(\d+)", d)
            h = re.search(rb"/Height\s+(\d+)", d)
            if w and h:
                found.append((int(w[1]), int(h[1])))
    return found
