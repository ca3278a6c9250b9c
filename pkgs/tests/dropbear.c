/* dropbear smoke test: runs the installed programs as child processes (posix_spawn under
 * WASIX): dropbearkey makes an Ed25519 and an ECDSA key, prints their public halves again
 * from the key files, dropbearconvert turns one into OpenSSH's format, and the server and
 * client report their version. The programs are expected at /usr/local/{bin,sbin} (the
 * package's install tree mapped into the sandbox). */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char output[16384];

/* runs argv with stdout and stderr into a file; returns the exit status, the output in
 * `output` */
static int run(char *const argv[]) {
    const char *log = "run.out";
    /* the file is opened here and handed over with dup2: under Wasmer a spawn's own
       open action (posix_spawn_file_actions_addopen) fails with EEXIST */
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror(log);
        return -1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fd, 1);
    posix_spawn_file_actions_adddup2(&actions, fd, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fd);
    if (rc != 0) {
        printf("posix_spawn %s: %s\n", argv[0], strerror(rc));
        return -1;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        return -1;
    }
    output[0] = 0;
    FILE *f = fopen(log, "r");
    if (f) {
        size_t n = fread(output, 1, sizeof output - 1, f);
        output[n] = 0;
        fclose(f);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int expect(const char *what, int status, const char *needle) {
    if (status != 0 || strstr(output, needle) == NULL) {
        printf("%s: exit %d, output lacks '%s':\n%s\n", what, status, needle, output);
        return 0;
    }
    return 1;
}

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
