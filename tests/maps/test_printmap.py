"""``planning map --format png|pdf``: the printable static map."""

from __future__ import annotations

import re
import warnings
import zlib

import numpy as np
import pytest

from planning.cli import main
from planning.maps.printmap import FONT, PAPER_SIZES, static_map_figure

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def bundled():
    import planning

    return planning.load_plan()


def _texts(fig):
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()] + [leg.get_title().get_text()]
    return [t for t in out if t]


def test_vietnamese_text_has_glyphs_no_tofu(bundled):
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.ft2font import FT2Font

    fig = static_map_figure(bundled)
    texts = "".join(_texts(fig))
    assert "Thạch Thất" in texts and "cụm công nghiệp" in texts and "QĐ-UBND" in texts
    path = font_manager.findfont(FONT, fallback_to_default=False)
    assert "DejaVuSans" in path.replace(" ", "")
    cmap = FT2Font(path).get_charmap()
    missing = sorted({c for c in texts if not c.isspace() and ord(c) not in cmap})
    assert missing == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        FigureCanvasAgg(fig).draw()


def test_map_has_title_legend_scale_north_caveat_sources_date(bundled):
    import datetime as dt

    fig = static_map_figure(bundled, date=dt.date(2024, 5, 17), title="Bản đồ CCN Hà Nội")
    texts = _texts(fig)
    joined = "\n".join(texts)
    assert "Bản đồ CCN Hà Nội" in texts  # title
    assert "Clusters by status" in joined and "indicative footprint (not a boundary)" in joined
    assert "N" in texts  # north arrow
    assert any(re.fullmatch(r"\d+ km", t) for t in texts)  # scale bar
    assert "INDICATIVE" in joined and "Sources" in joined and "OCHA" in joined
    assert "2024-05-17" in joined


def test_png_from_the_cli_has_paper_size_and_is_not_blank(tmp_path):
    from PIL import Image

    out = tmp_path / "map.png"
    assert main(["map", "--format", "png", "--paper", "A3", "--dpi", "40", "-o", str(out)]) == 0
    img = Image.open(out).convert("RGB")
    w, h = PAPER_SIZES["A3"]
    assert abs(img.size[0] - w * 40) < 1 and abs(img.size[1] - h * 40) < 1  # 420 × 297 mm
    assert len({tuple(px) for px in np.asarray(img.convert("RGB")).reshape(-1, 3)[::7]}) > 50


def test_pdf_from_the_cli_embeds_the_font(tmp_path):
    out = tmp_path / "map.pdf"
    assert main(["map", "--format", "pdf", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"DejaVuSans" in data and b"/FontFile2" in data  # TrueType, embedded
    w, h = PAPER_SIZES["A4"]
    box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", data)
    assert box and float(box[1]) == pytest.approx(w * 72) and float(box[2]) == pytest.approx(h * 72)
    # the page content draws something (compressed streams decompress to drawing operators)
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S)
    ops = b"".join(_inflate(s) for s in streams)
    assert ops.count(b" re") + ops.count(b" l\n") > 100


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompressobj().decompress(stream)
    except zlib.error:
        return b""  # not a Flate stream


def test_binary_map_needs_an_output_and_a_known_format(tmp_path, capsys):
    assert main(["map", "--format", "png"]) == 2
    assert "add -o FILE" in capsys.readouterr().err
    assert main(["map", "--format", "pdf", "--dpi", "5", "-o", str(tmp_path / "m.pdf")]) == 2
    assert not (tmp_path / "m.pdf").exists()


def test_names_with_dollars_are_text_not_mathtext():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from planning.maps.api import status_class
    from planning.testing import district_point, make_plan, square

    lon, lat = district_point("Thạch Thất")[1:]
    name = r"CCN $x^$ \frac{ {"  # malformed mathtext: drawing it as math would raise
    plan = make_plan(
        [{"name_vi": name, "status": name, "declared_ha": 5, "geometry": square(lon, lat, 5)}]
    )
    fig = static_map_figure(plan)
    FigureCanvasAgg(fig).draw()
    assert any(status_class(name) in t for t in _texts(fig))  # the legend's status class
