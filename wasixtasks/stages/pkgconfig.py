"""pkg-config files: rewrite to the seed's variable convention, and lint.

The convention (seed README, "Variables in pkg-config files")::

    prefix=/usr/local
    exec_prefix=${prefix}
    libdir=${exec_prefix}/lib/wasm32-wasi
    includedir=${prefix}/include

Upstream build systems write these in several ways (CMake expands them, some set
``exec_prefix=/usr/local``); rewriting them keeps every sysroot relocatable through
PKG_CONFIG_SYSROOT_DIR. The lint then refuses any absolute path outside the prefix (a build
folder leaking into a published file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..layout import INCLUDEDIR, LIBDIR, PREFIX

_VAR = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)=(.*)$")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9_.]*):\s?(.*)$")
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.]*)\}")
# an absolute path: not inside a word or after ${var}, but right after -I/-L (-I/tmp/x)
_ABS = re.compile(r"(?:(?<=-I)|(?<=-L)|(?<![\w$}]))(/[A-Za-z0-9_.+@%-]+(?:/[A-Za-z0-9_.+@%-]*)*)")

CANONICAL = {
    "prefix": PREFIX,
    "exec_prefix": "${prefix}",
    "libdir": "${exec_prefix}" + LIBDIR[len(PREFIX):],
    "includedir": "${prefix}" + INCLUDEDIR[len(PREFIX):],
}


@dataclass
class PcFile:
    lines: list[str]
    variables: dict[str, str]

    def expand(self, value: str, depth: int = 0) -> str:
        if depth > 20:
            return value
        # a variable the file does not define (pkg-config's own ${pcfiledir}) stays as written
        return _REF.sub(
            lambda m: self.expand(self.variables[m.group(1)], depth + 1)
            if m.group(1) in self.variables else m.group(0),
            value,
        )


def parse(text: str) -> PcFile:
    variables: dict[str, str] = {}
    lines = text.splitlines()
    for line in lines:
        m = _VAR.match(line.strip())
        if m and not _FIELD.match(line.strip()):
            variables[m.group(1)] = m.group(2).strip()
    return PcFile(lines, variables)


def rewrite(text: str) -> str:
    """Return ``text`` with prefix/exec_prefix/libdir/includedir in the seed's convention.

    Other variables and the Libs/Cflags fields keep their meaning: absolute paths equal to
    the expanded libdir/includedir/prefix are replaced by the variable.
    """
    pc = parse(text)
    expanded = {k: pc.expand(v) for k, v in pc.variables.items()}
    prefix = expanded.get("prefix", PREFIX)
    canon_vals = {
        "prefix": PREFIX,
        "exec_prefix": PREFIX,
        "libdir": LIBDIR,
        "includedir": INCLUDEDIR,
    }
    replacements: list[tuple[str, str]] = [
        (LIBDIR, "${libdir}"),
        (INCLUDEDIR, "${includedir}"),
        (PREFIX, "${prefix}"),
    ]
    if prefix != PREFIX:
        replacements.append((prefix, "${prefix}"))
    out: list[str] = []
    seen: set[str] = set()
    for line in pc.lines:
        stripped = line.strip()
        m = _VAR.match(stripped)
        if m and not _FIELD.match(stripped):
            name = m.group(1)
            seen.add(name)
            value = expanded.get(name, "")
            if name in CANONICAL:
                if name == "includedir" and value.startswith(INCLUDEDIR + "/"):
                    # e.g. libpng: includedir=${prefix}/include/libpng16 stays a subfolder
                    out.append(f"includedir=${{prefix}}{value[len(PREFIX):]}")
                elif value == canon_vals[name] or (name == "prefix"):
                    out.append(f"{name}={CANONICAL[name]}")
                elif name == "libdir" and value.startswith(PREFIX + "/"):
                    out.append(f"libdir=${{exec_prefix}}{value[len(PREFIX):]}")
                else:
                    out.append(f"{name}={_substitute(value, replacements, name)}")
                continue
            out.append(f"{name}={_substitute(value, replacements, name)}")
            continue
        f = _FIELD.match(stripped)
        if f:
            value = _substitute(f.group(2), replacements, None)
            out.append(f"{f.group(1)}: {value}".rstrip())
            continue
        out.append(line)
    # Files without an exec_prefix line get one, so libdir can refer to it.
    if "exec_prefix" not in seen and "prefix" in seen:
        idx = next(i for i, line in enumerate(out) if line.startswith("prefix="))
        out.insert(idx + 1, "exec_prefix=${prefix}")
    return "\n".join(out) + "\n"


def _substitute(value: str, replacements: list[tuple[str, str]], own: str | None) -> str:
    for absolute, var in replacements:
        if own is not None and var == f"${{{own}}}":
            continue
        value = re.sub(re.escape(absolute) + r"(?=/|\s|$)", lambda _m: var, value)
    return value


def lint(text: str, forbidden_roots: list[Path]) -> list[str]:
    """Problems with a .pc file: wrong convention, or absolute paths outside the prefix."""
    problems: list[str] = []
    pc = parse(text)
    for name, want in CANONICAL.items():
        have = pc.variables.get(name)
        if have is None:
            problems.append(f"missing `{name}=`")
        elif name == "includedir":
            if not have.startswith("${prefix}/include"):
                problems.append(f"`includedir={have}` should be `{want}` (or a subfolder)")
        elif name == "libdir":
            if have not in (want, "${prefix}" + LIBDIR[len(PREFIX):]):
                problems.append(f"`libdir={have}` should be `{want}`")
        elif have != want:
            problems.append(f"`{name}={have}` should be `{want}`")
    for root in forbidden_roots:
        if str(root) in text:
            problems.append(f"contains the build path {root}")
    for line in pc.lines:
        for m in _ABS.finditer(line):
            path = m.group(1)
            if path == PREFIX or path.startswith(PREFIX + "/"):
                continue
            if line.strip().startswith(("URL:", "Description:", "#")):
                continue
            problems.append(f"absolute path {path} outside {PREFIX}")
    return problems
