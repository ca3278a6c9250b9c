"""pyarrow under WASIX: tables from lists (and numpy arrays when numpy is installed), compute
kernels, Arrow IPC (stream and file) through in-memory buffers, CSV and JSON readers, pandas
conversion when importable. pyarrow requires neither numpy nor pandas, and test.wheel installs
only the wheel and its requirements."""

import importlib.util

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.json as pjson

print("pyarrow", pa.__version__, "arrow C++", pa.cpp_version)

# tables from Python lists and from a numpy array
t = pa.table({"id": [3, 1, 2, None], "name": ["c", "a", "b", "d"]})
assert t.num_rows == 4 and t.schema.field("id").type == pa.int64()
assert t.column("id").null_count == 1
if importlib.util.find_spec("numpy") is not None:
    import numpy as np

    arr = pa.array(np.arange(10, dtype=np.float64) * 1.5)
    assert arr.to_numpy().tolist() == [i * 1.5 for i in range(10)]
    nt = pa.table({"x": np.arange(5, dtype=np.int32), "y": np.linspace(0.0, 1.0, 5)})
    print("numpy conversions OK")
else:
    arr = pa.array([i * 1.5 for i in range(10)])
    nt = pa.table({"x": pa.array(range(5), pa.int32()), "y": [0.0, 0.25, 0.5, 0.75, 1.0]})
assert arr.type == pa.float64() and len(arr) == 10
assert nt.schema.field("x").type == pa.int32()

# compute: sum, filter, sort, arithmetic, string kernels
assert pc.sum(arr).as_py() == sum(i * 1.5 for i in range(10))
assert pc.sum(t["id"]).as_py() == 6
mask = pc.greater(t["id"], 1)
assert pc.filter(t, mask).column("name").to_pylist() == ["c", "b"]
order = pc.sort_indices(t, sort_keys=[("id", "ascending")])
assert t.take(order).column("name").to_pylist() == ["a", "b", "c", "d"]
assert pc.add(nt["x"], 10).to_pylist() == [10, 11, 12, 13, 14]
# (utf8_* kernels need utf8proc, which our Arrow is built without)
assert pc.ascii_upper(t["name"]).to_pylist() == ["C", "A", "B", "D"]
# (Table.group_by runs on Acero, which our Arrow build lacks)

# errors from Arrow C++ reach Python as exceptions
try:
    pc.divide(pa.array([1]), pa.array([0]))
except pa.ArrowInvalid as exc:
    assert "divide by zero" in str(exc).lower()
else:
    raise AssertionError("no ArrowInvalid")

# IPC stream and file formats, in memory
sink = pa.BufferOutputStream()
with pa.ipc.new_stream(sink, t.schema) as writer:
    writer.write_table(t)
    writer.write_table(t)
buf = sink.getvalue()
back = pa.ipc.open_stream(buf).read_all()
assert back.num_rows == 8 and back.slice(0, 4).equals(t)

sink = pa.BufferOutputStream()
with pa.ipc.new_file(sink, nt.schema) as writer:
    writer.write_table(nt)
reader = pa.ipc.open_file(pa.BufferReader(sink.getvalue()))
assert reader.num_record_batches == 1 and reader.read_all().equals(nt)

# CSV and JSON readers (Arrow's threaded readers over bytes)
csv = b"a,b,c\n1,x,2.5\n2,y,3.5\n3,,4.5\n"
ct = pcsv.read_csv(pa.BufferReader(csv))
assert ct.column_names == ["a", "b", "c"]
assert ct.column("a").type == pa.int64() and ct.column("c").to_pylist() == [2.5, 3.5, 4.5]
out = pa.BufferOutputStream()
pcsv.write_csv(ct, out)
assert pcsv.read_csv(pa.BufferReader(out.getvalue())).equals(ct)
jt = pjson.read_json(pa.BufferReader(b'{"k": 1, "v": "p"}\n{"k": 2, "v": "q"}\n'))
assert jt.column("k").to_pylist() == [1, 2]

print(t)

# pandas round trip, only when pandas is installed (pyarrow does not require it)
if importlib.util.find_spec("pandas") is not None:
    df = t.to_pandas()
    assert list(df["name"]) == ["c", "a", "b", "d"]
    assert pa.Table.from_pandas(df, preserve_index=False).column("name").equals(t["name"])
    print("pandas round trip OK")

print("pyarrow test OK")
