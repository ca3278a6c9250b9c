"""Where everything lives on disk: the one owner of work-folder and artifact paths.

The stage folders keep the seed's names (``pkgs/<name>.source``, ``.prepared``, ``.build``,
``.lib``) so its users find their way; no other module composes these paths. Shared caches
(downloads, the toolchain) live outside the checkout under ``cache_dir`` so a second checkout
or a CI run on the same machine reuses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Conventions inside every sysroot (from the seed README).
PREFIX = "/usr/local"
LIBDIR = "/usr/local/lib/wasm32-wasi"
INCLUDEDIR = "/usr/local/include"

#: Suffixes of a package's work entries under ``pkgs/`` (the seed's stage names).
WORK_SUFFIXES = (
    ".build", ".lib", ".sysroot", ".tools", ".test", ".wheel", ".stamp", ".log", ".test.log",
)
#: ``pkgs/<name>.lock`` is never removed: a run may hold it (a new file would be a new lock).
#: Entries kept between builds unless asked for (they may hold a developer's work).
SOURCE_SUFFIXES = (".source", ".prepared", ".prepared.json")


@dataclass(frozen=True)
class PackagePaths:
    """Every path that belongs to one package."""

    name: str
    pkgs_dir: Path
    artifacts_dir: Path

    def _work(self, suffix: str) -> Path:
        return self.pkgs_dir / f"{self.name}{suffix}"

    @property
    def source(self) -> Path:
        """Pristine upstream, imported as one git commit."""
        return self._work(".source")

    @property
    def prepared(self) -> Path:
        """Git worktree of the source with the patches applied as commits."""
        return self._work(".prepared")

    @property
    def prepared_state(self) -> Path:
        return self._work(".prepared.json")

    @property
    def build(self) -> Path:
        """Throw-away copy of the prepared tree the build runs in."""
        return self._work(".build")

    @property
    def sysroot(self) -> Path:
        """The declared libraries only."""
        return self._work(".sysroot")

    @property
    def tools(self) -> Path:
        """Compiler drivers generated for this build (toolchain packages only)."""
        return self._work(".tools")

    @property
    def lib(self) -> Path:
        """Library install tree (DESTDIR, prefix /usr/local)."""
        return self._work(".lib")

    @property
    def wheel_out(self) -> Path:
        """Where the wheel build writes before the checked wheel goes to artifacts/."""
        return self._work(".wheel")

    @property
    def test(self) -> Path:
        return self._work(".test")

    @property
    def log(self) -> Path:
        return self._work(".log")

    @property
    def test_log(self) -> Path:
        return self._work(".test.log")

    @property
    def stamp(self) -> Path:
        return self._work(".stamp")

    @property
    def lock(self) -> Path:
        return self._work(".lock")

    @property
    def library_artifact(self) -> Path:
        """``artifacts/<name>.tar.xz``: the packed install tree of a library."""
        return self.artifacts_dir / f"{self.name}.tar.xz"

    def work_entries(self, *, sources: bool = False) -> list[Path]:
        """Everything ``clean`` may remove (sources and prepared trees only when asked)."""
        suffixes = WORK_SUFFIXES + (SOURCE_SUFFIXES if sources else ())
        out = [self._work(s) for s in suffixes]
        out += sorted(self.pkgs_dir.glob(f"{self.name}.*.partial*"))
        return out


@dataclass(frozen=True)
class Layout:
    """The project's folders (from the configuration) and the shared caches."""

    root: Path
    pkgs_dir: Path
    patches_dir: Path
    artifacts_dir: Path
    dist_dir: Path
    cache_dir: Path

    def package(self, name: str) -> PackagePaths:
        return PackagePaths(name, self.pkgs_dir, self.artifacts_dir)

    @property
    def downloads(self) -> Path:
        """Content-addressed download cache: ``sha256/<hash>/<file>``."""
        return self.cache_dir / "sha256"

    @property
    def quarantine(self) -> Path:
        """Cached files that failed their hash are moved here, never reused."""
        return self.cache_dir / "quarantine"

    @property
    def toolchains(self) -> Path:
        """Installed toolchains, one folder per input hash."""
        return self.cache_dir / "toolchains"

    @property
    def artifact_cache(self) -> Path:
        """Built artifacts by input hash, shared by every checkout on this machine."""
        return self.cache_dir / "artifacts"

    @property
    def debian(self) -> Path:
        """Private apt state and downloaded Debian orig tarballs."""
        return self.cache_dir / "debian"

    @property
    def wasmer_cache(self) -> Path:
        """Wasmer's compilation cache (compiled modules by content)."""
        return self.cache_dir / "wasmer"

    @property
    def target_pip(self) -> Path:
        """pip unpacked for the target interpreter, one folder per pinned wheel."""
        return self.cache_dir / "pip"

    @property
    def host_tools(self) -> Path:
        """Virtual environments of host tools (zig, cmake, ninja, meson, wasmer-sdk)."""
        return self.cache_dir / "host"
