"""pydantic: data validation with type annotations; pure Python (hatchling). Published in
the index as the seed does; installing it needs pydantic-core, a Rust package not built here
(README: "Rust packages"), so pip cannot install it from our index alone and its test does
not run."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "pydantic",
    version="2.11.7",
    source=Sdist("pydantic", sha256="d989c3c6cb79469287b1569f7447a17848c998458d49ebe294e975b9baf0f0db"),
    test=Test("tests/pydantic.py", expect="pydantic test OK",
              skip="needs pydantic-core 2.33.2, a Rust package this project cannot build yet "
              "(README: Rust packages)"),
)
