"""python-dateutil under the WASIX CPython: the parser, relativedelta, rrule and time zones
from its bundled zoneinfo tarball (the sandbox has no system zoneinfo)."""

import datetime

import dateutil
from dateutil import parser, rrule, tz
from dateutil.relativedelta import FR, relativedelta
from dateutil.zoneinfo import get_zonefile_instance

print("dateutil", dateutil.__version__, "from", dateutil.__file__)
dt = parser.parse("Sat Oct 11 17:13:46 UTC 2003")
assert dt == datetime.datetime(2003, 10, 11, 17, 13, 46, tzinfo=tz.tzutc()), dt
assert parser.isoparse("2025-03-30T01:30:00+02:00").utcoffset() == datetime.timedelta(hours=2)
assert parser.parse("10/11/12", dayfirst=True).date() == datetime.date(2012, 11, 10)
print("parsed:", dt.isoformat())

start = datetime.date(2025, 1, 31)
assert start + relativedelta(months=+1) == datetime.date(2025, 2, 28)
assert start + relativedelta(weekday=FR(+2)) == datetime.date(2025, 2, 7)
fridays13 = list(rrule.rrule(rrule.MONTHLY, dtstart=datetime.datetime(2025, 1, 1), count=3,
                             bymonthday=13, byweekday=rrule.FR))
assert [d.date().isoformat() for d in fridays13] == ["2025-06-13", "2026-02-13", "2026-03-13"]
print("relativedelta and rrule: Friday 13ths", [d.date().isoformat() for d in fridays13])

zones = get_zonefile_instance()
print("bundled zoneinfo:", zones.metadata and zones.metadata.get("tzversion"), len(zones.zones),
      "zones")
paris = tz.gettz("Europe/Paris")
assert paris is not None
print("gettz(\"Europe/Paris\") ->", repr(paris), "(no system zoneinfo: the bundled tarball)")
summer = datetime.datetime(2024, 7, 1, 12, tzinfo=paris)
assert summer.utcoffset() == datetime.timedelta(hours=2) and summer.tzname() == "CEST"
tokyo = summer.astimezone(tz.gettz("Asia/Tokyo"))
assert tokyo.hour == 19, tokyo
print("Paris", summer.isoformat(), "-> Tokyo", tokyo.isoformat())
print("python-dateutil test OK")
