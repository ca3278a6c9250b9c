/* curl test: the features libcurl reports (OpenSSL, zlib and brotli must be in), the URL API
 * (parts of a URL, a relative reference resolved, a bad URL refused), and a file:// transfer
 * of a file this program writes, received through a write callback. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FAIL(...) do { printf(__VA_ARGS__); printf("\n"); return 1; } while (0)

static int version_check(void) {
    curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    if (v->ssl_version == NULL || strncmp(v->ssl_version, "OpenSSL/", 8) != 0)
        FAIL("no OpenSSL: %s", v->ssl_version ? v->ssl_version : "(none)");
    if (!(v->features & CURL_VERSION_SSL)) FAIL("CURL_VERSION_SSL missing");
    if (!(v->features & CURL_VERSION_LIBZ) || v->libz_version == NULL) FAIL("no zlib");
    if (!(v->features & CURL_VERSION_BROTLI) || v->brotli_version == NULL) FAIL("no brotli");
    int https = 0, file = 0;
    for (const char *const *p = v->protocols; *p; p++) {
        https |= strcmp(*p, "https") == 0;
        file |= strcmp(*p, "file") == 0;
    }
    if (!https || !file) FAIL("protocols lack https or file");
    printf("libcurl %s: %s, zlib %s, brotli %s\n", v->version, v->ssl_version, v->libz_version,
           v->brotli_version);
    return 0;
}

static int url_check(void) {
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *path = NULL, *query = NULL, *full = NULL;
    if (curl_url_set(u, CURLUPART_URL, "https://user@example.org:8443/a/b/c.txt?x=1#frag", 0))
        FAIL("curl_url_set");
    curl_url_get(u, CURLUPART_HOST, &host, 0);
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    if (!host || !port || !path || !query || strcmp(host, "example.org") || strcmp(port, "8443") ||
        strcmp(path, "/a/b/c.txt") || strcmp(query, "x=1"))
        FAIL("URL parts: %s %s %s %s", host, port, path, query);
    /* a relative reference resolved against the URL */
    curl_url_set(u, CURLUPART_URL, "../d e.txt", CURLU_URLENCODE);
    curl_url_get(u, CURLUPART_URL, &full, 0);
    if (!full || strcmp(full, "https://user@example.org:8443/a/d%20e.txt") != 0)
        FAIL("relative URL: %s", full);
    CURLUcode bad = curl_url_set(u, CURLUPART_URL, "http://[::1", 0);
    if (bad == CURLUE_OK) FAIL("a bad URL was accepted");
    printf("url: host %s port %s path %s; relative -> %s; bad URL: %s\n", host, port, path, full,
           curl_url_strerror(bad));
    curl_free(host); curl_free(port); curl_free(path); curl_free(query); curl_free(full);
    curl_url_cleanup(u);
    return 0;
}

struct sink { char buf[4096]; size_t len; };

static size_t collect(char *data, size_t size, size_t n, void *arg) {
    struct sink *s = arg;
    size_t len = size * n;
    if (s->len + len >= sizeof s->buf) return 0;
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return len;
}

static int file_check(void) {
    char cwd[1024], name[1100], url[1200];
    const char *text = "hello from a WASIX file\nsecond line\n";
    if (getcwd(cwd, sizeof cwd) == NULL) FAIL("getcwd");
    snprintf(name, sizeof name, "%s/curl-test.txt", strcmp(cwd, "/") ? cwd : "");
    FILE *f = fopen(name, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) FAIL("cannot write %s", name);
    snprintf(url, sizeof url, "file://%s", name);
    struct sink s = {{0}, 0};
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    CURLcode rc = curl_easy_perform(h);
    curl_off_t got = -1;
    curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &got);
    curl_easy_cleanup(h);
    if (rc != CURLE_OK) FAIL("%s: %s", url, curl_easy_strerror(rc));
    if (s.len != strlen(text) || memcmp(s.buf, text, s.len) != 0 || got != (curl_off_t)s.len)
        FAIL("%s: got %zu bytes, wanted %zu", url, s.len, strlen(text));
    printf("file: %s -> %zu bytes, contents match\n", url, s.len);
    unlink(name);
    return 0;
}

int main(void) {
    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) FAIL("curl_global_init");
    if (version_check() || url_check() || file_check()) return 1;
    curl_global_cleanup();
    printf("curl OK\n");
    return 0;
}
