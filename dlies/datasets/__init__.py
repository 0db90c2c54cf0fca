"""Data generators and loaders, scikit-learn style (``make_*`` and ``load_*``)."""

from dlies.datasets.mantle import make_mantle_stability
from dlies.datasets.quadratic import make_quadratic

__all__ = ["make_mantle_stability", "make_quadratic"]
