"""fonttools: font reading, writing and subsetting (matplotlib's run-time dependency); built
as pure Python."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

# setup.py compiles optional Cython accelerators (cu2qu, qu2cu, ...) only when
# FONTTOOLS_WITH_CYTHON is set, or when Cython is importable at build time: pip's isolated
# build environment (setuptools only: the sdist's pyproject.toml has no [build-system])
# has none, so the wheel is pure and the pure-Python code paths are used at run time
pure_wheel(
    "fonttools",
    # the newest release (matplotlib 3.10.6 asks for fonttools>=4.22.0); not in the catalog,
    # but `pip install matplotlib` must resolve from this index alone
    version="4.68.0",
    source=Sdist("fonttools", sha256="73294e233070f71e2b3653b6bd8564af676d57f26d075761fb06d1ab2e4a7a5d"),
    test=Test("tests/fonttools.py", expect="fonttools test OK"),
)
