"""psycopg 3: the PostgreSQL adapter, pure-Python implementation (setuptools).

At run time it loads libpq through ctypes (the seed's `python-with-libs` maps a WASIX
libpq.so from its postgresql library); there is no postgresql recipe here yet, so the test
only imports the package and checks the error it raises when libpq is missing.
"""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "psycopg",
    version="3.2.9",
    source=Sdist("psycopg", sha256="2fbb46fcd17bc81f993f28c47f1ebea38d66ae97cc2dbc3cad73b37cefbff700"),
    test=Test("tests/psycopg.py", expect="psycopg test OK"),
)
