"""dlies: companion package for the course *Deep Learning in Earth Science*.

The package holds the plumbing that the lecture notebooks share: set-up, folders, figures and
results (:mod:`dlies.course`), the exercises' offline checks (:mod:`dlies.exercises`),
intervals (:mod:`dlies.stats`), shared plots
(:mod:`dlies.figures`), data generators and loaders (:mod:`dlies.datasets`), the physics they
rest on (:mod:`dlies.physics`) and Keras model builders (:mod:`dlies.models`). The lessons
themselves live in ``notebooks/``.
"""

from __future__ import annotations

import os as _os

# Keep TensorFlow's C++ log lines (oneDNN notices, CUDA factory registration, ...) out of the
# notebooks. This must happen before TensorFlow is first imported, hence here; a user who
# wants them back sets TF_CPP_MIN_LOG_LEVEL=0 before importing dlies.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"

# The lectures call dlies.exercises.check; that module serves the lectures' checkers and is
# not part of the validated public API that __all__ lists.
from dlies import course, exercises, figures, stats  # noqa: E402, F401
from dlies.course import show_source  # noqa: E402

__all__ = ["__version__", "course", "figures", "show_source", "stats"]
