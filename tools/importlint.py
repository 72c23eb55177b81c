"""An import-linter contract: no module imports another module's private names.

Ruff's PLC2701 (import-private-name) checks this only across top-level packages, so it does
not see ``from planning.maps.api import _write_html`` inside ``planning``. This contract does:
a name starting with one underscore (not a dunder) may be imported only by the module that
defines it, and a private module only from within its parent package. Its configuration::

    [[tool.importlinter.contracts]]
    name = "..."
    type = "private_names"
    packages = ["planning"]
    ignore_imports = ["planning.diff -> planning.report.core._md"]   # optional

registered with ``contract_types = ["private_names: tools.importlint.PrivateNamesContract"]``.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _module_file(root: Path, module: str) -> Path:
    parts = module.split(".")[1:]
    folder = root.joinpath(*parts)
    return folder / "__init__.py" if folder.is_dir() else folder.with_suffix(".py")


def _allowed(importer: str, target: str, graph: grimp.ImportGraph) -> bool:
    """Whether ``importer`` may import ``target`` (a module, or a name in a module)."""
    parts = target.split(".")
    for i in range(1, len(parts)):
        if not _private(parts[i]):
            continue
        owner = ".".join(parts[:i])  # the package or module the private part lives in
        if ".".join(parts[: i + 1]) in graph.modules:  # a private module: its parent package
            if importer != owner and not importer.startswith(owner + "."):
                return False
        elif importer != owner:  # a private name: only its own module
            return False
    return True


class PrivateNamesContract(Contract):
    """Private names and modules are imported only where they are defined (see module doc)."""

    type_name = "private_names"

    packages = fields.ListField(subfield=fields.StringField())
    ignore_imports = fields.SetField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        """Return the broken imports, ``importer -> imported`` with their line numbers."""
        ignored = {s.replace(" ", "") for s in (self.ignore_imports or ())}  # type: ignore[attr-defined]
        seen: set[str] = set()
        broken: list[tuple[str, str, int]] = []
        for package in self.packages:  # type: ignore[attr-defined]
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                raise ValueError(f"{package} is not an importable package")
            root = Path(next(iter(spec.submodule_search_locations)))
            for module in sorted(m for m in graph.modules if m.split(".")[0] == package):
                tree = ast.parse(_module_file(root, module).read_text(encoding="utf-8"))
                is_package = _module_file(root, module).name == "__init__.py"
                for node in ast.walk(tree):
                    if not isinstance(node, ast.ImportFrom):
                        continue
                    base = node.module or ""
                    if node.level:  # relative import
                        anchor = module.split(".")
                        anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                        base = ".".join([*anchor, *([base] if base else [])])
                    if base.split(".")[0] != package:
                        continue
                    for alias in node.names:
                        target = f"{base}.{alias.name}"
                        if _allowed(module, target, graph):
                            continue
                        key = f"{module}->{target}"
                        if key in ignored:
                            seen.add(key)
                            continue
                        broken.append((module, target, node.lineno))
        warnings = [f"No matches for ignored import {k}." for k in sorted(ignored - seen)]
        return ContractCheck(
            kept=not broken and not warnings,
            warnings=warnings,
            ignored_import_count=len(seen),
            metadata={"broken": broken},
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        """Print each broken import, one a line."""
        output.print_error(
            "Private names may be imported only by their own module, and private modules only "
            "from within their parent package:",
            bold=False,
        )
        output.new_line()
        for importer, target, line in check.metadata["broken"]:
            output.print_error(f"- {importer} -> {target} (l.{line})", bold=False)
        for warning in check.warnings:
            output.print_error(f"- {warning}", bold=False)
        output.new_line()


def _cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Return the import cycles among ``package``'s modules (Tarjan's strongly connected sets)."""
    modules = sorted(m for m in graph.modules if m.split(".")[0] == package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # recursion depth is the package's import depth (< 50)
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported.split(".")[0] != package:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == module:
                    break
            if len(members) > 1:
                cycles.append(sorted(members))

    for module in modules:
        if module not in index:
            visit(module)
    return sorted(cycles)


class NoCyclesContract(Contract):
    """No two modules of a package import each other, directly or through others.

    The layers contract orders the subpackages; inside one (``maps.view`` and
    ``maps.features``, say) only this contract stops a cycle, which a function-level import
    would otherwise hide. Imports inside functions and under ``TYPE_CHECKING`` count.
    """

    type_name = "no_cycles"

    packages = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        """Return the cycles found, each as its sorted modules."""
        cycles = [c for p in self.packages for c in _cycles(graph, p)]  # type: ignore[attr-defined]
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles, "graph": graph})

    def render_broken_contract(self, check: ContractCheck) -> None:
        """Print each cycle with the imports that close it."""
        output.print_error(
            "These modules import each other (move the shared part down):", bold=False
        )
        output.new_line()
        graph = check.metadata["graph"]
        for cycle in check.metadata["cycles"]:
            links = [
                f"{a} -> {b}"
                for a in cycle
                for b in cycle
                if a != b and graph.direct_import_exists(importer=a, imported=b)
            ]
            output.print_error(f"- {', '.join(links)}", bold=False)
        output.new_line()
