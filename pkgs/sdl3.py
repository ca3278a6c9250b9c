"""SDL3: the Simple DirectMedia Layer (CMake), as the seed builds it: a Unix console build
with every subsystem off (audio, video, GPU, render, camera, joystick, haptic, HIDAPI,
power, sensor, dialog), a static library. What is left is SDL's core: init, threads,
mutexes and atomics, timers, IO streams, the filesystem, strings and properties.

Our patch turns SDL's dynamic API off for WASI (the seed's patch does the same): a static
library linked into a wasm module has nothing to override it through.
"""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild

SUBSYSTEMS = ("AUDIO", "VIDEO", "GPU", "RENDER", "CAMERA", "JOYSTICK", "HAPTIC", "HIDAPI",
              "POWER", "SENSOR", "DIALOG")


@library(
    version="3.2.10",
    # Debian's +ds repack of 3.2.10 (Debian removed files it cannot ship; the library's
    # sources are whole): a Debian orig pinned directly
    source=Debian("libsdl3", "3.2.10+ds-1",
                  sha256="dede2b1f08d2a7c6c5ec558258de75c846c5e3ea5e5687f8b2f9d896c8467335"),
    catalog_version="3.2.16",
    version_note="3.2.16 cannot be had here (no registry holds SDL3's release tarballs; "
    "Debian has 3.2.10 and 3.4.18); 3.2.10 is the nearest release of the same 3.2 series",
    test=Test("tests/sdl3.c", pkg_config=("sdl3",), expect="SDL3 OK"),
)
def sdl3(b: LibBuild) -> None:
    b.cmake({
        # CMake knows no WASI platform and clears the toolchain file's UNIX while it loads
        # one; as a cache entry it stays: SDL's Unix branch (pthreads, clock_gettime, ...)
        "UNIX": True,
        "SDL_UNIX_CONSOLE_BUILD": True, "SDL_STATIC": True, "SDL_SHARED": False,
        "SDL_TESTS": False, "SDL_TEST_LIBRARY": False, "SDL_EXAMPLES": False,
        **{f"SDL_{name}": False for name in SUBSYSTEMS},
    })
