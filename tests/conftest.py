"""Test wiring: quick mode for everything, offline, and nbval for notebooks/.

pytest (configured in pyproject.toml) collects ``tests/`` and ``notebooks/``; the notebooks
run through nbval with ``--nbval-lax --nbval-current-env`` (pyproject ``addopts``): every cell
is executed and must not raise, and no output, stdout or stderr, is compared, since training
logs and timings differ from run to run. These variables are set here, before any kernel starts,
so that every notebook runs in quick mode and never reaches for the network, and writes its
figures and results into ``build/test/`` (as ``make test`` does), not into the ``build/`` that
``make figures`` fills.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("DLIES_BUILD", str(Path(__file__).resolve().parent.parent / "build" / "test"))
os.environ.setdefault("DLIES_QUICK", "1")
os.environ.setdefault("DLIES_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
