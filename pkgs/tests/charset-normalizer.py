"""charset_normalizer under the WASIX CPython: detect the encodings of a few texts (the pure
Python build; the seed builds it with mypyc)."""

import charset_normalizer
from charset_normalizer import from_bytes, is_binary
from charset_normalizer.md import __file__ as md_file

print("charset_normalizer", charset_normalizer.__version__, "from", charset_normalizer.__file__)
print("mess detector:", md_file)
assert md_file.endswith(".py"), "a compiled (mypyc) build, but the recipe builds pure Python"
samples = {
    "utf_8": "Größenverhältnisse: 日本語のテキストと Ελληνικά γράμματα.".encode("utf-8"),
    "cp1251": ("Привет, мир! Это проверка определения кодировки для русского текста, "
               "который достаточно длинный.").encode("cp1251"),
    "shift_jis": ("これは日本語の文章です。文字コードを正しく判定できるかを確認します。"
                  ).encode("shift_jis"),
}
#: supersets that decode these texts the same way
ACCEPTED = {"shift_jis": ("cp932",)}
for expected, payload in samples.items():
    best = from_bytes(payload).best()
    assert best is not None, expected
    print(f"{expected}: detected {best.encoding} ({best.language}), "
          f"chaos {best.chaos:.2f}, coherence {best.coherence:.2f}")
    assert best.encoding == expected or best.encoding in ACCEPTED.get(expected, ()), \
        (expected, best.encoding)
    assert str(best) == payload.decode(expected)
assert charset_normalizer.detect(samples["utf_8"])["encoding"] == "utf-8"
assert is_binary(bytes(range(256)) * 4) and not is_binary(samples["utf_8"])
print("charset-normalizer test OK")
