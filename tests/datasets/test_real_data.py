"""The real labelled sets shipped in dlies/datasets/real: intact (SHA-256 as their README says)
and readable by the course's loaders."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from dlies.datasets import load_autzen, load_las, load_real_picks, load_seisbench, read_las

REAL = Path(__file__).resolve().parents[2] / "dlies" / "datasets" / "real"
ROW = re.compile(r"^\| `([\w./-]+)` \| `([0-9a-f]{64})` \|$", re.MULTILINE)


def test_every_shipped_file_has_the_sha256_its_readme_gives():
    listed = dict(ROW.findall((REAL / "README.md").read_text()))
    shipped = {p.relative_to(REAL).as_posix() for p in REAL.rglob("*") if p.is_file()}
    assert set(listed) == shipped - {"README.md"}
    for rel, digest in listed.items():
        assert hashlib.sha256((REAL / rel).read_bytes()).hexdigest() == digest, rel


def test_phasenet_records_load_with_their_picks():
    data = load_seisbench(REAL / "phasenet_picks")
    rows = list(csv.DictReader((REAL / "phasenet_picks" / "metadata.csv").open()))
    assert data.waveforms.shape == (154, 9001, 3) and data.sampling_rate == 100.0
    assert np.all(data.p_index == 3000)
    s_minus_p = (data.s_index - data.p_index) / data.sampling_rate
    assert s_minus_p.min() == pytest.approx(0.36) and s_minus_p.max() == pytest.approx(12.85)
    single = np.array([r["trace_components"] == "Z" for r in rows])
    assert single.sum() == 39 and list(data.components) == [r["trace_components"] for r in rows]
    assert list(data.station) == [r["station_code"] for r in rows]
    assert not np.any(data.waveforms[single][:, :, 1:]), "single-component records: N, E zero"
    assert np.all(np.abs(data.waveforms[~single]).max(axis=1) > 0)
    assert {r["station_network_code"] for r in rows} == set("NC BK CI BG NN NP PB PG TA".split())


def test_autzen_loads_with_the_providers_classes():
    points, classes = load_las(REAL / "autzen" / "autzen_trim.laz")
    assert points.shape == (110_000, 3)
    assert dict(zip(*np.unique(classes, return_counts=True), strict=True)) == {1: 83893, 2: 26107}
    extent_ft = points.max(axis=0) - points.min(axis=0)
    assert extent_ft[:2] == pytest.approx([1177.46, 562.70], abs=0.01)  # feet, not metres


def test_load_real_picks_cuts_seeded_windows_around_p():
    windows = load_real_picks(samples=3000, p_offset=(100, 2000), random_state=0)
    assert windows.waveforms.shape == (154, 3000, 3)
    assert 100 <= windows.p_index.min() and windows.p_index.max() <= 2000
    assert np.array_equal(windows.p_index, load_real_picks(samples=3000, p_offset=(100, 2000),
                                                           random_state=0).p_index)  # fmt: skip
    assert (windows.components == "Z").sum() == 39 and set(windows.network) >= {"NC", "BG"}


def test_load_autzen_in_metres_with_its_attributes():
    cloud = load_autzen()
    assert cloud.unit_m == 0.3048 and cloud.points.shape == (110_000, 3)
    extent = cloud.points.max(axis=0) - cloud.points.min(axis=0)
    assert extent[:2] == pytest.approx([358.89, 171.51], abs=0.01)
    density = len(cloud.points) / (extent[0] * extent[1])
    assert 1.5 < density < 2.0  # points per m²
    assert cloud.return_number.min() >= 1 and np.all(cloud.return_number <= cloud.number_of_returns)
    assert cloud.intensity.shape == (110_000,) and cloud.classification.max() == 2


def test_read_las_keeps_units_of_a_file_that_names_none(tmp_path):
    import laspy

    las = laspy.create(point_format=3, file_version="1.2")
    las.x, las.y, las.z = np.array([0.0, 10.0]), np.array([0.0, 5.0]), np.array([1.0, 2.0])
    las.write(tmp_path / "plain.las")
    cloud = read_las(tmp_path / "plain.las")
    assert cloud.unit_m is None and cloud.points[1, 0] == pytest.approx(10.0)
    with pytest.raises(TypeError, match="metres must be True or False"):
        read_las(tmp_path / "plain.las", metres="yes")
