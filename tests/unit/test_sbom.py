"""Tests of wasixtasks.sbom: the CycloneDX document a native wheel carries (PEP 770), and its
verification against the library tarballs and the wheel's own modules. Wheels, side modules
and library tarballs are hand-made; the SBOM is put into the wheel by retag_wheel, as the
wheel pipeline does."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.helpers.project import tar_xz_bytes
from tests.helpers.wasmbytes import side_module
from tests.helpers.wheelfactory import make_wheel
from wasixtasks.sbom import (
    SBOM_NAME,
    Library,
    WheelUse,
    archive_symbols,
    component_properties,
    libraries_in_sysroot,
    library_of_tarball,
    linkage,
    make_sbom,
    read_wheel_sbom,
    verify_wheel_sbom,
)
from wasixtasks.wheels import retag_wheel

TAG = ("cp313", "cp313", "wasix_wasm32")
PNG_SHA = "a" * 64
ZLIB_SHA = "b" * 64
CRC_COMMIT = "c" * 40


def info(name: str, version: str, pin: str, catalog: str | None = None) -> bytes:
    doc: dict[str, object] = {"name": name, "kind": "library", "version": version,
                              "source": {"pin": pin, "exact": True}}
    if catalog:
        doc["catalog_version"] = catalog
    return json.dumps(doc).encode()


def tarball(folder: Path, name: str, version: str, pin: str, files: dict[str, bytes],
            catalog: str | None = None) -> Path:
    """A library artifact shaped as the library pipeline writes them."""
    members = {**files, f"usr/local/share/wasixtasks/{name}.json": info(name, version, pin, catalog)}
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{name}.tar.xz"
    out.write_bytes(tar_xz_bytes(members))
    return out


def ar_header(member: str, size: int) -> bytes:
    return (f"{member:<16}{0:<12}{0:<6}{0:<6}{644:<8}{size:<10}".encode() + b"`\n")


def ar_archive(symbols: list[str], *, width: int = 4) -> bytes:
    """A GNU ar archive with a symbol index (as llvm-ar writes it) and one member."""
    strings = b"".join(s.encode() + b"\0" for s in symbols)
    offsets = b"".join((8 + 60).to_bytes(width, "big") for _ in symbols)
    index = len(symbols).to_bytes(width, "big") + offsets + strings
    index += b"\n" * (len(index) % 2)
    obj = b"\x00asm\x01\x00\x00\x00"
    return (b"!<arch>\n" + ar_header("/" if width == 4 else "/SYM64/", len(index)) + index
            + ar_header("a.o/", len(obj)) + obj)


#: what the demo module defines when it links libz.a: zlib's deflate, and a std:: template
#: instance that every C++ archive defines as well
ZLIB_CODE = ["deflate", "demo_init", "_ZNSt3__212basic_stringIcEC2Ev"]


def libraries(artifacts: Path) -> None:
    tarball(artifacts, "zlib", "1.3.1", f"url:https://zlib.invalid/zlib-1.3.1.tar.gz#sha256={ZLIB_SHA}",
            {"usr/local/lib/wasm32-wasi/libz.a": ar_archive(["deflate", "inflate"])})
    tarball(artifacts, "libpng", "1.6.50",
            f"debian:libpng1.6=1.6.50-1#sha256={PNG_SHA}",
            {"usr/local/lib/wasm32-wasi/libpng16.a": ar_archive(
                ["png_read_info", "_ZNSt3__212basic_stringIcEC2Ev"]),
             "usr/local/lib/wasm32-wasi/libpng16.so.16": side_module()}, catalog="1.6.48")
    tarball(artifacts, "google-crc32c", "1.1.2",
            f"git:https://crc32c.invalid/crc32c.git@{CRC_COMMIT}",
            {"usr/local/lib/wasm32-wasi/libcrc32c.a": b"!<arch>\n"})


def native_wheel(tmp_path: Path, artifacts: Path, needed: list[str],
                 sbom: bytes | None, bundle: bool = False,
                 defined: list[str] | None = ZLIB_CODE) -> Path:
    module = side_module(needed, defined=defined)
    files = {"demo/__init__.py": b"", "demo/_core.cpython-313-wasm32-wasi.so": module}
    if bundle:
        files["demo.libs/libpng16.so.16"] = side_module()
    raw = make_wheel(tmp_path / "raw", name="demo", version="1.0", tag="-".join(TAG), files=files)
    return retag_wheel(raw, python_tag=TAG[0], abi_tag=TAG[1], platform_tag=TAG[2],
                       dest_dir=artifacts, extra={SBOM_NAME: sbom} if sbom else None)


def sbom_for(artifacts: Path, names: list[str], needed: list[str], bundled: list[str],
             defined: list[str] | None = ZLIB_CODE) -> bytes:
    libs = [library_of_tarball(artifacts / f"{n}.tar.xz") for n in names]
    use = WheelUse(frozenset(needed), frozenset(bundled),
                   None if defined is None else frozenset(defined))
    return make_sbom("demo", "1.0", libs, use)


def test_library_of_tarball_reads_the_build_info_and_sonames(tmp_path: Path) -> None:
    libraries(tmp_path)
    png = library_of_tarball(tmp_path / "libpng.tar.xz")
    # the C++ standard library's names are left out of the archive's symbols
    assert png == Library("libpng", "1.6.50", f"debian:libpng1.6=1.6.50-1#sha256={PNG_SHA}",
                          "1.6.48", frozenset({"libpng16.so.16"}), frozenset({"png_read_info"}))
    assert png.source_sha256 == PNG_SHA and png.source_commit is None
    crc = library_of_tarball(tmp_path / "google-crc32c.tar.xz")
    assert crc.source_commit == CRC_COMMIT and crc.source_sha256 is None
    assert crc.symbols == frozenset()  # an archive without an index


def test_archive_symbols_read_the_index() -> None:
    for width in (4, 8):
        data = ar_archive(["deflate", "inflate"], width=width)
        assert archive_symbols(io.BytesIO(data)) == {"deflate", "inflate"}
    assert archive_symbols(io.BytesIO(b"!<arch>\n")) == set()
    no_index = b"!<arch>\n" + ar_header("a.o/", 8) + b"\x00asm\x01\x00\x00\x00"
    assert archive_symbols(io.BytesIO(no_index)) == set()
    with pytest.raises(ValueError, match="not an ar archive"):
        archive_symbols(io.BytesIO(b"\x7fELF"))


def test_linkage() -> None:
    png = Library("libpng", "1", "p", None, frozenset({"libpng16.so.16"}),
                  frozenset({"png_read_info"}))
    so = frozenset({"libpng16.so.16"})
    assert linkage(png, WheelUse(defined=frozenset({"png_read_info", "main"}))) == "static"
    assert linkage(png, WheelUse(defined=frozenset({"main"}))) == "not linked"
    assert linkage(png, WheelUse(so, so)) == "runtime, bundled"
    assert linkage(png, WheelUse(so, frozenset())) == "runtime, external"
    assert linkage(png, WheelUse(defined=None)).startswith("static or not linked")


def test_rust_rlibs_count_as_archives_and_header_only_libraries_are_said_so(
        tmp_path: Path) -> None:
    # Rust's standard library: rlibs under lib/rustlib; a module names its compiler builtins
    tarball(tmp_path, "rust-std", "1.95.0", f"debian:rustc=1.95.0+dfsg1-2#sha256={PNG_SHA}",
            {"usr/local/lib/rustlib/wasm32-wasip1-threads/lib/libcompiler_builtins-1.rlib":
             ar_archive(["__multi3", "_RNvCs1_17compiler_builtins3mem"])})
    rust = library_of_tarball(tmp_path / "rust-std.tar.xz")
    assert rust.symbols == {"__multi3", "_RNvCs1_17compiler_builtins3mem"} and rust.has_code
    assert linkage(rust, WheelUse(defined=frozenset({"__multi3", "PyInit__core"}))) == "static"
    # an rlib anywhere else is not a library's archive
    tarball(tmp_path, "stray", "1", f"url:https://x.invalid/x.tar.gz#sha256={PNG_SHA}",
            {"usr/local/share/x/libx.rlib": ar_archive(["__multi3"])})
    assert library_of_tarball(tmp_path / "stray.tar.xz").symbols == frozenset()
    # headers only (rapidjson): nothing of it can be seen in a module, whatever it defines
    tarball(tmp_path, "rapidjson", "1.1.0", f"url:https://x.invalid/r.tar.gz#sha256={PNG_SHA}",
            {"usr/local/include/rapidjson/document.h": b"// header\n"})
    headers = library_of_tarball(tmp_path / "rapidjson.tar.xz")
    assert not headers.has_code
    for use in (WheelUse(defined=frozenset({"main"})), WheelUse(defined=None)):
        assert linkage(headers, use) == "headers only"
    doc = json.loads(make_sbom("demo", "1.0", [headers], WheelUse()))
    assert doc["components"][0]["scope"] == "required"
    assert component_properties(doc["components"][0])["wasixtasks:linkage"] == "headers only"


def test_the_document_is_cyclonedx_and_reproducible(tmp_path: Path) -> None:
    libraries(tmp_path)
    one = sbom_for(tmp_path, ["zlib", "libpng", "google-crc32c"], [], [])
    assert one == sbom_for(tmp_path, ["google-crc32c", "libpng", "zlib"], [], [])
    doc = json.loads(one)
    assert (doc["bomFormat"], doc["specVersion"]) == ("CycloneDX", "1.6")
    assert doc["metadata"]["component"]["name"] == "demo"
    comps = {c["name"]: c for c in doc["components"]}
    assert list(comps) == ["google-crc32c", "libpng", "zlib"]
    assert comps["libpng"]["hashes"] == [{"alg": "SHA-256", "content": PNG_SHA}]
    props = {p["name"]: p["value"] for p in comps["libpng"]["properties"]}
    # the module defines none of libpng's functions: in the sysroot, not linked
    assert props == {"wasixtasks:source-pin": f"debian:libpng1.6=1.6.50-1#sha256={PNG_SHA}",
                     "wasixtasks:linkage": "not linked", "wasixtasks:catalog-version": "1.6.48"}
    assert comps["libpng"]["scope"] == "excluded"
    zlib_props = {p["name"]: p["value"] for p in comps["zlib"]["properties"]}
    assert (zlib_props["wasixtasks:linkage"], comps["zlib"]["scope"]) == ("static", "required")
    crc_props = {p["name"]: p["value"] for p in comps["google-crc32c"]["properties"]}
    assert crc_props["wasixtasks:source-commit"] == CRC_COMMIT
    assert "hashes" not in comps["google-crc32c"]
    assert doc["dependencies"] == [{"ref": "wheel", "dependsOn": [
        "library:google-crc32c", "library:libpng", "library:zlib"]}]


def test_a_correct_sbom_verifies(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    libraries(artifacts)
    sbom = sbom_for(artifacts, ["zlib", "libpng"], ["libpng16.so.16"], [])
    wheel = native_wheel(tmp_path, artifacts, ["libpng16.so.16"], sbom)
    assert read_wheel_sbom(wheel) == json.loads(sbom)
    assert verify_wheel_sbom(wheel, artifacts, ["zlib", "libpng"]) == []
    comps = {c["name"]: c for c in json.loads(sbom)["components"]}
    assert {p["value"] for p in comps["libpng"]["properties"]} >= {"runtime, external"}


def test_a_bundled_shared_object_is_said_so(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    libraries(artifacts)
    sbom = sbom_for(artifacts, ["libpng"], ["libpng16.so.16"], ["libpng16.so.16"])
    wheel = native_wheel(tmp_path, artifacts, ["libpng16.so.16"], sbom, bundle=True)
    assert verify_wheel_sbom(wheel, artifacts, ["libpng"]) == []


def edited(wheel: Path, change: dict[str, str]) -> Path:
    """The wheel with text replaced in its SBOM (RECORD left alone, as a hand edit would)."""
    out = wheel.with_name("edited-" + wheel.name)
    with zipfile.ZipFile(wheel) as zf, zipfile.ZipFile(out, "w") as dst:
        for item in zf.infolist():
            data = zf.read(item)
            if item.filename.endswith(SBOM_NAME):
                text = data.decode()
                for old, new in change.items():
                    assert old in text
                    text = text.replace(old, new)
                data = text.encode()
            dst.writestr(item, data)
    return out


def test_an_edited_sbom_fails(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    libraries(artifacts)
    wheel = native_wheel(tmp_path, artifacts, [], sbom_for(artifacts, ["zlib", "libpng"], [], []))
    version = edited(wheel, {'"version": "1.6.50"': '"version": "1.6.51"'})
    assert verify_wheel_sbom(version, artifacts) == [
        f"{version.name}: SBOM component libpng: version '1.6.51', but '1.6.50' was built "
        "(libpng.tar.xz, the wheel's modules)"]
    digest = edited(wheel, {f'"content": "{ZLIB_SHA}"': f'"content": "{"d" * 64}"'})
    assert "source sha256" in verify_wheel_sbom(digest, artifacts)[0]
    link = edited(wheel, {'"value": "static"': '"value": "runtime, bundled"'})
    assert "linkage 'runtime, bundled', but 'static'" in verify_wheel_sbom(link, artifacts)[0]
    # a library the build had but did not link cannot be claimed as linked, nor its scope
    claimed = edited(wheel, {'"value": "not linked"': '"value": "static"'})
    assert verify_wheel_sbom(claimed, artifacts) == [
        f"{claimed.name}: SBOM component libpng: linkage 'static', but 'not linked' was built "
        "(libpng.tar.xz, the wheel's modules)"]
    scope = edited(wheel, {'"scope": "excluded"': '"scope": "required"'})
    assert "scope 'required', but 'excluded'" in verify_wheel_sbom(scope, artifacts)[0]


def test_modules_without_function_names_leave_the_linkage_open(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    libraries(artifacts)
    sbom = sbom_for(artifacts, ["zlib"], [], [], defined=None)
    wheel = native_wheel(tmp_path, artifacts, [], sbom, defined=None)
    assert verify_wheel_sbom(wheel, artifacts) == []
    comp = json.loads(sbom)["components"][0]
    assert {p["value"] for p in comp["properties"]} >= {
        "static or not linked (the modules have no name section)"}


def test_a_missing_or_incomplete_sbom_fails(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    libraries(artifacts)
    bare = native_wheel(tmp_path, artifacts, [], None)
    assert verify_wheel_sbom(bare, artifacts) == [f"{bare.name}: no .dist-info/{SBOM_NAME}"]
    wheel = native_wheel(tmp_path, artifacts, [], sbom_for(artifacts, ["zlib"], [], []))
    assert verify_wheel_sbom(wheel, artifacts, ["zlib", "libpng"]) == [
        f"{wheel.name}: the SBOM names ['zlib'], but the build linked ['libpng', 'zlib']"]
    (artifacts / "zlib.tar.xz").unlink()
    assert "no zlib.tar.xz in" in verify_wheel_sbom(wheel, artifacts)[0]


def test_libraries_in_sysroot_follow_the_install_records(tmp_path: Path) -> None:
    sysroot = tmp_path / "sysroot"
    share = sysroot / "usr/local/share/wasixtasks"
    share.mkdir(parents=True)
    (share / "libpng.json").write_bytes(info("libpng", "1.6.50", f"x#sha256={PNG_SHA}"))
    (share / "unrelated.json").write_bytes(info("unrelated", "1", "y"))  # not installed here
    records = sysroot / ".wasixtasks/installed"
    records.mkdir(parents=True)
    (records / "libpng.json").write_text(json.dumps({"name": "libpng", "files": [
        "usr/local/lib/wasm32-wasi/libpng16.so.16", "usr/local/lib/wasm32-wasi/libpng16.a",
        "usr/local/include/png.h"]}))
    lib = sysroot / "usr/local/lib/wasm32-wasi"
    lib.mkdir(parents=True)
    (lib / "libpng16.a").write_bytes(ar_archive(["png_read_info"]))
    assert libraries_in_sysroot(sysroot) == [
        Library("libpng", "1.6.50", f"x#sha256={PNG_SHA}", None, frozenset({"libpng16.so.16"}),
                frozenset({"png_read_info"}))]
