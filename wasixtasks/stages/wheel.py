"""Stage helpers for Python packages: build a wasm32 wheel from the prepared sdist tree.

The build runs pip inside the cross environment (``wasixtasks.crossenv``) with build
isolation. Afterwards the result is checked the way cibuildwheel's repair step would: exactly
one wheel, the recipe's name and version, a wasm32 tag (a py3-none-any fallback of a native
package is an error), extension modules that are wasm side modules exporting PyInit_*; then
it is re-tagged for the target interpreter and written deterministically to artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..archive import remove_tree
from ..builder import Built, fresh_dir, prepare_build
from ..checks import check_extension_modules
from ..config import Config
from ..crossenv import cross_env_vars, cross_python, ensure_cross_env
from ..errors import ToolchainError, WheelError
from ..recipe import Recipe
from ..registry import Registry
from ..run import Log
from ..toolchain import INCLUDEDIR, LIBDIR, Toolchain
from ..wheels import inspect_wheel, retag_wheel
from .context import Arg, BuildContext

ConfigValue = str | Sequence[str]


@dataclass
class WheelBuild(BuildContext):
    #: the cross environment pip runs in
    cross: Path = Path()
    #: where pip writes the wheel (pkgs/<name>.wheel.partial)
    out_dir: Path = Path()
    _built: bool = field(default=False, repr=False)

    def pip_wheel(
        self,
        *extra: Arg,
        config_settings: Mapping[str, ConfigValue] | None = None,
        isolation: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """``pip wheel`` the build folder in the cross environment (no deps, no cache)."""
        self.step("wheel")
        args: list[Arg] = [
            cross_python(self.cross), "-m", "pip", "wheel", "--no-deps", "--no-cache-dir",
            "--disable-pip-version-check", "-w", self.out_dir,
        ]
        if not isolation:
            args.append("--no-build-isolation")
        for key, value in (config_settings or {}).items():
            values = [value] if isinstance(value, str) else list(value)
            args += [f"--config-settings={key}={v}" for v in values]
        args += [*extra, str(self.source_dir)]
        self.run(*args, env=env)
        self._built = True

    def setuptools(self, *, env: Mapping[str, str] | None = None,
                   config_settings: Mapping[str, ConfigValue] | None = None) -> None:
        """A setuptools (or any PEP 517) package: plain ``pip wheel`` with isolation."""
        self.pip_wheel(config_settings=config_settings, env=env)

    def meson(self, setup_args: Sequence[str] = (), *, env: Mapping[str, str] | None = None) -> None:
        """A meson-python package: the profile's cross file plus ``setup_args``."""
        cross_file = self.write("cross.ini", self.toolchain.meson_cross_file(self.sysroot))
        args = [f"--cross-file={cross_file}", *setup_args]
        self.pip_wheel(
            config_settings={"setup-args": args, "build-dir": str(self.source_dir / "_wasixtasks_meson")},
            env=env,
        )


def _link_python_into_sysroot(toolchain: Toolchain, sysroot: Path) -> None:
    """Headers and .pc files of the target CPython where meson/pkg-config look for them."""
    py = toolchain.python
    assert py is not None
    inc = sysroot / INCLUDEDIR.lstrip("/") / py.include_dir.name
    if not inc.exists():
        inc.symlink_to(py.include_dir)
    pc_src = py.stdlib_dir.parent / "pkgconfig"
    pc_dest = sysroot / LIBDIR.lstrip("/") / "pkgconfig"
    pc_dest.mkdir(parents=True, exist_ok=True)
    if pc_src.is_dir():
        for pc in pc_src.glob("python*.pc"):
            target = pc_dest / pc.name
            if not target.exists():
                target.symlink_to(pc)


def check_and_place(b: WheelBuild, recipe: Recipe) -> Path:
    """Validate what pip produced and write the final wheel to artifacts/."""
    b.step("check")
    wheels = sorted(b.out_dir.glob("*.whl")) if b.out_dir.is_dir() else []

    def fail(message: str) -> WheelError:
        return WheelError(message, package=recipe.name, step="check", log=b.log.path)

    if not wheels:
        raise fail("the build produced no wheel")
    if len(wheels) > 1:
        raise fail(
            f"the build produced {len(wheels)} wheels ({', '.join(w.name for w in wheels)}); "
            "expected exactly one"
        )
    info = inspect_wheel(wheels[0])
    if info.name != canonicalize_name(recipe.project):
        raise fail(f"{wheels[0].name}: project `{info.name}`, expected `{recipe.project}`")
    if info.version != Version(recipe.version):
        raise fail(f"{wheels[0].name}: version {info.version}, but the recipe pins {recipe.version}")
    py = b.toolchain.python
    assert py is not None
    if recipe.native:
        if info.is_pure or all(t.platform == "any" for t in info.tags):
            raise fail(
                f"{wheels[0].name} is a pure-Python wheel, but {recipe.name} has native code: "
                "the extension build failed or was skipped (see the log)"
            )
        abis = {t.abi for t in info.tags}
        abi = "abi3" if abis == {"abi3"} else py.tag
        problems = check_extension_modules(wheels[0], ext_suffix=py.ext_suffix)
        if problems:
            raise fail(problems[0])
        python_tag, platform = py.tag, b.toolchain.platform_tag
    else:
        python_tag = ".".join(sorted({t.interpreter for t in info.tags}))
        abi, platform = "none", "any"
    b.cfg.artifacts_dir.mkdir(parents=True, exist_ok=True)
    final = retag_wheel(
        wheels[0], python_tag=python_tag, abi_tag=abi, platform_tag=platform,
        dest_dir=b.cfg.artifacts_dir,
    )
    # Older builds of the same project would otherwise be published side by side.
    prefix = f"{info.name.replace('-', '_')}-"
    for old in b.cfg.artifacts_dir.glob("*.whl"):
        if old != final and old.name.lower().startswith(prefix):
            old.unlink()
    return final


def build_wheel_package(
    recipe: Recipe, registry: Registry, cfg: Config, toolchain: Toolchain, log: Log, jobs: int
) -> Built:
    if toolchain.python is None:
        raise ToolchainError(
            f"toolchain `{toolchain.profile}` has no target CPython to build wheels for",
            package=recipe.name, step="wheel", log=log.path,
            hint="Run `invoke toolchain.doctor`: it says where to point `wasix-python`.",
        )
    src, sysroot = prepare_build(recipe, registry, cfg, log)
    _link_python_into_sysroot(toolchain, sysroot)
    cross = ensure_cross_env(cfg, toolchain, log)
    out_dir = fresh_dir(cfg.pkgs_dir / f"{recipe.name}.wheel.partial")
    env = cross_env_vars(cross, toolchain.env(sysroot, static=recipe.static_libs))
    env["MAKEFLAGS"] = f"-j{jobs}"
    if recipe.build_wheels:
        # wheels built earlier are offered to the isolated build environments
        env["PIP_FIND_LINKS"] = str(cfg.artifacts_dir)
    b = WheelBuild(
        recipe=recipe, cfg=cfg, toolchain=toolchain, log=log, source_dir=src, sysroot=sysroot,
        jobs=jobs, env=env, cross=cross, out_dir=out_dir,
    )
    try:
        log.enter("build")
        recipe.build(b)
        if not b._built:
            raise WheelError("the recipe never called a wheel helper", package=recipe.name,
                             step="wheel", log=log.path)
        final = check_and_place(b, recipe)
    finally:
        remove_tree(out_dir)
    log.info(f"wrote {os.path.relpath(final, cfg.root)}")
    return Built(recipe.name, final)
