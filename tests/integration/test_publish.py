"""Tests of wasixtasks.publish: dist/ is published from vouched-for artifacts only, and a
wheel's test publishes it again exactly when it does not hold the wheels of artifacts/.
Hand-made wheels; dumb-pypi runs as the real subprocess (a second or two)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.wheelfactory import make_wheel
from wasixtasks.config import Config
from wasixtasks.errors import WasixError
from wasixtasks.index import PACKAGES_DIR
from wasixtasks.pipelines.stamps import make_stamp, write_stamp
from wasixtasks.publish import current_index, index_is_current, publish_index, resolve_from_index

pytestmark = pytest.mark.integration

TAG = "cp313-cp313-wasix_wasm32"


def built_wheel(cfg: Config, name: str, version: str, payload: bytes = b"x = 1\n", *,
                tag: str = TAG, requires: tuple[str, ...] = ()) -> Path:
    """A wheel in artifacts/ with the stamp a successful build writes."""
    wheel = make_wheel(cfg.artifacts_dir, name=name, version=version, tag=tag,
                       files={f"{name}/__init__.py": payload}, requires_python=">=3.13",
                       requires_dist=requires)
    write_stamp(cfg.layout.package(name).stamp, make_stamp(cfg, "i" * 64, wheel, []))
    return wheel


def test_no_index_is_not_current(cfg: Config) -> None:
    built_wheel(cfg, "demo", "1.0")
    assert not index_is_current(cfg)


def test_a_published_index_is_current_until_a_wheel_changes(cfg: Config) -> None:
    wheel = built_wheel(cfg, "demo", "1.0")
    summary = publish_index(cfg)
    assert (summary.projects, summary.files) == (1, 1)
    assert (cfg.dist_dir / PACKAGES_DIR / wheel.name).read_bytes() == wheel.read_bytes()
    assert index_is_current(cfg)
    # rebuilt with other bytes under the same name: the index no longer holds it
    built_wheel(cfg, "demo", "1.0", payload=b"x = 2\n")
    assert not index_is_current(cfg)
    # a new wheel next to it: not current either
    publish_index(cfg)
    built_wheel(cfg, "other", "2.0")
    assert not index_is_current(cfg)


def test_current_index_publishes_only_when_needed(cfg: Config) -> None:
    built_wheel(cfg, "demo", "1.0")
    dist, published = current_index(cfg)
    assert dist == cfg.dist_dir and published is not None and published.files == 1
    before = (dist / "simple" / "demo" / "index.html").stat().st_mtime_ns
    assert current_index(cfg) == (cfg.dist_dir, None)
    assert (dist / "simple" / "demo" / "index.html").stat().st_mtime_ns == before
    built_wheel(cfg, "other", "2.0")
    _, again = current_index(cfg)
    assert again is not None and again.projects == 2


def test_an_unstamped_wheel_is_not_published(cfg: Config) -> None:
    built_wheel(cfg, "demo", "1.0")
    publish_index(cfg)
    make_wheel(cfg.artifacts_dir, name="stray", version="1.0", tag=TAG)  # no build vouches
    with pytest.raises(WasixError, match="stray"):
        current_index(cfg)
    # dist/ is left as it was: the one vouched-for wheel
    assert sorted(p.name for p in (cfg.dist_dir / PACKAGES_DIR).glob("*.whl")) == [
        f"demo-1.0-{TAG}.whl"]


def test_a_wheel_test_publishes_despite_an_unvouched_library(cfg: Config) -> None:
    """index.generate refuses an unvouched library tarball; the refresh a wheel's test does
    looks at the wheels only, which are all the index publishes."""
    built_wheel(cfg, "demo", "1.0")
    (cfg.artifacts_dir / "brk.tar.xz").write_bytes(b"a failed rebuild's leftover")
    with pytest.raises(WasixError, match="brk.tar.xz"):
        publish_index(cfg)
    _, published = current_index(cfg)
    assert published is not None and published.files == 1


def test_resolve_takes_a_package_and_its_dependencies_from_the_index_alone(cfg: Config) -> None:
    """`invoke index.resolve`: pip download --isolated for the target, dependencies included,
    native wheels by the target's tags and pure ones by py3-none-any."""
    built_wheel(cfg, "app", "1.0", requires=("libnative>=2", "purehelper"))
    built_wheel(cfg, "libnative", "2.1")
    built_wheel(cfg, "purehelper", "0.3", tag="py3-none-any")
    built_wheel(cfg, "unrelated", "1.0")
    publish_index(cfg)
    res = resolve_from_index(cfg, ["app"], platform="wasix_wasm32", python_version="3.13")
    assert res.files == (f"app-1.0-{TAG}.whl", f"libnative-2.1-{TAG}.whl",
                         "purehelper-0.3-py3-none-any.whl")
    # another platform's pip finds nothing native here: one line naming the step and log
    with pytest.raises(WasixError) as err:
        resolve_from_index(cfg, ["app"], platform="manylinux2014_x86_64", python_version="3.13")
    line = err.value.one_line()
    assert line.startswith("error: [index resolve]") and "app" in line and "index.log" in line, line


def test_resolve_fails_when_a_dependency_is_missing(cfg: Config) -> None:
    built_wheel(cfg, "app", "1.0", requires=("notbuilt",))
    publish_index(cfg)
    with pytest.raises(WasixError) as err:
        resolve_from_index(cfg, ["app"], platform="wasix_wasm32", python_version="3.13")
    assert "notbuilt" in err.value.one_line(), err.value.one_line()
