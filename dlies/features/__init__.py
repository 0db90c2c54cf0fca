"""Hand-crafted features: Malfante et al. (2018)'s signal features, Brodu & Lague (2012)'s
multi-scale covariance features, and the correlation-peak features of lecture 16's baseline."""

from dlies.features.correlation_peaks import correlation_peak_features
from dlies.features.covariance import covariance_features
from dlies.features.signal import signal_features

__all__ = ["correlation_peak_features", "covariance_features", "signal_features"]
