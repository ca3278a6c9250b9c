"""Run WASIX programs with the Wasmer runtime inside the PyPI ``wasmer-sdk`` package.

Offline (the sandbox has no network unless a test asks for it), with a compilation cache
folder (Cranelift output is reused between runs), files mapped in, environment, arguments,
exit code, stdout/stderr and a timeout. Files reach a Wasmer sandbox as bytes: mapped files
become files of an in-memory package at their absolute guest path; the working folder is
``/workspace``.

Each run happens in a child interpreter (``wasixtasks.run.run_isolated``) that ends with
``os._exit``: the native runtime's threads can still be alive when a Python process shuts
down, and Wasmer then aborts the whole process ("FATAL: exception not rethrown") after the
program already finished. The child hands back the result first; a crash after that is
harmless, a crash before it becomes a "trap" result.

``python -m wasixtasks.toolchain.runtime [--map HOST::GUEST]... [--env K=V]... [--net]
[--timeout S] module.wasm [args]`` is the command-line form (meson's exe_wrapper, CMake's
CROSSCOMPILING_EMULATOR); it maps the current folder to ``/workspace``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import default_cache_dir
from ..run import IsolatedCrash, run_isolated

#: A mapped file: the host file, or its bytes.
Content = Path | bytes

#: Exit code reported when the module traps or an exception escapes ``_start``.
TRAP_EXIT = 134


@dataclass(frozen=True)
class RunResult:
    exit_code: int
    #: "exited", "timeout", "terminated" or "trap"
    reason: str
    stdout: str
    stderr: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.reason == "exited" and self.exit_code == 0


def map_tree(host: Path, guest: str) -> dict[str, Content]:
    """Every file under ``host`` at the same relative path under ``guest``."""
    out: dict[str, Content] = {}
    if host.is_file():
        out[guest] = host
        return out
    for dirpath, dirnames, filenames in os.walk(host):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            path = Path(dirpath) / name
            out[f"{guest.rstrip('/')}/{path.relative_to(host).as_posix()}"] = path
    return out


def _bytes(content: Content) -> bytes:
    return content.read_bytes() if isinstance(content, Path) else content


async def _run(module: Path, args: Sequence[str], files: Mapping[str, Content],
               workspace: Mapping[str, Content], env: Mapping[str, str], network: bool,
               timeout: float, cache_dir: Path | None) -> RunResult:
    from wasmer_sdk import PackageCommandDefinition, PackageDefinition, Wasmer, WasmerError

    start = time.monotonic()
    async with Wasmer(cache_root=cache_dir) as wasmer:
        package = await wasmer.packages.create(PackageDefinition(
            modules={"main": module.read_bytes()},
            commands={"main": PackageCommandDefinition(module="main")},
            entrypoint="main",
            files={guest: _bytes(c) for guest, c in files.items()},
        ))
        sandbox = await wasmer.sandboxes.create(
            packages=[package],
            files={f"/workspace/{rel}": _bytes(c) for rel, c in workspace.items()},
            env=dict(env), network="host" if network else "disabled",
        )
        async with sandbox:
            # spawned and drained as it runs: what a program wrote before it trapped is kept
            # (run() would return nothing but the error)
            proc = await sandbox.command(package, list(args), cwd="/workspace").spawn(
                timeout=timeout)
            stdout: list[bytes] = []
            stderr: list[bytes] = []
            try:
                await asyncio.gather(_drain(proc.stdout, stdout), _drain(proc.stderr, stderr))
                out = await proc.wait(check=False)
            except WasmerError as exc:  # an exception escaping _start, a trap
                text = b"".join(stderr).decode(errors="replace")
                return RunResult(TRAP_EXIT, "trap", b"".join(stdout).decode(errors="replace"),
                                 f"{text}{exc.code}: {exc}", time.monotonic() - start)
    return RunResult(out.exit_code, out.reason.value, b"".join(stdout).decode(errors="replace"),
                     b"".join(stderr).decode(errors="replace"), time.monotonic() - start)


async def _drain(stream: AsyncIterable[bytes] | None, into: list[bytes]) -> None:
    """Collect a pipe's chunks until it closes (a trap closes it too)."""
    if stream is None:
        return
    async for chunk in stream:
        into.append(chunk)


_Job = tuple[Path, list[str], dict[str, Content], dict[str, Content], dict[str, str], bool,
             float, "Path | None"]


def _in_child(job: _Job) -> RunResult:
    """What the child interpreter runs (see the module docstring)."""
    try:
        return asyncio.run(_run(*job))
    except Exception as exc:  # the runtime failed to start: a result, not a hang
        return RunResult(TRAP_EXIT, "trap", "", f"{type(exc).__name__}: {exc}", 0.0)


def run_wasm(
    module: Path,
    args: Sequence[str] = (),
    *,
    files: Mapping[str, Content] | None = None,
    workspace: Mapping[str, Content] | None = None,
    env: Mapping[str, str] | None = None,
    network: bool = False,
    timeout: float = 600.0,
    cache_dir: Path | None = None,
) -> RunResult:
    """Run ``module`` (argv[0] is its name) in a fresh Wasmer sandbox. Compiled modules are
    kept in ``cache_dir`` (default: ``wasmer/`` of the cache folder; never the current one)."""
    if cache_dir is None:
        cache_dir = default_cache_dir() / "wasmer"
    cache_dir.mkdir(parents=True, exist_ok=True)
    job: _Job = (module, [*args], dict(files or {}), dict(workspace or {}), dict(env or {}),
                 network, timeout, cache_dir)
    start = time.monotonic()
    try:
        return run_isolated(_in_child, job)
    except IsolatedCrash as exc:
        return RunResult(TRAP_EXIT, "trap", "", f"the Wasmer process died ({exc}) before it "
                         "reported a result", time.monotonic() - start)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    files: dict[str, Content] = {}
    env: dict[str, str] = {}
    network, timeout = False, 600.0
    cache = os.environ.get("WASIXTASKS_WASMER_CACHE")
    usage = "usage: runtime [--map H::G] [--env K=V] [--net] [--timeout S] module.wasm [args]"
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        if flag == "--net":
            network = True
            continue
        if flag not in ("--map", "--env", "--timeout", "--cache") or not args:
            print(f"{usage}\n(bad option {flag})", file=sys.stderr)
            return 2
        value = args.pop(0)
        if flag == "--map":
            host, _, guest = value.partition("::")
            files.update(map_tree(Path(host), guest or os.path.abspath(host)))
        elif flag == "--env":
            key, _, val = value.partition("=")
            env[key] = val
        elif flag == "--timeout":
            timeout = float(value)
        else:
            cache = value
    if not args:
        print(usage, file=sys.stderr)
        return 2
    workspace = {str(p.relative_to(Path.cwd())): p for p in Path.cwd().iterdir() if p.is_file()}
    result = run_wasm(Path(args[0]), args[1:], files=files, workspace=workspace, env=env,
                      network=network, timeout=timeout,
                      cache_dir=Path(cache) if cache else None)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
