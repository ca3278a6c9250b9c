"""The wheel pipeline: source -> prepared -> build -> pip wheel in the cross environment ->
checked, re-tagged wheel in ``artifacts/``.

The result is checked the way cibuildwheel's repair step would: exactly one wheel, the
recipe's name and version, extension modules that are wasm side modules exporting
``PyInit_*`` (a pure-Python fallback of a package declared ``native=True`` is an error); then
it is re-tagged for the target interpreter (``cp313-cp313-wasix_wasm32``) and written
deterministically to artifacts/.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..checks import check_extension_modules, is_shared_object
from ..crossenv import cross_env_vars, cross_platform_tag, cross_python, ensure_cross_env
from ..errors import BuildError, CheckError, WheelError
from ..fsutil import fresh_dir, remove_tree
from ..layout import INCLUDEDIR, LIBDIR, PREFIX
from ..recipe import Recipe
from ..run import Log
from ..stages.wheel import WheelBuild, WheelContext
from ..sysroot import assemble
from ..toolchain.env import build_env, path_map
from ..toolchain.model import TargetPython
from ..sbom import SBOM_NAME, libraries_in_sysroot, make_sbom, wheel_use
from ..wheels import inspect_wheel, recipe_wheels, retag_wheel, wheel_project
from . import stamps
from .buildinfo import FILE_NAME, build_info
from .common import Engine, prepare_tree
from .library import Built, Slots, check_host_tools, source_origin


def link_python(py: TargetPython, sysroot: Path) -> None:
    """Headers and .pc files of the target CPython where meson/pkg-config look for them."""
    inc = sysroot / INCLUDEDIR.lstrip("/") / py.include_dir.name
    if not inc.exists():
        inc.symlink_to(py.include_dir)
    pc_dest = sysroot / LIBDIR.lstrip("/") / "pkgconfig"
    pc_dest.mkdir(parents=True, exist_ok=True)
    for folder in (py.prefix / "lib" / "pkgconfig", py.prefix / "lib" / "wasm32-wasi" / "pkgconfig"):
        for pc in sorted(folder.glob("python*.pc")) if folder.is_dir() else []:
            if not (pc_dest / pc.name).exists():
                (pc_dest / pc.name).symlink_to(pc)


#: where a wheel build finds the wheels it builds against (``build_wheels``), below its tree
OFFERED = Path(".wasixtasks") / "build-wheels"


def offer_build_wheels(engine: Engine, recipe: Recipe, src: Path, cross_tag: str,
                       log: Log) -> dict[str, str]:
    """The pip settings that make a build's isolated environment take ``build_wheels`` from
    our own wheels: those recipes' current wheels, and nothing else from artifacts/ (our
    wasm32 Cython wheel must not replace the build machine's Cython), pinned to their
    versions, binary only (never the project's newest sdist from the registry).

    The cross pip names the target by crossenv's platform (``cross_tag``, e.g.
    ``unknown_wasm32``), not ours, and would pass over ``wasix_wasm32`` wheels: each is
    offered as a copy named with that tag, otherwise the same file."""
    folder = fresh_dir(src / OFFERED)
    pins: list[str] = []
    for dep in recipe.build_wheels:
        package = engine.cfg.layout.package(dep)
        wheel = stamps.is_current(stamps.read_stamp(package.stamp), engine.input_hash(dep),
                                  engine.cfg.root)
        parsed = wheel_project(wheel) if wheel is not None else None
        if wheel is None or parsed is None:
            raise BuildError(f"{recipe.name} builds against {dep}'s wheel, which is not built "
                             "or out of date", package=recipe.name, step="build-wheels",
                             log=log.path, hint=f"Run `invoke build.wheel {dep}` first.")
        offered = f"{wheel.name.rsplit('-', 1)[0]}-{cross_tag}.whl"  # the platform tag is last
        shutil.copyfile(wheel, folder / offered)
        pins.append(f"{parsed[0]}=={parsed[1]}")
        log.info(f"offered to the build environment: {wheel.name} (as {offered})")
    constraints = src / OFFERED.parent / "build-wheels-constraints.txt"
    constraints.write_text("".join(f"{pin}\n" for pin in pins))
    return {"PIP_FIND_LINKS": str(folder), "PIP_CONSTRAINT": str(constraints),
            "PIP_ONLY_BINARY": ",".join(pin.split("==")[0] for pin in pins)}


def check_and_place(ctx: WheelContext, recipe: Recipe, artifacts: Path,
                    about: bytes = b"", keep: frozenset[Version] = frozenset()) -> Path:
    """Validate what pip produced and write the final wheel to artifacts/ (with ``info``, the
    build info ``about`` as ``.dist-info/wasixtasks.json``). ``keep``: the versions of the
    project that other recipes build (their wheels stay)."""
    ctx.log.enter("check")
    wheels = sorted(ctx.out_dir.glob("*.whl")) if ctx.out_dir.is_dir() else []

    def fail(message: str) -> WheelError:
        return WheelError(message, package=recipe.name, step="check", log=ctx.log.path)

    if len(wheels) != 1:
        raise fail("the build produced no wheel" if not wheels else
                   f"the build produced {len(wheels)} wheels "
                   f"({', '.join(w.name for w in wheels)}); expected exactly one")
    info = inspect_wheel(wheels[0])
    if info.name != canonicalize_name(recipe.project):
        raise fail(f"{wheels[0].name}: project `{info.name}`, expected `{recipe.project}`")
    if info.version != Version(recipe.version):
        raise fail(f"{wheels[0].name}: version {info.version}, but the recipe pins {recipe.version}")
    py = ctx.target
    assert py is not None
    with zipfile.ZipFile(wheels[0]) as zf:
        objects = [n for n in zf.namelist() if is_shared_object(n)]
    extensions = [n for n in objects if n.endswith((py.ext_suffix, ".abi3.so"))]
    foreign = [n for n in objects if ".cpython-" in n and n not in extensions]
    pure_tags = info.is_pure or all(t.platform == "any" for t in info.tags)
    if pure_tags and objects:
        raise fail(f"{wheels[0].name} is tagged pure but contains compiled modules ({objects[0]})")
    if recipe.native and not extensions:
        what = ("is a pure-Python wheel" if pure_tags
                else f"has no extension module (*{py.ext_suffix})")
        raise fail(f"{wheels[0].name} {what}, but the recipe says native=True: the extension "
                   "build failed or was skipped (see the log); drop native=True if the package "
                   "is pure Python")
    if recipe.native is False and not pure_tags:
        raise fail(f"{wheels[0].name} has compiled code, but the recipe says native=False")
    if foreign:
        raise fail(f"{foreign[0]} is not named for the target CPython (*{py.ext_suffix}): "
                   "it was built for another interpreter")
    if pure_tags:
        python_tag = ".".join(sorted({t.interpreter for t in info.tags}))
        abi, platform = "none", "any"
    else:
        try:
            problems = check_extension_modules(wheels[0], ext_suffix=py.ext_suffix)
        except CheckError as exc:  # a .so that is not WebAssembly at all
            raise fail(exc.message) from exc
        if problems:
            raise fail(problems[0])
        abi = "abi3" if {t.abi for t in info.tags} == {"abi3"} else py.tag
        python_tag, platform = py.tag, ctx.toolchain.platform_tag
    extra = {FILE_NAME: about} if about else {}
    if not pure_tags:  # PEP 770: the catalog libraries of the build sysroot it was linked with
        libraries = libraries_in_sysroot(ctx.sysroot)
        extra[SBOM_NAME] = make_sbom(info.name, recipe.version, libraries, wheel_use(wheels[0]))
        ctx.log.info(f"SBOM: {len(libraries)} librar{'y' if len(libraries) == 1 else 'ies'}"
                     + (f" ({', '.join(lib.name for lib in libraries)})" if libraries else ""))
    final = retag_wheel(wheels[0], python_tag=python_tag, abi_tag=abi, platform_tag=platform,
                        dest_dir=artifacts, extra=extra or None,
                        scrub=(*path_map(build_dir=ctx.source_dir, sysroot=ctx.sysroot),
                               (str(py.prefix), PREFIX)))
    remove_older_wheels(artifacts, final, recipe, keep)
    return final


def remove_older_wheels(artifacts: Path, current: Path, recipe: Recipe,
                        other_lines: frozenset[Version] = frozenset()) -> None:
    """The recipe's earlier wheels would be published beside ``current``; other recipes'
    lines of the same project (``other_lines``) stay."""
    for old in recipe_wheels(artifacts, recipe.project, recipe.version, other_lines):
        if old != current:
            old.unlink()


def build_wheel(engine: Engine, recipe: Recipe, log: Log, slots: Slots) -> Built:
    paths = engine.cfg.layout.package(recipe.name)
    src = prepare_tree(recipe, engine.cfg, log)
    log.enter("sysroot")
    sysroot = assemble(engine.registry, recipe, engine.cfg.layout)
    toolchain = engine.toolchain_for(recipe)
    py = toolchain.require_python(recipe.name)
    link_python(py, sysroot)
    cross = ensure_cross_env(engine.cfg, toolchain, log)
    env = cross_env_vars(cross, build_env(toolchain, sysroot, build_dir=src,
                                          static=recipe.static_libs))
    # CPython's headers name themselves in assert strings (__FILE__): by their path on
    # the target, not in this machine's cache folder
    for var in ("CFLAGS", "CXXFLAGS"):
        env[var] = f"{env[var]} -ffile-prefix-map={py.prefix}={PREFIX}"
    env.update(slots.env)
    if "MAKEFLAGS" not in slots.env:
        env["MAKEFLAGS"] = f"-j{slots.jobs}"
    if recipe.build_wheels:
        env.update(offer_build_wheels(engine, recipe, src, cross_platform_tag(cross), log))
    check_host_tools(recipe, env, log)
    out_dir = fresh_dir(paths.wheel_out)
    ctx = WheelContext(recipe=recipe, toolchain=toolchain, log=log, source_dir=src,
                       sysroot=sysroot, env=env, jobs=slots.jobs, pass_fds=slots.pass_fds,
                       cross_python=cross_python(cross), out_dir=out_dir, target=py)
    b = WheelBuild(ctx)
    try:
        log.enter("build")
        if recipe.build is None:
            b.pip_wheel()  # a pure-Python package: its sdist is all it needs
        else:
            recipe.build(b)
        if not ctx.built:
            raise WheelError("the recipe never called a wheel helper (pip_wheel, setuptools, "
                             "meson)", package=recipe.name, step="wheel", log=log.path)
        engine.cfg.artifacts_dir.mkdir(parents=True, exist_ok=True)
        origin, exact = source_origin(engine, recipe)
        info = build_info(recipe, toolchain, origin=origin, exact=exact)
        final = check_and_place(ctx, recipe, engine.cfg.artifacts_dir, info,
                                engine.registry.other_lines(recipe))
    finally:
        remove_tree(out_dir)
    log.write(f"{FILE_NAME}:\n{info.decode()}")
    log.info(f"wrote {final.name}")
    return Built(recipe.name, final, frozenset(ctx.used_modules), origin, exact)
