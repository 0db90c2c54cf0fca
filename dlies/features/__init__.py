"""Hand-crafted features: Malfante et al. (2018)'s signal features (and others as they land)."""

from dlies.features.covariance import covariance_features
from dlies.features.signal import signal_features

__all__ = ["covariance_features", "signal_features"]
