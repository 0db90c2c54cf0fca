"""The science that the data generators rest on."""

from dlies.physics import rayleigh

__all__ = ["rayleigh"]
