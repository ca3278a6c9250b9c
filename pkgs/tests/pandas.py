"""pandas under the WASIX CPython: frames, groupby, merge, the C CSV parser, time zones and
rolling windows, all through pandas' compiled extensions (pandas._libs.*)."""

import datetime as dt
import importlib
import importlib.metadata
import io

import numpy as np
import pandas as pd
import pytz
from dateutil import tz as dateutil_tz

# the runtime dependencies came from our index with pandas (the installer uses it alone)
versions = {d: importlib.metadata.version(d)
            for d in ("pandas", "numpy", "python-dateutil", "pytz", "tzdata")}
print("installed:", ", ".join(f"{d} {v}" for d, v in versions.items()))
assert versions["pandas"] == "2.3.2", versions

# every module named here is a compiled extension; none may be missing or a Python fallback
compiled = ["lib", "hashtable", "algos", "groupby", "join", "parsers", "writers", "tslib",
            "ops", "reshape", "window.aggregations", "window.indexers", "json",
            "tslibs.timestamps", "tslibs.timezones", "tslibs.tzconversion", "tslibs.offsets",
            "tslibs.parsing", "tslibs.np_datetime", "pandas_datetime", "pandas_parser"]
for name in compiled:
    module = importlib.import_module(f"pandas._libs.{name}")
    assert module.__file__ is not None and module.__file__.endswith(".so"), module.__file__
print(f"pandas {pd.__version__}: {len(compiled)} compiled modules, e.g.",
      pd._libs.lib.__file__)

# construction: columns of several dtypes, an index, derived columns
df = pd.DataFrame({
    "city": ["Oslo", "Lima", "Oslo", "Pune", "Lima", "Oslo", "Pune", "Lima"],
    "year": [2021, 2021, 2022, 2022, 2022, 2023, 2023, 2023],
    "sales": [10.5, 3.0, 12.25, 7.0, 4.5, 15.0, 8.5, 6.0],
    "units": np.arange(1, 9, dtype=np.int64),
})
df["price"] = df["sales"] / df["units"]
df["city"] = df["city"].astype("category")
assert df.shape == (8, 5) and str(df["city"].dtype) == "category"
assert df["units"].sum() == 36 and df.loc[df["sales"] > 10, "city"].tolist() == ["Oslo"] * 3
print("frame:", df.shape, dict(df.dtypes.astype(str)))

# groupby with aggregations (hash tables and the Cython group reductions)
agg = df.groupby("city", observed=True).agg(
    total=("sales", "sum"), mean_units=("units", "mean"), n=("year", "count"),
    first_year=("year", "min"))
assert np.allclose(agg.loc["Oslo"].tolist(), [37.75, 10 / 3, 3, 2021]), agg.loc["Oslo"].tolist()
assert agg.loc["Lima", "total"] == 13.5 and agg.loc["Pune", "n"] == 2
by_two = df.groupby(["year", "city"], observed=True)["sales"].sum()
assert by_two[(2022, "Oslo")] == 12.25 and len(by_two) == 8
ranked = df.groupby("city", observed=True)["sales"].rank(ascending=False)
assert ranked.tolist() == [3.0, 3.0, 2.0, 2.0, 2.0, 1.0, 1.0, 1.0], ranked.tolist()
print("groupby:", agg.round(3).to_dict("index"))

# merge and join (the join indexers)
countries = pd.DataFrame({"city": ["Oslo", "Lima", "Pune", "Rome"],
                          "country": ["Norway", "Peru", "India", "Italy"]})
inner = df.astype({"city": str}).merge(countries, on="city", how="inner")
assert len(inner) == 8 and set(inner["country"]) == {"Norway", "Peru", "India"}
outer = countries.merge(agg.reset_index().astype({"city": str}), on="city", how="left")
assert outer.loc[outer["city"] == "Rome", "total"].isna().all()
joined = countries.set_index("city").join(agg[["total"]], how="inner").sort_values("total")
assert joined.index.tolist() == ["Lima", "Pune", "Oslo"], joined.index.tolist()
asof = pd.merge_asof(pd.DataFrame({"t": [1, 5, 10]}),
                     pd.DataFrame({"t": [0, 4, 8], "v": list("abc")}), on="t")
assert asof["v"].tolist() == ["a", "b", "c"]
print("merge/join:", joined["total"].to_dict())

# CSV round trip through the C tokenizer and the C writer helpers
buf = io.StringIO()
df.to_csv(buf, index=False)
text = buf.getvalue()
back = pd.read_csv(io.StringIO(text), engine="c", dtype={"city": "category"})
pd.testing.assert_frame_equal(back, df, check_categorical=False)
tricky = 'id;name;when;value\n1;"a;b";2024-01-02;1,5\n2;"say ""hi""";2024-02-03;\n3;x;;-7,25\n'
parsed = pd.read_csv(io.StringIO(tricky), engine="c", sep=";", decimal=",",
                     parse_dates=["when"])
assert parsed["name"].tolist() == ["a;b", 'say "hi"', "x"], parsed["name"].tolist()
assert parsed["value"].iloc[0] == 1.5 and np.isnan(parsed["value"].iloc[1])
assert parsed["when"].dtype.kind == "M" and pd.isna(parsed["when"].iloc[2])
chunks = list(pd.read_csv(io.StringIO(text), engine="c", chunksize=3))
assert [len(c) for c in chunks] == [3, 3, 2]
print(f"csv: {len(text)} characters round-tripped; quoting, decimal comma, NaT, chunks")

# JSON (pandas' ujson extension)
records = pd.read_json(io.StringIO(df.to_json(orient="records")), orient="records")
assert records["units"].sum() == 36 and records["city"].tolist()[:2] == ["Oslo", "Lima"]

# dates with time zones: zoneinfo (tzdata's database), pytz and dateutil zones
idx = pd.date_range("2024-03-30 12:00", periods=4, freq="12h", tz="Europe/Berlin")
offsets = [ts.utcoffset() for ts in idx]
assert offsets == [dt.timedelta(hours=h) for h in (1, 1, 2, 2)], offsets  # DST starts
ny = idx.tz_convert("America/New_York")
assert ny[0].hour == 7 and str(ny.tz) == "America/New_York", ny
eastern = pytz.timezone("US/Eastern")
stamp = pd.Timestamp("2024-11-03 01:30").tz_localize(eastern, ambiguous=True)
assert stamp.utcoffset() == dt.timedelta(hours=-4) and stamp.tzname() == "EDT"
later = stamp + pd.Timedelta(hours=1)
assert later.tzname() == "EST" and later.hour == 1, later
tokyo = pd.Timestamp("2024-06-01 09:00", tz="dateutil/Asia/Tokyo")
assert isinstance(tokyo.tzinfo, dateutil_tz.tzfile) and tokyo.tz_convert("UTC").hour == 0
try:
    pd.Timestamp("2024-03-31 02:30").tz_localize("Europe/Berlin")
except pytz.NonExistentTimeError:  # pandas raises pytz's error class (a ValueError)
    pass
else:
    raise AssertionError("a time skipped by DST was accepted")
parsed_dates = pd.to_datetime(["2024-01-15 10:00:00+01:00", "2024-07-15 10:00:00+02:00"],
                              utc=True)
assert parsed_dates.tz_convert("Europe/Berlin").hour.tolist() == [10, 10]
hourly = pd.Series(np.arange(48.0), index=pd.date_range("2024-10-26", periods=48, freq="h",
                                                         tz="Europe/London"))
daily = hourly.resample("D").sum()
assert len(daily) == 2 and daily.iloc[0] == sum(range(24)), daily
print("time zones:", idx[-1].isoformat(), "|", ny[0].isoformat(), "|", later.isoformat(),
      "|", tokyo.isoformat())

# rolling windows (window.aggregations, C++: deques for min/max, multiset for rank)
s = pd.Series([1.0, 3.0, 2.0, 5.0, 4.0, np.nan, 6.0, 8.0, 7.0])
assert s.rolling(3).mean().round(4).tolist()[2:5] == [2.0, 3.3333, 3.6667]
assert s.rolling(3, min_periods=1).max().tolist() == [1, 3, 3, 5, 5, 5, 6, 8, 8]
assert s.rolling(3, min_periods=2).min().fillna(-1).tolist() == [-1, 1, 1, 2, 2, 4, 4, 6, 6]
assert s.rolling(4, min_periods=1).median().tolist()[:4] == [1.0, 2.0, 2.0, 2.5]
assert s.rolling(3, min_periods=1).rank().tolist()[:5] == [1.0, 2.0, 2.0, 3.0, 2.0]
assert abs(s.rolling(4, min_periods=2).std().iloc[4] - np.std([3, 2, 5, 4], ddof=1)) < 1e-12
assert np.allclose(s.ewm(span=3).mean().iloc[[1, 4, 5, 8]], [7 / 3, 3.83871, 3.83871, 6.929019])
ts = pd.Series([1.0, 2.0, 4.0, 8.0], index=pd.to_datetime(
    ["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-05"]))
assert ts.rolling("2D").sum().tolist() == [1.0, 3.0, 4.0, 12.0]
grouped = df.groupby("city", observed=True)["sales"].rolling(2).sum()
assert grouped.loc["Oslo"].dropna().tolist() == [22.75, 27.25]
print("rolling:", s.rolling(3, min_periods=1).max().tolist())

print("pandas test OK")
