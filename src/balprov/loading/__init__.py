"""Loading: bytes on disk to plain Python values, with every problem positioned, never a traceback."""

from balprov.loading.positions import PositionIndex
from balprov.loading.problems import Problem
from balprov.loading.yaml_document import Loaded, load_yaml

__all__ = ["Loaded", "PositionIndex", "Problem", "load_yaml"]
