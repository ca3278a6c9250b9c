"""The linker cargo calls for a Rust extension (``wasixtasks.stages.rust`` writes a small
script naming this module): rustc's cdylib link, translated by
``wasixtasks.toolchain.rust.side_module_link``, runs as ``wasix-cc -shared`` through the
project's one process helper, so it is echoed and logged to the package's log like every
other tool call.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import WasixError
from ..run import Log, run
from .rust import side_module_link


def expand_response_files(args: Sequence[str]) -> list[str]:
    """rustc passes long links as ``@file`` (one argument per line)."""
    out: list[str] = []
    for arg in args:
        if arg.startswith("@") and Path(arg[1:]).is_file():
            out += Path(arg[1:]).read_text().splitlines()
        else:
            out.append(arg)
    return out


def main(cc: Sequence[str], log_path: str, package: str, args: Sequence[str]) -> int:
    """Link; returns the exit status for rustc (which prints our message on failure)."""
    log = Log(package, Path(log_path), step="rust-link", quiet=True)
    try:
        _out, link = side_module_link(expand_response_files(args))
        run([*cc, "-shared", *link], log=log)
    except (ValueError, WasixError) as exc:
        print(f"wasixtasks rust-link: {exc} (log: {log_path})", file=sys.stderr)
        return 1
    return 0
