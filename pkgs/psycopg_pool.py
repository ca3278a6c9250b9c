"""psycopg-pool: connection pools for psycopg 3; pure Python (setuptools)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "psycopg-pool",
    version="3.2.6",
    source=Sdist("psycopg_pool", sha256="0f92a7817719517212fbfe2fd58b8c35c1850cdd2a80d36b581ba2085d9148e5"),
    test=Test("tests/psycopg-pool.py", expect="psycopg-pool test OK"),
)
