"""mysqlclient under Wasmer: MySQLdb over the statically linked MariaDB Connector/C: client
version, escaping and literal quoting in C, the converters, a refused connection's error
(no server is needed, nor started)."""

import datetime

import MySQLdb
from MySQLdb import _mysql
from MySQLdb.converters import conversions
from MySQLdb.constants import CLIENT, CR, ER, FIELD_TYPE

print("MySQLdb", MySQLdb.version_info)
assert MySQLdb.version_info[:3] == (2, 2, 7), MySQLdb.version_info
client = _mysql.get_client_info()
print("client library", client)
assert client and client[0].isdigit(), client
assert _mysql.version_info[:3] == (2, 2, 7)
assert MySQLdb.apilevel == "2.0" and MySQLdb.paramstyle == "format"

# escaping without a connection: mysql_escape_string() of the C library
assert _mysql.escape_string("it's") == b"it\\'s"
assert _mysql.escape_string('a"b\\c\n\r\x00\x1a') == b'a\\"b\\\\c\\n\\r\\0\\Z'
assert _mysql.string_literal("O'Reilly") == b"'O\\'Reilly'"
print("escape_string:", _mysql.escape_string("it's 'quoted'\n"))

# the converters the C module applies to Python values
conv = conversions
# (numbers come back as str from their Python converter, strings quoted by the C code)
assert _mysql.escape(42, conv) == "42"
assert _mysql.escape(None, conv) == b"NULL"
assert _mysql.escape(1.5, conv) == "1.5e0"
assert _mysql.escape("x'y", conv) == b"'x\\'y'"
assert _mysql.escape(datetime.date(2025, 1, 2), conv) == b"'2025-01-02'"
assert FIELD_TYPE.VARCHAR == 15 and CLIENT.MULTI_STATEMENTS == 1 << 16
assert ER.ACCESS_DENIED_ERROR == 1045

# a TCP connection attempt to a port where nothing listens: Connector/C reports it as
# "can't connect" (CR_CONNECTION_ERROR 2002, or CR_CONN_HOST_ERROR 2003), raised as
# OperationalError through the module's error mapping. The test runs without Wasmer's
# networking, whose connect() then fails; with it, Wasmer accepts a loopback connect to a
# closed port and the client reports a lost connection (2013) at the handshake instead.
try:
    MySQLdb.connect(host="127.0.0.1", port=9, user="user", password="secret",
                    database="test", connect_timeout=5)
except MySQLdb.OperationalError as exc:
    code, message = exc.args
    print("connect refused:", code, message)
    assert code in (CR.CONNECTION_ERROR, CR.CONN_HOST_ERROR), exc.args
    assert "127.0.0.1" in message, message
else:
    raise AssertionError("connected to a server that should not exist")
# the same through _mysql.connect directly, and the exception hierarchy
try:
    _mysql.connect(host="127.0.0.1", port=9, user="u", connect_timeout=5)
except _mysql.OperationalError as exc:
    assert isinstance(exc, MySQLdb.DatabaseError) and isinstance(exc, MySQLdb.Error)
else:
    raise AssertionError("connected to a server that should not exist")

print("mysqlclient test OK")
