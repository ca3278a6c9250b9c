"""pydantic: data validation with type annotations; pure Python (hatchling), installed with
pydantic-core (a Rust package built by this project) from our index.

Version: 2.10.6, not the catalog's 2.11.7. pydantic pins its core exactly: 2.11.7 needs
pydantic-core 2.33.2, which needs the crates pyo3 0.24 and jiter 0.9 that no Debian suite
packages, so it cannot be built offline here (see pkgs/pydantic_core.py); 2.10.6 is the
newest pydantic on the core we build (2.27.2)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "pydantic",
    version="2.10.6",
    source=Sdist("pydantic", sha256="ca5daa827cce33de7a42be142548b0096bf05a7e7b365aebfa5f8eeec7128236"),
    catalog_version="2.11.7",
    version_note="2.11.7 needs pydantic-core 2.33.2 (pyo3 0.24, jiter 0.9: in no Debian suite); "
                 "2.10.6 is the newest pydantic on pydantic-core 2.27.2, which is built here",
    test=Test("tests/pydantic.py", expect="pydantic test OK"),
)
