"""The science that the data generators rest on."""

from dlies.physics import crust, faults, lorenz63, rayleigh, seismicity, stress

__all__ = ["crust", "faults", "lorenz63", "rayleigh", "seismicity", "stress"]
