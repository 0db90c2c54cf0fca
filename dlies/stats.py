"""Intervals for every number a lecture compares with a reference.

Three kinds cover the course:

- :func:`binomial_interval` (Wilson score) for a proportion: an accuracy, a precision, a
  recall, counted over independent test samples; :func:`accuracy_interval` applies it to
  labels.
- :func:`bootstrap_interval` for any statistic (AUC, RMSE, F1), resampling samples or, when
  samples are not independent (cells of one earthquake, windows of one record), whole groups.
- :func:`seed_spread` for the variation between training runs that differ only in their seed.
- :func:`poisson_interval` (exact, Garwood) for a count of events over an exposure: false
  detections per hour of continuous record.

Two models scored on the same test items are compared by their paired difference, never by
the overlap of two intervals: :func:`paired_difference` (a paired bootstrap of any score) and
:func:`mcnemar_test` (McNemar's exact test on the items only one of them gets right).

Each interval is an :class:`Interval`, which :func:`dlies.course.record` and
:func:`dlies.course.claim` accept as it is.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
from scipy import stats as _st

from dlies._validate import Array, Function, Integer, RandomState, Real, validate_params

__all__ = [
    "Interval",
    "McNemar",
    "accuracy_interval",
    "binomial_interval",
    "bootstrap_interval",
    "mcnemar_test",
    "paired_difference",
    "poisson_interval",
    "seed_spread",
]


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval: ``value`` in ``[low, high]``, obtained by ``method``."""

    value: float
    low: float
    high: float
    method: str

    def __str__(self) -> str:
        return f"{self.value:.4g} [{self.low:.4g}, {self.high:.4g}]"


def _confidence(confidence: float) -> float:
    if not isinstance(confidence, float | int) or not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return float(confidence)


_CONFIDENCE = Real(above=0, below=1)
_LABELS = Array(kind="any", ndim=1)


@validate_params(successes=Integer(min=0), trials=Integer(min=0), confidence=_CONFIDENCE)
def binomial_interval(successes: int, trials: int, *, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a proportion ``successes / trials``.

    Wilson's interval keeps its coverage near 0 and 1 (accuracies of 0.99), where the normal
    approximation p ± z·sqrt(p(1−p)/n) does not.
    """
    for name, v in (("successes", successes), ("trials", trials)):
        if isinstance(v, bool) or not isinstance(v, Integral | np.integer) or v < 0:
            raise ValueError(f"binomial_interval: {name} must be a non-negative integer, got {v!r}")
    if trials == 0 or successes > trials:
        raise ValueError(
            f"binomial_interval: need 0 <= successes <= trials, trials > 0; got "
            f"{successes}/{trials}"
        )
    z = _st.norm.ppf(0.5 + _confidence(confidence) / 2)
    p = successes / trials
    denom = 1 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denom
    pct = round(100 * confidence)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high, f"Wilson {pct} %, n={trials}")


@validate_params(count=Integer(min=0), exposure=Real(above=0), confidence=_CONFIDENCE)
def poisson_interval(count: int, exposure: float = 1.0, *, confidence: float = 0.95) -> Interval:
    """Rate ``count / exposure`` of a Poisson count with its exact (Garwood) interval.

    The bounds are the chi-square quantiles :math:`\\chi^2_{2k}(\\alpha/2)/2` and
    :math:`\\chi^2_{2k+2}(1-\\alpha/2)/2` of the count :math:`k` (Garwood 1936), divided by the
    exposure; the lower bound is 0 for :math:`k = 0`. Its coverage is at least ``confidence``.

    Parameters
    ----------
    count : int
        Number of events observed (e.g. false detections).
    exposure : float, default 1
        What the count was observed over, in the unit the rate is wanted per (e.g. hours of
        record: the rate is then per hour).
    confidence : float, default 0.95

    Returns
    -------
    Interval
        The rate and its bounds, in events per unit of ``exposure``.
    """
    alpha = 1.0 - _confidence(confidence)
    low = 0.0 if count == 0 else float(_st.chi2.ppf(alpha / 2, 2 * count)) / 2
    high = float(_st.chi2.ppf(1 - alpha / 2, 2 * count + 2)) / 2
    pct = round(100 * confidence)
    return Interval(
        count / exposure, low / exposure, high / exposure, f"exact Poisson {pct} %, k={count}"
    )


@validate_params(y_true=_LABELS, y_pred=_LABELS, confidence=_CONFIDENCE)
def accuracy_interval(y_true, y_pred, *, confidence: float = 0.95) -> Interval:
    """Accuracy of ``y_pred`` against ``y_true`` with its Wilson interval."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"accuracy_interval: need two 1-D arrays of one length, got "
            f"{y_true.shape} and {y_pred.shape}"
        )
    return binomial_interval(int((y_true == y_pred).sum()), len(y_true), confidence=confidence)


@validate_params(
    statistic=Function(),
    arrays=Array(kind="any", min_size=1),
    groups=(None, _LABELS),
    n_resamples=Integer(min=10),
    confidence=_CONFIDENCE,
    random_state=RandomState(),
)
def bootstrap_interval(
    statistic: Callable[..., float],
    *arrays: Sequence,
    groups: Sequence | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> Interval:
    """Percentile bootstrap interval of ``statistic(*arrays)``.

    Parameters
    ----------
    statistic : callable
        Takes the arrays (resampled along their first axis) and returns a number, e.g.
        ``sklearn.metrics.roc_auc_score``.
    *arrays : array-like
        Same length along axis 0.
    groups : array-like, optional
        A group label per sample (an event id, a record). Whole groups are resampled, so that
        samples that are not independent are not counted as if they were.
    n_resamples : int, default 1000
    confidence : float, default 0.95
    random_state : int or Generator, optional

    Resamples on which ``statistic`` raises ``ValueError`` (an AUC with one class) or
    return NaN are skipped; more than half skipped is an error.
    """
    if not arrays:
        raise ValueError("bootstrap_interval: give at least one array")
    arrays = tuple(np.asarray(a) for a in arrays)
    n = len(arrays[0])
    if any(len(a) != n for a in arrays) or n < 2:
        raise ValueError(
            f"bootstrap_interval: arrays need one length >= 2, got {[len(a) for a in arrays]}"
        )
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, Integral) or n_resamples < 10:
        raise ValueError(
            f"bootstrap_interval: n_resamples must be an integer >= 10, got {n_resamples!r}"
        )
    conf = _confidence(confidence)
    rng = np.random.default_rng(random_state)
    value = float(statistic(*arrays))
    members = None  # resample single samples, or whole groups (their member indices)
    k, unit = n, "samples"
    if groups is not None:
        groups = np.asarray(groups)
        if len(groups) != n:
            raise ValueError(f"bootstrap_interval: groups has length {len(groups)}, expected {n}")
        _, inverse = np.unique(groups, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        members = np.split(order, np.cumsum(np.bincount(inverse))[:-1])
        k, unit = len(members), "groups"
    values = []
    for _ in range(n_resamples):
        pick = rng.integers(0, k, size=k)
        idx = pick if members is None else np.concatenate([members[i] for i in pick])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. scikit-learn's "only one class" warning
                v = float(statistic(*(a[idx] for a in arrays)))
        except ValueError:
            continue
        if math.isfinite(v):
            values.append(v)
    if len(values) < n_resamples / 2:
        raise ValueError(
            f"bootstrap_interval: the statistic failed on {n_resamples - len(values)} of "
            f"{n_resamples} resamples (too few {unit}?)"
        )
    low, high = np.quantile(values, [(1 - conf) / 2, (1 + conf) / 2])
    pct = round(100 * conf)
    return Interval(
        value,
        float(low),
        float(high),
        f"bootstrap {pct} % over {k} {unit}, {len(values)} resamples",
    )


@validate_params(values=Array(ndim=1, min_size=2), confidence=_CONFIDENCE)
def seed_spread(values: Sequence[float], *, confidence: float = 0.95) -> Interval:
    """Mean over training seeds with Student's t interval of the mean (n − 1 degrees).

    With three seeds the interval is wide (t = 4.3 at 95 %): that is the honest width.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) < 2 or not np.all(np.isfinite(v)):
        raise ValueError(f"seed_spread: need at least two finite values, got {values!r}")
    conf = _confidence(confidence)
    mean, sd = float(v.mean()), float(v.std(ddof=1))
    half = _st.t.ppf(0.5 + conf / 2, len(v) - 1) * sd / math.sqrt(len(v))
    pct = round(100 * conf)
    return Interval(
        mean, mean - half, mean + half, f"mean ± t {pct} % over {len(v)} seeds (sd {sd:.3g})"
    )


# --------------------------------------------------------------------------- paired comparisons
@validate_params(
    statistic=Function(),
    y_true=_LABELS,
    pred_a=Array(kind="any"),
    pred_b=Array(kind="any"),
    groups=(None, _LABELS),
    n_resamples=Integer(min=10),
    confidence=_CONFIDENCE,
    random_state=RandomState(),
)
def paired_difference(
    statistic: Callable[..., float],
    y_true: Sequence,
    pred_a: Sequence,
    pred_b: Sequence,
    *,
    groups: Sequence | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> Interval:
    """``statistic(y_true, pred_a) − statistic(y_true, pred_b)`` with a paired bootstrap interval.

    Both models are scored on the same test items, and each resample draws the same items (or
    whole ``groups``) for both, so the interval is that of the difference, not of two numbers
    compared by overlap. ``statistic`` is e.g. ``sklearn.metrics.accuracy_score`` or
    ``roc_auc_score``; a positive difference favours ``pred_a`` for a higher-is-better score.
    """
    y_true, pred_a, pred_b = (np.asarray(a) for a in (y_true, pred_a, pred_b))
    if not len(y_true) == len(pred_a) == len(pred_b):
        raise ValueError(
            f"paired_difference: y_true, pred_a and pred_b need one length, got "
            f"{len(y_true)}, {len(pred_a)}, {len(pred_b)}"
        )

    def difference(y, a, b):
        return statistic(y, a) - statistic(y, b)

    found = bootstrap_interval(
        difference,
        y_true,
        pred_a,
        pred_b,
        groups=groups,
        n_resamples=n_resamples,
        confidence=confidence,
        random_state=random_state,
    )
    return Interval(found.value, found.low, found.high, "paired " + found.method)


@dataclass(frozen=True)
class McNemar:
    """McNemar's exact test of two classifiers scored on the same items."""

    only_a: int  # items model A gets right and model B wrong
    only_b: int  # items model B gets right and model A wrong
    p_value: float  # two-sided exact binomial test of only_a against only_a + only_b, p = 1/2

    def as_evidence(self) -> dict[str, float]:
        """The three numbers, named, for :func:`dlies.course.claim`'s ``evidence``."""
        return {"A right, B wrong": self.only_a, "B right, A wrong": self.only_b,
                "McNemar exact p": self.p_value}  # fmt: skip


@validate_params(correct_a=Array(kind="bool", ndim=1), correct_b=Array(kind="bool", ndim=1))
def mcnemar_test(correct_a: Sequence, correct_b: Sequence) -> McNemar:
    """Compare two classifiers on the same test items from their per-item correctness.

    Only the discordant items count: under the null hypothesis that both err equally often,
    each discordant item is A's win with probability 1/2 (exact binomial test).
    """
    a, b = np.asarray(correct_a), np.asarray(correct_b)
    if a.shape != b.shape or a.ndim != 1 or a.dtype != bool or b.dtype != bool:
        raise ValueError(
            "mcnemar_test: correct_a and correct_b must be boolean 1-D arrays of one length, "
            f"got {a.dtype} {a.shape} and {b.dtype} {b.shape}"
        )
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    p = 1.0 if only_a + only_b == 0 else _st.binomtest(only_a, only_a + only_b, 0.5).pvalue
    return McNemar(only_a, only_b, float(p))
