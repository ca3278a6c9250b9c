"""Bad inputs through the real command line: `invoke build.lib NAME` in a subprocess against a
temporary project (tests/helpers/project.py: the self-built profile without any toolchain
package, so its compiler root holds drivers over zig and no sysroot; the recipes run the
host's make only and nothing here compiles for wasm).

Every case must end with a non-zero exit and, as the last line of the output, one line
``error: [<package> <step>] <message> (log: <path>)``; nothing of the failing package may
appear under a final name (pkgs/<name>.lib, artifacts/<name>.tar.xz, its stamp), and no
``*.partial*`` file or folder may be left behind.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from tests.helpers.project import (
    URL_BASE,
    add_library,
    leftovers,
    library_files,
    library_recipe,
    make_project,
    patch_text,
    write_patch,
    write_recipe,
    write_tarball,
)
from tests.helpers.sandbox import Result, cli_argv, cli_env
from tests.helpers.sandbox import invoke as sandbox_invoke
from wasixtasks.errors import BuildsFailed, GraphError, RecipeError
from wasixtasks.fsutil import sha256_file
from wasixtasks.pipelines import stamps

pytestmark = pytest.mark.integration

ERROR_LINE = re.compile(
    r"^error: \[(?P<package>\S+) (?P<step>[^\]]+)\] (?P<message>.+?)(?: \(log: (?P<log>[^()]+)\))?$"
)


def invoke(root: Path, *args: str, extra_env: dict[str, str] | None = None) -> Result:
    return sandbox_invoke(root, *args, env=extra_env, timeout=180)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def assert_one_line_error(
    result: Result, root: Path, package: str, step: str, *, log: bool = True
) -> str:
    """The run failed and its last line is the one-line error; returns the message part."""
    assert result.returncode != 0, result.output
    m = ERROR_LINE.match(result.last_line)
    assert m, f"last line is not a one-line error: {result.last_line!r}\n{result.output}"
    assert m["package"] == package, result.output
    assert m["step"] == step, result.output
    if log:
        assert m["log"] == str(root / "pkgs" / f"{package}.log"), result.output
        assert Path(m["log"]).is_file()
    return m["message"]


def assert_nothing_final(root: Path, package: str) -> None:
    assert not (root / "pkgs" / f"{package}.lib").exists()
    assert not (root / "pkgs" / f"{package}.stamp").exists()
    artifacts = root / "artifacts"
    if artifacts.is_dir():
        mine = [p.name for p in artifacts.iterdir() if p.name.lstrip(".").startswith(package)]
        assert mine == [], f"artifacts/ holds {mine}"


def assert_no_partials(root: Path) -> None:
    assert leftovers(root) == []


# --------------------------------------------------------------------------- graph errors


def test_unknown_dependency(root: Path) -> None:
    add_library(root, "good")
    add_library(root, "needy", libs=["goood"])
    result = invoke(root, "build.lib", "good")
    # the registry refuses the project before anything runs, whatever was asked for
    message = assert_one_line_error(result, root, "needy", "load", log=False)
    assert result.returncode == RecipeError.exit_code
    assert "field `libs`: unknown dependency `goood`" in message
    assert str(root / "pkgs" / "needy.py") in message
    assert "did you mean good?" in message
    for name in ("good", "needy"):
        assert_nothing_final(root, name)
    assert not (root / "pkgs" / "good.log").exists()
    assert_no_partials(root)


def test_dependency_cycle(root: Path) -> None:
    add_library(root, "egg", libs=["hen"])
    add_library(root, "hen", libs=["egg"])
    add_library(root, "free")
    result = invoke(root, "build.lib", "egg")
    # for a graph error, the package and the step `graph` are enough
    m = ERROR_LINE.match(result.last_line)
    assert m, result.output
    assert m["step"] == "graph"
    assert m["package"] in {"egg", "hen"}
    assert result.returncode == GraphError.exit_code
    members = m["message"].removeprefix("dependency cycle: ").split(" -> ")
    assert set(members) == {"egg", "hen"}
    for name in ("egg", "hen", "free"):
        assert_nothing_final(root, name)
        assert not (root / "pkgs" / f"{name}.source").exists()  # nothing ran
    assert_no_partials(root)


# --------------------------------------------------------------------------- sources


def test_sha256_mismatch(root: Path, tmp_path: Path) -> None:
    # the pinned file changed upstream: the recipe's URL is a file:// URL, so the download
    # really runs (through the download cache's temporary file) and its hash is checked
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    sha = write_tarball(root, "pinned-1.0.tar.gz", library_files("pinned"))
    changed = upstream / "pinned-1.0.tar.gz"
    (root / "mirror" / "pinned-1.0.tar.gz").rename(changed)
    changed.write_bytes(changed.read_bytes() + b"tampered")
    text = library_recipe("pinned", sha).replace(f"{URL_BASE}/pinned-1.0.tar.gz", changed.as_uri())
    assert changed.as_uri() in text
    write_recipe(root, "pinned", text)
    result = invoke(root, "build.lib", "pinned")
    message = assert_one_line_error(result, root, "pinned", "prepare")
    assert result.returncode == BuildsFailed.exit_code
    assert message == (f"1 package(s) failed: sha256 mismatch for {changed.as_uri()}: expected "
                       f"{sha}, got {sha256_file(changed)}")
    assert ("hint: The upstream file changed since it was pinned, or the pin is wrong"
            in result.output)
    assert_nothing_final(root, "pinned")
    assert not (root / "pkgs" / "pinned.source").exists()
    # the bad file is neither cached nor half-copied anywhere
    cache = root / ".cache"
    assert not cache.exists() or [p for p in cache.rglob("*") if p.is_file()] == []
    assert_no_partials(root)


def test_tampered_mirror_file_is_ignored(root: Path) -> None:
    add_library(root, "pinned")
    tarball = root / "mirror" / "pinned-1.0.tar.gz"
    tarball.write_bytes(tarball.read_bytes() + b"tampered")
    result = invoke(root, "build.lib", "pinned")
    # never used: the mirror's copy is skipped with a warning, and the pinned URL (which
    # never resolves) is the only other place the file could come from
    assert (f"[pinned] WARNING: {tarball} in the mirror does not have the pinned sha256; "
            "ignored") in result.output
    message = assert_one_line_error(result, root, "pinned", "prepare")
    assert result.returncode == BuildsFailed.exit_code
    assert message.startswith(f"1 package(s) failed: cannot download {URL_BASE}/pinned-1.0.tar.gz: ")
    assert f"hint: Put pinned-1.0.tar.gz into a mirror folder (mirrors: {root / 'mirror'})" in result.output
    assert_nothing_final(root, "pinned")
    assert not (root / "pkgs" / "pinned.source").exists()
    cache = root / ".cache"
    assert not cache.exists() or [p for p in cache.rglob("*") if p.is_file()] == []
    assert_no_partials(root)


def test_tarball_with_dotdot_member(root: Path, tmp_path: Path) -> None:
    evil = tarfile.TarInfo("dots-1.0/../../escaped.txt")
    evil.size = 4
    add_library(root, "dots", extra=[evil])
    result = invoke(root, "build.lib", "dots")
    message = assert_one_line_error(result, root, "dots", "prepare")
    # the standard library's `data` filter (PEP 706) refuses it
    assert message.startswith("1 package(s) failed: dots-1.0.tar.gz: member "
                              "'dots-1.0/../../escaped.txt': "), message
    assert message.endswith("which is outside the destination; refusing to extract"), message
    assert not list(tmp_path.rglob("escaped.txt"))
    assert not (root / "pkgs" / "dots.source").exists()
    assert_nothing_final(root, "dots")
    assert_no_partials(root)


def test_tarball_with_escaping_symlink(root: Path, tmp_path: Path) -> None:
    link = tarfile.TarInfo("linky-1.0/include/evil")
    link.type = tarfile.SYMTYPE
    link.linkname = "../../../../outside"
    add_library(root, "linky", extra=[link])
    result = invoke(root, "build.lib", "linky")
    message = assert_one_line_error(result, root, "linky", "prepare")
    assert message.startswith("1 package(s) failed: linky-1.0.tar.gz: member "
                              "'linky-1.0/include/evil': 'linky-1.0/include/evil' would link to "), message
    assert message.endswith("which is outside the destination; refusing to extract"), message
    assert not [p for p in tmp_path.rglob("evil") if p.is_symlink()]
    assert not (root / "pkgs" / "linky.source").exists()
    assert_nothing_final(root, "linky")
    assert_no_partials(root)


def test_patch_that_does_not_apply(root: Path) -> None:
    add_library(root, "stale")
    write_patch(root, "stale-0001-old-fix.patch", patch_text(
        "stale.h", '#define STALE_VERSION "0.9"', '#define STALE_VERSION "0.9-wasm"'))
    result = invoke(root, "build.lib", "stale")
    message = assert_one_line_error(result, root, "stale", "prepare")
    assert "patch stale-0001-old-fix.patch does not apply" in message
    assert "hint: Refresh it" in result.output
    assert not (root / "pkgs" / "stale.prepared").exists()
    assert not (root / "pkgs" / "stale.prepared.json").exists()
    assert_nothing_final(root, "stale")
    assert_no_partials(root)


# --------------------------------------------------------------------------- builds


def test_failing_compile(root: Path) -> None:
    files = library_files("broken", makefile=(
        "install:\n"
        "\tmkdir -p $(DESTDIR)/usr/local/include\n"
        "\tcp broken.h $(DESTDIR)/usr/local/include/\n"
        # the host compiler on purpose: the fake toolchain's $CC compiles nothing
        "\tcc -c broken.c -o broken.o\n"
    ))
    files["broken.c"] = "int main(void)\n{\n    return 0\n}\n"
    add_library(root, "broken", files=files)
    add_library(root, "user", libs=["broken"])
    result = invoke(root, "build.lib", "user")
    message = assert_one_line_error(result, root, "broken", "build")
    assert result.returncode == BuildsFailed.exit_code
    # the compiler's own line, not make's "Error 1"
    assert re.search(r"broken\.c:\d+:\d+: error: expected .;. before", message), message
    assert "*** [" not in message
    log = (root / "pkgs" / "broken.log").read_text()
    assert "cc -c broken.c -o broken.o" in log
    summary_line = [line for line in result.output.splitlines() if line.startswith("user ")]
    assert summary_line and "skipped" in summary_line[0] and "blocked by broken" in summary_line[0]
    assert_nothing_final(root, "broken")
    assert_nothing_final(root, "user")
    assert_no_partials(root)


SLOW_RECIPE_BODY = """\
# part of the install is written before the long step: a kill leaves a half-made tree
(b.destdir / "usr/local/include").mkdir(parents=True)
(b.destdir / "usr/local/include/slow-part.h").write_text("/* written before the sleep */\\n")
marker = os.environ.get("SLOW_RECIPE_MARKER")
if marker:
    b.run(sys.executable, "-c",
          "import pathlib, sys, time; pathlib.Path(sys.argv[1]).touch(); time.sleep(60)",
          marker)
b.run("make", "install", f"DESTDIR={b.destdir}")
"""


def test_build_killed_then_rerun(root: Path, tmp_path: Path) -> None:
    add_library(root, "slow", imports="import os\nimport sys\n", body=SLOW_RECIPE_BODY)
    marker = tmp_path / "slow-is-sleeping"
    out = tmp_path / "killed-run.txt"
    with out.open("w") as fh:
        proc = subprocess.Popen(
            cli_argv("build.lib", "slow"), cwd=root,
            env=cli_env(root, {"SLOW_RECIPE_MARKER": str(marker)}),
            stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert proc.poll() is None, f"the build ended early:\n{out.read_text()}"
            assert time.monotonic() < deadline, f"the build never reached its sleep:\n{out.read_text()}"
            time.sleep(0.1)
        # the whole process group: invoke, and the sleeping child it started
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # killed mid-install: the temporary install tree is there (as noted: it is the one
    # allowed leftover), nothing under a final name, no stamp
    assert (root / "pkgs" / "slow.lib.partial" / "usr/local/include/slow-part.h").is_file()
    assert leftovers(root) == ["pkgs/slow.lib.partial"]
    assert_nothing_final(root, "slow")
    assert not (root / "artifacts" / "slow.tar.xz").exists()

    # and what a kill while packing would have left (fsutil.atomic_file: its temporary name
    # carries the pid of the killed run)
    (root / "artifacts").mkdir(exist_ok=True)
    (root / "artifacts" / ".slow.tar.xz.999999.partial").write_bytes(b"half an archive")

    rerun = invoke(root, "build.lib", "slow")
    assert rerun.returncode == 0, rerun.output
    assert "1 built, 0 restored, 0 up to date, 0 failed, 0 skipped" in rerun.output
    artifact = root / "artifacts" / "slow.tar.xz"
    assert artifact.is_file()
    # the stamp, written last, records the artifact that was just packed
    stamp = stamps.read_stamp(root / "pkgs" / "slow.stamp")
    assert stamp is not None
    assert stamp.artifact == "artifacts/slow.tar.xz"
    assert stamp.artifact_sha256 == sha256_file(artifact)
    with tarfile.open(artifact) as tf:
        names = tf.getnames()
    assert "usr/local/include/slow.h" in names
    # the rerun's complete install tree took the final name (the recipe writes slow-part.h
    # before make installs slow.h)
    assert (root / "pkgs" / "slow.lib" / "usr/local/include/slow.h").is_file()
    assert (root / "pkgs" / "slow.lib" / "usr/local/include/slow-part.h").is_file()
    assert_no_partials(root)

    again = invoke(root, "build.lib", "slow")
    assert again.returncode == 0, again.output
    assert "0 built, 0 restored, 1 up to date, 0 failed, 0 skipped" in again.output
    assert stamps.read_stamp(root / "pkgs" / "slow.stamp") == stamp
