"""packaging under the WASIX CPython: versions, specifiers, markers, requirements and the tags
of the running interpreter."""

import sys

import packaging
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

print("packaging", packaging.__version__, "from", packaging.__file__)
assert Version("2025.08.03") == Version("2025.8.3")
assert Version("1.0rc1") < Version("1.0") < Version("1.0.post1")
assert sorted(SpecifierSet(">=1.1,!=1.3,<2").filter(["1.0", "1.1", "1.3", "1.9", "2.0"])) == \
    ["1.1", "1.9"]
print("versions and specifiers")

env = default_environment()
print("marker environment:", env["sys_platform"], env["platform_machine"], env["python_version"])
assert env["python_version"] == "%d.%d" % sys.version_info[:2]
assert Marker(f'sys_platform == "{sys.platform}"').evaluate()
req = Requirement('requests[socks]>=2.32; python_version >= "3.8"')
assert req.name == "requests" and req.extras == {"socks"} and req.marker.evaluate()
assert canonicalize_name("Typing_Extensions") == "typing-extensions"
name, ver, _, tags = parse_wheel_filename("numpy-2.3.2-cp313-cp313-wasix_wasm32.whl")
assert (name, str(ver), next(iter(tags)).platform) == ("numpy", "2.3.2", "wasix_wasm32")
print("markers, requirements, wheel names")

tags = list(sys_tags())
assert tags, "no tags for the running interpreter"
print("first tags of this interpreter:", ", ".join(str(t) for t in tags[:3]))
print("packaging test OK")
