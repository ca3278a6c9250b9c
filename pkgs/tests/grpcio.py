"""grpcio under Wasmer: the cygrpc extension (the gRPC C core with OpenSSL and zlib) offline
(status codes, connectivity, metadata, compression, credentials), then an in-process server
and client over the loopback interface: unary-unary calls through a generic handler with
metadata and gzip compression, UNIMPLEMENTED and DEADLINE_EXCEEDED errors, an aborted call,
and the same echo over TLS (OpenSSL) with a self-signed certificate.

Two things of Wasmer's shape it: the server listens on [::1] (gRPC binds an IPv4 address
such as 127.0.0.1 as a v4-mapped address on an IPv6 socket, which Wasmer's sockets refuse:
"No address added out of total 1 resolved"), and the gRPC core is never shut down while the
script runs, nor at its end (the last channel's close shuts it down, and the draining of
its thread pool traps under Wasmer: "undefined element: out of bounds table access" in
WorkStealingThreadPool::ThreadState::FinishDraining): one channel is held open throughout
and the script leaves with os._exit once it has passed."""

import os
import sys
import threading
import time
from concurrent import futures

import grpc
from grpc._cython import cygrpc

print("grpc", grpc.__version__, "cygrpc", cygrpc.__file__.rsplit("/", 1)[-1])
assert grpc.__version__ == "1.74.0", grpc.__version__

# status codes and connectivity states are the core's enums, read through cygrpc
assert grpc.StatusCode.OK.value[0] == cygrpc.StatusCode.ok == 0
assert grpc.StatusCode.UNIMPLEMENTED.value[0] == cygrpc.StatusCode.unimplemented == 12
assert grpc.StatusCode.DEADLINE_EXCEEDED.value[0] == cygrpc.StatusCode.deadline_exceeded == 4
assert grpc.ChannelConnectivity.IDLE.value[0] == cygrpc.ConnectivityState.idle
print("status codes:", len(grpc.StatusCode), "connectivity states:", len(grpc.ChannelConnectivity))

# compression algorithms (the core's names for them)
assert int(grpc.Compression.Gzip) == 2 and int(grpc.Compression.Deflate) == 1
print("compression:", [c.name for c in grpc.Compression])

# held open until the end: the core stays initialised (see above)
held = grpc.insecure_channel("[::1]:1")

# a channel to a port nobody listens on: created by the core, idle until asked to connect
offline = grpc.insecure_channel("127.0.0.1:1", options=[("grpc.enable_retries", 0)])
assert offline._channel.check_connectivity_state(False) == cygrpc.ConnectivityState.idle
states = []
offline.subscribe(states.append, try_to_connect=False)
deadline = time.monotonic() + 10
while not states and time.monotonic() < deadline:
    time.sleep(0.05)
assert states and states[0] == grpc.ChannelConnectivity.IDLE, states
offline.close()
print("channel: created, connectivity", states[0].name)

# credentials objects (OpenSSL behind the secure ones)
KEY = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQKfOgzO4hACNrgW7
SoOLhf9yX2PtNrnOTjsB5aw40hWhRANCAAQ8JSpIf3x83rP1ttvJ4pEuHJrZ5T3D
azKlzpSS2iivNxJO1yQ/YAtzOdgFpceaFkdvf2gybWL27hnQjVi1UYzx
-----END PRIVATE KEY-----
"""
CERT = b"""-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUKC8y9PgrKw4k5vn8+3dnYlLhcTEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMjE0NTkzMVoYDzIxMjYxMTA4
MTQ1OTMxWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQ8JSpIf3x83rP1ttvJ4pEuHJrZ5T3DazKlzpSS2iivNxJO1yQ/YAtz
OdgFpceaFkdvf2gybWL27hnQjVi1UYzxo28wbTAdBgNVHQ4EFgQUYW24OAtOlIVr
5Q4LWivPCGI0l1owHwYDVR0jBBgwFoAUYW24OAtOlIVr5Q4LWivPCGI0l1owDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAO9rX4tk+xBhcyI6VsO8MtdtjEuWGoXGkEVmyJNdMiPcAiEA
/20WMi/82FoLUzBIQjxH3UIOqKMH8BVD5YjwHk5Tnf0=
-----END CERTIFICATE-----
"""
client_creds = grpc.ssl_channel_credentials(root_certificates=CERT)
server_creds = grpc.ssl_server_credentials([(KEY, CERT)])
composite = grpc.composite_channel_credentials(
    client_creds, grpc.access_token_call_credentials("token"))
print("credentials: ssl channel, ssl server, composite")


def reverse(request, context):
    metadata = dict(context.invocation_metadata())
    context.set_trailing_metadata((("x-trailer", "done"),))
    return request[::-1] + metadata.get("x-suffix", "").encode()


def slow(request, context):
    time.sleep(3)
    return request


def refuse(request, context):
    context.abort(grpc.StatusCode.PERMISSION_DENIED, "not for you")


handler = grpc.method_handlers_generic_handler("wasix.Test", {
    "Reverse": grpc.unary_unary_rpc_method_handler(reverse),
    "Slow": grpc.unary_unary_rpc_method_handler(slow),
    "Refuse": grpc.unary_unary_rpc_method_handler(refuse),
})
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
server.add_generic_rpc_handlers((handler,))
port = server.add_insecure_port("[::1]:0")
assert port > 0, port
tls_port = server.add_secure_port("[::1]:0", server_creds)
assert tls_port > 0, tls_port
server.start()
print("server: listening on [::1] ports", port, "(insecure) and", tls_port, "(TLS)")

with grpc.insecure_channel(f"[::1]:{port}") as channel:
    grpc.channel_ready_future(channel).result(timeout=60)
    print("client: channel READY")
    call_reverse = channel.unary_unary("/wasix.Test/Reverse")
    response, call = call_reverse.with_call(
        b"hello grpc", metadata=(("x-suffix", "!"),), timeout=60,
        compression=grpc.Compression.Gzip)
    assert response == b"cprg olleh!", response
    assert call.code() == grpc.StatusCode.OK
    assert ("x-trailer", "done") in tuple(call.trailing_metadata()), call.trailing_metadata()
    print("unary call:", response, "with metadata and gzip")
    big = bytes(range(256)) * 4096
    assert call_reverse(big, timeout=60) == big[::-1]
    print("unary call: 1 MiB message")

    try:
        channel.unary_unary("/wasix.Test/Missing")(b"x", timeout=60)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNIMPLEMENTED, error
        print("missing method:", error.code().name)
    else:
        raise AssertionError("no UNIMPLEMENTED error")

    started = time.monotonic()
    try:
        channel.unary_unary("/wasix.Test/Slow")(b"x", timeout=0.5)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, error
        print("slow method:", error.code().name, "after %.1f s" % (time.monotonic() - started))
    else:
        raise AssertionError("no DEADLINE_EXCEEDED error")

    try:
        channel.unary_unary("/wasix.Test/Refuse")(b"x", timeout=60)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error
        assert error.details() == "not for you", error.details()
        print("aborted call:", error.code().name, repr(error.details()))
    else:
        raise AssertionError("no PERMISSION_DENIED error")

    # a future from another thread's point of view
    future = call_reverse.future(b"abc", timeout=60)
    done = threading.Event()
    future.add_done_callback(lambda f: done.set())
    assert future.result() == b"cba" and done.wait(60)
    print("future call: done callback ran")

with grpc.secure_channel(f"[::1]:{tls_port}", client_creds,
                         options=(("grpc.ssl_target_name_override", "localhost"),)) as channel:
    response = channel.unary_unary("/wasix.Test/Reverse")(b"secret", timeout=60)
    assert response == b"terces", response
    print("TLS call:", response)

server.stop(None).wait(30)
print("server: stopped")
print("grpcio test OK")
sys.stdout.flush()
os._exit(0)  # no core shutdown (see above)
