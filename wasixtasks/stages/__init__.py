"""Stage helpers: what recipe functions receive (``LibBuild``, ``WheelBuild``)."""

from . import rust
from .lib import LibBuild
from .wheel import WheelBuild

__all__ = ["LibBuild", "WheelBuild", "rust"]
