// Toolchain self-test: what WASIX exists for, in one program run under Wasmer.
// Each line says what ran; the program exits non-zero at the first thing that is wrong.
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

static int counter = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static std::jmp_buf env;

static void *add(void *arg) {
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        counter += *static_cast<int *>(arg);
        pthread_mutex_unlock(&lock);
    }
    return nullptr;
}

static void jump(int value) { std::longjmp(env, value); }

struct Guard {
    int *unwound;
    ~Guard() { ++*unwound; }
};

static int thrower(int depth, int *unwound) {
    Guard g{unwound};
    if (depth == 0) throw std::runtime_error("thrown at depth 0");
    return thrower(depth - 1, unwound) + 1;
}

int main() {
    pthread_t threads[4];
    int steps[4] = {1, 2, 3, 4};
    for (int i = 0; i < 4; i++)
        if (pthread_create(&threads[i], nullptr, add, &steps[i]) != 0) return 1;
    for (auto &t : threads) pthread_join(t, nullptr);
    if (counter != 10000) return 2;
    std::printf("pthread: ok (4 threads, counter %d)\n", counter);

    volatile int jumped = setjmp(env);
    if (jumped == 0) jump(42);
    if (jumped != 42) return 3;
    std::printf("setjmp: ok (longjmp returned %d)\n", static_cast<int>(jumped));

    int unwound = 0;
    try {
        thrower(3, &unwound);
        return 4;
    } catch (const std::exception &e) {
        if (unwound != 4) return 5;
        std::printf("c++ exception: ok (caught '%s', %d frames unwound)\n", e.what(), unwound);
    }

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        std::printf("socket: failed (errno %d: %s)\n", errno, std::strerror(errno));
        return 6;
    }
    close(fd);
    std::printf("socket: ok (AF_INET stream socket, fd %d)\n", fd);
    return 0;
}
