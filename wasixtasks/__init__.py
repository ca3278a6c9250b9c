"""wasixtasks: cross-compile Python native modules and C libraries to WebAssembly (WASIX)."""

__version__ = "0.1.0"
