"""dlies.gan_metrics: the strict mode count on reference generators, the Fréchet distance
against closed forms, k-NN precision and recall on sets with known overlap, bad arguments."""

import numpy as np
import pytest

from dlies.gan_metrics import (
    frechet_distance,
    knn_precision_recall,
    make_ring_mixture,
    mode_coverage,
    ring_centres,
    ring_references,
)


def test_ring_centres_lie_on_the_circle():
    c = ring_centres(8, 2.0)
    assert c.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 2.0, rtol=1e-6)
    np.testing.assert_allclose(c[0], [2.0, 0.0], atol=1e-6)


def test_make_ring_mixture_follows_the_law_and_is_deterministic():
    x, mode = make_ring_mixture(4000, spread=0.02, random_state=0)
    assert x.shape == (4000, 2) and x.dtype == np.float32
    resid = x - ring_centres()[mode]
    assert resid.std() == pytest.approx(0.02, rel=0.05)
    assert np.all(np.bincount(mode, minlength=8) > 400)
    np.testing.assert_array_equal(x, make_ring_mixture(4000, random_state=0)[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_generators_score_as_expected(seed):
    refs = ring_references(2500, random_state=seed)
    scores = {k: mode_coverage(x, ring_centres(), spread=0.02)[0] for k, x in refs.items()}
    assert scores == {"uniform ring": 0, "single Gaussian": 1, "true mixture": 8}


def test_mode_coverage_counts_and_fraction():
    centres = np.array([[0.0, 0.0], [10.0, 0.0]])
    x = np.array([[0.01, 0.0]] * 25 + [[10.0, 0.05]] * 19 + [[5.0, 5.0]] * 6)
    covered, quality, counts = mode_coverage(x, centres, spread=0.02)
    assert covered == 1
    assert quality == pytest.approx(44 / 50)
    np.testing.assert_array_equal(counts, [25, 19])
    assert mode_coverage(x, centres, spread=0.02, min_count=19)[0] == 2


def test_frechet_distance_closed_forms():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((20_000, 3))
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # shifted by 2 along one axis: the distance is the squared shift
    assert frechet_distance(a, a + [2.0, 0, 0]) == pytest.approx(4.0, rel=1e-6)
    # scaled by 3: tr(Σ + 9Σ - 2·3Σ) = 4 tr(Σ)
    assert frechet_distance(a, 3 * a) == pytest.approx(4 * np.trace(np.cov(a.T)), rel=1e-4)


def test_knn_precision_recall_on_known_overlap():
    rng = np.random.default_rng(0)
    real = rng.standard_normal((500, 2))
    same = knn_precision_recall(real, rng.standard_normal((500, 2)))
    assert same[0] > 0.9 and same[1] > 0.9
    far = knn_precision_recall(real, rng.standard_normal((500, 2)) + 20)
    assert far == (0.0, 0.0)
    # fakes collapsed on a small part of the real cloud: precise but no recall
    collapsed = knn_precision_recall(real, 0.05 * rng.standard_normal((500, 2)))
    assert collapsed[0] > 0.9 and collapsed[1] < 0.2


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: mode_coverage(np.zeros((5, 3)), ring_centres(), spread=0.02), "coordinates"),
        (lambda: mode_coverage(np.zeros((5, 2)), ring_centres(), spread=0), "spread"),
        (lambda: frechet_distance(np.zeros((5, 2)), np.zeros((5, 3))), "features"),
        (lambda: knn_precision_recall(np.zeros((3, 2)), np.zeros((3, 2)), k=3), "k=3"),
        (lambda: ring_references(0), "n_samples"),
        (lambda: make_ring_mixture(10, spread=-1), "spread"),
    ],
)
def test_bad_arguments_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
