/* oniguruma test: compile a pattern with two capture groups (one named; CAPTURE_GROUP keeps
 * the unnamed one too), search a UTF-8 string and check the match and both groups' offsets. */
#include <oniguruma.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    static const char *pattern = "(?<key>[a-z]+)=(\\d+)";
    static const char *text = "width: wasm, size=4096; name=x";
    OnigEncoding enc = ONIG_ENCODING_UTF8;
    OnigErrorInfo einfo;
    regex_t *reg;
    char msg[ONIG_MAX_ERROR_MESSAGE_LEN];

    onig_initialize(&enc, 1);
    int r = onig_new(&reg, (const UChar *)pattern, (const UChar *)pattern + strlen(pattern),
                     ONIG_OPTION_CAPTURE_GROUP, enc, ONIG_SYNTAX_RUBY, &einfo);
    if (r != ONIG_NORMAL) {
        onig_error_code_to_str((UChar *)msg, r, &einfo);
        printf("onig_new: %s\n", msg);
        return 1;
    }
    OnigRegion *region = onig_region_new();
    const UChar *start = (const UChar *)text, *end = start + strlen(text);
    r = onig_search(reg, start, end, start, end, region, ONIG_OPTION_NONE);
    if (r < 0) {
        onig_error_code_to_str((UChar *)msg, r);
        printf("onig_search: %s\n", r == ONIG_MISMATCH ? "no match" : msg);
        return 2;
    }
    int groups = onig_number_of_captures(reg);
    int key = onig_name_to_backref_number(reg, (const UChar *)"key", (const UChar *)"key" + 3, region);
    printf("match at %d: \"%.*s\"; %d groups: key=\"%.*s\" (group %d), value=\"%.*s\"\n", r,
           region->end[0] - region->beg[0], text + region->beg[0], groups,
           region->end[key] - region->beg[key], text + region->beg[key], key,
           region->end[2] - region->beg[2], text + region->beg[2]);
    if (r != 13 || groups != 2 || key != 1 || region->beg[1] != 13 || region->end[1] != 17 ||
        region->beg[2] != 18 || region->end[2] != 22) {
        printf("unexpected offsets\n");
        return 3;
    }
    onig_region_free(region, 1);
    onig_free(reg);
    onig_end();
    printf("oniguruma %s: search OK\n", onig_version());
    return 0;
}
