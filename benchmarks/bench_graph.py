"""Speed figures, printed side by side as ratios (no assertions: targets live here, not in
timed tests). Every figure names the toolchain it ran with (the self-built WASIX toolchain).

1. No-op: with everything built, `invoke build.all` over the whole graph deciding nothing
   needs building (CLI process included), and the in-process part. Target: under 0.3 s.
2. Job slots: forced rebuild of independent libraries with `-j 1` and `-j 2` (one jobserver
   shared by the packages and their make/ninja). Target: ratio 0.55 or better on 2 cores.
3. Tool overhead: `invoke build.lib zlib --force` against the same configure/make/make install
   run bare with the same compiler drivers in a fresh copy of the same tree. Target: <= 3 %.
4. Driver overhead: `wasix-cc -c` of a trivial file against zig's clang with the same target,
   sysroot and resource folder. Target: close to 1.

Runs in a throw-away copy of the project (tests/helpers/sandbox.py) that shares the cache
(the toolchain is restored, not rebuilt). `nox -s bench` sets up first.

    python benchmarks/bench_graph.py [--repeat 5] [--skip-graph]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.helpers.sandbox import cli_env, clone_project, invoke  # noqa: E402
from wasixtasks.commands.build import build  # noqa: E402
from wasixtasks.config import load_config  # noqa: E402
from wasixtasks.pipelines.common import Engine  # noqa: E402
from wasixtasks.registry import Registry  # noqa: E402
from wasixtasks.scheduler import Status  # noqa: E402
from wasixtasks.toolchain.env import build_env  # noqa: E402

INDEPENDENT = ["zlib", "xz", "brotli", "bzip2"]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.monotonic()
        fn()
        out.append(time.monotonic() - t0)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def engine(root: Path) -> Engine:
    cfg = load_config(root)
    return Engine.load(cfg, Registry.load(cfg))


def bench_noop(root: Path, repeat: int) -> None:
    names = engine(root).registry.names()
    first = invoke(root, "build.all", "-j", "2", timeout=7200)
    if first.returncode != 0:
        raise SystemExit(first.output)
    argv = [sys.executable, "-m", "invoke", "--search-root", str(REPO), "build.all"]
    cli = timed(lambda: subprocess.run(argv, cwd=REPO, env=cli_env(root), check=True,
                                       stdout=subprocess.DEVNULL), repeat)

    def in_process() -> None:
        outcomes = build(engine(root), names, quiet=True)
        assert all(o.status is Status.UP_TO_DATE for o in outcomes)

    api = timed(in_process, repeat)
    print(f"no-op build.all, whole graph ({len(names)} packages): CLI incl. process start "
          f"median {median(cli):.2f} s (min {min(cli):.2f}); in-process median "
          f"{median(api) * 1000:.0f} ms; target 0.3 s: ratio {median(cli) / 0.3:.2f}")


def bench_jobs(root: Path) -> None:
    walls = {}
    for jobs in (1, 2):
        t0 = time.monotonic()
        outcomes = build(engine(root), INDEPENDENT, jobs=jobs, force=True, quiet=True)
        walls[jobs] = time.monotonic() - t0
        built = {o.name: o.seconds for o in outcomes if o.status is Status.BUILT}
        print(f"-j {jobs}: forced rebuild of {', '.join(INDEPENDENT)}: wall {walls[jobs]:.1f} s "
              f"({', '.join(f'{n} {s:.1f} s' for n, s in built.items())})")
    print(f"-j 2 / -j 1 wall-time ratio: {walls[2] / walls[1]:.2f} (target 0.55)")


def bench_overhead(root: Path, repeat: int) -> None:
    """zlib through the tool against its three commands run bare with the same drivers."""
    eng = engine(root)
    paths = eng.cfg.layout.package("zlib")
    toolchain = eng.toolchain_for(eng.registry.get("zlib"))

    def bare() -> None:
        with tempfile.TemporaryDirectory(prefix="bare-zlib-") as tmp:
            src = Path(tmp) / "src"
            shutil.copytree(paths.prepared, src, ignore=shutil.ignore_patterns(".git"))
            env = {**build_env(toolchain, paths.sysroot, build_dir=src), "CHOST": "wasm32-wasi"}
            for argv in (["./configure", "--prefix=/usr/local", "--static"],
                         ["make", "-j1", "libz.a"],
                         ["make", "install", f"DESTDIR={tmp}/dest"]):
                subprocess.run(argv, cwd=src, env=env, check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)

    # alternated, pair by pair: the machine's speed drifts more than the difference
    tool: list[float] = []
    raw: list[float] = []
    for _ in range(repeat):
        tool += timed(lambda: build(eng, ["zlib"], force=True, quiet=True), 1)
        raw += timed(bare, 1)
    ratios = [t / r for t, r in zip(tool, raw)]
    print(f"zlib: tool median {median(tool):.2f} s, bare commands median {median(raw):.2f} s, "
          f"median ratio of pairs {median(ratios):.3f} (target 1.03)")


def bench_driver(root: Path, repeat: int) -> None:
    eng = engine(root)
    croot = eng.compiler_root(needed_by="bench")
    with tempfile.TemporaryDirectory(prefix="bench-cc-") as tmp:
        source = Path(tmp) / "t.c"
        source.write_text("int twice(int x) { return 2 * x; }\n")
        driver = [croot.tool("wasix-cc"), "-c", str(source), "-o", f"{tmp}/a.o"]
        bare = [str(croot.zig), "clang", "--target=wasm32-wasi", f"--sysroot={croot.sysroot}",
                f"-resource-dir={croot.resource_dir}", "-c", str(source), "-o", f"{tmp}/b.o"]
        a = timed(lambda: subprocess.run(driver, check=True), repeat * 4)
        b = timed(lambda: subprocess.run(bare, check=True), repeat * 4)
    print(f"trivial compile: wasix-cc median {median(a) * 1000:.1f} ms, zig clang median "
          f"{median(b) * 1000:.1f} ms, ratio {median(a) / median(b):.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-graph", action="store_true",
                        help="skip the whole-graph no-op figure (it builds numpy first)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wasixtasks-bench-") as tmp:
        root = clone_project(Path(tmp) / "project")
        os.environ["WASIXTASKS_ROOT"] = str(root)
        os.environ["WASIXTASKS_LOCAL_CONFIG"] = str(root / "wasixtasks.local.toml")
        print(f"toolchain: {engine(root).profile} (zig clang 22, wasix-libc, Wasmer via "
              f"wasmer-sdk); cores: {os.cpu_count()}")
        setup = invoke(root, "build.lib", ",".join(INDEPENDENT), "-j", "2")
        if setup.returncode != 0:
            print(setup.output)
            return 1
        bench_driver(root, args.repeat)
        bench_overhead(root, args.repeat)
        bench_jobs(root)
        if not args.skip_graph:
            bench_noop(root, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
