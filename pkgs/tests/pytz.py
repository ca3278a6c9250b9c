"""pytz under the WASIX CPython: zones from its bundled tz database, localize/normalize
across a DST change."""

import datetime

import pytz

print("pytz", pytz.__version__, "tz database", pytz.OLSON_VERSION, "from", pytz.__file__)
assert len(pytz.all_timezones) > 500 and "Europe/Kyiv" in pytz.all_timezones_set
eastern = pytz.timezone("US/Eastern")
loc = eastern.localize(datetime.datetime(2025, 3, 9, 1, 30))
assert loc.tzname() == "EST" and loc.utcoffset() == datetime.timedelta(hours=-5)
later = eastern.normalize(loc + datetime.timedelta(hours=1))
assert (later.hour, later.tzname()) == (3, "EDT"), later
print("US/Eastern across the spring change:", loc.isoformat(), "->", later.isoformat())
try:
    eastern.localize(datetime.datetime(2025, 3, 9, 2, 30), is_dst=None)
except pytz.exceptions.NonExistentTimeError as exc:
    print("expected error: non-existent time", exc)
else:
    raise AssertionError("02:30 on the change day was accepted")
kolkata = pytz.utc.localize(datetime.datetime(2025, 1, 1)).astimezone(pytz.timezone("Asia/Kolkata"))
assert kolkata.utcoffset() == datetime.timedelta(hours=5, minutes=30)
assert pytz.country_timezones("nz") == ["Pacific/Auckland", "Pacific/Chatham"]
print("Asia/Kolkata", kolkata.isoformat(), "country zones of nz:", pytz.country_timezones("nz"))
print("pytz test OK")
