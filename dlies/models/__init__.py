"""Keras model builders: small functions returning ``keras.Model``.

Each builder takes ``input_shape`` and keyword-only options, builds a fresh model with no
global state, and leaves compiling to the notebook unless the lesson needs it compiled.
"""

from dlies.models.mantle import mantle_classifier

__all__ = ["mantle_classifier"]
