"""pandas: meson-python over Cython (the .pyx files are cythonized at build time) and C/C++
extensions, compiled against the numpy headers of our own wasm32 numpy wheel."""

import shutil
from pathlib import Path

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild

NUMPY = "2.3.2"


@wheel(
    version="2.3.2",
    source=Sdist("pandas", sha256="ab7b58f8f82706890924ccdfb5f48002b83d2b5a3845976a9fb705d36c34dcdb"),
    # the build requirement numpy>=2.0 is installed from our wheel (see below); Cython,
    # meson-python and versioneer are build-machine tools that pip takes as pure-Python wheels
    build_wheels=["numpy"],
    native=True,
    test=Test("tests/pandas.py", expect="pandas test OK"),
)
def pandas(b: WheelBuild) -> None:
    # pip fills the isolated build environment through the cross Python, which names the
    # target platform `unknown_wasm32` (crossenv), not `wasix_wasm32`: it would pass over our
    # numpy wheel and cross-build numpy's newest sdist. The same wheel file, named with the
    # tag that pip accepts, goes into a folder of its own, pinned and binary-only. Only that
    # folder is offered, so our wasm32 Cython wheel in artifacts/ is not picked either.
    offered = b.source_dir / ".wasixtasks" / "build-wheels"
    offered.mkdir(parents=True, exist_ok=True)
    for whl in Path(b.env_value("PIP_FIND_LINKS")).glob(f"numpy-{NUMPY}-*-wasix_wasm32.whl"):
        shutil.copyfile(whl, offered / whl.name.replace("wasix_wasm32", "unknown_wasm32"))
    pin = b.write("constraints.txt", f"numpy=={NUMPY}\n")
    b.meson(env={
        "PIP_FIND_LINKS": str(offered),
        "PIP_CONSTRAINT": str(pin),  # passed on to the pip run that fills the build env
        "PIP_ONLY_BINARY": "numpy",
        # pandas/meson.build asks `numpy.get_include()` of the cross Python, whose numpy is
        # that wasm32 wheel: this import mode (our numpy patch 0003) answers without loading
        # any wasm module, so the headers are the wasm32 ones (NPY_SIZEOF_LONG 4)
        "NUMPY_ONLY_GET_INCLUDE": "1",
    })
