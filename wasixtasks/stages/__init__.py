"""Stage helpers: what recipe functions receive (``LibBuild``, ``WheelBuild``)."""

from .lib import LibBuild
from .wheel import WheelBuild

__all__ = ["LibBuild", "WheelBuild"]
