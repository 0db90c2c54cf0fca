r"""The aftershock data of DeVries, Viégas, Wattenberg & Meade (2018, *Nature* 560, 632).

The files are linked from the authors' repository
``phoebemrdevries/Learning-aftershock-location-patterns``:

* ``Training.h5`` / ``Testing.h5``: one-dimensional float64 datasets of equal length, one row
  per 5 km grid cell of one slip distribution: ``aftershocksyn`` (0.0 or 1.0) and
  ``stresses_full_xx, _yy, _xy, _xz, _yz, _zz`` (Pa). Training.h5 has 4 743 090 rows.
* ``AllCSV/<ID>_grid.csv``: one file per slip distribution with, among others, the columns
  ``x, y, z`` (m, z negative down), ``aftershocksyn`` and the six ``stresses_full_*``.

The synthetic files of :func:`dlies.datasets.make_aftershocks` use the same keys, plus
``x, y, z``, ``event_id`` and an ``events/`` table. :func:`load_aftershocks` reads a file into
memory; :func:`aftershock_dataset` feeds Keras. Both give the network input of the paper:
twelve float32 values per cell in MPa, ``[|xx|, |yy|, |xy|, |xz|, |yz|, |zz|]`` followed by
their negatives. Every error names the file and, where it applies, the key.
"""

from dlies.datasets.devries.batches import MEMORY_BUDGET, aftershock_dataset
from dlies.datasets.devries.events import map_slice, split_events
from dlies.datasets.devries.files import (
    COORD_KEYS,
    EVENT_KEY,
    FEATURE_NAMES,
    LABEL_KEY,
    STRESS_KEYS,
    AftershockCells,
    devries_features,
    load_aftershocks,
    locate_devries,
)
from dlies.datasets.devries.schema_rows import write_schema_rows

__all__ = [
    "COORD_KEYS",
    "EVENT_KEY",
    "FEATURE_NAMES",
    "LABEL_KEY",
    "MEMORY_BUDGET",
    "STRESS_KEYS",
    "AftershockCells",
    "aftershock_dataset",
    "devries_features",
    "load_aftershocks",
    "locate_devries",
    "map_slice",
    "split_events",
    "write_schema_rows",
]
