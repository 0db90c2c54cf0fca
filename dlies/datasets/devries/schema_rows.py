r"""Synthetic rows in the DeVries et al. (2018) file schema, for pipeline and format work.

Lecture 19, the scaling benchmarks and the training tests need large files in the real schema
quickly, where the physics does not matter (lecture 08's :func:`make_aftershocks` computes
real stress fields, at a cost). The law here is deliberately simple and stated: each of the six
stress components is Student-t distributed with 3 degrees of freedom and scale 0.1 MPa, and a
row is labelled 1 with probability

.. math:: \operatorname{sigmoid}\big(a\log_{10}(\lVert\sigma\rVert / 0.1\,\mathrm{MPa}) + b\big)

with ``a = 2, b = -3.5`` by default (about 8 % positive, little signal: the AUC of the true
probability, the best any classifier can reach, is about 0.62). ``a = 8, b = -7`` gives about
10 % positive and a Bayes AUC of about 0.86 (lecture 19).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from dlies._validate import Boolean, Integer, NewFile, RandomState, Real, validate_params
from dlies.atomic import atomic_path
from dlies.datasets.devries.files import LABEL_KEY, STRESS_KEYS

MARK = "dlies_schema_rows"
_CHUNK = 1_000_000


@validate_params(
    path=NewFile(),
    n_rows=Integer(min=1),
    logit_slope=Real(min=0, max=100),
    logit_offset=Real(),
    random_state=RandomState(),
    overwrite=Boolean(),
)
def write_schema_rows(
    path: str | os.PathLike,
    n_rows: int,
    *,
    logit_slope: float = 2.0,
    logit_offset: float = -3.5,
    random_state: int | np.random.Generator | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``n_rows`` **synthetic** rows in the DeVries HDF5 schema (see the module's law).

    Datasets: ``aftershocksyn`` (0.0/1.0) and ``stresses_full_{xx,yy,xy,xz,yz,zz}`` (Pa),
    1-D float64, written in chunks of a million rows (memory stays bounded) and atomically.
    ``logit_slope`` (``a``) and ``logit_offset`` (``b``) set the label law; ``a = 0`` makes the
    labels independent of the stresses.
    An existing file is replaced only when it carries this function's mark (an HDF5 attribute)
    or ``overwrite=True`` (True or False: a truthy ``"no"`` is refused).
    """
    import h5py

    target = path
    if target.exists() and not overwrite:
        try:
            with h5py.File(target, "r") as f:
                ours = MARK in f.attrs
        except OSError:
            ours = False
        if not ours:
            raise FileExistsError(
                f"{target}: exists and was not written by write_schema_rows; "
                "choose another path or pass overwrite=True"
            )
    rng = np.random.default_rng(random_state)
    with atomic_path(target) as tmp, h5py.File(tmp, "w") as f:
        out = {k: f.create_dataset(k, (n_rows,), "f8") for k in (LABEL_KEY, *STRESS_KEYS)}
        for a in range(0, n_rows, _CHUNK):
            m = min(_CHUNK, n_rows - a)
            sigma = rng.standard_t(3, size=(m, 6)) * 1e5
            logit = logit_slope * np.log10(np.linalg.norm(sigma, axis=1) / 1e5) + logit_offset
            out[LABEL_KEY][a : a + m] = rng.random(m) < 1 / (1 + np.exp(-logit))
            for k, key in enumerate(STRESS_KEYS):
                out[key][a : a + m] = sigma[:, k]
        f.attrs[MARK] = "synthetic rows: Student-t(3) stresses, 0.1 MPa; logistic labels"
    return target
