r"""The aftershock data of DeVries, Viégas, Wattenberg & Meade (2018, *Nature* 560, 632).

The real files (``Training.h5`` / ``Testing.h5``: one row per 5 km grid cell, the keys
:data:`LABEL_KEY` and :data:`STRESS_KEYS`; ``AllCSV/<ID>_grid.csv``, also with ``x, y, z``) are
described in docs/data.md. The synthetic files of :func:`dlies.datasets.make_aftershocks` use
the same keys, plus ``x, y, z``, ``event_id`` and an ``events/`` table. :func:`load_aftershocks`
reads a file into memory, :func:`aftershock_dataset` feeds Keras; both give the network input
of the paper (:func:`devries_features`) and errors that name the file and the key.
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
