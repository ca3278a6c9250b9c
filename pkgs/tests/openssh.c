/* openssh smoke test: runs the installed programs as child processes (posix_spawn under
 * WASIX): ssh-keygen makes an Ed25519 and an ECDSA key (passphrase-protected), prints a
 * fingerprint and the public half again from the private key file (decrypting it), and
 * converts the public key to RFC 4716; a wrong passphrase is refused; ssh
 * reports its version and the OpenSSL it was built with. The programs are at
 * /usr/local/bin (test.lib maps the package's programs there). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "run-program.h"

static int file_starts(const char *path, const char *start) {
    char line[256] = "";
    FILE *f = fopen(path, "r");
    int ok = f != NULL && fgets(line, sizeof line, f) != NULL &&
             strncmp(line, start, strlen(start)) == 0;
    if (f) fclose(f);
    if (!ok) printf("%s does not start with '%s': '%s'\n", path, start, line);
    return ok;
}

/* ssh-keygen and ssh look up the user (getpwuid): a sandbox has no /etc/passwd, so the
 * smoke program writes one for uid 0 with /workspace as its home */
static int write_passwd(void) {
    mkdir("/etc", 0755);
    FILE *f = fopen("/etc/passwd", "w");
    if (f == NULL) {
        perror("/etc/passwd");
        return 0;
    }
    fputs("root:x:0:0:root:/workspace:/bin/sh\n", f);
    return fclose(f) == 0;
}

int main(void) {
    char keygen[] = "/usr/local/bin/ssh-keygen", ssh[] = "/usr/local/bin/ssh";
    if (!write_passwd()) return 1;

    /* with a passphrase (bcrypt KDF and AES): an empty argument does not survive the
     * spawn under Wasmer */
    char *gen_ed[] = {keygen, "-q", "-t", "ed25519", "-N", "smoke-pass", "-C", "smoke@wasix",
                      "-f", "id_ed25519", NULL};
    if (!expect("ssh-keygen -t ed25519", run(gen_ed), "")) return 1;
    if (!file_starts("id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----")) return 1;
    if (!file_starts("id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5")) return 1;

    char *fingerprint[] = {keygen, "-l", "-f", "id_ed25519.pub", NULL};
    if (!expect("ssh-keygen -l", run(fingerprint), "SHA256:")) return 1;
    if (!expect("ssh-keygen -l", 0, "smoke@wasix (ED25519)")) return 1;
    printf("fingerprint: %s", output);

    char *public_half[] = {keygen, "-y", "-P", "smoke-pass", "-f", "id_ed25519", NULL};
    if (!expect("ssh-keygen -y", run(public_half), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"))
        return 1;
    char *wrong_pass[] = {keygen, "-y", "-P", "not-the-pass", "-f", "id_ed25519", NULL};
    int status = run(wrong_pass);
    if (status == 0 || strstr(output, "incorrect passphrase") == NULL) {
        printf("ssh-keygen -y with a wrong passphrase: exit %d:\n%s\n", status, output);
        return 1;
    }
    printf("wrong passphrase refused\n");

    /* ECDSA goes through OpenSSL's libcrypto */
    char *gen_ec[] = {keygen, "-q", "-t", "ecdsa", "-b", "256", "-N", "smoke-pass",
                      "-f", "id_ecdsa", NULL};
    if (!expect("ssh-keygen -t ecdsa", run(gen_ec), "")) return 1;
    if (!file_starts("id_ecdsa.pub", "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY"))
        return 1;

    char *rfc4716[] = {keygen, "-e", "-m", "RFC4716", "-f", "id_ecdsa.pub", NULL};
    if (!expect("ssh-keygen -e", run(rfc4716), "---- BEGIN SSH2 PUBLIC KEY ----")) return 1;
    printf("ecdsa key exported as RFC 4716\n");

    char *version[] = {ssh, "-V", NULL};
    if (!expect("ssh -V", run(version), "OpenSSH_10.0p")) return 1;
    if (!expect("ssh -V", 0, "OpenSSL 3.")) return 1;
    printf("client: %s", output);
    printf("openssh OK\n");
    return 0;
}
