"""Size limits of the package's modules and functions, checked by ``.ci/run``.

A module a newcomer can read holds one concern; a function one step. The limits:

- a module under ``planning/`` has at most :data:`MODULE_LINES` lines (every line counts:
  code, docstrings, comments and blank lines);
- a function has at most :data:`FUNCTION_LINES` lines from its ``def`` to its last line,
  its docstring left out (numpydoc docstrings are long on purpose: they give shapes, units
  and sources).

A function may run longer only with its reason beside its ``def``, as a comment that starts
with ``# long:``, e.g. ``def figure(...):  # long: one sheet's layout, a straight sequence of
drawing calls``. Run ``python tools/sizes.py`` (exit 1 and one line per excess) or
``python tools/sizes.py --list`` for the longest modules and functions.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MODULE_LINES = 600
FUNCTION_LINES = 60
_ROOT = Path(__file__).resolve().parent.parent
_PACKAGE = _ROOT / "planning"


def _docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return (first.end_lineno or first.lineno) - first.lineno + 1
    return 0


def _functions(path: Path) -> Iterator[tuple[str, int, int, str]]:
    """Yield ``(name, line, length without docstring, source of the def's lines)``."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            end = node.end_lineno or node.lineno
            length = end - node.lineno + 1 - _docstring_lines(node)
            body_start = node.body[0].lineno if node.body else end
            signature = "\n".join(lines[node.lineno - 1 : body_start - 1])
            yield node.name, node.lineno, length, signature


def excesses(package: Path = _PACKAGE) -> list[str]:
    """Return one line per module or function over its limit, without a stated reason."""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(_ROOT)
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MODULE_LINES:
            found.append(f"{rel}: {n} lines, over {MODULE_LINES}: split it by concern")
        for name, line, length, signature in _functions(path):
            if length > FUNCTION_LINES and "# long:" not in signature:
                found.append(
                    f"{rel}:{line}: {name}() has {length} lines without its docstring, over "
                    f"{FUNCTION_LINES}: split it, or state why not with a '# long: reason' "
                    "comment beside its def"
                )
    return found


def _list(package: Path, top: int) -> None:
    modules = sorted(
        ((len(p.read_text(encoding="utf-8").splitlines()), p) for p in package.rglob("*.py")),
        reverse=True,
    )
    for n, p in modules[:top]:
        print(f"{n:5d}  {p.relative_to(_ROOT)}")
    print()
    functions = sorted(
        (
            (length, f"{p.relative_to(_ROOT)}:{line} {name}")
            for p in package.rglob("*.py")
            for name, line, length, _ in _functions(p)
        ),
        reverse=True,
    )
    for length, where in functions[:top]:
        print(f"{length:5d}  {where}")


def main(argv: list[str] | None = None) -> int:
    """Print every excess and return 1 if there is one (``--list``: the longest, return 0)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list",
        type=int,
        nargs="?",
        const=15,
        metavar="N",
        help="print the N longest modules and functions",
    )
    args = parser.parse_args(argv)
    if args.list:
        _list(_PACKAGE, args.list)
        return 0
    found = excesses()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
