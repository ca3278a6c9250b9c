"""tzdata under the WASIX CPython: the sandbox has no system zoneinfo, so the standard
library's zoneinfo finds its zones in the tzdata package."""

import datetime
import importlib.resources
import os
import zoneinfo

import tzdata

print("tzdata", tzdata.IANA_VERSION, "from", tzdata.__file__)
print("system zoneinfo paths:", [p for p in zoneinfo.TZPATH if os.path.isdir(p)] or "none")
berlin = importlib.resources.files("tzdata.zoneinfo").joinpath("Europe", "Berlin")
assert berlin.read_bytes()[:4] == b"TZif"
zones = zoneinfo.available_timezones()
assert "America/New_York" in zones and "Asia/Kolkata" in zones and len(zones) > 400, len(zones)
print("zones available:", len(zones))

tz = zoneinfo.ZoneInfo("Europe/Berlin")
winter = datetime.datetime(2025, 1, 15, 12, tzinfo=tz)
summer = datetime.datetime(2025, 7, 15, 12, tzinfo=tz)
assert winter.utcoffset() == datetime.timedelta(hours=1) and winter.tzname() == "CET"
assert summer.utcoffset() == datetime.timedelta(hours=2) and summer.tzname() == "CEST"
ny = summer.astimezone(zoneinfo.ZoneInfo("America/New_York"))
assert (ny.hour, ny.tzname()) == (6, "EDT"), ny
# the 2025 DST change: last Sunday of March, 01:00 UTC
before = datetime.datetime(2025, 3, 30, 0, 59, tzinfo=datetime.timezone.utc).astimezone(tz)
after = datetime.datetime(2025, 3, 30, 1, 0, tzinfo=datetime.timezone.utc).astimezone(tz)
assert (before.hour, after.hour) == (1, 3), (before, after)
print("Berlin:", winter.isoformat(), summer.isoformat(), "-> New York", ny.isoformat())
print("tzdata test OK")
