"""dlies: companion package for the course *Deep Learning in Earth Science*.

The package holds the plumbing that the lecture notebooks share: data generators and
loaders (:mod:`dlies.datasets`), the physics they rest on (:mod:`dlies.physics`), Keras model
builders (:mod:`dlies.models`), run-time set-up (:mod:`dlies.runtime`), figures
(:mod:`dlies.plots`) and the results record (:mod:`dlies.report`). The lessons themselves live
in ``notebooks/``.
"""

from __future__ import annotations

import os as _os

# Keep TensorFlow's C++ log lines (oneDNN notices, CUDA factory registration, ...) out of the
# notebooks, including benign E-level lines such as "NodeDef mentions attribute
# use_unbounded_threadpool" printed during Keras training. This must happen before TensorFlow
# is first imported, hence here; Python exceptions are unaffected. A user who wants
# them back sets TF_CPP_MIN_LOG_LEVEL=0 before importing dlies.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"

from dlies import paths, plots, report, runtime  # noqa: E402
from dlies._source import show_source  # noqa: E402

__all__ = ["__version__", "paths", "plots", "report", "runtime", "show_source"]
