r"""The Lorenz-63 system: vector field, RK4 integrator, trajectories, Lyapunov exponent.

Lorenz (1963, *J. Atmos. Sci.* 20, 130) reduced a model of convection in a fluid layer heated
from below to three ordinary differential equations,

.. math::

    \dot x = \sigma (y - x), \qquad
    \dot y = x (\rho - z) - y, \qquad
    \dot z = x y - \beta z,

with the classical parameters :math:`\sigma = 10`, :math:`\rho = 28`, :math:`\beta = 8/3`
(dimensionless time and amplitudes). For these the flow is chaotic: trajectories settle on the
butterfly-shaped strange attractor, and two nearby states separate on average as
:math:`e^{\lambda_1 t}` with the leading Lyapunov exponent :math:`\lambda_1 \approx 0.906`.
The flow contracts volumes at the constant rate :math:`\nabla\cdot f = -(\sigma + 1 + \beta)`.

Everything here is NumPy and vectorised over many states: a state array has shape
``(..., 3)`` holding ``(x, y, z)`` along its last axis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from dlies._validate import Array, Checked, Function, Integer, RandomState, validate_params
from dlies._validate import Real as RealNumber

#: Lorenz's parameters and the time step of Fablet et al. (2018).
__all__ = ["BETA", "DT", "LEADING_LYAPUNOV_EXPONENT", "LYAPUNOV_TIME", "RHO", "SIGMA"]
__all__ += ["Lorenz63Trajectory", "fixed_points", "flow_divergence", "integrate", "jacobian"]
__all__ += ["leading_lyapunov_exponent", "make_lorenz63", "rk4_step", "vector_field"]

SIGMA = 10.0
RHO = 28.0
BETA = 8.0 / 3.0
DT = 0.01
#: Leading Lyapunov exponent of the classical system (per time unit; Sprott 2003,
#: *Chaos and Time-Series Analysis*, table A.1: 0.9056).
LEADING_LYAPUNOV_EXPONENT = 0.9056
#: One Lyapunov time, 1 / λ₁ (time units): errors grow by a factor e over it on average.
LYAPUNOV_TIME = 1.0 / LEADING_LYAPUNOV_EXPONENT


def _states(state: ArrayLike, name: str = "state") -> np.ndarray:
    arr = np.asarray(state, dtype=float)
    if arr.ndim < 1 or arr.shape[-1] != 3:
        raise ValueError(f"{name} must have shape (..., 3) holding (x, y, z), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds non-finite values")
    return arr


_P = RealNumber(above=0)
_STATE = Checked(_states, "an array (..., 3) of finite states (x, y, z)")


def _field(s: np.ndarray, sigma: float, rho: float, beta: float) -> np.ndarray:
    x, y, z = s.T  # components first: one small array instead of np.stack (faster per step)
    return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z]).T


@validate_params(state=_STATE, sigma=_P, rho=_P, beta=_P)
def vector_field(
    state: ArrayLike, *, sigma: float = SIGMA, rho: float = RHO, beta: float = BETA
) -> np.ndarray:
    r"""The time derivative :math:`f(X) = (\sigma(y - x),\ x(\rho - z) - y,\ xy - \beta z)`.

    Parameters
    ----------
    state : array_like, shape (..., 3)
        States ``(x, y, z)`` (dimensionless).
    sigma, rho, beta : float, > 0
        Prandtl number, reduced Rayleigh number and aspect factor of Lorenz's model.

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        :math:`dX/dt` per time unit.
    """
    return _field(_states(state), float(sigma), float(rho), float(beta))


@validate_params(state=_STATE, sigma=_P, rho=_P, beta=_P)
def jacobian(
    state: ArrayLike, *, sigma: float = SIGMA, rho: float = RHO, beta: float = BETA
) -> np.ndarray:
    r"""The Jacobian :math:`\partial f_i / \partial X_j` of the vector field.

    .. math::

        J = \begin{pmatrix} -\sigma & \sigma & 0 \\ \rho - z & -1 & -x \\ y & x & -\beta
        \end{pmatrix}

    Its trace, the divergence of the flow, is :math:`-(\sigma + 1 + \beta)` everywhere.

    Returns
    -------
    numpy.ndarray, shape (..., 3, 3)
    """
    s = _states(state)
    sigma, rho, beta = float(sigma), float(rho), float(beta)
    x, y, z = s[..., 0], s[..., 1], s[..., 2]
    one = np.ones_like(x)
    rows = [
        [-sigma * one, sigma * one, 0.0 * one],
        [rho - z, -one, -x],
        [y, x, -beta * one],
    ]
    return np.stack([np.stack(r, axis=-1) for r in rows], axis=-2)


@validate_params(sigma=_P, beta=_P)
def flow_divergence(*, sigma: float = SIGMA, beta: float = BETA) -> float:
    r"""The divergence :math:`\nabla\cdot f = -(\sigma + 1 + \beta)` (per time unit).

    A volume of states shrinks as :math:`e^{-(\sigma + 1 + \beta) t}`: the attractor has zero
    volume.
    """
    return -(float(sigma) + 1.0 + float(beta))


@validate_params(sigma=_P, rho=_P, beta=_P)
def fixed_points(*, sigma: float = SIGMA, rho: float = RHO, beta: float = BETA) -> np.ndarray:
    r"""The equilibria: the origin and, for :math:`\rho > 1`, the two convection states.

    .. math:: C_\pm = \left(\pm\sqrt{\beta(\rho - 1)},\ \pm\sqrt{\beta(\rho - 1)},\ \rho - 1\right)

    Returns
    -------
    numpy.ndarray, shape (1, 3) for ρ ≤ 1, else (3, 3)
        The origin first, then :math:`C_+` and :math:`C_-`.
    """
    sigma, rho, beta = float(sigma), float(rho), float(beta)
    if rho <= 1.0:
        return np.zeros((1, 3))
    c = np.sqrt(beta * (rho - 1.0))
    return np.array([[0.0, 0.0, 0.0], [c, c, rho - 1.0], [-c, -c, rho - 1.0]])


@validate_params(state=_STATE, dt=_P, sigma=_P, rho=_P, beta=_P)
def rk4_step(
    state: ArrayLike,
    dt: float = DT,
    *,
    sigma: float = SIGMA,
    rho: float = RHO,
    beta: float = BETA,
) -> np.ndarray:
    r"""One classical fourth-order Runge-Kutta step of length ``dt``.

    .. math::

        k_1 = f(X),\ k_2 = f(X + \tfrac{dt}{2} k_1),\ k_3 = f(X + \tfrac{dt}{2} k_2),\
        k_4 = f(X + dt\, k_3), \qquad
        X(t + dt) \approx X + \tfrac{dt}{6}(k_1 + 2k_2 + 2k_3 + k_4)

    The local error is :math:`O(dt^5)`, the global error :math:`O(dt^4)`.
    """
    s = _states(state)
    dt = float(dt)
    p = (float(sigma), float(rho), float(beta))
    return _rk4(s, dt, p)


def _rk4(s: np.ndarray, dt: float, p: tuple[float, float, float]) -> np.ndarray:
    k1 = _field(s, *p)
    k2 = _field(s + 0.5 * dt * k1, *p)
    k3 = _field(s + 0.5 * dt * k2, *p)
    k4 = _field(s + dt * k3, *p)
    return s + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


@validate_params(state0=_STATE, n_steps=Integer(min=0), dt=_P, sigma=_P, rho=_P, beta=_P)
def integrate(
    state0: ArrayLike,
    n_steps: int,
    *,
    dt: float = DT,
    sigma: float = SIGMA,
    rho: float = RHO,
    beta: float = BETA,
) -> np.ndarray:
    """Integrate from ``state0`` with ``n_steps`` RK4 steps of ``dt``, all starts at once.

    Parameters
    ----------
    state0 : array_like, shape (..., 3)
        One or many initial states.
    n_steps : int, >= 0
    dt : float, default 0.01
        Time step (time units).
    sigma, rho, beta : float

    Returns
    -------
    numpy.ndarray, shape (..., n_steps + 1, 3)
        The trajectories, the initial states first; time ``k * dt`` at index ``k``.
    """
    s = _states(state0, "state0")
    n = int(n_steps)
    dt = float(dt)
    p = (float(sigma), float(rho), float(beta))
    out = np.empty((n + 1, *s.shape))
    out[0] = s
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n):
            out[k + 1] = _rk4(out[k], dt, p)
            if not np.all(np.isfinite(out[k + 1])):
                raise FloatingPointError(
                    f"integration blew up at step {k + 1} (dt={dt} too large?)"
                )
    return np.moveaxis(out, 0, -2)


def _noise_std(noise_std: ArrayLike) -> np.ndarray:
    try:
        noise = np.asarray(noise_std, dtype=float)
    except (TypeError, ValueError):
        noise = None
    if noise is None or noise.shape not in ((), (1,), (3,)):
        raise ValueError(f"noise_std must be one or three numbers, got {noise_std!r}")
    if not np.all(np.isfinite(noise)) or np.any(noise < 0):
        raise ValueError(f"noise_std must be finite and >= 0, got {noise_std!r}")
    return np.broadcast_to(noise, (3,)).copy()


@dataclass(frozen=True)
class Lorenz63Trajectory:
    """Trajectories on the attractor and their noisy observations (see :func:`make_lorenz63`).

    Attributes
    ----------
    time : ndarray, shape (n_samples,)
        Time of each sample from the end of the spin-up (time units).
    states : ndarray, shape (n_samples, 3) or (n_trajectories, n_samples, 3)
        The true states.
    observations : ndarray, same shape as ``states``
        ``states`` plus independent Gaussian noise of standard deviation ``noise_std``.
    noise_std : ndarray, shape (3,)
        Noise standard deviation of x, y and z.
    dt : float
    """

    time: np.ndarray
    states: np.ndarray
    observations: np.ndarray
    noise_std: np.ndarray
    dt: float


@validate_params(
    n_samples=Integer(min=1),
    n_trajectories=(None, Integer(min=1)),
    dt=_P,
    spin_up=RealNumber(min=0),
    noise_std=Checked(_noise_std, "a number or 3 numbers, finite and >= 0"),
    random_state=RandomState(),
    sigma=_P,
    rho=_P,
    beta=_P,
)
def make_lorenz63(
    n_samples: int,
    *,
    n_trajectories: int | None = None,
    dt: float = DT,
    spin_up: float = 20.0,
    noise_std: ArrayLike = 0.0,
    random_state: int | np.random.Generator | None = None,
    sigma: float = SIGMA,
    rho: float = RHO,
    beta: float = BETA,
) -> Lorenz63Trajectory:
    r"""Synthetic Lorenz-63 trajectories on the attractor, observed with Gaussian noise.

    Each trajectory starts from a random state
    :math:`X_0 \sim \mathcal N((0, 0, 25), \mathrm{diag}(8, 8, 8)^2)`, is integrated for
    ``spin_up`` time units (discarded) so that it lies on the attractor, then sampled every
    ``dt`` with RK4 (:func:`integrate`). Observations are
    :math:`Y_k = X(k\,dt) + \varepsilon_k`, :math:`\varepsilon_k \sim \mathcal N(0,
    \mathrm{diag}(\text{noise\_std})^2)`, independent in time and between components.

    Parameters
    ----------
    n_samples : int, >= 1
        States per trajectory.
    n_trajectories : int, optional
        Number of independent trajectories; ``None`` gives a single one without the
        leading axis.
    dt : float, default 0.01
    spin_up : float, default 20
        Time units integrated before the first sample, >= 0.
    noise_std : float or array_like of 3 floats, default 0
        Observation noise standard deviation, one for all components or one per component.
    random_state : int, Generator or None
    sigma, rho, beta : float

    Returns
    -------
    Lorenz63Trajectory
    """
    n = int(n_samples)
    m = 1 if n_trajectories is None else int(n_trajectories)
    dt = float(dt)
    noise = _noise_std(noise_std)
    p = {"sigma": float(sigma), "rho": float(rho), "beta": float(beta)}
    rng = np.random.default_rng(random_state)
    start = rng.normal([0.0, 0.0, 25.0], 8.0, size=(m, 3))
    start = integrate(start, int(round(spin_up / dt)), dt=dt, **p)[:, -1]
    states = integrate(start, n - 1, dt=dt, **p)
    observations = states + noise * rng.standard_normal(states.shape)
    if n_trajectories is None:
        states, observations = states[0], observations[0]
    return Lorenz63Trajectory(np.arange(n) * dt, states, observations, noise, dt)


@validate_params(
    advance=Function(),
    states=Array(shape=(None, 3)),
    interval=_P,
    n_intervals=Integer(min=1),
    separation=_P,
    n_discard=Integer(min=0),
    random_state=RandomState(),
)
def leading_lyapunov_exponent(
    advance: Callable[[np.ndarray], np.ndarray],
    states: ArrayLike,
    *,
    interval: float,
    n_intervals: int,
    separation: float = 1e-6,
    n_discard: int = 10,
    random_state: int | np.random.Generator | None = None,
) -> np.ndarray:
    r"""Leading Lyapunov exponent by the two-trajectory renormalisation method (Benettin).

    A companion starts at distance ``separation`` from each state. Both are advanced by
    ``interval``; the growth :math:`d_k / d_0` of their distance is logged and the companion
    is pulled back along the separation to distance :math:`d_0`. After a few intervals the
    separation points along the fastest-growing direction, and

    .. math:: \lambda_1 \approx \frac{1}{K\,\tau} \sum_{k=1}^{K} \ln \frac{d_k}{d_0}

    over the ``n_intervals - n_discard`` intervals :math:`\tau` kept.

    Parameters
    ----------
    advance : callable
        Maps states of shape ``(k, 3)`` to the states ``interval`` time units later; the
        model under study (true or learned), vectorised over the states. It is called once
        per interval on the ``2m`` states (the ``m`` trajectories, then their companions).
    states : array_like, shape (m, 3)
        Starting states, ideally on the attractor.
    interval : float
        Renormalisation interval τ (time units); short enough that the separation stays
        small (τ λ₁ of order 0.1).
    n_intervals : int
        Total number of intervals; the run lasts ``n_intervals * interval`` time units.
    separation : float, default 1e-6
        :math:`d_0`, in state units: small against the attractor (~10), large against
        round-off (use float64 models).
    n_discard : int, default 10
        First intervals left out while the separation aligns with the leading direction.
    random_state : int, Generator or None
        Draws the initial direction of each separation.

    Returns
    -------
    numpy.ndarray, shape (m,)
        One estimate of λ₁ (per time unit) for each starting state.
    """
    a = _states(states, "states")
    if a.ndim != 2:
        raise ValueError(f"states must have shape (m, 3), got {a.shape}")
    tau = float(interval)
    n = int(n_intervals)
    skip = int(n_discard)
    if skip >= n:
        raise ValueError(f"n_discard={skip} must be smaller than n_intervals={n}")
    d0 = float(separation)
    direction = np.random.default_rng(random_state).standard_normal(a.shape)
    b = a + d0 * direction / np.linalg.norm(direction, axis=1, keepdims=True)
    log_growth = np.zeros(len(a))
    m = len(a)
    for k in range(n):
        both = np.asarray(advance(np.concatenate([a, b])), dtype=float)  # one call per interval
        a, b = both[:m], both[m:]
        d = np.linalg.norm(b - a, axis=1)
        if not (np.all(np.isfinite(d)) and np.all(d > 0)):
            raise FloatingPointError(f"the two trajectories blew up or merged at interval {k}")
        if k >= skip:
            log_growth += np.log(d / d0)
        b = a + (b - a) * (d0 / d)[:, None]
    return log_growth / ((n - skip) * tau)
