/* openssl test: SHA-256 of a known string against its published digest, an AES-256-GCM
 * round trip (a flipped ciphertext bit must fail the tag), random bytes drawn in 4 threads,
 * and a TLS 1.3 handshake in memory: a self-signed P-256 certificate made here, a server and
 * a client SSL joined by a BIO pair, one message each way. */
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define FAIL(...) do { printf(__VA_ARGS__); printf("\n"); ERR_print_errors_fp(stdout); return 1; } while (0)

static int sha256_check(void) {
    unsigned char md[32];
    unsigned int len = 0;
    char hex[65];
    if (!EVP_Digest("abc", 3, md, &len, EVP_sha256(), NULL) || len != 32) FAIL("EVP_Digest failed");
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
    /* FIPS 180-2, appendix B.1 */
    if (strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") != 0)
        FAIL("sha256(abc) = %s", hex);
    printf("sha256(abc) = %s\n", hex);
    return 0;
}

static int gcm(int enc, const unsigned char *key, const unsigned char *iv, const unsigned char *in,
               int n, unsigned char *out, unsigned char *tag) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fin = 0, ok;
    ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv, enc)
        && EVP_CipherUpdate(ctx, NULL, &len, (const unsigned char *)"header", 6)  /* AAD */
        && EVP_CipherUpdate(ctx, out, &len, in, n)
        && (enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag))
        && EVP_CipherFinal_ex(ctx, out + len, &fin) > 0
        && (!enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag));
    EVP_CIPHER_CTX_free(ctx);
    return ok ? len + fin : -1;
}

static int aes_gcm_check(void) {
    unsigned char key[32], iv[12], tag[16], ct[64], back[64];
    const char *msg = "attack at dawn, under WASIX";
    int n = (int)strlen(msg);
    if (RAND_bytes(key, sizeof key) != 1 || RAND_bytes(iv, sizeof iv) != 1) FAIL("RAND_bytes");
    if (gcm(1, key, iv, (const unsigned char *)msg, n, ct, tag) != n) FAIL("GCM encrypt");
    if (gcm(0, key, iv, ct, n, back, tag) != n || memcmp(back, msg, n) != 0) FAIL("GCM decrypt");
    ct[3] ^= 1;
    if (gcm(0, key, iv, ct, n, back, tag) != -1) FAIL("tampered ciphertext accepted");
    ERR_clear_error();
    printf("aes-256-gcm: %d bytes round trip, tampering refused\n", n);
    return 0;
}

static void *draw(void *arg) {
    unsigned char buf[256];
    for (int i = 0; i < 50; i++)
        if (RAND_bytes(buf, sizeof buf) != 1) return NULL;
    return arg;
}

static int threads_check(void) {
    pthread_t t[4];
    void *r;
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, draw, &t[i]) != 0) FAIL("pthread_create");
    for (int i = 0; i < 4; i++)
        if (pthread_join(t[i], &r) != 0 || r != &t[i]) FAIL("thread %d failed", i);
    printf("threads: 4 x 50 RAND_bytes\n");
    return 0;
}

/* a self-signed certificate for CN=localhost with a fresh P-256 key */
static X509 *self_signed(EVP_PKEY *key) {
    X509 *x = X509_new();
    X509_NAME *name = X509_get_subject_name(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    if (!X509_sign(x, key, EVP_sha256())) { X509_free(x); return NULL; }
    return x;
}

/* one step of a handshake: 1 done, 0 wants more, -1 failed */
static int step(SSL *s) {
    int r = SSL_do_handshake(s);
    if (r == 1) return 1;
    int e = SSL_get_error(s, r);
    return (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) ? 0 : -1;
}

static int tls_check(void) {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL) FAIL("EVP_EC_gen");
    X509 *cert = self_signed(key);
    if (cert == NULL) FAIL("X509_sign");
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method()), *cctx = SSL_CTX_new(TLS_client_method());
    if (!SSL_CTX_use_certificate(sctx, cert) || !SSL_CTX_use_PrivateKey(sctx, key))
        FAIL("server certificate");
    /* the client trusts exactly this certificate and checks the host name */
    X509_STORE_add_cert(SSL_CTX_get_cert_store(cctx), cert);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL *server = SSL_new(sctx), *client = SSL_new(cctx);
    SSL_set1_host(client, "localhost");
    SSL_set_tlsext_host_name(client, "localhost");
    BIO *sb, *cb;
    if (!BIO_new_bio_pair(&sb, 0, &cb, 0)) FAIL("BIO_new_bio_pair");
    SSL_set_bio(server, sb, sb);
    SSL_set_bio(client, cb, cb);
    SSL_set_accept_state(server);
    SSL_set_connect_state(client);
    int sdone = 0, cdone = 0;
    for (int i = 0; i < 100 && !(sdone && cdone); i++) {
        int c = cdone ? 1 : step(client), s = sdone ? 1 : step(server);
        if (c < 0 || s < 0) FAIL("handshake failed (client %d, server %d)", c, s);
        cdone = c == 1, sdone = s == 1;
    }
    if (!(sdone && cdone)) FAIL("handshake did not finish");
    if (SSL_get_verify_result(client) != X509_V_OK) FAIL("certificate not verified");
    char buf[64] = {0};
    if (SSL_write(client, "ping", 4) != 4 || SSL_read(server, buf, sizeof buf) != 4 ||
        strcmp(buf, "ping") != 0) FAIL("client -> server");
    memset(buf, 0, sizeof buf);
    if (SSL_write(server, "pong", 4) != 4 || SSL_read(client, buf, sizeof buf) != 4 ||
        strcmp(buf, "pong") != 0) FAIL("server -> client");
    printf("tls: %s %s, peer verified, ping/pong exchanged\n", SSL_get_version(client),
           SSL_CIPHER_get_name(SSL_get_current_cipher(client)));
    SSL_free(client); SSL_free(server); SSL_CTX_free(cctx); SSL_CTX_free(sctx);
    X509_free(cert); EVP_PKEY_free(key);
    return 0;
}

int main(void) {
    printf("%s (OPENSSL_VERSION_TEXT %s)\n", OpenSSL_version(OPENSSL_VERSION), OPENSSL_VERSION_TEXT);
    if (sha256_check() || aes_gcm_check() || threads_check() || tls_check()) return 1;
    printf("openssl OK\n");
    return 0;
}
