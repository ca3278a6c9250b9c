/* SDL3 smoke test: SDL's core with every subsystem off: init, version, threads with a
 * mutex and atomics, a timer callback on SDL's timer thread, delays, a memory IO stream,
 * properties, and a folder made and inspected through SDL's filesystem API. */
#include <SDL3/SDL.h>
#include <stdio.h>
#include <string.h>

#define THREADS 4
#define ROUNDS 1000

static SDL_AtomicInt counter;
static SDL_Mutex *lock;
static int guarded;

static int SDLCALL worker(void *data) {
    (void)data;
    for (int i = 0; i < ROUNDS; i++) {
        SDL_AddAtomicInt(&counter, 1);
        SDL_LockMutex(lock);
        guarded++;
        SDL_UnlockMutex(lock);
    }
    return ROUNDS;
}

static SDL_AtomicInt fired;

static Uint32 SDLCALL tick(void *data, SDL_TimerID id, Uint32 interval) {
    (void)data;
    (void)id;
    return SDL_AddAtomicInt(&fired, 1) + 1 < 3 ? interval : 0; /* three times, then stop */
}

int main(void) {
    if (!SDL_Init(0)) {
        printf("SDL_Init: %s\n", SDL_GetError());
        return 1;
    }
    int v = SDL_GetVersion();
    printf("SDL %d.%d.%d (%s)\n", SDL_VERSIONNUM_MAJOR(v), SDL_VERSIONNUM_MINOR(v),
           SDL_VERSIONNUM_MICRO(v), SDL_GetPlatform());

    lock = SDL_CreateMutex();
    SDL_Thread *threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        threads[i] = SDL_CreateThread(worker, "worker", NULL);
        if (threads[i] == NULL) {
            printf("SDL_CreateThread: %s\n", SDL_GetError());
            return 1;
        }
    }
    int returned = 0;
    for (int i = 0; i < THREADS; i++) {
        int status = 0;
        SDL_WaitThread(threads[i], &status);
        returned += status;
    }
    SDL_DestroyMutex(lock);
    if (SDL_GetAtomicInt(&counter) != THREADS * ROUNDS || guarded != THREADS * ROUNDS ||
        returned != THREADS * ROUNDS) {
        printf("threads: atomic %d, guarded %d, returned %d\n", SDL_GetAtomicInt(&counter),
               guarded, returned);
        return 1;
    }
    printf("threads: %d x %d increments, atomic and under a mutex\n", THREADS, ROUNDS);

    Uint64 start = SDL_GetTicks();
    if (SDL_AddTimer(10, tick, NULL) == 0) {
        printf("SDL_AddTimer: %s\n", SDL_GetError());
        return 1;
    }
    while (SDL_GetAtomicInt(&fired) < 3 && SDL_GetTicks() - start < 5000) SDL_Delay(5);
    Uint64 elapsed = SDL_GetTicks() - start;
    if (SDL_GetAtomicInt(&fired) != 3 || elapsed < 30) {
        printf("timer: fired %d times in %llu ms\n", SDL_GetAtomicInt(&fired),
               (unsigned long long)elapsed);
        return 1;
    }
    printf("timer: 3 callbacks in %llu ms\n", (unsigned long long)elapsed);

    char memory[64];
    SDL_IOStream *io = SDL_IOFromMem(memory, sizeof memory);
    const char text[] = "SDL IO stream";
    char back[sizeof text] = "";
    if (io == NULL || SDL_WriteIO(io, text, sizeof text) != sizeof text ||
        SDL_SeekIO(io, 0, SDL_IO_SEEK_SET) != 0 ||
        SDL_ReadIO(io, back, sizeof back) != sizeof back || strcmp(back, text) != 0) {
        printf("IO stream: %s\n", SDL_GetError());
        return 1;
    }
    SDL_CloseIO(io);

    SDL_PropertiesID props = SDL_CreateProperties();
    SDL_SetStringProperty(props, "name", "wasix");
    SDL_SetNumberProperty(props, "answer", 42);
    if (strcmp(SDL_GetStringProperty(props, "name", ""), "wasix") != 0 ||
        SDL_GetNumberProperty(props, "answer", 0) != 42) {
        printf("properties: wrong values\n");
        return 1;
    }
    SDL_DestroyProperties(props);

    SDL_PathInfo info;
    if (!SDL_CreateDirectory("sdl-folder/inner") ||
        !SDL_GetPathInfo("sdl-folder/inner", &info) || info.type != SDL_PATHTYPE_DIRECTORY) {
        printf("filesystem: %s\n", SDL_GetError());
        return 1;
    }
    printf("IO stream, properties and filesystem OK\n");

    SDL_Quit();
    printf("SDL3 OK\n");
    return 0;
}
