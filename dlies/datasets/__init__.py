"""Data generators and loaders, scikit-learn style (``make_*`` and ``load_*``)."""

from dlies.datasets.mantle import make_mantle_stability
from dlies.datasets.mnist import add_noise, load_mnist
from dlies.datasets.quadratic import make_quadratic

__all__ = ["add_noise", "load_mnist", "make_mantle_stability", "make_quadratic"]
