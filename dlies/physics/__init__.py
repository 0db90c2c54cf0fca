"""The science that the data generators rest on."""

from dlies.physics import faults, rayleigh, seismicity, stress

__all__ = ["faults", "rayleigh", "seismicity", "stress"]
