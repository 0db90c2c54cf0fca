import numpy as np
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score

from dlies import stats


def test_wilson_known_values():
    # Wilson 95 % for 81/263 (Brown, Cai & DasGupta 2001 style check, computed by hand):
    iv = stats.binomial_interval(81, 263)
    assert iv.value == pytest.approx(81 / 263)
    assert iv.low == pytest.approx(0.2553, abs=1e-3) and iv.high == pytest.approx(0.3662, abs=1e-3)
    # Near the edges the interval stays inside [0, 1] and is not degenerate.
    top = stats.binomial_interval(100, 100)
    assert top.high == 1.0 and 0.95 < top.low < 1.0
    zero = stats.binomial_interval(0, 50)
    assert zero.low == 0.0 and 0 < zero.high < 0.1


@pytest.mark.parametrize("k,n", [(-1, 10), (11, 10), (1, 0), (1.5, 10), (True, 10)])
def test_wilson_rejects(k, n):
    with pytest.raises(ValueError):
        stats.binomial_interval(k, n)


def test_accuracy_interval_coverage():
    # Over many simulated test sets the 95 % interval covers the true accuracy ~95 % of the time.
    rng = np.random.default_rng(0)
    truth, n, hits = 0.9, 400, 0
    for _ in range(400):
        correct = rng.random(n) < truth
        iv = stats.accuracy_interval(np.ones(n), correct.astype(float))
        hits += iv.low <= truth <= iv.high
    assert 0.92 <= hits / 400 <= 0.98


def test_bootstrap_over_groups_is_wider_than_over_samples():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(10), 200)
    # Each group shifts its scores: samples within a group are correlated.
    shift = rng.normal(0, 1.0, 10)[groups]
    y = rng.random(2000) < 0.3
    s = y + shift + rng.normal(0, 1, 2000)
    a = stats.bootstrap_interval(roc_auc_score, y, s, random_state=0, n_resamples=300)
    b = stats.bootstrap_interval(
        roc_auc_score, y, s, groups=groups, random_state=0, n_resamples=300
    )
    assert a.value == b.value == pytest.approx(roc_auc_score(y, s))
    assert (b.high - b.low) > (a.high - a.low)
    assert "10 groups" in b.method
    # Same seed, same interval.
    c = stats.bootstrap_interval(
        roc_auc_score, y, s, groups=groups, random_state=0, n_resamples=300
    )
    assert (b.low, b.high) == (c.low, c.high)


def test_bootstrap_rejects_bad_input():
    with pytest.raises(ValueError, match="length"):
        stats.bootstrap_interval(np.mean, [1, 2, 3], groups=[1, 2])
    with pytest.raises(ValueError, match="n_resamples"):
        stats.bootstrap_interval(np.mean, [1, 2, 3], n_resamples=1)

    def needs_distinct(a):  # fails whenever a resample repeats a sample (96 % of them)
        if len(np.unique(a)) < len(a):
            raise ValueError("repeated sample")
        return 1.0

    with pytest.raises(ValueError, match="failed"):
        stats.bootstrap_interval(needs_distinct, np.arange(5))


def test_seed_spread():
    iv = stats.seed_spread([0.90, 0.91, 0.92])
    assert iv.value == pytest.approx(0.91)
    # t(0.975, 2) = 4.303, sd = 0.01, n = 3
    assert iv.high - iv.value == pytest.approx(4.303 * 0.01 / np.sqrt(3), rel=1e-3)
    with pytest.raises(ValueError):
        stats.seed_spread([0.9])
    with pytest.raises(ValueError):
        stats.seed_spread([0.9, np.nan])


def test_paired_difference_is_narrower_than_two_unpaired_intervals():
    # Two classifiers that share most of their errors: the paired interval of the difference
    # is far narrower than the overlap of their own intervals suggests.
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    hard = rng.random(2000) < 0.10  # both get these wrong
    pred_b = np.where(hard, 1 - y, y)
    pred_a = pred_b.copy()
    fixed = np.flatnonzero(hard)[:30]  # A gets 30 of B's errors right
    pred_a[fixed] = y[fixed]
    diff = stats.paired_difference(accuracy_score, y, pred_a, pred_b, random_state=0)
    assert diff.value == pytest.approx(30 / 2000)
    assert diff.low > 0 and diff.method.startswith("paired bootstrap 95 %")
    acc_a, acc_b = stats.accuracy_interval(y, pred_a), stats.accuracy_interval(y, pred_b)
    assert acc_a.low < acc_b.high, "unpaired intervals overlap although A is better"
    with pytest.raises(ValueError, match="one length"):
        stats.paired_difference(accuracy_score, y, pred_a, pred_b[:-1])


def test_mcnemar_counts_discordant_items_and_known_p():
    a = np.array([True] * 10 + [False] * 2 + [True] * 5)
    b = np.array([False] * 10 + [True] * 2 + [True] * 5)
    result = stats.mcnemar_test(a, b)
    assert (result.only_a, result.only_b) == (10, 2)
    assert result.p_value == pytest.approx(0.0385742, rel=1e-5)  # 2·P(X ≤ 2), X ~ B(12, 1/2)
    assert stats.mcnemar_test(a, a).p_value == 1.0
    assert result.as_evidence()["McNemar exact p"] == result.p_value
    with pytest.raises(ValueError, match="1-D array of booleans"):
        stats.mcnemar_test(a.astype(int), b)


def test_poisson_interval_known_values_and_rate():
    # Garwood's exact 95 % bounds for k = 10: [4.795, 18.390] (tables of Poisson limits).
    iv = stats.poisson_interval(10)
    assert iv.value == 10 and iv.low == pytest.approx(4.7954, abs=1e-3)
    assert iv.high == pytest.approx(18.3904, abs=1e-3)
    # Per unit of exposure: 10 in 2 hours is 5 per hour, bounds halved.
    per_hour = stats.poisson_interval(10, 2.0)
    assert per_hour.value == 5 and per_hour.high == pytest.approx(iv.high / 2)
    zero = stats.poisson_interval(0, 1.0)
    assert zero.low == 0.0 and zero.high == pytest.approx(3.6889, abs=1e-3)
    assert stats.poisson_interval(3, confidence=0.9).high < stats.poisson_interval(3).high


def test_poisson_interval_covers_the_rate():
    rng = np.random.default_rng(2)
    rate, exposure = 3.7, 2.0
    counts = rng.poisson(rate * exposure, 2000)
    covered = [
        (iv := stats.poisson_interval(int(k), exposure)).low <= rate <= iv.high for k in counts
    ]
    assert np.mean(covered) >= 0.95  # exact intervals are conservative


@pytest.mark.parametrize(
    "kwargs", [{"count": -1}, {"count": 1.5}, {"count": True}, {"count": 2, "exposure": 0.0}]
)
def test_poisson_interval_rejects(kwargs):
    with pytest.raises((ValueError, TypeError)):
        stats.poisson_interval(**kwargs)
