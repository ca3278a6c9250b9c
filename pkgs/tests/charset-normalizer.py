"""charset_normalizer under the WASIX CPython: detect the encodings of a few texts, with the
mess detector (charset_normalizer.md) compiled by mypyc into a wasm32 extension module."""

import charset_normalizer
from charset_normalizer import from_bytes, is_binary
from charset_normalizer.md import __file__ as md_file

print("charset_normalizer", charset_normalizer.__version__, "from", charset_normalizer.__file__)
print("mess detector:", md_file)
assert md_file.endswith(".so"), f"the pure-Python md.py is used, not the mypyc build: {md_file}"
# the compiled mess detector directly: clean text scores 0, mojibake scores high
from charset_normalizer.md import mess_ratio  # noqa: E402

assert mess_ratio("A plain, ordinary English sentence.") == 0.0
garbled = "Ã©tÃ© Ã  la plage, câ€™Ã©tait trÃ¨s bien Â»Â«"
assert mess_ratio(garbled) > 0.2, mess_ratio(garbled)
print(f"mess_ratio: clean 0.0, mojibake {mess_ratio(garbled):.2f}")
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
