"""The WASIX toolchain: compiler drivers, roots, profiles, the Wasmer runtime."""
