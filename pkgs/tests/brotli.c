/* Smoke test: compress and decompress a buffer with the installed brotli library, then
 * decompress the same stream with the installed `brotli` program, run as a child process
 * (posix_spawn) with its output in a file. */
#include <brotli/decode.h>
#include <brotli/encode.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* `brotli -d -c packed.br` with stdout into out.txt: its exit status, or -1 */
static int decompress_with_the_program(void) {
    int fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fd, 1);
    char program[] = "/usr/local/bin/brotli";
    char *argv[] = {program, "-d", "-c", "packed.br", NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, program, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fd);
    if (rc != 0) {
        printf("posix_spawn %s: %s\n", program, strerror(rc));
        return -1;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void) {
    const char *text = "wasixtasks brotli smoke test, wasixtasks brotli smoke test";
    size_t len = strlen(text) + 1, packed_len = 512, out_len = 512;
    uint8_t packed[512], unpacked[512];
    if (!BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
                               len, (const uint8_t *)text, &packed_len, packed)) return 1;
    if (BrotliDecoderDecompress(packed_len, packed, &out_len, unpacked) !=
        BROTLI_DECODER_RESULT_SUCCESS) return 2;
    if (out_len != len || memcmp(text, unpacked, len) != 0) return 3;

    FILE *f = fopen("packed.br", "wb");
    if (f == NULL || fwrite(packed, 1, packed_len, f) != packed_len || fclose(f) != 0) return 4;
    int status = decompress_with_the_program();
    char from_program[512] = "";
    f = fopen("out.txt", "rb");
    size_t got = f ? fread(from_program, 1, sizeof from_program, f) : 0;
    if (f) fclose(f);
    if (status != 0 || got != len || memcmp(text, from_program, len) != 0) {
        printf("the brotli program: exit %d, %zu bytes out\n", status, got);
        return 5;
    }

    uint32_t v = BrotliDecoderVersion();
    printf("brotli %u.%u.%u: %zu -> %zu -> %zu bytes, the brotli program agrees, roundtrip OK\n",
           v >> 24, (v >> 12) & 0xFFF, v & 0xFFF, len, packed_len, out_len);
    return 0;
}
