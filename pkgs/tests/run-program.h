/* Helpers of the smoke programs that run a package's installed programs (test.lib maps
 * them to /usr/local/bin and sbin): run one as a child process (posix_spawn) with its
 * stdout and stderr in a file, and check its exit status and output. Included by one
 * program each; everything is static. */
#ifndef WASIXTASKS_RUN_PROGRAM_H
#define WASIXTASKS_RUN_PROGRAM_H

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
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

#endif
