"""uvloop under Wasmer: asyncio on uvloop's event loop (libuv, linked statically): timers
(call_soon, call_later, call_at), a TCP echo server and client on 127.0.0.1 (port 0),
run_in_executor on a thread, futures and cancellation, and subprocesses refused (no fork)."""

import asyncio
import threading
import time

import uvloop

print("uvloop", uvloop.__version__)


async def timers() -> None:
    loop = asyncio.get_running_loop()
    assert isinstance(loop, uvloop.Loop), type(loop)
    order: list[str] = []
    done = loop.create_future()
    start = loop.time()
    loop.call_later(0.05, order.append, "later-50ms")
    loop.call_later(0.01, order.append, "later-10ms")
    loop.call_at(start + 0.03, order.append, "at-30ms")
    loop.call_soon(order.append, "soon")
    cancelled = loop.call_later(0.02, order.append, "cancelled")
    cancelled.cancel()
    loop.call_later(0.08, done.set_result, None)
    await done
    elapsed = loop.time() - start
    assert order == ["soon", "later-10ms", "at-30ms", "later-50ms"], order
    assert 0.07 <= elapsed < 2.0, elapsed
    print("timers:", order, f"{elapsed * 1000:.0f} ms")


async def echo() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.readline():
            writer.write(data.upper())
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=1 << 20)
    port = server.sockets[0].getsockname()[1]
    assert port > 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    lines = [b"hello uvloop\n", b"x" * 100_000 + b"\n", b"bye\n"]
    for line in lines:
        writer.write(line)
        await writer.drain()
        reply = await asyncio.wait_for(reader.readline(), 10)
        assert reply == line.upper(), (len(reply), reply[:20])
    writer.write_eof()
    assert await asyncio.wait_for(reader.read(), 10) == b""
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    print("TCP echo on 127.0.0.1 port", port, ":", sum(len(x) for x in lines), "bytes")


async def protocol_echo() -> None:
    """The low-level API: a Protocol server and a client transport."""
    loop = asyncio.get_running_loop()

    class Echo(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(data[::-1])  # type: ignore[attr-defined]

    got = loop.create_future()

    class Client(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            transport.write(b"abcdef")  # type: ignore[attr-defined]

        def data_received(self, data: bytes) -> None:
            if not got.done():
                got.set_result(data)

    server = await loop.create_server(Echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, _ = await loop.create_connection(Client, "127.0.0.1", port)
    assert await asyncio.wait_for(got, 10) == b"fedcba"
    transport.close()
    server.close()
    await server.wait_closed()
    print("protocol echo: ok")


async def executor() -> None:
    loop = asyncio.get_running_loop()
    main = threading.get_ident()

    def work(n: int) -> tuple[int, int]:
        time.sleep(0.01)
        return sum(range(n)), threading.get_ident()

    results = await asyncio.gather(*(loop.run_in_executor(None, work, n) for n in (10, 100, 1000)))
    assert [r[0] for r in results] == [45, 4950, 499500], results
    assert all(r[1] != main for r in results)
    # a coroutine scheduled from another thread
    fut = asyncio.run_coroutine_threadsafe(asyncio.sleep(0, "from thread"), loop)
    assert await asyncio.wrap_future(fut) == "from thread"
    print("run_in_executor:", [r[0] for r in results], "in worker threads")


async def tasks() -> None:
    async def forever() -> None:
        await asyncio.sleep(3600)

    task = asyncio.ensure_future(forever())
    await asyncio.sleep(0)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the task was not cancelled")
    try:
        await asyncio.wait_for(forever(), 0.02)
    except TimeoutError:
        pass
    else:
        raise AssertionError("wait_for did not time out")
    # processes: libuv's uv_spawn needs fork(), which WASIX does not have
    try:
        await asyncio.create_subprocess_exec("/bin/true")
    except OSError as exc:
        print("subprocess refused:", type(exc).__name__, exc)
    else:
        raise AssertionError("a subprocess was started")


async def main() -> None:
    await timers()
    await echo()
    await protocol_echo()
    await executor()
    await tasks()


uvloop.run(main())
print("uvloop test OK")
