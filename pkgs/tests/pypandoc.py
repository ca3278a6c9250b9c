"""pypandoc under the WASIX CPython without pandoc (the pandoc recipe is blocked here): its
pure helpers, and the error it raises when no pandoc can be found."""

import pypandoc

print("pypandoc", pypandoc.__version__, "from", pypandoc.__file__)
assert pypandoc.normalize_format("md") == "markdown"
assert pypandoc.normalize_format("rest+smart") == "rst+smart"
assert pypandoc._get_base_format("markdown+hard_line_breaks-smart") == "markdown"
assert pypandoc._identify_format_from_path("notes.rst", None) == "rst"
source, fmt, kind = pypandoc._identify_input_type("# Title\n\nno such file", "md")
assert (fmt, kind) == ("md", "string")
levels = list(pypandoc._classify_pandoc_logging("[WARNING] one\ncontinued\n[INFO] two"))
assert levels == [(30, "one\ncontinued"), (20, "two")], levels
print("formats, input types and pandoc log levels:", levels)
try:
    pypandoc.convert_text("# Title", "html", format="md")
except OSError as exc:
    print("expected error:", str(exc).splitlines()[0])
    assert "pandoc" in str(exc).lower()
else:
    raise AssertionError("pandoc was found in the sandbox")
print("pypandoc test OK")
