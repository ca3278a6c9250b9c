"""qhull: convex hulls, Delaunay triangulations and Voronoi diagrams (its plain Makefile; the
reentrant static library libqhullstatic_r and a hand-written qhull_r.pc)."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="2020.2",
    # qhull-2020-src-8.0.2.tgz, the release as the qhull site publishes it (Debian's orig is
    # that file, renamed); no upstream host is reachable here, so the orig is pinned directly
    source=Debian("qhull", "2020.2-6",
                  sha256="b5c2d7eb833278881b952c8a52d20179eab87766b00b865000469a45c1838b7e"),
    test=Test("tests/qhull.c", pkg_config=("qhull_r",), expect="qhull test OK"),
    version_note="stands in for the copy matplotlib bundles: its meson build downloads qhull "
    "2020.2 (8.0.2, GitHub's tag archive) through a subproject wrap, which cannot be "
    "downloaded here, so matplotlib is built with system-qhull=true against this recipe: the "
    "same release, from Debian's orig of the qhull site's tarball",
)
def qhull(b: LibBuild) -> None:
    # only the reentrant library, the one matplotlib's _qhull wrapper uses; the Makefile's
    # own compiler flags (gcc, -ansi) are replaced on the command line; `bin-lib` makes the
    # output folders
    b.make("bin-lib")
    b.make("lib/libqhullstatic_r.a", vars={
        "CC": b.env_value("CC"),
        "CC_OPTS1": f"-std=gnu99 -O2 -Isrc/ {b.env_value('CFLAGS')}",
    })
    # the Makefile archives with the build machine's `ar`, which cannot index wasm objects:
    # the archive is made again with the toolchain's
    objects = sorted(str(p.relative_to(b.source_dir))
                     for p in (b.source_dir / "src/libqhullstatic_r").glob("*.o"))
    (b.source_dir / "lib/libqhullstatic_r.a").unlink()
    b.run(b.env_value("AR"), "rcs", "lib/libqhullstatic_r.a", *objects)
    b.install("lib/libqhullstatic_r.a", f"{b.libdir}/libqhullstatic_r.a")
    for header in sorted((b.source_dir / "src/libqhull_r").glob("*.h")):
        b.install(header, f"{b.includedir}/libqhull_r/{header.name}")
    # qhull's own qhull_r.pc names its shared library (-lqhull_r): here the static one, with
    # the library's own version (matplotlib asks for qhull_r >= 8.0.2)
    b.write_pc("qhull_r", libs="-lqhullstatic_r -lm", version="8.0.2",
               description="Qhull reentrant library (static)")

