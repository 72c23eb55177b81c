"""Control characters from a data file never reach the terminal or a Markdown document raw.

A cluster name holding a terminal escape (``ESC [ 2 J`` clears the screen, ``ESC ] 0 ; … BEL``
sets the window title) is shown written out (``\\x1b[2J``) by the text of ``check``,
``areas`` and ``diff`` and by ``check --format md``: rich's markup escaping alone passes
them through.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from planning.cli import main
from planning.report.markdown import md_cell
from planning.report.terminal import rich_text

_NAME = "CCN \x1b[31mĐỏ\x1b[0m \x1b]0;pwned\x07 [bold]x[/bold]"
_SHOWN = "CCN \\x1b[31mĐỏ\\x1b[0m \\x1b]0;pwned\\x07"
# one polygon of about 28.8 ha in Thạch Thất, declared 5 ha: ARE001 names the cluster
_WKT = "POLYGON((105.58 21.05,105.585 21.05,105.585 21.055,105.58 21.055,105.58 21.05))"


def _csv(folder: Path, name: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_text(
        f'cluster_id,name_vi,district_vi,declared_ha,wkt\nE-01,"{_NAME}",Thạch Thất,5,"{_WKT}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "--format", "md"],
        ["areas"],
        ["diff"],
    ],
    ids=["check-text", "check-md", "areas-text", "diff-text"],
)
def test_terminal_escapes_in_names_are_written_out(tmp_path, capsys, monkeypatch, args):
    monkeypatch.setenv("COLUMNS", "400")  # rich tables wide enough to show every column
    files = [str(_csv(tmp_path, "new"))]
    if args[0] == "diff":
        files = ["bundled", *files]
    main([*args, "--partial", "--lang", "en", *files])
    out = capsys.readouterr().out
    assert "E-01" in out
    assert "\x1b" not in out and "\x07" not in out
    # the name is still shown, written out (rich may wrap a table cell, so compare without spaces)
    assert "".join(_SHOWN.split()) in "".join(out.replace("│", "").split())


def test_rich_text_escapes_controls_and_markup():
    assert rich_text("A\x1b[2J\r[red]B") == "A\\x1b[2J\\r\\[red]B"


def test_md_cell_escapes_controls():
    assert md_cell("A\x1b[2J|B\nC") == "A\\x1b[2J\\|B C"
