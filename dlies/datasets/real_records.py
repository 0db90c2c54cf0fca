"""Real seismograms that ship inside ObsPy's wheel (its test data), available offline.

ObsPy's installed package holds a few real recordings that the course uses wherever real data
beat synthetic ones:

``montserrat``
    A Montserrat Volcano Observatory event (SEISAN, 21 channels of 8 stations, 75.2 Hz, 49 s).
``kw1``
    BW.KW1 vertical (EHZ), 2.6 h of continuous ground motion at 100 Hz (plain text counts).
``rjob``
    A local earthquake at RJOB on Z, N, E (headerless text, 12 000 samples at 200 Hz).
``manz``
    ``manz_waldk.a01.gz``: a local earthquake on one component at 200 Hz (headerless text).
``uh1`` … ``uh4``
    BW.UH1–UH4, 230 s around three local events: UH1–UH3 at 50 Hz, UH4 at 100 Hz; UH3 has three
    components (SHZ, SHN, SHE).

:func:`example_path` finds a file; :func:`read_example` returns an ObsPy ``Stream``;
:func:`load_kw1` returns the continuous KW1 record as a NumPy array.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

# name -> paths relative to obspy's package folder
_FILES: dict[str, tuple[str, ...]] = {
    "montserrat": ("io/seisan/tests/data/9701-30-1048-54S.MVO_21_1",),
    "kw1": ("signal/tests/data/BW.KW1._.EHZ.D.2011.090_downsampled.asc.gz",),
    "rjob": tuple(f"signal/tests/data/loc_RJOB20050801145719850.{c}" for c in "zne"),
    "manz": ("signal/tests/data/manz_waldk.a01.gz",),
    "uh1": ("signal/tests/data/BW.UH1._.SHZ.D.2010.147.cut.slist.gz",),
    "uh2": ("signal/tests/data/BW.UH2._.SHZ.D.2010.147.cut.slist.gz",),
    "uh3": tuple(f"signal/tests/data/BW.UH3._.SH{c}.D.2010.147.cut.slist.gz" for c in "ZNE"),
    "uh4": ("signal/tests/data/BW.UH4._.EHZ.D.2010.147.cut.slist.gz",),
}
KW1_SAMPLING_RATE = 100.0
RJOB_SAMPLING_RATE = 200.0


def example_names() -> list[str]:
    """The names :func:`example_path` knows."""
    return sorted(_FILES)


def example_path(name: str) -> list[Path]:
    """Paths of a real record bundled with the installed ObsPy.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the known ones).
    FileNotFoundError
        When the installed ObsPy lacks the file (a build without its test data).
    """
    if name not in _FILES:
        raise ValueError(f"unknown ObsPy example {name!r}; known: {', '.join(example_names())}")
    import obspy

    root = Path(obspy.__file__).resolve().parent
    found = [root / rel for rel in _FILES[name]]
    missing = [str(p) for p in found if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"ObsPy example {name!r} is missing from the installed ObsPy ({obspy.__version__}): "
            f"{', '.join(missing)}; reinstall obspy from its wheel (`pip install obspy`)"
        )
    return found


def read_example(name: str):
    """The record as an ``obspy.Stream`` (``rjob`` gets its 200 Hz rate and Z/N/E channels).

    ``kw1`` is better read with :func:`load_kw1`, which is much faster for 2.6 h of text.
    """
    import obspy

    files = example_path(name)
    if name in ("rjob", "manz"):  # headerless text at 200 Hz
        station = name.upper()
        comps = "ZNE" if name == "rjob" else "Z"
        traces = []
        for path, comp in zip(files, comps, strict=True):
            header = {
                "sampling_rate": RJOB_SAMPLING_RATE,
                "station": station,
                "channel": f"EH{comp}",
            }
            traces.append(obspy.Trace(np.loadtxt(path), header=header))
        return obspy.Stream(traces)
    if name == "kw1":
        header = {
            "sampling_rate": KW1_SAMPLING_RATE,
            "network": "BW",
            "station": "KW1",
            "channel": "EHZ",
        }
        return obspy.Stream([obspy.Trace(load_kw1(), header=header)])
    stream = obspy.Stream()
    for path in files:
        stream += obspy.read(str(path))
    return stream


@functools.lru_cache(maxsize=1)
def _kw1_counts() -> np.ndarray:
    (path,) = example_path("kw1")
    counts = np.loadtxt(path)
    counts.flags.writeable = False
    return counts


def load_kw1() -> np.ndarray:
    """BW.KW1 EHZ: 2.6 h of vertical ground motion at 100 Hz, in counts (float64).

    The text file is parsed once per process (the volcano catalogue, the seismogram noise
    and the lectures all read it); each call returns its own writable copy.
    """
    return _kw1_counts().copy()
