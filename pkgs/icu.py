"""icu: International Components for Unicode, C/C++ part (icu4c; autotools): libicuuc,
libicui18n, libicuio and libicudata (the data built into a library, ICU's default packaging),
static archives plus versioned shared objects as in the seed; no tools, tests, samples or
extras. Cross-compiling ICU needs ICU's own tools for the build machine: the recipe builds
them first (``host/``) and points the WASIX build at them."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="76.1",
    # Debian's orig of ICU 76.1 (upstream's icu4c-76_1-src.tgz as Debian received it; the
    # upstream file's own sha256 cannot be checked here)
    source=Debian("icu", "76.1-4",
                  sha256="dfacb46bfe4747410472ce3e1144bf28a102feeaa4e3875bac9b4c6cf30f4f3e"),
    host_tools=["cc", "c++"],
    catalog_version="77.1",
    version_note="77.1 cannot be had here (Debian has 76.1 in trixie and 78.3 in forky/sid, "
    "no other registry holds it); 76.1, one release before, is the nearest",
    test=Test("tests/icu.cpp", pkg_config=("icu-i18n", "icu-uc"), expect="icu OK"),
)
def icu(b: LibBuild) -> None:
    # 1. ICU for the build machine, with the build machine's compilers: the WASIX build runs
    # its icupkg and pkgdata to package the prebuilt data (data/in/icudt76l.dat). The tools
    # only repack that file, so they are built unoptimized (build time)
    b.step("host configure")
    (b.source_dir / "host").mkdir()
    host = {"CC": "cc", "CXX": "c++", "AR": "ar", "RANLIB": "ranlib", "NM": "nm", "LD": "ld",
            "CFLAGS": "-O0", "CXXFLAGS": "-O0", "CPPFLAGS": "", "LDFLAGS": "",
            "PKG_CONFIG_LIBDIR": "", "PKG_CONFIG_SYSROOT_DIR": ""}
    b.run("../source/configure", "--disable-tests", "--disable-samples", "--disable-extras",
          "--disable-icuio", cwd="host", env=host)
    b.make(cwd="host", env=host)

    # 2. ICU for WASIX, out of tree, with the host build's tools (--with-cross-build)
    b.configure(
        "--enable-shared", "--with-data-packaging=library",
        f"--with-cross-build={b.source_dir / 'host'}",
        "--disable-tools", "--disable-tests", "--disable-samples", "--disable-extras",
        # icu-config and its make fragments record the compiler's path
        "--disable-icu-config",
        # configure knows no wasm32-wasi host (mh-unknown stops the build): WASIX takes the
        # Linux make fragment (GNU-style shared objects, -Wl,-soname, .so.76.1 names)
        "icu_cv_host_frag=mh-linux",
        # the C library defines tzname, so the link test passes, but <time.h> declares it
        # only in upstream musl (WASI has no time zone tables) and putil.cpp does not compile:
        # ICU then finds the default zone from TZ alone
        "ac_cv_var_tzname=no", "ac_cv_var__tzname=no",
        script="source/configure", cwd="wasix",
    )
    make_vars = {
        # our patch: the data becomes wasm assembly, not ELF objects or a C file per item
        "GENCCODE_ASSEMBLY": "-a wasm",
        # libicui18n.so links libicuuc.so, which exports libunwind's thread-local landing-pad
        # context: each C++ side module takes its own copy first (see geos)
        "SHLIB.cc": "$(CXX) $(CXXFLAGS) $(LDFLAGS) -shared -Wl,-Bsymbolic "
                    "-Wl,--undefined=__wasm_lpad_context -lunwind",
        # wasm-ld records a needed library by the file name it linked: the libraries link
        # each other by their sonames' files, not through the unversioned links removed below
        "LIBICUDT": "$(top_builddir)/stubdata/libicudata.so.76",
        "LIBICUUC": "$(top_builddir)/lib/libicuuc.so.76 $(top_builddir)/stubdata/libicudata.so.76",
        "LIBICUI18N": "$(top_builddir)/lib/libicui18n.so.76",
    }
    b.make(cwd="wasix", vars=make_vars)
    b.make_install(cwd="wasix", vars=make_vars)
    # no unversioned development links: `-licuuc` in a PIE main module would take the side
    # module (wasm-ld prefers .so) and need it at run time; the archives are what consumers
    # link
    b.remove(*(f"{b.libdir}/libicu{lib}.so" for lib in ("uc", "i18n", "io", "data")))
    # ICU's make fragments for building with ICU's own make system (compiler paths, flags)
    b.remove(f"{b.libdir}/icu")
    # ICU's .pc files write `prefix = /usr/local`: pkg-config accepts the spaces, the
    # pipeline's .pc rewrite (and its check) reads `name=value` only
    for pc in ("icu-uc", "icu-i18n", "icu-io"):
        b.substitute(f"{b.libdir}/pkgconfig/{pc}.pc", r"(?<=\w) = ", "=", regex=True)
    # the archives are C++: a C program (sqlite) linking them statically needs libc++,
    # libc++abi and the unwinder, which clang adds only for C++ links (and no -lunwind)
    b.substitute(f"{b.libdir}/pkgconfig/icu-uc.pc", "Libs.private: -licudata",
                 "Libs.private: -licudata -lc++ -lc++abi -lunwind")
