"""curl: libcurl, the URL transfer library (CMake), static as in the seed, with OpenSSL for
TLS and zlib and brotli for content encodings; no curl program, no documentation."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="8.14.1",
    # Debian's orig of curl 8.14.1 (the upstream release tarball as Debian received it;
    # the upstream file's own sha256 cannot be checked here)
    source=Debian("curl", "8.14.1-2+deb13u7",
                  sha256="6766ada7101d292b42b8b15681120acd68effa4a9660935853cf6d61f0d984d4"),
    libs=["openssl", "zlib", "brotli"],
    catalog_version="@ab18c04",
    version_note="the catalog pins a commit of curl's development branch that no registry "
    "here holds; 8.14.1 (Debian trixie) is the release nearest to it",
    test=Test("tests/curl.c", pkg_config=("libcurl",), expect="curl OK"),
)
def curl(b: LibBuild) -> None:
    b.cmake({
        "BUILD_STATIC_LIBS": True,
        # the library only: no curl program, tests, examples or man pages
        "BUILD_CURL_EXE": False, "BUILD_TESTING": False, "BUILD_EXAMPLES": False,
        "BUILD_LIBCURL_DOCS": False, "BUILD_MISC_DOCS": False, "ENABLE_CURL_MANUAL": False,
        # the catalog's dependencies, and none of the optional ones the sysroot lacks
        "CURL_USE_OPENSSL": True, "CURL_ZLIB": True, "CURL_BROTLI": True, "CURL_ZSTD": False,
        "USE_NGHTTP2": False, "USE_LIBIDN2": False, "CURL_USE_LIBPSL": False,
        "CURL_USE_LIBSSH2": False, "CURL_DISABLE_LDAP": True,
        # no CA bundle or folder guessed on the build machine: OpenSSL's own default
        # locations (under /usr/local/ssl) are used, or what the program sets
        "CURL_CA_BUNDLE": "none", "CURL_CA_PATH": "none", "CURL_CA_FALLBACK": True,
        # project() unsets the toolchain file's UNIX; curl's checks need it (POSIX headers,
        # socket functions, the threaded resolver's pthreads)
        "UNIX": True,
        # clang's extra warnings are curl's developer setting
        "PICKY_COMPILER": False,
    })
    # the CMake targets name the dependencies' folder of this build's sysroot as a link
    # directory (libcurl.pc and curl-config use -l flags only): the same folder of the
    # consumer's sysroot, relative to the installed file; curl-config names the compiler
    # by its path in the toolchain cache
    b.substitute(f"{b.libdir}/cmake/CURL/CURLTargets.cmake", f"{b.sysroot}{b.libdir}",
                 "${_IMPORT_PREFIX}" + b.libdir[len(b.prefix):])
    b.substitute(f"{b.prefix}/bin/curl-config", b.env_value("CC"), "wasix-cc")
