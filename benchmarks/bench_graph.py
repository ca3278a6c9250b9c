"""Benchmarks of the task graph, printed as figures (no assertions: targets live here, not in
timed tests).

1. No-op time: with everything built, how long `invoke build.all` takes to decide that nothing
   needs building (whole graph, CLI process included), and the in-process part of it.
2. Parallelism: wall time of building the independent libraries (zlib, xz, brotli) with
   `-j 1` and `-j 2`, forced rebuilds, and the ratio. With -j N each package's make/ninja gets
   cores // N jobs, so the ratio shows what package-level parallelism adds.

Runs in a throw-away copy of the project (tests/helpers/sandbox.py) that shares the installed
stand-in toolchain and the source caches. Needs `invoke toolchain.setup` and
`python tests/seed_mirror.py` first (`nox -s bench` does both).

    python benchmarks/bench_graph.py [--libraries-only] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.sandbox import clone_project, invoke  # noqa: E402
from wasixtasks.config import load_config  # noqa: E402
from wasixtasks.recipe import Kind  # noqa: E402
from wasixtasks.registry import Registry  # noqa: E402
from wasixtasks.scheduler import run_graph  # noqa: E402
from wasixtasks.toolchain import active_toolchain  # noqa: E402

INDEPENDENT = ["zlib", "xz", "brotli"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--libraries-only", action="store_true", help="skip the wheels (numpy takes minutes)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wasixtasks-bench-") as tmp:
        root = clone_project(Path(tmp) / "project")
        os.environ["WASIXTASKS_ROOT"] = str(root)
        os.environ["WASIXTASKS_LOCAL_CONFIG"] = str(root / "wasixtasks.local.toml")
        cfg = load_config(root)
        registry = Registry.load(cfg)
        toolchain = active_toolchain(cfg)
        kind_args = ["--kind", "library"] if args.libraries_only else []
        names = registry.names(Kind.LIBRARY if args.libraries_only else None)
        print(f"toolchain profile: {toolchain.profile}; cores: {os.cpu_count()}; packages: {', '.join(names)}")

        start = time.monotonic()
        first = invoke(root, "build.all", *kind_args, timeout=3600)
        if first.returncode != 0:
            print(first.output)
            return 1
        print(f"initial build of the graph: {time.monotonic() - start:.1f} s")

        cli_times = []
        for _ in range(args.repeat):
            t0 = time.monotonic()
            again = invoke(root, "build.all", *kind_args)
            cli_times.append(time.monotonic() - t0)
            assert "nothing to do" in again.output, again.output
        api_times = []
        for _ in range(args.repeat):
            t0 = time.monotonic()
            outcomes = run_graph(registry, cfg, toolchain, names, quiet=True)
            api_times.append(time.monotonic() - t0)
            assert all(o.status == "up to date" for o in outcomes)
        print(f"no-op, whole graph ({len(names)} packages), CLI incl. process start: "
              f"median {statistics.median(cli_times):.2f} s (min {min(cli_times):.2f} s)")
        print(f"no-op, whole graph, in-process run_graph: median {statistics.median(api_times) * 1000:.0f} ms")

        walls: dict[int, float] = {}
        for jobs in (1, 2):
            t0 = time.monotonic()
            outcomes = run_graph(registry, cfg, toolchain, INDEPENDENT, jobs=jobs, force=INDEPENDENT, quiet=True)
            walls[jobs] = time.monotonic() - t0
            assert all(o.status == "built" for o in outcomes), [(o.name, o.status, o.detail) for o in outcomes]
            per = ", ".join(f"{o.name} {o.seconds:.1f} s" for o in outcomes)
            print(f"-j {jobs}: {', '.join(INDEPENDENT)} forced rebuild: wall {walls[jobs]:.1f} s ({per})")
        print(f"wall-time ratio -j 2 / -j 1: {walls[2] / walls[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
