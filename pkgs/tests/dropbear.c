/* dropbear smoke test: runs the installed programs as child processes (posix_spawn under
 * WASIX): dropbearkey makes an Ed25519 and an ECDSA key, prints their public halves again
 * from the key files, dropbearconvert turns one into OpenSSH's format, and the server and
 * client report their version. The programs are expected at /usr/local/{bin,sbin} (the
 * package's install tree mapped into the sandbox). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run-program.h"

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(void) {
    char key[] = "/usr/local/bin/dropbearkey", conv[] = "/usr/local/bin/dropbearconvert";
    char server[] = "/usr/local/sbin/dropbear", client[] = "/usr/local/bin/dbclient";

    /* "ssh-ed25519" and "ecdsa-sha2-nistp256" as the start of a base64 public key blob */
    char *gen_ed[] = {key, "-t", "ed25519", "-f", "host_ed25519", NULL};
    if (!expect("dropbearkey -t ed25519", run(gen_ed), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"))
        return 1;
    char *pub_ed[] = {key, "-y", "-f", "host_ed25519", NULL};
    if (!expect("dropbearkey -y", run(pub_ed), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"))
        return 1;
    printf("ed25519 key: %ld bytes\n", file_size("host_ed25519"));

    char *gen_ec[] = {key, "-t", "ecdsa", "-s", "256", "-f", "host_ecdsa", NULL};
    if (!expect("dropbearkey -t ecdsa", run(gen_ec),
                "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY"))
        return 1;
    printf("ecdsa key: %ld bytes\n", file_size("host_ecdsa"));

    char *to_openssh[] = {conv, "dropbear", "openssh", "host_ed25519", "id_ed25519", NULL};
    if (!expect("dropbearconvert", run(to_openssh), "Wrote key"))
        return 1;
    FILE *f = fopen("id_ed25519", "r");
    char line[128] = "";
    if (f == NULL || fgets(line, sizeof line, f) == NULL ||
        strncmp(line, "-----BEGIN OPENSSH PRIVATE KEY-----", 35) != 0) {
        printf("id_ed25519 is not an OpenSSH key: '%s'\n", line);
        return 1;
    }
    fclose(f);

    char *server_version[] = {server, "-V", NULL};
    int status = run(server_version);
    if (strstr(output, "Dropbear v") == NULL) {
        printf("dropbear -V: exit %d:\n%s\n", status, output);
        return 1;
    }
    printf("server: %s", output);
    char *client_version[] = {client, "-V", NULL};
    status = run(client_version);
    if (strstr(output, "Dropbear v") == NULL) {
        printf("dbclient -V: exit %d:\n%s\n", status, output);
        return 1;
    }
    printf("dropbear OK\n");
    return 0;
}
