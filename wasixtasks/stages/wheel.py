"""Python packages: the build object wheel recipes receive.

The build runs ``pip wheel`` inside the cross environment (``wasixtasks.crossenv``), whose
Python reports the target's platform, sysconfig and extension suffix, with pip's build
isolation on. What pip produced is checked and re-tagged by ``wasixtasks.pipelines.wheel``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..toolchain.model import TargetPython
from .build import Arg, Build, BuildContext, DefineValue, stage
from .meson import cross_file, option_args

ConfigValue = str | Sequence[str]


@dataclass
class WheelContext(BuildContext):
    #: the cross environment's python
    cross_python: Path = Path()
    #: where pip writes the wheel (pkgs/<name>.wheel)
    out_dir: Path = Path()
    target: TargetPython | None = None
    built: bool = False


class WheelBuild(Build):
    """What a wheel recipe receives: ``pip_wheel``, ``setuptools`` and ``meson``."""

    _ctx: WheelContext

    def __init__(self, ctx: WheelContext) -> None:
        super().__init__(ctx)
        self._ctx = ctx

    @property
    def target_python(self) -> TargetPython:
        assert self._ctx.target is not None
        return self._ctx.target

    @stage
    def pip_wheel(self, *extra: Arg, config_settings: Mapping[str, ConfigValue] | None = None,
                  isolation: bool = True, env: Mapping[str, str] | None = None) -> None:
        """``pip wheel`` the build folder in the cross environment (no deps, no cache). ``-v``:
        the build backend's own output (compiler lines) goes to the log, and so to the
        progress display, instead of a spinner."""
        self.step("wheel")
        args: list[Arg] = [
            self._ctx.cross_python, "-m", "pip", "wheel", "-v", "--no-deps", "--no-cache-dir",
            "--disable-pip-version-check", "-w", self._ctx.out_dir,
        ]
        if not isolation:
            args.append("--no-build-isolation")
        for key, value in (config_settings or {}).items():
            for v in [value] if isinstance(value, str) else list(value):
                args.append(f"--config-settings={key}={v}")
        self.run(*args, *extra, str(self.source_dir), env=env)
        self._ctx.built = True

    @stage
    def host_packages(self, *requirements: str) -> Path:
        """Install build-machine packages a build runs (binary wheels only, no dependencies
        pulled in) into a folder of this build, with crossenv's ``build-python`` (the build
        machine's CPython of the target's version). Returns the folder: put it on
        ``PYTHONPATH`` for a build without isolation; its programs are in ``bin/``. The cross
        environment's own pip would install the target's wheels (or sdists) instead."""
        host = self.source_dir / ".wasixtasks" / "host-packages"
        self.run("build-python", "-m", "pip", "install", "--disable-pip-version-check",
                 "--no-deps", "--only-binary=:all:", "--target", host, *requirements)
        return host

    @stage
    def setuptools(self, *, env: Mapping[str, str] | None = None,
                   config_settings: Mapping[str, ConfigValue] | None = None) -> None:
        """A setuptools (or any PEP 517) package: ``pip wheel`` with isolation."""
        self.pip_wheel(config_settings=config_settings, env=env)

    @stage
    def meson(self, options: Mapping[str, DefineValue] | None = None, *,
              setup_args: Sequence[str] = (), env: Mapping[str, str] | None = None) -> None:
        """A meson-python package: the toolchain's cross file, typed ``options`` (the same
        signature as a library's ``meson``) and extra ``setup_args``."""
        cross = self.write("cross.ini", cross_file(self._ctx.toolchain, self.sysroot))
        args = [f"--cross-file={cross}", *option_args(options), *setup_args]
        self.pip_wheel(config_settings={"setup-args": args,
                                        "build-dir": str(self.source_dir / "_wasixtasks_meson")},
                       env=env)
