"""pandoc: the document converter pypandoc_binary bundles; a Haskell program, not built here.

The seed builds its `wasm` branch (@336228b, haskell-wasm/pandoc) with GHC's wasm backend
from a nix shell (ghc-wasm-meta). No registry reachable here has a GHC that targets wasm32,
so the recipe pins Debian's source of the nearest release (verified like any other source,
`invoke sources.fetch pandoc`) and is declared blocked: it stays in the catalog with its
reason instead of failing every build.all.
"""

from wasixtasks.recipe import Debian, blocked

blocked(
    "pandoc",
    version="3.1.11.1",
    # Debian's repack (+ds) of pandoc 3.1.11.1 (the pandoc-cli part; the library is split
    # into other source packages)
    source=Debian("pandoc", "3.1.11.1+ds-2",
                  sha256="d1d70d1cf2846456c60b89e4a2bd662b9feea231db28270031a098ee91c09f93"),
    catalog_version="wasm@336228b",
    version_note="the catalog's haskell-wasm branch is not obtainable; Debian's 3.1.11.1 is "
    "pinned for the record",
    reason="a Haskell program: building it for wasm32 needs GHC's wasm backend "
    "(ghc-wasm-meta), which no registry reachable here provides",
)
