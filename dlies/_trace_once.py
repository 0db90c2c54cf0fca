"""Trace a compiled Keras model's training step once, not twice (TensorFlow backend).

Without a distribution strategy, Keras 3 on TensorFlow creates a compiled model's optimizer
slots and metric variables inside the first trace of ``fit``'s (and ``evaluate``'s) step, and
TensorFlow traces a ``tf.function`` that creates variables on its first call a second time.
Under any ``tf.distribute`` strategy Keras instead builds that state symbolically before
tracing. :func:`install` makes Keras take that same path without a strategy, using only the
shapes and dtypes of the batches (no batch is read, no random number is drawn), and only for
a model whose layers are already built. Training, weights and results are unchanged; each
``fit`` of a new model saves one trace of its step (about 0.5 s for a small CNN on 2 CPU
cores). If this Keras has no such hook, nothing is changed.
"""

from __future__ import annotations

import functools

_MARK = "_dlies_builds_before_tracing"


def install() -> bool:
    """Make Keras build optimizer and metric state before the first trace; True if installed."""
    try:
        from keras.src.backend.tensorflow.trainer import TensorFlowTrainer
    except ImportError:  # another backend or another Keras layout: leave Keras as it is
        return False
    keras_build = getattr(TensorFlowTrainer, "_maybe_symbolic_build", None)
    if keras_build is None or not hasattr(TensorFlowTrainer, "_symbolic_build"):
        return False
    if getattr(keras_build, _MARK, False):
        return True

    @functools.wraps(keras_build)
    def build_before_tracing(self, iterator=None, data_batch=None):
        if getattr(self, "_distribute_strategy", None) is not None:
            return keras_build(self, iterator=iterator, data_batch=data_batch)
        if not all(layer.built for layer in self._flatten_layers()):
            return None  # Keras's own behaviour: the model builds in its first trace
        if iterator is not None:
            dataset = getattr(iterator, "_distributed_dataset", None)
            data_batch = getattr(dataset, "element_spec", None)
        if data_batch is None:
            return None
        try:
            self._symbolic_build(data_batch=data_batch)
        except Exception:  # noqa: BLE001 - a speed-up only: Keras then builds in the trace
            pass
        return None

    setattr(build_before_tracing, _MARK, True)
    TensorFlowTrainer._maybe_symbolic_build = build_before_tracing
    return True
