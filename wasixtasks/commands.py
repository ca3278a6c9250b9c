"""What the invoke tasks do, as plain typed functions (tasks stay thin; tests call these)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from .archive import remove_tree
from .builder import log_path
from .config import Config
from .errors import BuildError, RecipeError, WasixError
from .graph import build_order, graph_of
from .patches import ensure_prepared, export_patches, prepared_dir
from .recipe import Kind, Recipe
from .registry import Registry
from .run import Log, console, run
from .scheduler import Outcome, input_hashes, is_up_to_date, raise_if_failed, run_graph, summary
from .sources import announce_override, ensure_source, source_dir
from .sysroot import artifact_path, install_one, library_closure
from .toolchain import LIBDIR, Toolchain


def build(
    registry: Registry,
    cfg: Config,
    toolchain: Toolchain,
    names: Iterable[str],
    *,
    jobs: int = 1,
    keep_going: bool = False,
    force: bool = False,
) -> list[Outcome]:
    """Build packages and their dependencies; print the summary; raise if any failed."""
    names = list(names)
    outcomes = run_graph(
        registry, cfg, toolchain, names, jobs=jobs, keep_going=keep_going,
        force=names if force else (),
    )
    console(summary(outcomes))
    if outcomes and all(o.status == "up to date" for o in outcomes):
        console(f"nothing to do: all {len(outcomes)} package(s) are up to date")
    raise_if_failed(outcomes)
    return outcomes


def require_kind(recipe: Recipe, kind: Kind) -> None:
    if recipe.kind is not kind:
        raise RecipeError(
            f"`{recipe.name}` is a {recipe.kind.value}, not a {kind.value}",
            hint=f"Use `invoke build.{'lib' if recipe.kind is Kind.LIBRARY else 'wheel'} {recipe.name}`.",
        )


def fetch(registry: Registry, cfg: Config, names: Iterable[str]) -> list[Path]:
    out = []
    for name in names:
        recipe = registry.get(name)
        log = Log(name, log_path(cfg, name))
        log.enter("fetch")
        announce_override(recipe, cfg, log)
        out.append(ensure_source(recipe, cfg, log)[0])
        console(f"[{name}] source ready: {source_dir(recipe, cfg)}")
    return out


def prepare(registry: Registry, cfg: Config, names: Iterable[str]) -> list[Path]:
    out = []
    for name in names:
        recipe = registry.get(name)
        log = Log(name, log_path(cfg, name))
        log.enter("prepare")
        out.append(ensure_prepared(recipe, cfg, log))
        console(f"[{name}] prepared: {prepared_dir(recipe, cfg)}")
    return out


def export(registry: Registry, cfg: Config, name: str) -> list[Path]:
    recipe = registry.get(name)
    log = Log(name, log_path(cfg, name))
    log.enter("export-patches")
    return export_patches(recipe, cfg, log)


def install_libs(registry: Registry, cfg: Config, names: Iterable[str], dest: Path) -> list[str]:
    """Unpack library artifacts (with their library dependencies) into the sysroot ``dest``."""
    wanted: list[str] = []
    for name in names:
        recipe = registry.get(name)
        require_kind(recipe, Kind.LIBRARY)
        for dep in [*library_closure(registry, recipe), name]:
            if dep not in wanted:
                wanted.append(dep)
    for name in wanted:
        archive = artifact_path(cfg, name)
        if not archive.is_file():
            raise BuildError(
                f"no artifact {archive}", package=name, step="install",
                hint=f"Run `invoke build.lib {name}` first.",
            )
        files = install_one(archive, dest, name)
        console(f"[{name}] installed {len(files)} files into {dest}")
    return wanted


def smoke_test(registry: Registry, cfg: Config, toolchain: Toolchain, name: str) -> str:
    """Compile the recipe's smoke program against the installed library and run it."""
    recipe = registry.get(name)
    require_kind(recipe, Kind.LIBRARY)
    if recipe.smoke is None:
        raise RecipeError(f"`{name}` declares no smoke test", package=name, step="test")
    toolchain.require()
    log = Log(name, cfg.pkgs_dir / f"{name}.test.log")
    log.open(truncate=True)
    log.enter("test")
    work = cfg.pkgs_dir / f"{name}.test"
    remove_tree(work)
    sysroot = work / "sysroot"
    install_libs(registry, cfg, [name], sysroot)
    env = toolchain.env(sysroot)
    flags = run(
        ["pkg-config", "--static", "--cflags", "--libs", *recipe.smoke.pkg_config],
        log=log, env=env, capture=True,
    ).stdout.split()
    program = recipe.file.parent / recipe.smoke.program
    out = work / "smoke.wasm"
    run([env["CC"], str(program), *flags, "-o", str(out)], log=log, env=env, cwd=work)
    result = run([*toolchain.runner, str(out)], log=log, env=env, cwd=work, capture=True)
    if recipe.smoke.expect not in result.stdout:
        raise BuildError(
            f"smoke test printed {result.stdout.strip()!r}, expected {recipe.smoke.expect!r}",
            package=name, step="test", log=log.path,
        )
    console(f"[{name}] smoke test passed: {result.stdout.strip()}")
    return result.stdout


def package_table(registry: Registry, cfg: Config, toolchain: Toolchain) -> str:
    """One line per recipe: name, kind, version, dependencies, up to date or not."""
    try:
        hashes = input_hashes(registry, cfg, toolchain, registry.names())
    except WasixError:
        hashes = {}
    rows = [("package", "kind", "version", "status", "depends on")]
    for r in registry:
        state = "up to date" if r.name in hashes and is_up_to_date(cfg, r.name, hashes[r.name]) else "-"
        rows.append((r.name, r.kind.value, r.version, state, ", ".join(r.deps) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(c.ljust(widths[i]) if i < 4 else c for i, c in enumerate(row)).rstrip()
        for row in rows
    )


def graph_text(registry: Registry, names: Iterable[str] | None = None, dot: bool = False) -> str:
    names = list(names) if names else registry.names()
    edges = graph_of(registry, names)
    if dot:
        lines = ["digraph wasixtasks {"]
        for node in sorted(edges):
            lines.append(f'  "{node}";')
            for dep in sorted(edges[node]):
                lines.append(f'  "{node}" -> "{dep}";')
        lines.append("}")
        return "\n".join(lines)
    order = build_order(registry, names)
    return "\n".join(
        f"{i + 1:3d}. {n}" + (f"  <- {', '.join(sorted(edges[n]))}" if edges[n] else "")
        for i, n in enumerate(order)
    )


def clean(registry: Registry, cfg: Config, names: Iterable[str], *, prepared: bool = False,
          artifacts: bool = False) -> list[Path]:
    """Remove work folders (build, lib, sysroot, logs, stamps); optionally prepared/source and
    artifacts. Prepared trees with unexported work are kept unless ``prepared`` is given."""
    removed: list[Path] = []
    for name in names:
        recipe = registry.get(name)
        suffixes = [".build", ".lib", ".sysroot", ".test", ".sdist", ".wheel", ".stamp",
                    ".log", ".test.log", ".lib.partial", ".source.partial", ".prepared.partial"]
        if prepared:
            suffixes += [".prepared", ".prepared.json", ".source"]
        for suffix in suffixes:
            path = cfg.pkgs_dir / f"{name}{suffix}"
            if path.exists() or path.is_symlink():
                remove_tree(path)
                removed.append(path)
        if artifacts:
            for path in [artifact_path(cfg, name), *cfg.artifacts_dir.glob(f"{recipe.project.replace('-', '_')}-*.whl")]:
                if path.exists():
                    path.unlink()
                    removed.append(path)
    return removed


def doctor(cfg: Config, toolchain: Toolchain) -> tuple[bool, str]:
    """A report of the active profile: what was found, what is missing, and the fix."""
    lines = [f"profile: {toolchain.profile} (configured: {cfg.toolchain})"]
    missing_tools = []
    for var, tool in sorted(toolchain.tools.items()):
        found = shutil.which(tool) or (tool if os.path.exists(tool) else None)
        lines.append(f"  {var:<7} {tool}  [{'ok' if found else 'MISSING'}]")
        if not found:
            missing_tools.append(var)
    lines.append(f"  runner  {' '.join(toolchain.runner)}")
    if toolchain.base_sysroot:
        lines.append(f"  sysroot {toolchain.base_sysroot}")
        extra = toolchain.base_sysroot / LIBDIR.lstrip("/")
        if extra.is_dir() and any(extra.glob("lib*.a")):
            lines.append(
                f"  note: {extra} already holds libraries; builds see them too. "
                "Per-package sysroots only isolate libraries built by wasixtasks."
            )
    py = toolchain.python
    if py:
        lines.append(f"  python  CPython {py.version} ({py.tag}), headers {py.include_dir}")
    else:
        if toolchain.profile == "wasix":
            lines.append(
                "  python  MISSING: point `wasix-python` in wasixtasks.local.toml (or "
                "WASIXTASKS_WASIX_PYTHON) at your WASIX CPython install (a folder with "
                "include/python3.X and lib/python3.X/_sysconfigdata_*.py, e.g. the cpython "
                "package of wasix-org/build-scripts)"
            )
        else:
            lines.append("  python  MISSING: run `invoke toolchain.setup`")
    lines.append(f"  wheel tag platform: {toolchain.platform_tag}")
    for host_tool in ("make", "pkg-config"):
        found = shutil.which(host_tool)
        lines.append(f"  host    {host_tool}: {found or 'MISSING (apt-get install ' + host_tool + ')'}")
    ok = (not toolchain.problems and not missing_tools
          and all(shutil.which(t) for t in ("make", "pkg-config")))
    for problem in toolchain.problems:
        lines.append(f"  problem: {problem}")
    if missing_tools:
        lines.append(f"  problem: {', '.join(missing_tools)} not found")
    if not ok:
        lines.append("status: NOT READY")
    elif py is None:
        lines.append("status: ready for libraries; NOT READY for wheels (no target CPython)")
    else:
        lines.append("status: ready")
    return ok, "\n".join(lines)
