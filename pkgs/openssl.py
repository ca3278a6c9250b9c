"""openssl: TLS and general-purpose cryptography (Perl Configure + make): libcrypto and
libssl as static archives plus versioned shared objects (the seed ships libssl.so.3 and
libcrypto.so.3 for CPython). Unlike a plain-WASI build, sockets and threads stay on: WASIX
has both."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="3.5.7",
    # Debian's orig of openssl 3.5.7 (the upstream release tarball as Debian received it;
    # the upstream file's own sha256 cannot be checked here)
    source=Debian("openssl", "3.5.7-1~deb13u2",
                  sha256="a8c0d28a529ca480f9f36cf5792e2cd21984552a3c8e4aa11a24aa31aeac98e8"),
    host_tools=["perl"],
    catalog_version="3.5.1",
    version_note="3.5.1 cannot be had here (Debian trixie has 3.5.7; its security update "
    "3.5.9 is listed but its orig is not downloadable from the archive reached here); 3.5.7 is "
    "the nearest release, six bug-fix releases later in the same 3.5 LTS series",
    test=Test("tests/openssl.c", pkg_config=("openssl",), expect="openssl OK"),
)
def openssl(b: LibBuild) -> None:
    # OpenSSL knows no wasm target: Linux's generic 32-bit C target (no assembly, 32-bit
    # bignum words with a 64-bit long long, pthreads), minus `-Wl,-znodelete`, which
    # wasm-ld rejects (OPENSSL_USE_NODELETE still tells libcrypto not to pin itself).
    # Datagram BIOs: wasix-libc defines MSG_WAITFORONE but has no recvmmsg/sendmmsg, and
    # its <sys/socket.h> leaves out the CMSG_* control-message macros, so OpenSSL's own
    # switches select plain recvfrom/sendto (no local-address reporting for DTLS/QUIC)
    config = b.write("wasix.conf", "\n".join([
        "my %targets = (",
        '    "wasix-wasm32" => {',
        '        inherit_from  => [ "linux-generic32" ],',
        '        shared_ldflag => "",',
        '        lib_cppflags  => add("-DNO_RECVMMSG -DNO_RECVMSG"),',
        "    },",
        ");",
        "",
    ]))
    b.configure(
        f"--config={config}", "wasix-wasm32", f"--libdir={b.libdir[len(b.prefix) + 1:]}",
        # no assembly for wasm32; only the libraries (no openssl program, tests or docs)
        "no-asm", "no-apps", "no-tests", "no-docs",
        # no loadable engines or provider modules (nothing to dlopen them from), no Linux
        # kernel crypto socket, no mlock'ed secure heap (WASIX's mmap is emulated)
        "no-dso", "no-afalgeng", "no-secure-memory",
        autotools=False, layout=False,
        # the compiler command line is compiled into libcrypto (`openssl version -f`): the
        # driver by name (it is first on PATH) and no flags naming this build's folders
        # (OpenSSL needs no other library, so neither the sysroot's -I nor its -L)
        env={"CC": "wasix-cc", "CFLAGS": "-O2", "CPPFLAGS": "", "LDFLAGS": ""},
        script="Configure",
    )
    # wasm-ld records a needed library by the file name it linked: libssl links libcrypto
    # by its soname's file, not through `-L. -lcrypto` (the unversioned link, removed below)
    makefile = b.source_dir / "Makefile"
    text = makefile.read_text()
    if text.count("-lcrypto  $(LIB_EX_LIBS)") != 1:
        raise RuntimeError("openssl: libssl's link line changed; update the recipe")
    makefile.write_text(text.replace("-lcrypto  $(LIB_EX_LIBS)", "libcrypto.so.3 $(LIB_EX_LIBS)"))
    b.make()
    b.make_install(target="install_sw")
    # no unversioned development links: `-lssl` in a PIE main module would take the side
    # module (wasm-ld prefers .so) and need it at run time; consumers link the archives
    b.remove(f"{b.libdir}/libssl.so", f"{b.libdir}/libcrypto.so")
    # OpenSSL's CMake package names those links when the consumer does not ask for static
    # libraries: the archives are its default here, and the versioned side modules what
    # OPENSSL_USE_STATIC_LIBS=OFF gets
    cmake_config = f"{b.libdir}/cmake/OpenSSL/OpenSSLConfig.cmake"
    b.substitute(cmake_config, "if(OPENSSL_USE_STATIC_LIBS)",
                 "if(OPENSSL_USE_STATIC_LIBS OR NOT DEFINED OPENSSL_USE_STATIC_LIBS)")
    for lib in ("libssl", "libcrypto"):
        b.substitute(cmake_config, f'/{lib}.so"', f'/{lib}.so.3"')
    # empty folders for loadable engines and provider modules (none with no-dso)
    b.remove(f"{b.libdir}/engines-3", f"{b.libdir}/ossl-modules")
