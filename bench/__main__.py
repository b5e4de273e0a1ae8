"""Run benchmarks by name: ``python -m bench [--smoke] [NAME ...]`` (no name: all of them).

Exits 1 when any benchmark fails (raises, or exits non-zero); the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path

from bench import SUPPORT


def available() -> list[str]:
    """Benchmark modules in this folder (each has ``main(smoke=False)``); packages and support modules are not."""
    found = pkgutil.iter_modules([str(Path(__file__).parent)])
    return sorted(m.name for m in found if not m.ispkg and not m.name.startswith("_") and m.name not in SUPPORT)


def run_one(name: str, *, smoke: bool) -> bool:
    """Run one benchmark; True when it passed (an exception or a non-zero exit fails it)."""
    started = time.perf_counter()
    print(f"\n== bench {name}{' (smoke)' if smoke else ''}", flush=True)
    try:
        importlib.import_module(f"bench.{name}").main(smoke=smoke)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            print(f"FAILED bench {name}: exit {exc.code}", flush=True)
            return False
    except Exception:  # one broken benchmark must not hide the others
        traceback.print_exc()
        print(f"FAILED bench {name}", flush=True)
        return False
    print(f"-- bench {name}: {time.perf_counter() - started:.1f} s", flush=True)
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmarks in bench/.")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(available())})")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds each: checks they still run")
    args = parser.parse_args(argv)
    names = args.names or available()
    unknown = [name for name in names if name not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    os.environ.setdefault("COLUMNS", "140")  # readable tables in CI logs, where there is no terminal
    failed = [name for name in names if not run_one(name, smoke=args.smoke)]
    if failed:
        print(f"\n{len(failed)} of {len(names)} benchmark(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\nall {len(names)} benchmark(s) passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
