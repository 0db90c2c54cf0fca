"""The science that the data generators rest on."""

from dlies.physics import faults, lorenz63, rayleigh, seismicity, stress

__all__ = ["faults", "lorenz63", "rayleigh", "seismicity", "stress"]
