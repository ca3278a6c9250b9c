/* libuv test: a repeating timer on the loop, then a TCP echo over the loopback interface:
 * a server on 127.0.0.1 (an ephemeral port, read back with uv_tcp_getsockname), a client
 * that connects, writes a message and reads back the echo, both on one loop; then threads:
 * uv_thread_create/uv_thread_join and work queued on libuv's thread pool (uv_queue_work),
 * whose results come back to the loop thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#define CHECK(expr, what) do { int r_ = (expr); if (r_ < 0) { \
    printf("%s: %s\n", what, uv_strerror(r_)); exit(1); } } while (0)

static const char message[] = "hello over loopback";
static int ticks;
static uv_tcp_t server, accepted, client;
static uv_connect_t connect_req;
static uv_write_t write_req, echo_req;
static char echoed[64];
static size_t echoed_len;
static int closed;

static unsigned long sums[4];
static int works_done;
static unsigned long thread_sum;

/* the sum of 0..n-1, computed slowly enough to be worth a thread */
static unsigned long sum_below(unsigned long n) {
    unsigned long s = 0;
    for (unsigned long i = 0; i < n; i++) s += i;
    return s;
}

static void thread_entry(void *arg) { thread_sum = sum_below((unsigned long)(size_t)arg); }

static void work(uv_work_t *req) {
    size_t i = (size_t)req->data;
    sums[i] = sum_below(1000UL * (i + 1));
}

static void after_work(uv_work_t *req, int status) {
    (void)req;
    CHECK(status, "after_work");
    works_done++;
}

static void on_tick(uv_timer_t *t) {
    if (++ticks == 3) uv_timer_stop(t);
}

static void alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    (void)h;
    buf->base = malloc(suggested);
    buf->len = suggested;
}

static void on_close(uv_handle_t *h) { (void)h; closed++; }

static void on_echo_written(uv_write_t *req, int status) {
    CHECK(status, "server write");
    free(req->data);
}

/* server side: echo whatever arrives, close at end of stream */
static void on_server_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    if (n > 0) {
        echo_req.data = buf->base;
        uv_buf_t out = uv_buf_init(buf->base, (unsigned)n);
        CHECK(uv_write(&echo_req, s, &out, 1, on_echo_written), "uv_write (echo)");
        return;
    }
    free(buf->base);
    if (n == UV_EOF) uv_close((uv_handle_t *)s, on_close);
    else if (n < 0) CHECK((int)n, "server read");
}

static void on_connection(uv_stream_t *s, int status) {
    CHECK(status, "connection");
    CHECK(uv_tcp_init(s->loop, &accepted), "uv_tcp_init (accepted)");
    CHECK(uv_accept(s, (uv_stream_t *)&accepted), "uv_accept");
    CHECK(uv_read_start((uv_stream_t *)&accepted, alloc, on_server_read), "uv_read_start (server)");
}

/* client side: collect the echo; when all of it is back, shut down and close everything */
static void on_client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    if (n > 0 && echoed_len + (size_t)n < sizeof echoed) {
        memcpy(echoed + echoed_len, buf->base, (size_t)n);
        echoed_len += (size_t)n;
    }
    free(buf->base);
    if (n < 0 && n != UV_EOF) CHECK((int)n, "client read");
    if (echoed_len == strlen(message) || n == UV_EOF) {
        uv_read_stop(s);
        uv_close((uv_handle_t *)s, on_close);
        uv_close((uv_handle_t *)&server, on_close);
    }
}

static void on_written(uv_write_t *req, int status) {
    (void)req;
    CHECK(status, "client write");
}

static void on_connect(uv_connect_t *req, int status) {
    CHECK(status, "connect");
    uv_buf_t buf = uv_buf_init((char *)message, (unsigned)strlen(message));
    CHECK(uv_write(&write_req, req->handle, &buf, 1, on_written), "uv_write");
    CHECK(uv_read_start(req->handle, alloc, on_client_read), "uv_read_start (client)");
}

int main(void) {
    uv_loop_t *loop = uv_default_loop();
    printf("libuv %s\n", uv_version_string());

    uv_timer_t timer;
    uint64_t start = uv_now(loop);
    CHECK(uv_timer_init(loop, &timer), "uv_timer_init");
    CHECK(uv_timer_start(&timer, on_tick, 20, 20), "uv_timer_start");
    CHECK(uv_run(loop, UV_RUN_DEFAULT), "uv_run (timer)");
    uv_update_time(loop);
    uint64_t elapsed = uv_now(loop) - start;
    if (ticks != 3 || elapsed < 55) { printf("timer: %d ticks in %llu ms\n", ticks, (unsigned long long)elapsed); return 1; }
    printf("timer: 3 ticks of 20 ms in %llu ms\n", (unsigned long long)elapsed);
    uv_close((uv_handle_t *)&timer, NULL);

    struct sockaddr_in addr;
    struct sockaddr_storage bound;
    int len = sizeof bound;
    CHECK(uv_ip4_addr("127.0.0.1", 0, &addr), "uv_ip4_addr");
    CHECK(uv_tcp_init(loop, &server), "uv_tcp_init (server)");
    CHECK(uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0), "uv_tcp_bind");
    CHECK(uv_listen((uv_stream_t *)&server, 8, on_connection), "uv_listen");
    CHECK(uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len), "uv_tcp_getsockname");
    int port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
    if (port == 0) { printf("no ephemeral port\n"); return 1; }
    CHECK(uv_ip4_addr("127.0.0.1", port, &addr), "uv_ip4_addr");
    CHECK(uv_tcp_init(loop, &client), "uv_tcp_init (client)");
    CHECK(uv_tcp_connect(&connect_req, &client, (const struct sockaddr *)&addr, on_connect), "uv_tcp_connect");
    CHECK(uv_run(loop, UV_RUN_DEFAULT), "uv_run (echo)");
    if (echoed_len != strlen(message) || memcmp(echoed, message, echoed_len) != 0) {
        printf("echo: got %zu bytes '%.*s'\n", echoed_len, (int)echoed_len, echoed);
        return 1;
    }
    printf("tcp echo on 127.0.0.1:%d: '%s' (%d handles closed)\n", port, echoed, closed);

    uv_thread_t thread;
    CHECK(uv_thread_create(&thread, thread_entry, (void *)(size_t)100), "uv_thread_create");
    CHECK(uv_thread_join(&thread), "uv_thread_join");
    if (thread_sum != 4950) { printf("thread: sum %lu\n", thread_sum); return 1; }
    uv_work_t reqs[4];
    for (size_t i = 0; i < 4; i++) {
        reqs[i].data = (void *)i;
        CHECK(uv_queue_work(loop, &reqs[i], work, after_work), "uv_queue_work");
    }
    CHECK(uv_run(loop, UV_RUN_DEFAULT), "uv_run (work)");
    for (size_t i = 0; i < 4; i++) {
        if (sums[i] != sum_below(1000UL * (i + 1))) { printf("work %zu: %lu\n", i, sums[i]); return 1; }
    }
    if (works_done != 4) { printf("thread pool: %d of 4 works done\n", works_done); return 1; }
    printf("threads: uv_thread_create sum %lu; thread pool: %d works done\n", thread_sum, works_done);
    CHECK(uv_loop_close(loop), "uv_loop_close");
    printf("libuv OK\n");
    return 0;
}
