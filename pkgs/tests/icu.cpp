/* icu test: the static archives with the data built in. Case mapping (German sharp s,
 * Turkish dotted i), NFC/NFD normalization, collation that depends on the locale (German
 * sorts ä with a, Swedish after z), word and sentence boundaries, a date formatted in the
 * UTC zone (English pattern, French long form), and two threads opening collators at once
 * (ICU's std::mutex and call_once on WASIX threads). Prints `icu OK` when all hold. */
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <unicode/brkiter.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/uclean.h>
#include <unicode/unistr.h>
#include <unicode/uversion.h>

using icu::UnicodeString;

static int failures;

static std::string utf8(const UnicodeString &s) {
    std::string out;
    s.toUTF8String(out);
    return out;
}

static void check(const char *what, const std::string &got, const char *want) {
    bool ok = got == want;
    std::printf("%-28s %s%s%s\n", what, got.c_str(), ok ? "" : "  (expected ", ok ? "" : want);
    if (!ok) {
        std::printf("  FAILED\n");
        failures++;
    }
}

static void check_status(const char *what, UErrorCode status) {
    if (U_FAILURE(status)) {
        std::printf("%s: %s\n", what, u_errorName(status));
        failures++;
    }
}

static int collate(const char *locale, const char *a, const char *b) {
    UErrorCode status = U_ZERO_ERROR;
    icu::Collator *coll = icu::Collator::createInstance(icu::Locale(locale), status);
    check_status(locale, status);
    if (coll == nullptr) return 99;
    int r = coll->compare(UnicodeString::fromUTF8(a), UnicodeString::fromUTF8(b), status);
    check_status("compare", status);
    delete coll;
    return r;
}

static int count_boundaries(icu::BreakIterator *it, const UnicodeString &text, bool words) {
    it->setText(text);
    int n = 0;
    for (int32_t p = it->next(); p != icu::BreakIterator::DONE; p = it->next()) {
        // word breaks: count only the segments that are words (not spaces, punctuation)
        if (!words || it->getRuleStatus() != UBRK_WORD_NONE) n++;
    }
    return n;
}

int main() {
    UVersionInfo v;
    char version[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, version);
    std::printf("ICU %s, Unicode %s\n", version, U_UNICODE_VERSION);

    // case mapping, locale-sensitive
    check("upper (root)", utf8(UnicodeString::fromUTF8("straße ǆ").toUpper(icu::Locale::getRoot())),
          "STRASSE Ǆ");
    check("upper (tr)", utf8(UnicodeString::fromUTF8("istanbul").toUpper(icu::Locale("tr"))),
          "İSTANBUL");
    check("lower (tr)", utf8(UnicodeString::fromUTF8("DİYARBAKIR").toLower(icu::Locale("tr"))),
          "diyarbakır");
    check("fold", utf8(UnicodeString::fromUTF8("MASSE Maße").foldCase()), "masse masse");

    // normalization
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2 *nfc = icu::Normalizer2::getNFCInstance(status);
    const icu::Normalizer2 *nfd = icu::Normalizer2::getNFDInstance(status);
    check_status("normalizer", status);
    UnicodeString composed = nfc->normalize(UnicodeString::fromUTF8("Cafe\xcc\x81 A\xcc\x8a"), status);
    check("NFC", utf8(composed), "Café Å");
    char lengths[32];
    std::snprintf(lengths, sizeof lengths, "%d -> %d", composed.length(),
                  nfd->normalize(composed, status).length());
    check("NFD length", lengths, "6 -> 8");
    check_status("normalize", status);

    // collation: ä sorts as a in German, after z in Swedish; a root-locale order
    check("collate de ä<z", collate("de", "ä", "z") < 0 ? "less" : "not less", "less");
    check("collate sv ä>z", collate("sv", "ä", "z") > 0 ? "greater" : "not greater", "greater");
    check("collate root a<B<c", (collate("", "a", "B") < 0 && collate("", "B", "c") < 0)
          ? "ordered" : "not ordered", "ordered");

    // break iteration
    UnicodeString text = UnicodeString::fromUTF8(
        "Hello, wörld! This is ICU on WASIX. Does it work? Yes.");
    icu::BreakIterator *words = icu::BreakIterator::createWordInstance(icu::Locale::getUS(), status);
    icu::BreakIterator *sentences =
        icu::BreakIterator::createSentenceInstance(icu::Locale::getUS(), status);
    check_status("break iterators", status);
    if (words && sentences) {
        char counts[32];
        std::snprintf(counts, sizeof counts, "%d words, %d sentences",
                      count_boundaries(words, text, true), count_boundaries(sentences, text, false));
        check("breaks", counts, "11 words, 4 sentences");
    }
    delete words;
    delete sentences;

    // dates in a fixed zone: 1700000000 s after the epoch is 2023-11-14 22:13:20 UTC
    const UDate when = 1700000000000.0;
    icu::TimeZone *utc = icu::TimeZone::createTimeZone("UTC");
    icu::SimpleDateFormat iso(UnicodeString("yyyy-MM-dd HH:mm:ss zzz"), icu::Locale::getUS(), status);
    icu::SimpleDateFormat french(UnicodeString("EEEE d MMMM y, HH:mm"), icu::Locale::getFrench(),
                                 status);
    check_status("date formats", status);
    iso.setTimeZone(*utc);
    french.setTimeZone(*utc);
    UnicodeString out;
    check("date (en, UTC)", utf8(iso.format(when, out)), "2023-11-14 22:13:20 UTC");
    out.remove();
    check("date (fr, UTC)", utf8(french.format(when, out)), "mardi 14 novembre 2023, 22:13");
    // and back: parsing the English form gives the same instant
    UDate parsed = iso.parse(UnicodeString("2023-11-14 22:13:20 UTC"), status);
    check_status("parse", status);
    check("parse round trip", parsed == when ? "same instant" : "different", "same instant");
    delete utc;

    // two threads opening and using collators at once (ICU's caches are guarded by mutexes)
    int results[2] = {0, 0};
    std::thread t1([&] { results[0] = collate("sv", "ö", "z"); });
    std::thread t2([&] { results[1] = collate("de", "ö", "z"); });
    t1.join();
    t2.join();
    check("threads sv ö>z, de ö<z", (results[0] > 0 && results[1] < 0) ? "yes" : "no", "yes");

    u_cleanup();
    if (failures) {
        std::printf("%d check(s) failed\n", failures);
        return 1;
    }
    std::printf("icu OK\n");
    return 0;
}
