"""Enrichment is read as the typed model everywhere outside the stage that produces it."""

from __future__ import annotations

import ast
from pathlib import Path

import policydigest

SOURCE = Path(policydigest.__file__).parent
#: Modules allowed to handle enrichment as JSON, and why.
ALLOWED = {
    "enrichment.py": "the model itself and its upgrade function read stored JSON",
    "store/articles.py": "the SQL twin of the effective-column rule reads the stored JSON column",
    "store/schema.py": "declares the stored JSON column",
}


def _is_enrichment(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "enrichment") or (
        isinstance(node, ast.Name) and node.id == "enrichment"
    )


def _is_untyped(annotation: ast.expr | None) -> bool:
    text = ast.unparse(annotation) if annotation is not None else ""
    return "Enrichment" not in text and any(word in text for word in ("Mapping", "dict", "Any"))


def dict_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """Lines reading enrichment as a dict: ``enrichment[...]``, ``enrichment.get(...)``, untyped parameters."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_enrichment(node.value):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            if _is_enrichment(node.func.value):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.arg) and "enrichment" in node.arg and _is_untyped(node.annotation):
            found.append((node.lineno, f"{node.arg}: {ast.unparse(node.annotation) if node.annotation else '?'}"))
        elif isinstance(node, ast.AnnAssign) and _is_enrichment(node.target) and _is_untyped(node.annotation):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_the_checker_finds_every_way_of_reading_enrichment_as_a_dict() -> None:
    source = """
def f(article, enrichment: Mapping[str, Any], row):
    a = article.enrichment.get("facts")
    b = article.enrichment["topics"]["labels"]
    c = enrichment["summary"]
    d = article.enrichment.facts
"""
    assert sorted(line for line, _ in dict_reads(ast.parse(source))) == [2, 3, 4, 5]


def test_no_module_outside_enrich_reads_enrichment_as_a_dict() -> None:
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE).as_posix()
        if relative.startswith(("enrich/", "store/migrations/")) or relative in ALLOWED:
            continue
        for line, text in dict_reads(ast.parse(path.read_text("utf-8"))):
            offenders.append(f"{relative}:{line}: {text}")
    assert offenders == []
