"""Print every quality score, tuning and held-out, beside its pin: ``python -m bench.quality [--update] [NAME ...]``.

Exits 1 when a score is below its pin (without ``--update``), 2 when ../shared is missing.
``--update`` rewrites the pins of the sets that have both parts with what was measured.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from rich.console import Console
from rich.table import Table

from bench.material import shared_folder
from bench.quality import PARTS, SETS, Parts, drops, flatten, load_pin, write_pin


def table(name: str, module: ModuleType, parts: Parts) -> Table:
    """One set's scores, each beside its pin; a score below its pin in red."""
    pin = load_pin(module.PIN)
    title = f"{name} ({module.PIN.name})"
    view = Table("measure", "tuning", "pin", "held-out", "pin", title=title, title_justify="left")
    measured = {part: flatten(parts[part]) for part in PARTS}
    pinned = {part: flatten(pin.get(part, {})) for part in PARTS}
    for key in dict.fromkeys([*measured["tuning"], *measured["held_out"]]):
        cells: list[str] = []
        for part in PARTS:
            now, was = measured[part].get(key), pinned[part].get(key)
            low = now is not None and was is not None and now < was - 1e-9
            cells += [
                "—" if now is None else f"[red]{now:.4f}[/]" if low else f"{now:.4f}",
                "—" if was is None else f"{was:.4f}",
            ]
        view.add_row(key, *cells)
    return view


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"sets to score (default: all of {', '.join(SETS)})")
    parser.add_argument("--update", action="store_true", help="rewrite the pins with the measured scores")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in SETS]
    if unknown:
        print(f"unknown set(s): {', '.join(unknown)}; known: {', '.join(SETS)}", file=sys.stderr)
        return 2
    bulletins = shared_folder("bulletins")
    if bulletins is None:
        print("../shared not found: the tuning parts are scored on it", file=sys.stderr)
        return 2
    console = Console(width=max(Console().width, 100))
    status = 0
    for name in args.names or SETS:
        module = importlib.import_module(f"bench.quality.{name}")
        parts = module.measure(bulletins.parent)
        console.print(table(name, module, parts))
        if args.update:
            if all(parts[part] for part in PARTS):
                write_pin(module.PIN, parts)
                console.print(f"pinned {module.PIN.name}")
            else:
                console.print(f"[yellow]not pinned[/]: {name} has no held-out part yet")
            continue
        pin = load_pin(module.PIN)
        low = [f"{part} {line}" for part in PARTS if part in pin for line in drops(parts[part], pin[part])]
        if low:
            console.print(f"[red]below the pin[/]: {'; '.join(low)}")
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
