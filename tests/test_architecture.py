"""The layer order of policydigest's packages: every import points down, and no two packages import each other.

The order is declared once, in ``LAYERS`` below, and shown in docs/architecture.md (a test keeps the two
the same). The import graph is read statically with ``ast``: every ``import`` and ``from … import``,
at module level or inside a function, under ``TYPE_CHECKING`` or not.
"""

from __future__ import annotations

import ast
import graphlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src"
DOC = ROOT / "docs" / "architecture.md"

#: Units of the code, lowest layer first. A unit may import units of lower layers only: never a unit
#: above it, nor a peer in its own layer. Units are the stage packages, the top-level modules, and
#: ``*.commands``: each stage's command-line front (``policydigest.<stage>.commands``).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("enrichment", "metrics", "logs", "safetext"),
    ("model", "errors"),
    ("profile",),
    ("settings",),
    ("store", "render"),
    ("enrich",),
    ("ingest", "search", "intel"),
    ("delivery",),
    ("compose", "jobs"),
    ("desk",),
    ("web",),
    ("console", "terminal", "cliwording"),
    ("*.commands",),
    ("cli",),
    ("__main__",),
)
#: The package itself (``policydigest/__init__.py``): only its version, importing nothing.
PACKAGE_UNIT = "__init__"


def module_names(source: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``source`` (a package by its own name), with its file."""
    found: dict[str, Path] = {}
    for path in sorted((source / package).rglob("*.py")):
        parts = path.relative_to(source).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def probed_modules(tree: ast.AST) -> set[str]:
    """Modules named by a string to ``import_module(...)`` or ``__import__(...)``: imports hidden from ``ast``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def imported_modules(name: str, path: Path, known: Iterable[str], package: str) -> set[str]:
    """The modules of ``package`` that module ``name`` imports anywhere in its code (probed ones too)."""
    modules = set(known)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets = probed_modules(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                # ``from pkg.stage import commands`` imports the submodule, not just the package.
                submodule = f"{origin}.{alias.name}"
                targets.add(submodule if submodule in modules else origin)
    return {t for t in targets if t == package or t.startswith(package + ".")}


def unit_of(module: str) -> str:
    """The unit a module belongs to: its stage package, its own name at top level, or ``*.commands``.

    >>> [unit_of(f"policydigest.{name}") for name in ("ingest.bulletin.reader", "web.commands", "cli")]
    ['ingest', '*.commands', 'cli']
    """
    parts = module.split(".")
    if len(parts) == 1:
        return PACKAGE_UNIT
    if len(parts) == 3 and parts[2] == "commands":
        return "*.commands"
    return parts[1]


def unit_edges(source: Path, package: str) -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) → the module imports behind it, for every import between units."""
    modules = module_names(source, package)
    edges: dict[tuple[str, str], list[str]] = {}
    for name, path in modules.items():
        for target in sorted(imported_modules(name, path, modules, package)):
            pair = (unit_of(name), unit_of(target))
            if pair[0] != pair[1]:
                edges.setdefault(pair, []).append(f"{name} → {target}")
    return edges


def layer_violations(edges: dict[tuple[str, str], list[str]], layers: Sequence[Sequence[str]]) -> list[str]:
    """Every import that points to the importer's own layer or above, as readable lines."""
    rank = {unit: i for i, layer in enumerate(layers) for unit in layer}
    rank[PACKAGE_UNIT] = -1
    found = []
    for (importer, imported), lines in sorted(edges.items()):
        if rank[imported] >= rank[importer]:
            where = "its own layer" if rank[imported] == rank[importer] else "a higher layer"
            found.extend(f"{line} ({importer} imports {imported}, {where})" for line in lines)
    return found


def cycle_of(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """One cycle of units importing each other (first unit repeated at the end), or None."""
    graph: dict[str, set[str]] = {}
    for importer, imported in edges:
        graph.setdefault(importer, set()).add(imported)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(reversed(exc.args[1]))
    return None


def documented_layers(text: str) -> list[tuple[str, ...]]:
    """The layers the table in docs/architecture.md lists (rows ``| n | `unit`, … | … |``), lowest first."""
    rows = re.findall(r"^\|\s*(\d+)\s*\|([^|]*)\|", text, flags=re.M)
    ordered = sorted(rows, key=lambda row: int(row[0]))
    return [tuple(re.findall(r"`([^`]+)`", cell)) for _, cell in ordered]


@pytest.fixture(scope="module")
def edges() -> dict[tuple[str, str], list[str]]:
    return unit_edges(SOURCE, "policydigest")


def test_every_package_and_top_level_module_has_its_place_in_the_order() -> None:
    declared = {unit for layer in LAYERS for unit in layer} | {PACKAGE_UNIT}
    present = {unit_of(name) for name in module_names(SOURCE, "policydigest")}
    assert present - declared == set(), "place the new package or module in LAYERS and docs/architecture.md"
    assert declared - present == set(), "LAYERS names a unit the source tree no longer has"


def test_every_import_points_to_a_lower_layer(edges: dict[tuple[str, str], list[str]]) -> None:
    assert layer_violations(edges, LAYERS) == []


def test_no_packages_import_each_other_even_through_others(edges: dict[tuple[str, str], list[str]]) -> None:
    assert cycle_of(edges) is None


def test_no_module_reaches_another_by_probing_with_importlib() -> None:
    probes = {
        f"{name} → {target}"
        for name, path in module_names(SOURCE, "policydigest").items()
        for target in probed_modules(ast.parse(path.read_text(encoding="utf-8")))
        if target.startswith("policydigest")
    }
    assert probes == set(), "import the module, and switch the component by settings"


def test_the_architecture_doc_shows_the_declared_order() -> None:
    assert documented_layers(DOC.read_text(encoding="utf-8")) == list(LAYERS)


def test_the_checks_catch_an_upward_import_inside_a_function_and_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    for folder in ("store", "web"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "web" / "app.py").write_text("from ..store import rows\n", encoding="utf-8")
    (package / "store" / "rows.py").write_text("def f():\n    from pkg.web import app\n", encoding="utf-8")
    edges = unit_edges(tmp_path, "pkg")
    assert layer_violations(edges, [("store",), ("web",)]) == [
        "pkg.store.rows → pkg.web.app (store imports web, a higher layer)"
    ]
    assert cycle_of(edges) in (["store", "web", "store"], ["web", "store", "web"])
