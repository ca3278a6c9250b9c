"""Run by the WASIX CPython under Wasmer for `invoke test.wheel` (not imported on the host).

usage: python install-then-test.py PIP_FOLDER INDEX_URL SCRIPT REQUIREMENT...

1. ``pip install REQUIREMENT...`` from INDEX_URL alone (the generated index, mapped into the
   sandbox), into this interpreter's own site-packages, wheels only: pip, running on the
   target, picks the wheels by the target's tags and judges markers with its environment.
2. pip is forgotten (its modules, its folder on sys.path, its logging handlers),
   site-packages joins sys.path as at startup, and SCRIPT runs as ``__main__``, with only
   the standard library and what pip installed.

Exit code 3 with a line on stderr when the installation fails; otherwise the script's own.
"""

import importlib
import logging
import runpy
import site
import sys
import sysconfig

INSTALL_FAILED = 3


def install(pip_folder: str, index_url: str, requirements: list[str]) -> int:
    sys.path.insert(0, pip_folder)
    try:
        from pip._internal.cli.main import main as pip_main

        return pip_main([
            "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check",
            "--no-input", "--progress-bar", "off", "--root-user-action", "ignore",
            "--no-compile", "--only-binary", ":all:", "--index-url", index_url, *requirements,
        ])
    finally:
        # pip 26 watches imports after an install (it advises callers to import first or
        # run pip in a subprocess): this script imports the installed package on purpose.
        # Its import blocker leaves sys.meta_path; its audit hook cannot be removed, so the
        # logger it warns through is switched off
        sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_ImportBlocker"]
        logging.getLogger("pip._internal.commands.install").disabled = True
        sys.path.remove(pip_folder)
        for name in [m for m in sys.modules if m == "pip" or m.startswith("pip.")]:
            del sys.modules[name]
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        importlib.invalidate_caches()


def main() -> int:
    pip_folder, index_url, script, *requirements = sys.argv[1:]
    code = install(pip_folder, index_url, requirements)
    sys.stdout.flush()
    if code != 0:
        print(f"pip could not install {' '.join(requirements)} from {index_url} (exit {code})",
              file=sys.stderr)
        return INSTALL_FAILED
    # site-packages joins sys.path at startup only when it exists, and it did not yet: add
    # it as startup would have (with its .pth files)
    paths = sysconfig.get_paths()
    for folder in dict.fromkeys([paths["purelib"], paths["platlib"]]):
        site.addsitedir(folder)
    print(f"--- {script} ---", flush=True)
    sys.argv = [script]
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
