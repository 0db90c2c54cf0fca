"""Real labelled sets that ship inside the package (``dlies/datasets/real/``), offline.

``dlies/datasets/real/README.md`` gives their sources, commits, SHA-256, licences and credits:

:func:`load_real_picks`
    154 local-earthquake records with analyst P and S picks from PhaseNet's examples (Zhu &
    Beroza 2019): 90 s at 100 Hz, P at 30 s, 39 single-component records.
:func:`load_autzen`
    The Autzen Stadium airborne lidar survey (PDAL's test data), 110 000 points with the
    provider's ground classification (2 ground, 1 unclassified).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from dlies._validate import declared_params, validate_params
from dlies.datasets.point_cloud_files import LasCloud, read_las
from dlies.datasets.seisbench import load_seisbench
from dlies.datasets.seismograms import Seismograms

__all__ = ["load_autzen", "load_real_picks", "real_data_path"]


def real_data_path(name: str) -> Path:
    """The folder or file of a shipped set: ``"phasenet_picks"`` or ``"autzen"``."""
    if name not in ("phasenet_picks", "autzen"):
        raise ValueError(f"real_data_path: name must be 'phasenet_picks' or 'autzen', got {name!r}")
    return Path(str(resources.files("dlies") / "datasets" / "real" / name))


@validate_params(  # as load_seisbench, which cuts the windows
    **{k: declared_params(load_seisbench)[k] for k in ("samples", "p_offset", "random_state")}
)
def load_real_picks(
    *,
    samples: int | None = None,
    p_offset: int | tuple[int, int] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> Seismograms:
    """The 154 analyst-picked local-earthquake records (Z, N, E at 100 Hz).

    Without arguments the whole 90-s records (9 001 samples, P at sample 3000); with
    ``samples`` and ``p_offset`` (an int or a ``(low, high)`` range drawn with
    ``random_state``) windows cut around P, as :func:`~dlies.datasets.load_seisbench` does.
    Each window carries its network, station and real components (``"Z"`` for the 39
    vertical-only records, whose N and E are zeros).
    """
    return load_seisbench(
        real_data_path("phasenet_picks"),
        samples=samples,
        p_offset=p_offset,
        random_state=random_state,
    )


def load_autzen() -> LasCloud:
    """The Autzen Stadium lidar survey, coordinates converted from international feet to
    metres (about 359 m × 172 m, 2 points per m²); ``classification`` is the provider's
    (2 ground, 1 unclassified), most likely from an automatic ground filter."""
    return read_las(real_data_path("autzen") / "autzen_trim.laz", metres=True)
