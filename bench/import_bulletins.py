"""Import speed: median ms per issue to parse (and to store), against a bare read of the file.

Inputs: the project's sample bulletins, plus ../shared/bulletins when present.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.material import shared_folder
from bench.timing import median, repeat_ms
from policydigest.ingest.bulletin.reader import read_bulletin
from policydigest.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def inputs(*, shared: bool = True) -> list[Path]:
    """The sample bulletins, and the shared ones when ``shared`` and ../shared/bulletins is there."""
    files = sorted((ROOT / "src" / "policydigest" / "data" / "sample").glob("sample-bulletin-*"))
    folder = shared_folder("bulletins") if shared else None
    if folder is not None:
        files += sorted(folder.glob("*.txt"))
    return files


def main(smoke: bool = False) -> None:
    runs, store_runs = (2, 1) if smoke else (15, 5)
    table = Table("file", "KB", "bare read ms", "parse ms", "parse+store ms", "parse / read")
    parse_all: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in inputs(shared=not smoke):
            read = median(repeat_ms(path.read_bytes, runs=runs))
            parse = median(repeat_ms(lambda p=path: read_bulletin(p), runs=runs))
            counter = iter(range(10**6))

            def store_once(p: Path = path, counter: Iterator[int] = counter) -> None:
                # A fresh database each time, so every run really inserts.
                store = open_store(f"sqlite:///{tmp}/bench-{next(counter)}.db")
                store.save_issue(read_bulletin(p))

            stored = median(repeat_ms(store_once, runs=store_runs, warmup=1))
            parse_all.append(parse)
            table.add_row(
                path.name,
                f"{path.stat().st_size / 1024:.0f}",
                f"{read:.3f}",
                f"{parse:.1f}",
                f"{stored:.1f}",
                f"{parse / read:.0f}×",
            )
    Console().print(table)
    Console().print(f"median parse time per issue: {median(parse_all):.1f} ms over {len(parse_all)} issues")


if __name__ == "__main__":
    main()
