import h5py
import numpy as np
import pytest

from dlies.datasets import load_aftershocks
from dlies.datasets.devries import LABEL_KEY, STRESS_KEYS, write_schema_rows


def test_rows_follow_the_stated_law_and_load(tmp_path):
    path = write_schema_rows(tmp_path / "rows.h5", 50_000, random_state=3)
    with h5py.File(path, "r") as f:
        assert set(f) == {LABEL_KEY, *STRESS_KEYS}
        sigma = np.stack([f[k][:] for k in STRESS_KEYS], axis=1)
        y = f[LABEL_KEY][:]
    # Student-t(3) with scale 1e5 Pa: median |x| = 0.765 * scale.
    assert np.median(np.abs(sigma)) == pytest.approx(0.765e5, rel=0.03)
    # Labels follow the logistic law: observed rate ~ mean predicted probability.
    logit = 2 * np.log10(np.linalg.norm(sigma, axis=1) / 1e5) - 3.5
    assert y.mean() == pytest.approx((1 / (1 + np.exp(-logit))).mean(), abs=0.005)
    X, labels = load_aftershocks(path)
    assert X.shape == (50_000, 12) and labels.dtype == np.float32
    again = write_schema_rows(tmp_path / "b.h5", 50_000, random_state=3)
    with h5py.File(again, "r") as f:
        np.testing.assert_array_equal(f[LABEL_KEY][:], y)


def test_never_replaces_a_file_it_did_not_write(tmp_path):
    foreign = tmp_path / "mine.h5"
    foreign.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_schema_rows(foreign, 10)
    assert foreign.read_bytes() == b"precious"
    ours = write_schema_rows(tmp_path / "ours.h5", 10, random_state=0)
    write_schema_rows(ours, 20, random_state=0)  # its own file: replaced
    with h5py.File(ours, "r") as f:
        assert f[LABEL_KEY].shape == (20,)
    with pytest.raises(ValueError, match="is a folder"):
        write_schema_rows(tmp_path, 10)
    with pytest.raises((TypeError, ValueError), match="n_rows"):
        write_schema_rows(tmp_path / "x.h5", 0)


@pytest.mark.parametrize("flag", ["no", 1, None, np.array([False])])
def test_overwrite_must_be_a_bool(tmp_path, flag):
    foreign = tmp_path / "mine.h5"
    foreign.write_bytes(b"precious")
    with pytest.raises((TypeError, ValueError), match="overwrite must be True or False"):
        write_schema_rows(foreign, 10, overwrite=flag)
    assert foreign.read_bytes() == b"precious"


def test_logit_slope_sets_the_signal(tmp_path):
    """Slope 8, offset -7 (lecture 19): the true probability ranks rows with AUC near 0.86."""
    from sklearn.metrics import roc_auc_score

    path = write_schema_rows(
        tmp_path / "rows.h5", 50_000, logit_slope=8.0, logit_offset=-7.0, random_state=1
    )
    with h5py.File(path, "r") as f:
        sigma = np.stack([f[k][:] for k in STRESS_KEYS], axis=1)
        y = f[LABEL_KEY][:]
    p = 1 / (1 + np.exp(-(8 * np.log10(np.linalg.norm(sigma, axis=1) / 1e5) - 7)))
    assert y.mean() == pytest.approx(p.mean(), abs=0.005)
    assert roc_auc_score(y, p) == pytest.approx(0.86, abs=0.01)
    flat = write_schema_rows(tmp_path / "flat.h5", 20_000, logit_slope=0.0, random_state=1)
    with h5py.File(flat, "r") as f:
        assert f[LABEL_KEY][:].mean() == pytest.approx(1 / (1 + np.exp(3.5)), abs=0.005)
    with pytest.raises((TypeError, ValueError), match="logit_slope"):
        write_schema_rows(tmp_path / "x.h5", 10, logit_slope=float("nan"))
